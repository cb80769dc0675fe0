//! The links stage. Code links: from each shown paper's own text, else from the Hugging Face
//! papers API (asked after arXiv, never at the same time). A paper is asked once; asked again at most weekly while
//! it is under 90 days old (repositories appear after publication). A failing service never
//! blocks or drops a paper: after a few failures in a row paperwatch stops asking for this run.

use std::collections::HashMap;

use jiff::{Timestamp, ToSpan};
use tracing::warn;

use super::CodeLinks;
use crate::config::Settings;
use crate::links::huggingface::{self, Answer};
use crate::links::text;
use crate::model::{ArxivId, Paper, StoredPaper};
use crate::output::Ui;
use crate::store::Store;

/// Hugging Face's cached answers: the repository (if any) and when it was asked.
pub type Answers = HashMap<ArxivId, (Option<String>, Timestamp)>;

/// Consecutive failures after which Hugging Face is not asked again in this run.
pub const MAX_CONSECUTIVE_FAILURES: usize = 3;

/// What the links step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkSummary {
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

/// Asks Hugging Face about shown papers without a link in their text, as the policy allows.
/// `answers` gains what was asked (and the store records it).
pub fn refresh(
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
    let mut client = settings.links.huggingface.then(|| {
        huggingface::Client::new(
            &settings.links.huggingface_url,
            settings.links.timeout,
            settings.links.huggingface_delay,
        )
    });
    let mut failures_in_a_row = 0;
    for p in &shown {
        let text = text_link(settings, &p.paper);
        if text.is_some() {
            summary.from_text += 1;
            summary.with_link += 1;
            continue;
        }
        if let Some(hf) = client.as_mut()
            && !summary.stopped
            && should_ask(answers.get(&p.paper.id), p.paper.published, now)
        {
            summary.asked += 1;
            match hf.paper_with_extra(&p.paper.id) {
                Ok((answer, extra)) => {
                    failures_in_a_row = 0;
                    store.set_hf_extra(&p.paper.id, extra.summary.as_deref(), extra.upvotes)?;
                    let repo = match answer {
                        Answer::Repo(url) => Some(url),
                        Answer::NoRepo => None,
                    };
                    store.set_hf_answer(&p.paper.id, repo.as_deref(), now)?;
                    answers.insert(p.paper.id.clone(), (repo, now));
                }
                Err(e) => {
                    summary.failed += 1;
                    failures_in_a_row += 1;
                    warn!("code link for {}: {e}", p.paper.id);
                    if failures_in_a_row >= MAX_CONSECUTIVE_FAILURES {
                        summary.stopped = true;
                        warn!(
                            "Hugging Face failed {failures_in_a_row} times in a row; not asking again in this run"
                        );
                    }
                }
            }
        }
        if answers.get(&p.paper.id).is_some_and(|a| a.0.is_some()) {
            summary.from_huggingface += 1;
            summary.with_link += 1;
        }
    }
    ui.say(&format!(
        "code links: {} of {} shown papers ({} from their text, {} from Hugging Face); asked Hugging Face about {} papers ({} failed{})",
        summary.with_link,
        summary.papers,
        summary.from_text,
        summary.from_huggingface,
        summary.asked,
        summary.failed,
        if summary.stopped { ", stopped asking" } else { "" }
    ));
    Ok(summary)
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
