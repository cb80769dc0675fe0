//! The fetch stage: ask arXiv for each topic and store what comes back; once the topics'
//! papers are decided, report each topic and record how the run ended.
//!
//! First the head pass (`tracker/head.rs`): the newest papers of every topic whose history has
//! begun, in one combined query, routed to their topics locally. Then per topic: the backfill
//! of older papers until its history is complete (`tracker/history.rs`: a new topic, or one
//! whose search changed, pages back on its own query); then pinned ids not yet stored, by
//! `id_list` in batches. A topic's head papers and pinned papers are written in one transaction
//! only when all its requests succeeded: a half-fetched head would otherwise look "known" to
//! the early stop next time. Backfill pages are stored one by one with their cursor. A failed
//! topic keeps what it had; the others go on.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use tracing::{info, warn};

use super::decide::Shown;
use super::head::{self, Member};
use super::history::{Pass, backfill, history_key};
use super::learn;
use super::run::{Run, TopicError};
use crate::arxiv::{self, Client, ClientConfig};
use crate::config::{Settings, Topic};
use crate::model::{ArxivId, Paper};
use crate::output::{Ui, UsageError, thousands};
use crate::store::{self, History, Store, TopicOutcome, TopicWrite};

/// The client the settings describe.
pub(super) fn client(settings: &Settings) -> Client {
    Client::new(client_config(settings))
}

/// The `[arxiv]` settings as a client's configuration.
pub(super) fn client_config(settings: &Settings) -> ClientConfig {
    let a = &settings.arxiv;
    ClientConfig {
        api_url: a.api_url.clone(),
        delay: a.delay_seconds,
        retries: a.retries,
        timeout: a.timeout_seconds,
        user_agent: crate::model::user_agent(),
    }
}

/// The topics `names` selects (all when empty); an unknown name is a usage error.
pub(super) fn select_topics<'a>(
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

/// What the fetch stage hands on: the run's record and each topic's outcome.
pub(super) struct Fetch {
    /// The run's id in the database.
    run_id: i64,
    /// One outcome per fetched topic, in order.
    pub outcomes: Vec<TopicOutcome>,
    /// Whether arXiv could not be reached at all.
    pub unreachable: bool,
}

/// Fetches `topics` in order with one shared client (so the pause holds across topics),
/// storing each topic's papers, then the example papers the database lacks. `command` names
/// the run in the database.
pub(super) fn fetch(
    run: &mut Run,
    client: &mut Client,
    topics: &[&Topic],
    refresh: bool,
    command: &str,
) -> anyhow::Result<Fetch> {
    let run_id = run.store.start_run(command, run.now)?;
    let mut outcomes = Vec::with_capacity(topics.len());
    let mut heads = head_passes(run, client, topics)?;
    let mut unreachable = heads
        .values()
        .any(|h| h.failed.as_ref().is_some_and(|f| f.1));
    for topic in topics {
        let head = heads.remove(topic.name.as_str());
        let outcome = match head {
            Some(Head {
                failed: Some((error, _)),
                requests,
                ..
            }) => failed(run, topic, error, requests)?,
            head => fetch_one(run, client, topic, refresh, head, &mut unreachable)?,
        };
        run.store.record_topic(run_id, &outcome)?;
        outcomes.push(outcome);
    }
    super::zotero::sync_examples(run.settings, run.store, run.now)?;
    fetch_examples(run, client)?;
    Ok(Fetch {
        run_id,
        outcomes,
        unreachable,
    })
}

/// The outcome of a topic that failed with `error` after `requests`, its stored papers kept.
fn failed(
    run: &Run,
    topic: &Topic,
    error: String,
    requests: u64,
) -> Result<TopicOutcome, store::Error> {
    Ok(TopicOutcome {
        topic: topic.name.clone(),
        error: Some(error),
        new: 0,
        revised: 0,
        total: run.store.topic_size(&topic.name)?,
        requests,
        cut: None,
    })
}

/// Fetches one topic beyond its share of the head pass and stores what came back.
fn fetch_one(
    run: &mut Run,
    client: &mut Client,
    topic: &Topic,
    refresh: bool,
    head: Option<Head>,
    unreachable: &mut bool,
) -> anyhow::Result<TopicOutcome> {
    let shared = head.as_ref().map_or(0, |h| h.requests);
    let requests_before = client.requests();
    let bar = progress_bar(run.ui, topic);
    let head_papers = head.map(|h| (h.papers, h.revised));
    let result = fetch_topic(run, client, topic, refresh, head_papers, &bar);
    bar.finish_and_clear();
    let requests = client.requests() - requests_before + shared;
    Ok(match result {
        Ok(fetched) => {
            let write = run
                .store
                .save_topic(&topic.name, &fetched.papers, &fetched.existing, run.now)
                .with_context(|| format!("cannot store the papers of topic {}", topic.name))?;
            run.store.save_papers(&fetched.exemplars, run.now)?;
            TopicOutcome {
                topic: topic.name.clone(),
                error: None,
                new: write.new + fetched.backfilled.new,
                revised: fetched.revised + fetched.backfilled.revised,
                total: run.store.topic_size(&topic.name)?,
                requests,
                cut: fetched.cut,
            }
        }
        Err(TopicError::Store(e)) => {
            return Err(e).with_context(|| format!("database error in topic {}", topic.name));
        }
        Err(TopicError::Arxiv(e)) => {
            *unreachable |= e.is_unreachable();
            failed(run, topic, e.to_string(), requests)?
        }
    })
}

