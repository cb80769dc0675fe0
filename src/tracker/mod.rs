//! The daily job as one pipeline. Each stage is a module; the store is opened and the corpus
//! (every paper that belongs to a topic, with its verdicts) read from SQLite once per run, then
//! handed from stage to stage:
//!
//! ```text
//! fetch ──► decide ──► links ──► snapshot ──► publish (README, chart, site, feeds) ──► deliver
//! ```
//!
//! `update` runs them all, `fetch` stops before publishing, `render` skips fetching and asking
//! for links. `update` then delivers the `[[notify]]` digests (`deliver`).

pub mod decide;
pub mod deliver;
pub mod fetch;
mod head;
mod history;
pub mod learn;
pub mod links;
pub mod publish;
pub use publish::check_readme;
pub mod site;
pub mod snapshot;

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::Timestamp;
use tracing::{debug, info};

use crate::arxiv::Timing;
use crate::config::Settings;
use crate::model::{ArxivId, StoredPaper};
use crate::output::Ui;
use crate::store::{Store, TopicOutcome};

/// Every paper that belongs to a topic, with its memberships: what the model is fitted on and
/// what the outputs show. Read from SQLite once per run; [`decide::decide_all`] keeps its
/// verdicts current in memory as it stores them.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The papers, by id ascending.
    pub papers: Vec<StoredPaper>,
    /// Rows migrated from a cv-arxiv-daily fork, which the cv layout shows as they were.
    pub cv_rows: crate::model::CvRows,
}

impl Corpus {
    /// Reads the corpus from the store.
    pub fn load(store: &Store) -> anyhow::Result<Corpus> {
        let papers = store
            .member_papers()
            .context("cannot read the topics' papers")?;
        debug!("read the corpus from SQLite: {} papers", papers.len());
        let cv_rows = store.cv_rows().context("cannot read the migrated rows")?;
        Ok(Corpus { papers, cv_rows })
    }

    /// When the outputs last had news: the latest time a shown paper was first seen, joined a
    /// topic it is shown in, or was revised. Outputs date themselves by it rather than by the
    /// clock, so a run that finds nothing new writes the same bytes.
    pub fn last_news(&self) -> Option<Timestamp> {
        last_news(&self.papers)
    }
}

/// [`Corpus::last_news`] of a slice of papers.
pub fn last_news(papers: &[StoredPaper]) -> Option<Timestamp> {
    papers
        .iter()
        .filter_map(|s| {
            s.topics
                .iter()
                .filter(|m| m.shown)
                .map(|m| m.first_seen)
                .max()
                .map(|joined| joined.max(s.first_seen).max(s.paper.updated))
        })
        .max()
}

/// The code link of each paper that has one.
pub type CodeLinks = HashMap<ArxivId, String>;

/// The short summary of each paper that has one (a language model's under the current
/// `[summarize]` model and language, else Hugging Face's).
pub type Summaries = HashMap<ArxivId, String>;

/// The summaries the outputs show.
pub fn summaries(settings: &Settings, store: &Store) -> anyhow::Result<Summaries> {
    let s = &settings.summarize;
    Ok(store.summaries(s.enabled.then_some((s.model.as_str(), s.language.as_str())))?)
}

/// What to fetch: `--topic` names (empty: all) and `--refresh`.
#[derive(Debug, Clone, Copy)]
pub struct FetchOptions<'a> {
    /// Topic names; empty means every topic.
    pub topics: &'a [String],
    /// Fetch pinned papers again even when stored.
    pub refresh: bool,
}

/// What a fetch hands on to the stages after it.
pub struct Fetched {
    /// One outcome per fetched topic.
    pub outcomes: Vec<TopicOutcome>,
    /// Where the arXiv client's time went.
    pub arxiv: Timing,
    /// The open store.
    pub store: Store,
    /// The corpus, decided.
    pub corpus: Corpus,
    /// Code links of the corpus.
    pub code: CodeLinks,
    /// Time spent on code links and the snapshot.
    pub links_and_snapshot: Duration,
}

impl Fetched {
    /// 0 when every topic succeeded, 1 when any failed.
    pub fn exit_code(&self) -> ExitCode {
        exit_code(&self.outcomes)
    }
}

