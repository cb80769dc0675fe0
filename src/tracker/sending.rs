//! Sending one destination's digest (the deliver stage's last step): its messages in order,
//! each one's papers marked sent as soon as the service accepts it; a message refused for its
//! content split in two, down to one paper, then that paper sent plain; a paper refused even so
//! set aside (`failed`) once something else reached the destination in the run; and the run
//! line that says so.

use jiff::Timestamp;

use crate::config::Notify;
use crate::model::PaperVersion;
use crate::notify::{Item, Message, render, send};
use crate::store::Store;

/// How a delivery is run.
pub(super) struct Options<'a> {
    /// Print each message instead of sending it (nothing is marked sent).
    pub dry_run: bool,
    /// Only this destination.
    pub to: Option<&'a str>,
    /// Where the secrets come from.
    pub env: send::Env<'a>,
    /// How to wait for `Retry-After`.
    pub sleep: send::Sleep<'a>,
}

impl Options<'static> {
    /// Send for real, to every destination, with the process's environment and clock.
    pub(super) fn real() -> Self {
        Options {
            dry_run: false,
            to: None,
            env: &process_env,
            sleep: &std::thread::sleep,
        }
    }
}

/// A variable of the process's environment.
fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// What happened at one destination.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The destination.
    pub destination: String,
    /// Papers delivered this run.
    pub sent: usize,
    /// Messages delivered (or printed, with `--dry-run`).
    pub messages: usize,
    /// Papers still waiting after this run.
    pub waiting: usize,
    /// Why delivery failed, if it did (no URL or secret in it).
    pub error: Option<String>,
    /// Papers set aside this run: refused even alone and plain ("2501.00001v1: what the
    /// service said").
    pub failed: Vec<String>,
    /// With `dry_run`: each message as it would be sent.
    pub previews: Vec<String>,
}

/// The run line of a destination's delivery.
pub(super) fn say(ui: crate::output::Ui, report: &Report, dry_run: bool) {
    let aside = match report.failed.len() {
        0 => String::new(),
        n => format!(
            "; {n} paper{} set aside, refused even alone ({})",
            if n == 1 { "" } else { "s" },
            report.failed.join("; ")
        ),
    };
    match &report.error {
        Some(e) => ui.say(&format!(
            "notify {e}; {} papers stay queued for the next run{aside}",
            report.waiting
        )),
        None if !dry_run => ui.say(&format!(
            "notify {}: sent {} papers in {} message{}{aside}",
            report.destination,
            report.sent,
            report.messages,
            if report.messages == 1 { "" } else { "s" }
        )),
        None => {}
    }
}

/// One destination's delivery under way.
pub(super) struct Sending<'a, 'o> {
    pub(super) dest: &'a Notify,
    pub(super) store: &'a mut Store,
    pub(super) options: &'a Options<'o>,
    pub(super) now: Timestamp,
    pub(super) report: &'a mut Report,
    /// What arXiv's listing said this run, closing the digest.
    pub(super) note: Option<&'a str>,
    /// Papers refused even alone and plain, with what the service said.
    pub(super) refused: Vec<(Item, String)>,
}

impl Sending<'_, '_> {
    /// Sends (or, dry, prints) the digest of `items` in order, marking each message's papers
    /// sent as soon as it is accepted. A paper refused even alone and plain is set aside once
    /// something else reached the destination this run; when nothing did, the refusal is
    /// likelier the destination's than the paper's, and every paper stays queued.
    pub(super) fn all(&mut self, items: &[Item]) -> anyhow::Result<()> {
        if self.options.dry_run {
            for message in render::messages(self.dest, items, self.note) {
                self.report.previews.push(format!(
                    "--- {} ({}), {} papers, {} bytes\n{}\n",
                    self.dest.name,
                    self.dest.kind.name(),
                    message.papers.len() + message.published.len(),
                    message.body.size(),
                    message.body.preview()
                ));
                self.report.messages += 1;
            }
            return Ok(());
        }
        self.items(items, self.note)?;
        let refused = std::mem::take(&mut self.refused);
        if self.report.messages == 0 {
            if let (None, Some((_, answer))) = (&self.report.error, refused.first()) {
                self.report.error = Some(format!("{}: {answer}", self.dest.name));
            }
            return Ok(());
        }
        for (item, answer) in refused {
            match item.published {
                Some(_) => self.store.drop_publication(&self.dest.name, &item.id)?,
                None => {
                    let paper = PaperVersion {
                        id: item.id.clone(),
                        version: item.version,
                    };
                    self.store
                        .mark_failed(&self.dest.name, &paper, &answer, self.now)?;
                }
            }
            tracing::warn!(
                "notify {}: {}v{} set aside: {answer}",
                self.dest.name,
                item.id,
                item.version
            );
            self.report
                .failed
                .push(format!("{}v{}: {answer}", item.id, item.version));
        }
        Ok(())
    }

    /// Sends `items` as their messages (the last closed by `note`); `false` once nothing more
    /// can go to the destination.
    fn items(&mut self, items: &[Item], note: Option<&str>) -> anyhow::Result<bool> {
        for message in render::messages(self.dest, items, note) {
            if !self.message(&message, items, false)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Sends one message of `items`; a content refusal splits it in two (down to one paper,
    /// then that paper `plain`).
    fn message(&mut self, message: &Message, items: &[Item], plain: bool) -> anyhow::Result<bool> {
        let e = match send::deliver(self.dest, message, self.options.env, self.options.sleep) {
            Ok(()) => {
                self.store.mark_sent(
                    &self.dest.name,
                    &message.papers,
                    &message.published,
                    self.now,
                )?;
                self.report.sent += message.papers.len() + message.published.len();
                self.report.messages += 1;
                return Ok(true);
            }
            Err(e) if !e.content => {
                self.report.error = Some(e.to_string());
                return Ok(false);
            }
            Err(e) => e,
        };
        let carried: Vec<Item> = items
            .iter()
            .filter(|i| match i.published {
                Some(_) => message.published.contains(&i.id),
                None => message
                    .papers
                    .iter()
                    .any(|p| p.id == i.id && p.version == i.version),
            })
            .cloned()
            .collect();
        tracing::info!(
            "notify {}: a message of {} papers refused ({}); splitting it",
            self.dest.name,
            carried.len(),
            e.message
        );
        match carried.as_slice() {
            [] => Ok(true),
            [one] if !plain => self.message(&render::plain(self.dest, one), &carried, true),
            [one] => {
                self.refused.push((one.clone(), e.message));
                Ok(true)
            }
            more => {
                let (a, b) = more.split_at(more.len() / 2);
                Ok(self.items(a, None)? && self.items(b, None)?)
            }
        }
    }
}