/// Prints each topic's line (with what it shows now that it is decided), records how the run
/// ended, and warns about failed topics and an unreachable arXiv.
pub(super) fn report(
    run: &Run,
    fetch: &Fetch,
    topics: &[&Topic],
    shown: &[Shown],
) -> anyhow::Result<()> {
    let outcomes = &fetch.outcomes;
    for (outcome, topic) in outcomes.iter().zip(topics) {
        let index = run
            .settings
            .topics
            .iter()
            .position(|t| t.name == topic.name);
        let shown = index.map(|i| shown[i].shown);
        run.ui.say(&summary(outcome, shown));
    }
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    let verdict = match failed {
        0 => "ok",
        n if n == outcomes.len() => "failed",
        _ => "partial",
    };
    run.store.finish_run(fetch.run_id, run.now, verdict)?;
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
    if fetch.unreachable {
        warn!(
            "arXiv could not be reached: check the network connection, or `[arxiv] api_url` ({})",
            run.settings.arxiv.api_url
        );
    }
    Ok(())
}

/// A topic's share of the head pass.
struct Head {
    /// The papers routed to it.
    papers: Vec<Paper>,
    /// How many of them came at a higher version than it had.
    revised: u64,
    /// The requests of its group (each served every topic of the group).
    requests: u64,
    /// Why its group's pass failed, and whether arXiv was unreachable.
    failed: Option<(String, bool)>,
}

/// The head pass of every topic in `topics` whose history has begun (for its present search),
/// in groups of one combined query each; keyed by topic name. Papers no topic takes are stored
/// outside any topic.
fn head_passes<'t>(
    run: &mut Run,
    client: &mut Client,
    topics: &[&'t Topic],
) -> anyhow::Result<HashMap<&'t str, Head>> {
    let mut members: Vec<Member<'t>> = Vec::new();
    for &topic in topics {
        if let Some((query, history)) = topic_history(run.settings, run.store, topic)?
            && history.begun()
        {
            members.push(Member { topic, query });
        }
    }
    let mut heads = HashMap::new();
    for range in head::groups(&members) {
        let group = &members[range];
        let before = client.requests();
        let bar = if group.len() == 1 {
            progress_bar(run.ui, group[0].topic)
        } else {
            ProgressBar::hidden()
        };
        let result = head::head_pass(run.settings, run.store, client, group, &bar);
        bar.finish_and_clear();
        let requests = client.requests() - before;
        if group.len() > 1 {
            info!(
                "newest papers of {} topics: {requests} request{} for all of them",
                group.len(),
                if requests == 1 { "" } else { "s" }
            );
        }
        let (papers, revised, failed) = match result {
            Ok(routed) => {
                run.store.save_papers(&routed.unrouted, run.now)?;
                (routed.papers, routed.revised, None)
            }
            Err(TopicError::Store(e)) => {
                return Err(e).context("database error in the head pass");
            }
            Err(TopicError::Arxiv(e)) => (
                vec![Vec::new(); group.len()],
                vec![0; group.len()],
                Some((e.to_string(), e.is_unreachable())),
            ),
        };
        for ((member, papers), revised) in group.iter().zip(papers).zip(revised) {
            let head = Head {
                papers,
                revised,
                requests,
                failed: failed.clone(),
            };
            heads.insert(member.topic.name.as_str(), head);
        }
    }
    Ok(heads)
}

/// A searching topic's query and its history for that query (a fresh one when the search
/// changed); `None` for a topic of pinned ids only.
fn topic_history(
    settings: &Settings,
    store: &Store,
    topic: &Topic,
) -> Result<Option<(String, History)>, store::Error> {
    let Some(query) = search_query(topic) else {
        return Ok(None);
    };
    let key = history_key(&query, settings.arxiv.since);
    let history = store
        .history(&topic.name)?
        .filter(|h| h.search == key)
        .unwrap_or_else(|| History::new(&topic.name, &key));
    Ok(Some((query, history)))
}

/// Example papers (`[relevance] examples`) the database lacks, fetched once by `id_list` and
/// stored outside any topic. A failed request is a warning: they are asked for again next run.
fn fetch_examples(run: &mut Run, client: &mut Client) -> anyhow::Result<()> {
    let missing = learn::missing_examples(run.settings, run.store)?;
    if missing.is_empty() {
        return Ok(());
    }
    info!("fetching {} example papers", missing.len());
    for batch in missing.chunks(EXAMPLE_BATCH) {
        match client.fetch_ids(batch) {
            Ok(feed) => {
                if feed.entries.len() < batch.len() {
                    warn!(
                        "arXiv has {} of {} example papers asked for",
                        feed.entries.len(),
                        batch.len()
                    );
                }
                run.store.save_papers(&feed.entries, run.now)?;
            }
            Err(e) => {
                warn!("cannot fetch example papers ({e}); they are asked for again next run");
                break;
            }
        }
    }
    Ok(())
}

