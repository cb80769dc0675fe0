//! The fetch stage: ask arXiv for each topic and store what comes back, then decide the topics'
//! papers and record the run.
//!
//! Per topic: search pages newest-first, advancing `start` by the entries actually received and
//! stopping at the first page with nothing new; then pinned ids not yet stored, by `id_list` in
//! batches. A topic's papers are written in one transaction only when all its requests
//! succeeded: a half-fetched topic would otherwise look "known" to the early stop next time,
//! and its older pages would never be fetched. A failed topic keeps what it had; the others go on.

use std::collections::HashSet;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use tracing::{info, warn};

use super::{Corpus, decide};
use crate::arxiv::{self, Client, ClientConfig};
use crate::config::{Settings, Topic};
use crate::model::{ArxivId, Paper};
use crate::output::{Ui, UsageError};
use crate::store::{self, Store, TopicOutcome};

/// arXiv never serves more than this many results of one query.
const ARXIV_MAX_OFFSET: usize = 30_000;

/// The client the settings describe.
pub fn client(settings: &Settings) -> Client {
    Client::new(client_config(settings))
}

/// The `[arxiv]` settings as a client's configuration.
pub fn client_config(settings: &Settings) -> ClientConfig {
    let a = &settings.arxiv;
    ClientConfig {
        api_url: a.api_url.clone(),
        delay: a.delay,
        retries: a.retries,
        timeout: a.timeout,
        user_agent: crate::model::user_agent(),
    }
}

/// The topics `names` selects (all when empty); an unknown name is a usage error.
pub fn select_topics<'a>(
    settings: &'a Settings,
    names: &[String],
) -> Result<Vec<&'a Topic>, UsageError> {
    if names.is_empty() {
        return Ok(settings.topics.iter().collect());
    }
    for name in names {
        if !settings.topics.iter().any(|t| &t.name == name) {
            let known: Vec<&str> = settings.topics.iter().map(|t| t.name.as_str()).collect();
            return Err(UsageError(format!(
                "no topic named {name:?} in {} (topics: {})",
                settings.source,
                known.join(", ")
            )));
        }
    }
    Ok(settings
        .topics
        .iter()
        .filter(|t| names.contains(&t.name))
        .collect())
}

/// Fetches `topics` in order with one shared client (so the pause holds across topics),
/// storing each topic's papers, then decides every topic's papers and records the run.
/// Returns one outcome per topic and the decided corpus.
#[allow(clippy::too_many_arguments)]
pub fn fetch_and_decide(
    settings: &Settings,
    store: &mut Store,
    client: &mut Client,
    topics: &[&Topic],
    refresh: bool,
    now: Timestamp,
    ui: Ui,
    command: &str,
) -> anyhow::Result<(Vec<TopicOutcome>, Corpus)> {
    let run = store.start_run(command, now)?;
    let mut outcomes = Vec::with_capacity(topics.len());
    for topic in topics {
        let requests_before = client.requests();
        let bar = progress_bar(ui, topic);
        let result = fetch_topic(settings, store, client, topic, refresh, &bar);
        bar.finish_and_clear();
        let requests = client.requests() - requests_before;
        let outcome = match result {
            Ok(fetched) => {
                let write = store
                    .save_topic(&topic.name, &fetched.papers, &fetched.existing, now)
                    .with_context(|| format!("cannot store the papers of topic {}", topic.name))?;
                store.save_papers(&fetched.exemplars, now)?;
                TopicOutcome {
                    topic: topic.name.clone(),
                    error: None,
                    new: write.new,
                    revised: write.revised,
                    total: store.topic_size(&topic.name)?,
                    requests,
                }
            }
            Err(TopicError::Store(e)) => {
                return Err(e).with_context(|| format!("database error in topic {}", topic.name));
            }
            Err(TopicError::Arxiv(e)) => TopicOutcome {
                topic: topic.name.clone(),
                error: Some(e.to_string()),
                new: 0,
                revised: 0,
                total: store.topic_size(&topic.name)?,
                requests,
            },
        };
        store.record_topic(run, &outcome)?;
        outcomes.push(outcome);
    }
    let mut corpus = Corpus::load(store)?;
    let counts = decide::decide_all(settings, store, &mut corpus)?;
    for (outcome, topic) in outcomes.iter().zip(topics) {
        let index = settings.topics.iter().position(|t| t.name == topic.name);
        let shown = index.map(|i| counts[i].0);
        ui.say(&summary(outcome, shown));
    }
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    let verdict = match failed {
        0 => "ok",
        n if n == outcomes.len() => "failed",
        _ => "partial",
    };
    store.finish_run(run, now, verdict)?;
    if failed > 0 {
        let names: Vec<&str> = outcomes
            .iter()
            .filter(|o| o.error.is_some())
            .map(|o| o.topic.as_str())
            .collect();
        warn!(
            "{failed} of {} topics failed ({}); their stored papers are kept",
            outcomes.len(),
            names.join(", ")
        );
    }
    Ok((outcomes, corpus))
}

/// The one-line summary printed for each topic.
pub fn summary(o: &TopicOutcome, shown: Option<usize>) -> String {
    let shown = shown.map_or(String::new(), |s| format!(", {s} shown"));
    let requests = format!(
        "{} request{}",
        o.requests,
        if o.requests == 1 { "" } else { "s" }
    );
    match &o.error {
        None => format!(
            "{}: {} new, {} revised, {} total{shown} ({requests})",
            o.topic, o.new, o.revised, o.total
        ),
        Some(e) => format!(
            "{}: FAILED: {e}; kept {} stored papers{shown} ({requests})",
            o.topic, o.total
        ),
    }
}

