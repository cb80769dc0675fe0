//! The notify stage, after publishing: each `[[notify]]` destination's newly shown papers are
//! queued, and its queue delivered as digests ([`crate::notify`]). A paper is marked sent only
//! once the message carrying it was accepted, so a failed delivery stays queued for the next
//! run and a delivered one is never sent again. A process killed between the service's
//! acceptance and the record may send that message twice on the next run; it never loses it.
//!
//! A destination seen for the first time starts from now: the papers already stored are history
//! and are not sent, except the best `backfill` of them.

use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;

use super::run::{CodeLinks, Run};
use crate::config::{Notify, Schedule, Settings};
use crate::model::{ArxivId, Corpus, PaperVersion, StoredPaper};
use crate::notify::{Item, Message, render, send, short_summary};
use crate::store::{Queued, Store};
use crate::summarize;
use crate::text::{abs_url, pdf_url};

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

/// The deliver stage: queue each destination's new papers and deliver its queue (only
/// `options.to`'s, when given; with `dry_run`, print instead of sending). Queuing is what the
/// next run would do anyway; only sending waits for a real run.
pub(super) fn notify(run: &mut Run, options: &Options) -> anyhow::Result<Vec<Report>> {
    let settings = run.settings;
    if settings.notify.is_empty() {
        return Ok(Vec::new());
    }
    let started = std::time::Instant::now();
    enqueue(run)?;
    let summarizer = settings
        .summarize
        .enabled
        .then(|| summarize::Client::new(&settings.summarize, options.env));
    let reports = deliver(run, options, summarizer.as_ref())?;
    tracing::info!(
        "notify took {:.3} s for {} destinations ({} papers sent)",
        started.elapsed().as_secs_f64(),
        reports.len(),
        reports.iter().map(|r| r.sent).sum::<usize>()
    );
    Ok(reports)
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
    /// With `dry_run`: each message as it would be sent.
    pub previews: Vec<String>,
}

/// A paper shown to a destination: in which of its topics, with its best score there.
struct Shown<'c> {
    paper: &'c StoredPaper,
    topics: Vec<String>,
    best: Option<f64>,
}

impl Shown<'_> {
    /// The paper at its stored version.
    fn version(&self) -> PaperVersion {
        PaperVersion {
            id: self.paper.paper.id.clone(),
            version: self.paper.paper.version,
        }
    }
}

/// Papers shown to `dest`.
fn shown_to<'c>(settings: &Settings, dest: &Notify, corpus: &'c Corpus) -> Vec<Shown<'c>> {
    let order: Vec<&str> = if dest.topics.is_empty() {
        settings.topics.iter().map(|t| t.name.as_str()).collect()
    } else {
        dest.topics.iter().map(String::as_str).collect()
    };
    let mut out = Vec::new();
    for p in &corpus.papers {
        let mut topics = Vec::new();
        let mut best: Option<f64> = None;
        for name in &order {
            let Some(m) = p.topics.iter().find(|m| m.name == *name && m.shown) else {
                continue;
            };
            if let (Some(min), Some(score)) = (dest.min_score, m.score)
                && score < min
            {
                continue;
            }
            topics.push((*name).to_string());
            best = match (best, m.score) {
                (Some(b), Some(s)) => Some(b.max(s)),
                (b, s) => b.or(s),
            };
        }
        if !topics.is_empty() {
            out.push(Shown {
                paper: p,
                topics,
                best,
            });
        }
    }
    out
}

/// Queues what each destination has not seen; registers new destinations.
fn enqueue(run: &mut Run) -> anyhow::Result<()> {
    let (settings, store, now) = (run.settings, &mut *run.store, run.now);
    for dest in &settings.notify {
        let shown = shown_to(settings, dest, &run.corpus);
        let ids: Vec<PaperVersion> = shown.iter().map(Shown::version).collect();
        if store.destination(&dest.name)?.is_none() {
            let mut ranked: Vec<&Shown> = shown.iter().collect();
            ranked.sort_by(|a, b| {
                b.best
                    .unwrap_or(0.0)
                    .total_cmp(&a.best.unwrap_or(0.0))
                    .then(b.paper.paper.id.cmp(&a.paper.paper.id))
            });
            let backfill: Vec<PaperVersion> = ranked
                .iter()
                .take(dest.backfill)
                .map(|s| s.version())
                .collect();
            let history: Vec<PaperVersion> = ids
                .iter()
                .filter(|i| !backfill.contains(i))
                .cloned()
                .collect();
            store.add_destination(&dest.name, &history, &backfill, now)?;
        } else {
            store.enqueue(&dest.name, &ids, dest.revisions, now)?;
        }
    }
    Ok(())
}