/// Ids per `id_list` request for example papers (about 5 kB of URL).
const EXAMPLE_BATCH: usize = 400;

/// The one-line summary printed for each topic.
pub(super) fn summary(o: &TopicOutcome, shown: Option<usize>) -> String {
    let shown = shown.map_or(String::new(), |s| format!(", {s} shown"));
    let requests = format!(
        "{} request{}",
        o.requests,
        if o.requests == 1 { "" } else { "s" }
    );
    let cut = o.cut.map_or(String::new(), |(kept, matches)| {
        format!(
            "; kept the newest {} of {} matches: raise `max_results` or set `since`",
            thousands(kept),
            thousands(matches)
        )
    });
    match &o.error {
        None => format!(
            "{}: {} new, {} revised, {} total{shown} ({requests}){cut}",
            o.topic, o.new, o.revised, o.total
        ),
        Some(e) => format!(
            "{}: FAILED: {e}; kept {} stored papers{shown} ({requests})",
            o.topic, o.total
        ),
    }
}

/// What a topic's requests returned.
struct Fetched {
    /// Papers of the head pass and pinned papers to upsert, each once.
    papers: Vec<Paper>,
    /// How many of `papers` came at a higher version than the topic had.
    revised: u64,
    /// Pinned ids already stored: they join the topic without a request.
    existing: Vec<ArxivId>,
    /// Exemplars fetched for the first time (stored, not members).
    exemplars: Vec<Paper>,
    /// What the backfill already stored, page by page.
    backfilled: TopicWrite,
    /// `(kept, matches)` when this run's cap cut the history.
    cut: Option<(u64, u64)>,
}

/// Fetches what a topic needs beyond its share of the head pass (`head`): the rest of its
/// history, its pinned papers and its exemplars.
fn fetch_topic(
    run: &mut Run,
    client: &mut Client,
    topic: &Topic,
    refresh: bool,
    head: Option<(Vec<Paper>, u64)>,
    bar: &ProgressBar,
) -> Result<Fetched, TopicError> {
    let (settings, store) = (run.settings, &mut *run.store);
    let pass = Pass {
        settings,
        topic,
        bar,
        now: run.now,
    };
    let (mut papers, mut revised) = head.unwrap_or_default();
    let mut backfilled = TopicWrite::default();
    let mut cut = None;
    if let Some((query, history)) = topic_history(settings, store, topic)? {
        let begun = history.begun();
        if !history.complete {
            (backfilled, cut) = backfill(&pass, store, client, &query, history, !begun)?;
        }
    }
    let mut seen: HashSet<ArxivId> = papers.iter().map(|p| p.id.clone()).collect();
    let (pinned, existing) = fetch_pinned(settings, store, client, topic, refresh, bar)?;
    for paper in pinned.into_iter().filter(|p| seen.insert(p.id.clone())) {
        let had = store.member_version(&topic.name, &paper.id)?;
        revised += u64::from(had.is_some_and(|v| v < paper.version));
        papers.push(paper);
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
        revised,
        existing,
        exemplars,
        backfilled,
        cut,
    })
}

/// Pinned papers to store (all with `refresh`, else those not stored yet) and the pinned ids
/// already stored.
fn fetch_pinned(
    settings: &Settings,
    store: &Store,
    client: &mut Client,
    topic: &Topic,
    refresh: bool,
    bar: &ProgressBar,
) -> Result<(Vec<Paper>, Vec<ArxivId>), TopicError> {
    let mut papers = Vec::new();
    let mut existing = Vec::new();
    if topic.ids.is_empty() {
        return Ok((papers, existing));
    }
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
        papers.extend(feed.entries);
        bar.inc(batch.len() as u64);
    }
    Ok((papers, existing))
}

/// The search sent to arXiv: `query` when given, else the keywords OR-ed, then OR-ed with an
/// `au:` term per followed author; `None` for a topic of pinned ids only.
pub fn search_query(topic: &Topic) -> Option<String> {
    let terms = match &topic.query {
        Some(q) => Some(q.clone()),
        None if !topic.keywords.is_empty() => Some(arxiv::keywords_query(&topic.keywords)),
        None => None,
    };
    if topic.authors.is_empty() {
        return terms;
    }
    let authors = topic
        .authors
        .iter()
        .map(|a| format!("au:\"{a}\""))
        .collect::<Vec<_>>()
        .join(" OR ");
    Some(match terms {
        Some(t) => format!("({t}) OR {authors}"),
        None => authors,
    })
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
            authors: vec![],
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