/// 0 when every topic succeeded, 1 when any failed.
pub fn exit_code(outcomes: &[TopicOutcome]) -> ExitCode {
    if outcomes.iter().any(|o| o.error.is_some()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Opens the database, creating it and its folder when `create` is set.
pub fn open_store(settings: &Settings, create: bool) -> anyhow::Result<Store> {
    let path = &settings.database;
    if !create && !path.exists() {
        anyhow::bail!(
            "no database at {}; run `paperwatch update` first",
            path.display()
        );
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
    }
    Store::open(path).with_context(|| format!("cannot open database {}", path.display()))
}

/// `fetch`: fetch → decide → links → snapshot. `command` names the run in the database.
pub fn fetch(
    settings: &Settings,
    options: FetchOptions,
    now: Timestamp,
    ui: Ui,
    command: &str,
) -> anyhow::Result<Fetched> {
    let topics = fetch::select_topics(settings, options.topics)?;
    let mut store = open_store(settings, true)?;
    let mut client = fetch::client(settings);
    let (outcomes, corpus) = fetch::fetch_and_decide(
        settings,
        &mut store,
        &mut client,
        &topics,
        options.refresh,
        now,
        ui,
        command,
    )?;
    let started = Instant::now();
    let mut answers = store.hf_answers()?;
    links::refresh(settings, &store, &corpus.papers, &mut answers, now, ui)?;
    let code = links::code_map(settings, &corpus.papers, &answers);
    snapshot::write(settings, &store)?;
    Ok(Fetched {
        outcomes,
        arxiv: client.timing(),
        store,
        corpus,
        code,
        links_and_snapshot: started.elapsed(),
    })
}

/// `update`: [`fetch()`], then publish unless every topic failed (an outage rewrites nothing).
pub fn update(
    settings: &Settings,
    options: FetchOptions,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut fetched = fetch(settings, options, now, ui, "update")?;
    let failed = fetched
        .outcomes
        .iter()
        .filter(|o| o.error.is_some())
        .count();
    let mut delivered = true;
    if failed > 0 && failed == fetched.outcomes.len() {
        ui.say("no topic could be fetched; the README was left as it was");
    } else {
        let summaries = summaries(settings, &fetched.store)?;
        publish::publish(
            settings,
            &fetched.corpus,
            &fetched.code,
            &summaries,
            now,
            ui,
        )?;
        delivered = notify(
            settings,
            &mut fetched.store,
            &fetched.corpus,
            &fetched.code,
            false,
            None,
            now,
            ui,
        )?
        .iter()
        .all(|r| r.error.is_none());
    }
    info!(
        "{}",
        split(started.elapsed(), fetched.arxiv, fetched.links_and_snapshot)
    );
    match fetched.exit_code() {
        code if code == ExitCode::SUCCESS && !delivered => Ok(ExitCode::FAILURE),
        code => Ok(code),
    }
}

/// The notify stage: queue each destination's new papers and deliver its queue (only `to`'s,
/// when given; with `dry_run`, print instead of sending). What was sent and what waits goes
/// into the text snapshot too, so a rebuilt database neither resends nor drops a paper.
#[allow(clippy::too_many_arguments)]
pub fn notify(
    settings: &Settings,
    store: &mut Store,
    corpus: &Corpus,
    code: &CodeLinks,
    dry_run: bool,
    to: Option<&str>,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<Vec<deliver::Report>> {
    if settings.notify.is_empty() {
        return Ok(Vec::new());
    }
    let started = Instant::now();
    // Queuing is what the next run would do anyway; only sending waits for a real run.
    deliver::enqueue(settings, store, corpus, now)?;
    let env = |k: &str| std::env::var(k).ok();
    let summarizer = settings
        .summarize
        .enabled
        .then(|| crate::summarize::Client::new(&settings.summarize, &env));
    let options = deliver::Options {
        dry_run,
        to,
        env: &env,
        sleep: &std::thread::sleep,
        summarizer: summarizer.as_ref(),
    };
    let reports = deliver::deliver(settings, store, corpus, code, &options, now, ui)?;
    snapshot::write(settings, store)?;
    info!(
        "notify took {:.3} s for {} destinations ({} papers sent)",
        started.elapsed().as_secs_f64(),
        reports.len(),
        reports.iter().map(|r| r.sent).sum::<usize>()
    );
    Ok(reports)
}

/// `render`: decide every topic's papers again (the config may have changed since they were
/// fetched), then publish, without touching the network.
pub fn render(settings: &Settings, now: Timestamp, ui: Ui) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    let mut store = open_store(settings, false)?;
    let mut corpus = Corpus::load(&store)?;
    let loaded = start.elapsed();
    decide::decide_all(settings, &mut store, &mut corpus)?;
    let decided = start.elapsed();
    let code = links::code_map(settings, &corpus.papers, &store.hf_answers()?);
    let summaries = summaries(settings, &store)?;
    publish::publish(settings, &corpus, &code, &summaries, now, ui)?;
    tracing::debug!(
        "render took {:.2} s: {:.2} s reading the corpus, {:.2} s deciding, {:.2} s writing",
        start.elapsed().as_secs_f64(),
        loaded.as_secs_f64(),
        (decided - loaded).as_secs_f64(),
        (start.elapsed() - decided).as_secs_f64()
    );
    Ok(())
}

/// Reads the corpus and decides it under the current config: what every command that changes
/// what is shown (`mark`, imports, a rebuild) ends with.
pub fn redecide(settings: &Settings, store: &mut Store) -> anyhow::Result<Corpus> {
    let mut corpus = Corpus::load(store)?;
    decide::decide_all(settings, store, &mut corpus)?;
    Ok(corpus)
}

/// Where an update's time went, in one line.
pub fn split(total: Duration, arxiv: Timing, links_and_snapshot: Duration) -> String {
    let computing = total
        .saturating_sub(arxiv.paused)
        .saturating_sub(arxiv.waiting)
        .saturating_sub(links_and_snapshot);
    format!(
        "update took {:.1} s: {:.1} s pausing between arXiv requests, {:.1} s waiting for \
         arXiv's answers, {:.1} s on code links and the snapshot, {:.2} s computing (of which \
         {:.3} s parsing feeds)",
        total.as_secs_f64(),
        arxiv.paused.as_secs_f64(),
        arxiv.waiting.as_secs_f64(),
        links_and_snapshot.as_secs_f64(),
        computing.as_secs_f64(),
        arxiv.parsing.as_secs_f64(),
    )
}
