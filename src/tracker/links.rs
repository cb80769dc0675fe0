//! The links stage. Code links: from each shown paper's own text, else from the Hugging Face
//! papers API (asked after arXiv, never at the same time; a few lookups in flight, a per-run
//! budget under its anonymous quota, 429 honoured). A paper is asked once; asked again at most
//! weekly while it is under 90 days old (repositories appear after publication). A failing
//! service never blocks or drops a paper: after a few failures in a row, or a 429 that asks for
//! a long wait, paperwatch stops asking for this run.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use jiff::{Timestamp, ToSpan};
use tracing::warn;

use super::run::{CodeLinks, Run};
use crate::config::{LinksSettings, Settings};
use crate::links::huggingface::{self, Answer, Extra};
use crate::links::text;
use crate::model::{ArxivId, Paper, StoredPaper};
use crate::output::Ui;
use crate::store::Store;

/// Hugging Face's cached answers: the repository (if any) and when it was asked.
pub(super) type Answers = HashMap<ArxivId, (Option<String>, Timestamp)>;

/// Consecutive failures after which Hugging Face is not asked again in this run.
pub(super) const MAX_CONSECUTIVE_FAILURES: usize = 3;

/// What the links step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct LinkSummary {
    /// Shown papers.
    pub papers: usize,
    /// Shown papers with a code link.
    pub with_link: usize,
    /// Links from the papers' own text.
    pub from_text: usize,
    /// Links from Hugging Face (now or cached).
    pub from_huggingface: usize,
    /// Hugging Face requests this run.
    pub asked: usize,
    /// Requests that failed this run.
    pub failed: usize,
    /// Whether asking stopped early.
    pub stopped: bool,
    /// Papers to ask about that the per-run budget left for the next run.
    pub deferred: usize,
}

fn shown_in_config<'a>(settings: &Settings, papers: &'a [StoredPaper]) -> Vec<&'a StoredPaper> {
    papers
        .iter()
        .filter(|p| {
            p.topics
                .iter()
                .any(|m| m.shown && settings.topics.iter().any(|t| t.name == m.name))
        })
        .collect()
}

/// The repository a paper names in its own text, when `[links] from_text` is on.
fn text_link(settings: &Settings, paper: &Paper) -> Option<String> {
    settings
        .links
        .from_text
        .then(|| text::find(&paper.summary, paper.comment.as_deref()))
        .flatten()
}

/// A paper's code link: from its text (when `[links] from_text`), else Hugging Face's answer.
pub fn code_link(settings: &Settings, paper: &Paper, answers: &Answers) -> Option<String> {
    text_link(settings, paper).or_else(|| answers.get(&paper.id).and_then(|a| a.0.clone()))
}

/// The code link of every paper of `papers` that has one.
pub fn code_map(settings: &Settings, papers: &[StoredPaper], answers: &Answers) -> CodeLinks {
    papers
        .iter()
        .filter_map(|p| Some((p.paper.id.clone(), code_link(settings, &p.paper, answers)?)))
        .collect()
}

/// Whether to ask Hugging Face about a paper now.
fn should_ask(
    answer: Option<&(Option<String>, Timestamp)>,
    published: Timestamp,
    now: Timestamp,
) -> bool {
    match answer {
        None => true,
        Some((Some(_), _)) => false,
        Some((None, asked)) => {
            let recent = published + 2160.hours() > now; // 90 days
            let week_ago = now - 168.hours();
            recent && *asked <= week_ago
        }
    }
}

/// The links stage: asks Hugging Face what it may (see [`refresh`]), then finds every corpus
/// paper's code link.
pub(super) fn links(run: &mut Run) -> anyhow::Result<()> {
    let mut answers = run.store.hf_answers()?;
    refresh(
        run.settings,
        run.store,
        &run.corpus.papers,
        &mut answers,
        run.now,
        run.ui,
    )?;
    run.code = code_map(run.settings, &run.corpus.papers, &answers);
    Ok(())
}