enum TopicError {
    Arxiv(arxiv::Error),
    Store(store::Error),
}

impl From<arxiv::Error> for TopicError {
    fn from(e: arxiv::Error) -> Self {
        TopicError::Arxiv(e)
    }
}

impl From<store::Error> for TopicError {
    fn from(e: store::Error) -> Self {
        TopicError::Store(e)
    }
}

/// What a topic's requests returned.
struct Fetched {
    /// Papers to upsert, each once.
    papers: Vec<Paper>,
    /// Pinned ids already stored: they join the topic without a request.
    existing: Vec<ArxivId>,
    /// Exemplars fetched for the first time (stored, not members).
    exemplars: Vec<Paper>,
}

fn fetch_topic(
    settings: &Settings,
    store: &Store,
    client: &mut Client,
    topic: &Topic,
    refresh: bool,
    bar: &ProgressBar,
) -> Result<Fetched, TopicError> {
    let mut papers: Vec<Paper> = Vec::new();
    let mut seen: HashSet<ArxivId> = HashSet::new();
    let mut add = |paper: Paper, papers: &mut Vec<Paper>| {
        if seen.insert(paper.id.clone()) {
            papers.push(paper);
        }
    };
    if let Some(query) = search_query(topic) {
        let max = settings.arxiv.max_results.min(ARXIV_MAX_OFFSET);
        let mut start = 0usize;
        while start < max {
            let want = settings.arxiv.page_size.min(max - start);
            let feed = client.search(&query, start, want)?;
            let received = feed.entries.len() + feed.skipped.len();
            for reason in &feed.skipped {
                warn!("{}: skipped an unreadable entry ({reason})", topic.name);
            }
            let mut new_here = 0;
            for paper in feed.entries {
                if store.member_version(&topic.name, &paper.id)? != Some(paper.version) {
                    new_here += 1;
                }
                add(paper, &mut papers);
            }
            start += received;
            bar.set_position(start as u64);
            info!(
                "{}: page of {received} at start={}, {new_here} new, {} results in all",
                topic.name,
                start - received,
                feed.total_results
                    .map_or("?".to_string(), |t| t.to_string())
            );
            let total = feed.total_results.map_or(usize::MAX, |t| t as usize);
            if received == 0 || new_here == 0 || start >= total {
                break;
            }
        }
    }
    let mut existing = Vec::new();
    if !topic.ids.is_empty() {
        let to_fetch: Vec<ArxivId> = if refresh {
            topic.ids.clone()
        } else {
            let stored = store.stored_ids(&topic.ids)?;
            existing = topic
                .ids
                .iter()
                .filter(|id| stored.contains(*id))
                .cloned()
                .collect();
            topic
                .ids
                .iter()
                .filter(|id| !stored.contains(*id))
                .cloned()
                .collect()
        };
        for batch in to_fetch.chunks(settings.arxiv.page_size) {
            let feed = client.fetch_ids(batch)?;
            let returned: HashSet<&ArxivId> = feed.entries.iter().map(|p| &p.id).collect();
            for id in batch.iter().filter(|id| !returned.contains(id)) {
                warn!("{}: arXiv has no paper {id}", topic.name);
            }
            for paper in feed.entries {
                add(paper, &mut papers);
            }
            bar.inc(batch.len() as u64);
        }
    }
    let mut exemplars = Vec::new();
    if !topic.exemplars.is_empty() {
        let stored = store.stored_ids(&topic.exemplars)?;
        let missing: Vec<ArxivId> = topic
            .exemplars
            .iter()
            .filter(|id| !stored.contains(*id))
            .cloned()
            .collect();
        for batch in missing.chunks(settings.arxiv.page_size) {
            let feed = client.fetch_ids(batch)?;
            exemplars.extend(feed.entries);
        }
    }
    Ok(Fetched {
        papers,
        existing,
        exemplars,
    })
}

/// The search sent to arXiv: `query` when given, else the keywords OR-ed; `None` for a topic
/// of pinned ids only.
pub fn search_query(topic: &Topic) -> Option<String> {
    match &topic.query {
        Some(q) => Some(q.clone()),
        None if !topic.keywords.is_empty() => Some(arxiv::keywords_query(&topic.keywords)),
        None => None,
    }
}

fn progress_bar(ui: Ui, topic: &Topic) -> ProgressBar {
    if !ui.progress {
        return ProgressBar::hidden();
    }
    let len = topic.ids.len() as u64;
    let bar = ProgressBar::new(len.max(1));
    bar.set_style(
        ProgressStyle::with_template("{prefix:>20} {spinner} {pos} fetched {wide_msg}")
            .expect("the template is valid"),
    );
    bar.set_prefix(topic.name.clone());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_query_prefers_query_over_keywords() {
        let mut t = Topic {
            name: "t".into(),
            keywords: vec!["NPU".into(), "large language model".into()],
            query: None,
            ids: vec![],
            filter: true,
            exclude: vec![],
            categories: vec![],
            exclude_categories: vec![],
            description: None,
            exemplars: vec![],
            min_score: None,
            sort: crate::config::Sort::Id,
        };
        assert_eq!(
            search_query(&t).unwrap(),
            r#"all:NPU OR all:"large language model""#
        );
        t.query = Some("ti:x".into());
        assert_eq!(search_query(&t).unwrap(), "ti:x");
        t.query = None;
        t.keywords.clear();
        assert_eq!(search_query(&t), None);
    }
}