/// Whether `dest`'s schedule lets it be sent something now.
fn due(dest: &Notify, last_sent: Option<&str>, now: Timestamp) -> bool {
    let every = match dest.schedule {
        Schedule::Run => return true,
        Schedule::Daily => Duration::from_secs(20 * 3600),
        Schedule::Weekly => Duration::from_secs(6 * 24 * 3600 + 20 * 3600),
    };
    let Some(last) = last_sent.and_then(|t| t.parse::<Timestamp>().ok()) else {
        return true;
    };
    now.duration_since(last).as_secs_f64() >= every.as_secs_f64()
}

/// The digest items of a destination's queue, grouped by its first topic, best first.
fn items(
    settings: &Settings,
    dest: &Notify,
    corpus: &Corpus,
    code: &CodeLinks,
    queue: &[Queued],
    summaries: &HashMap<ArxivId, String>,
) -> Vec<Item> {
    let shown: HashMap<&ArxivId, Shown> = shown_to(settings, dest, corpus)
        .into_iter()
        .map(|s| (&s.paper.paper.id, s))
        .collect();
    let order: Vec<&str> = settings.topics.iter().map(|t| t.name.as_str()).collect();
    let mut items: Vec<Item> = queue
        .iter()
        .filter_map(|q| {
            let Shown {
                paper,
                topics,
                best: score,
            } = shown.get(&q.id)?;
            let paper = &paper.paper;
            let why = match score {
                Some(s) => format!("shown in {} with score {s:.2}", topics.join(", ")),
                None => format!("pinned in {}", topics.join(", ")),
            };
            Some(Item {
                id: paper.id.clone(),
                version: q.version,
                title: paper.title.clone(),
                authors: paper.authors.clone(),
                date: paper.published.strftime("%Y-%m-%d").to_string(),
                topics: topics.clone(),
                score: *score,
                url: abs_url(&paper.id),
                pdf: pdf_url(format_args!("{}v{}", paper.id, q.version)),
                code: code.get(&paper.id).cloned(),
                summary: summaries
                    .get(&paper.id)
                    .cloned()
                    .unwrap_or_else(|| short_summary(&paper.summary, 320)),
                why,
                revision: q.revision,
            })
        })
        .collect();
    let rank = |i: &Item| {
        order
            .iter()
            .position(|t| i.topics.first().is_some_and(|f| f == t))
            .unwrap_or(usize::MAX)
    };
    items.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)))
            .then(b.id.cmp(&a.id))
    });
    items
}

/// What is left of a run's summaries.
struct Budget {
    left: usize,
    failed: bool,
}

/// The summaries of the queued papers: cached ones, and (within the run's budget) new ones from
/// the endpoint, cached. A failing endpoint is a warning, once a run: the papers
/// go out with the abstract's first sentences.
fn summaries(
    store: &Store,
    corpus: &Corpus,
    queue: &[Queued],
    client: Option<&summarize::Client>,
    budget: &mut Budget,
    now: Timestamp,
) -> anyhow::Result<HashMap<ArxivId, String>> {
    // Hugging Face's summary where the code-link lookup got one; the model's, when asked,
    // replaces it.
    let mut out = HashMap::new();
    for q in queue {
        if let Some(text) = store.hf_summary(&q.id)? {
            out.insert(q.id.clone(), text);
        }
    }
    let Some(client) = client else {
        return Ok(out);
    };
    let (model, language) = client.key();
    for q in queue {
        if let Some(text) = store.summary(&q.id, model, language)? {
            out.insert(q.id.clone(), text);
            continue;
        }
        if budget.failed || budget.left == 0 {
            continue;
        }
        let Ok(i) = corpus.papers.binary_search_by(|p| p.paper.id.cmp(&q.id)) else {
            continue;
        };
        budget.left -= 1;
        match client.summarize(&corpus.papers[i].paper) {
            Ok(text) => {
                store.set_summary(&q.id, model, language, &text, now)?;
                out.insert(q.id.clone(), text);
            }
            Err(e) if e.paper_only => {
                tracing::warn!("{e}; it goes out with its abstract's first sentences");
            }
            Err(e) => {
                tracing::warn!("{e}; papers go out with their abstract's first sentences this run");
                budget.failed = true;
            }
        }
    }
    Ok(out)
}