/// Asks Hugging Face about shown papers without a link in their text, as the policy allows:
/// at most `huggingface_budget` of them in this run (the rest wait for the next), with
/// `huggingface_concurrency` lookups in flight. `answers` gains what was asked (and the store
/// records it).
fn refresh(
    settings: &Settings,
    store: &Store,
    papers: &[StoredPaper],
    answers: &mut Answers,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<LinkSummary> {
    let shown = shown_in_config(settings, papers);
    let mut summary = LinkSummary {
        papers: shown.len(),
        ..LinkSummary::default()
    };
    let mut ask: Vec<&ArxivId> = Vec::new();
    for p in &shown {
        if text_link(settings, &p.paper).is_some() {
            summary.from_text += 1;
            summary.with_link += 1;
        } else if settings.links.huggingface
            && should_ask(answers.get(&p.paper.id), p.paper.published, now)
        {
            ask.push(&p.paper.id);
        }
    }
    summary.deferred = ask.len().saturating_sub(settings.links.huggingface_budget);
    ask.truncate(settings.links.huggingface_budget);
    // Each answer is stored as it comes: a run stopped halfway keeps what it was told.
    let stopped = lookups(&settings.links, &ask, |i, result| {
        let id = ask[i];
        summary.asked += 1;
        match result {
            Ok((answer, extra)) => {
                store.set_hf_extra(id, extra.summary.as_deref(), extra.upvotes)?;
                let repo = match answer {
                    Answer::Repo(url) => Some(url),
                    Answer::NoRepo => None,
                };
                store.set_hf_answer(id, repo.as_deref(), now)?;
                answers.insert(id.clone(), (repo, now));
            }
            Err(e) => {
                summary.failed += 1;
                warn!("code link for {id}: {e}");
            }
        }
        Ok(())
    })?;
    if let Some(why) = stopped {
        summary.stopped = true;
        warn!("{why}; not asking again in this run");
    }
    for p in &shown {
        let from_hf = text_link(settings, &p.paper).is_none()
            && answers.get(&p.paper.id).is_some_and(|a| a.0.is_some());
        if from_hf {
            summary.from_huggingface += 1;
            summary.with_link += 1;
        }
    }
    ui.say(&format!(
        "code links: {} of {} shown papers ({} from their text, {} from Hugging Face); asked Hugging Face about {} papers ({} failed{}){}",
        summary.with_link,
        summary.papers,
        summary.from_text,
        summary.from_huggingface,
        summary.asked,
        summary.failed,
        if summary.stopped { ", stopped asking" } else { "" },
        if summary.deferred > 0 {
            format!("; {} left for the next run", summary.deferred)
        } else {
            String::new()
        }
    ));
    Ok(summary)
}

/// The longest `Retry-After` a lookup waits for; a longer one stops asking for the run.
pub(super) const MAX_RETRY_AFTER: Duration = Duration::from_secs(10);

/// One lookup's result.
type Lookup = Result<(Answer, Extra), huggingface::Error>;

/// What the lookup workers share: failures in a row, why they stopped, and until when a 429
/// asked everyone to wait.
#[derive(Default)]
struct Shared {
    failures_in_a_row: usize,
    stopped: Option<String>,
    resume_at: Option<Instant>,
}

/// Asks about `ids` with `huggingface_concurrency` workers, each pacing its own requests by
/// `huggingface_delay_seconds`. A 429 makes every worker wait its `Retry-After` (up to
/// [`MAX_RETRY_AFTER`]) and the paper is asked once more; a longer or missing `Retry-After`, a
/// second 429, or [`MAX_CONSECUTIVE_FAILURES`] failures in a row stop the asking: lookups in
/// flight finish, none start. Each result goes to `answered` (by its index in `ids`) on the
/// caller's thread as it arrives. Returns why the asking stopped early, if it did.
fn lookups(
    links: &LinksSettings,
    ids: &[&ArxivId],
    mut answered: impl FnMut(usize, Lookup) -> anyhow::Result<()>,
) -> anyhow::Result<Option<String>> {
    let next = AtomicUsize::new(0);
    let shared = Mutex::new(Shared::default());
    let (sender, receiver) = mpsc::channel();
    let handled = std::thread::scope(|scope| {
        for _ in 0..links.huggingface_concurrency.min(ids.len()) {
            let sender = sender.clone();
            let (next, shared) = (&next, &shared);
            scope.spawn(move || {
                let mut client = huggingface::Client::new(
                    &links.huggingface_url,
                    links.timeout_seconds,
                    links.huggingface_delay_seconds,
                );
                loop {
                    let resume_at = {
                        let s = shared.lock().expect("lookup state");
                        if s.stopped.is_some() {
                            break;
                        }
                        s.resume_at
                    };
                    if let Some(wait) =
                        resume_at.and_then(|t| t.checked_duration_since(Instant::now()))
                    {
                        std::thread::sleep(wait);
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(id) = ids.get(i) else { break };
                    let result = ask_once_more_after_429(&mut client, id, shared);
                    note(shared, &result);
                    if sender.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        // Answers are handled here, on the caller's thread, as they arrive; a failure to
        // handle one stops the workers (lookups in flight finish, none start).
        for (i, result) in receiver {
            if let Err(e) = answered(i, result) {
                shared
                    .lock()
                    .expect("lookup state")
                    .stopped
                    .get_or_insert_with(|| "storing an answer failed".into());
                return Err(e);
            }
        }
        Ok(())
    });
    handled?;
    Ok(shared.into_inner().expect("lookup state").stopped)
}

/// Asks about one paper; after a 429 with a short `Retry-After`, waits it out (and makes the
/// other workers wait too) and asks once more.
fn ask_once_more_after_429(
    client: &mut huggingface::Client,
    id: &ArxivId,
    shared: &Mutex<Shared>,
) -> Lookup {
    let result = client.paper_with_extra(id);
    let Err(huggingface::Error::RateLimited(Some(wait))) = result else {
        return result;
    };
    if wait > MAX_RETRY_AFTER {
        return result;
    }
    let until = Instant::now() + wait;
    {
        let mut s = shared.lock().expect("lookup state");
        s.resume_at = Some(s.resume_at.map_or(until, |t| t.max(until)));
    }
    std::thread::sleep(wait);
    client.paper_with_extra(id)
}

/// Counts a lookup's outcome, and decides whether to stop asking.
fn note(shared: &Mutex<Shared>, result: &Lookup) {
    let mut s = shared.lock().expect("lookup state");
    match result {
        Ok(_) => s.failures_in_a_row = 0,
        Err(huggingface::Error::RateLimited(_)) => {
            s.stopped
                .get_or_insert_with(|| "Hugging Face asked to slow down (HTTP 429)".to_string());
        }
        Err(_) => {
            s.failures_in_a_row += 1;
            if s.failures_in_a_row >= MAX_CONSECUTIVE_FAILURES {
                let n = s.failures_in_a_row;
                s.stopped
                    .get_or_insert_with(|| format!("Hugging Face failed {n} times in a row"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_policy() {
        let now: Timestamp = "2026-02-07T12:00:00Z".parse().unwrap();
        let recent: Timestamp = "2026-01-20T00:00:00Z".parse().unwrap();
        let old: Timestamp = "2025-01-20T00:00:00Z".parse().unwrap();
        let yesterday = now - 24.hours();
        let last_month = now - 720.hours();
        assert!(should_ask(None, old, now), "never asked");
        assert!(
            !should_ask(Some(&(Some("u".into()), last_month)), recent, now),
            "found is final"
        );
        assert!(
            !should_ask(Some(&(None, yesterday)), recent, now),
            "at most weekly"
        );
        assert!(
            should_ask(Some(&(None, last_month)), recent, now),
            "recent: ask again"
        );
        assert!(
            !should_ask(Some(&(None, last_month)), old, now),
            "old: asked once"
        );
    }
}