/// Delivers each destination's queue (or prints it, with `dry_run`).
fn deliver(
    run: &mut Run,
    options: &Options,
    summarizer: Option<&summarize::Client>,
) -> anyhow::Result<Vec<Report>> {
    let (settings, store, now, ui) = (run.settings, &mut *run.store, run.now, run.ui);
    let (corpus, code) = (&run.corpus, &run.code);
    let mut reports = Vec::new();
    // A dry run asks the endpoint nothing: it shows the cached summaries only.
    let mut budget = Budget {
        left: if options.dry_run {
            0
        } else {
            settings.summarize.max_per_run
        },
        failed: false,
    };
    for dest in &settings.notify {
        if options.to.is_some_and(|to| to != dest.name) {
            continue;
        }
        let mut report = Report {
            destination: dest.name.clone(),
            ..Report::default()
        };
        let last = store.destination(&dest.name)?.and_then(|d| d.last_sent_at);
        let queue = store.queue(&dest.name)?;
        let summaries = summaries(store, corpus, &queue, summarizer, &mut budget, now)?;
        let items = items(settings, dest, corpus, code, &queue, &summaries);
        if items.is_empty() || !(options.dry_run || due(dest, last.as_deref(), now)) {
            report.waiting = queue.len();
            reports.push(report);
            continue;
        }
        send_all(
            dest,
            &render::messages(dest, &items),
            store,
            options,
            now,
            &mut report,
        )?;
        report.waiting = store.queue(&dest.name)?.len();
        match &report.error {
            Some(e) => ui.say(&format!(
                "notify {e}; {} papers stay queued for the next run",
                report.waiting
            )),
            None if !options.dry_run => ui.say(&format!(
                "notify {}: sent {} papers in {} message{}",
                dest.name,
                report.sent,
                report.messages,
                if report.messages == 1 { "" } else { "s" }
            )),
            None => {}
        }
        reports.push(report);
    }
    Ok(reports)
}

/// Sends (or, dry, prints) a destination's messages in order, marking each one's papers sent
/// as soon as it is accepted; stops at the first failure.
fn send_all(
    dest: &Notify,
    messages: &[Message],
    store: &mut Store,
    options: &Options,
    now: Timestamp,
    report: &mut Report,
) -> anyhow::Result<()> {
    for message in messages {
        if options.dry_run {
            report.previews.push(format!(
                "--- {} ({}), {} papers, {} bytes\n{}\n",
                dest.name,
                dest.kind.name(),
                message.papers.len(),
                message.body.size(),
                message.body.preview()
            ));
            report.messages += 1;
            continue;
        }
        match send::deliver(dest, message, options.env, options.sleep) {
            Ok(()) => {
                store.mark_sent(&dest.name, &message.papers, now)?;
                report.sent += message.papers.len();
                report.messages += 1;
            }
            Err(e) => {
                report.error = Some(e.to_string());
                break;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_wait_their_turn() {
        let mut dest = Notify {
            name: "d".into(),
            kind: crate::config::NotifyKind::Webhook,
            url_env: "U".into(),
            secret_env: None,
            from: None,
            to: vec![],
            chat_id: None,
            topics: vec![],
            min_score: None,
            max_papers: 20,
            schedule: Schedule::Run,
            revisions: false,
            backfill: 0,
        };
        let now: Timestamp = "2026-02-07T12:00:00Z".parse().unwrap();
        assert!(due(&dest, Some("2026-02-07T11:59:00Z"), now));
        dest.schedule = Schedule::Daily;
        assert!(!due(&dest, Some("2026-02-07T00:00:00Z"), now));
        assert!(due(&dest, Some("2026-02-06T12:00:00Z"), now));
        assert!(due(&dest, None, now), "never sent: due");
        dest.schedule = Schedule::Weekly;
        assert!(!due(&dest, Some("2026-02-03T12:00:00Z"), now));
        assert!(due(&dest, Some("2026-01-31T12:00:00Z"), now));
    }
}
