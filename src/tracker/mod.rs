//! The daily job as one pipeline, and the only door into it: commands and imports call the
//! functions here; the stages are private modules, each a function of the run context
//! (`run::Run`: settings, store, corpus, code links, clock, output).
//!
//! [`update`] is the day, read top to bottom: fetch → decide (learning from the examples
//! first) → links → publish → deliver, and the text snapshot written once at the end. `fetch`
//! stops before publishing, `render` decides and publishes without the network, `notify`
//! delivers the queues. CONTRIBUTING.md draws the same pipeline.

mod decide;
mod deliver;
mod fetch;
mod head;
mod history;
mod learn;
mod links;
mod listing;
mod publish;
mod run;
mod sending;
mod site;
mod snapshot;
mod zotero;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use jiff::Timestamp;
use tracing::info;

pub use fetch::search_query;
pub use links::{code_link, code_map};
pub use publish::check_readme;
pub use run::{CodeLinks, Summaries};
pub use sending::Report as DeliveryReport;

use crate::arxiv::{Client, ClientConfig, Timing};
use crate::config::Settings;
use crate::model::{ArxivId, Corpus, StoredPaper};
use crate::output::Ui;
use crate::relevance::Decision;
use crate::relevance::evaluate::{Evaluation, Report, with_labels};
use crate::relevance::examples::Example;
use crate::relevance::trained::{Model, outside_ids};
use crate::store::{Store, TopicOutcome};
use run::Run;

/// What to fetch: `--topic` names (empty: all) and `--refresh`.
#[derive(Debug, Clone, Copy)]
pub struct FetchOptions<'a> {
    /// Topic names; empty means every topic.
    pub topics: &'a [String],
    /// Fetch pinned papers again even when stored.
    pub refresh: bool,
}

/// `update`: the daily run. Publishes and delivers unless every topic failed (an outage
/// rewrites nothing); exit 1 when a topic or a delivery failed.
pub fn update(
    settings: &Settings,
    options: FetchOptions,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut store = open_store(settings, true)?;
    let mut run = Run::new(settings, &mut store, now, ui);
    let mut client = arxiv_client(settings);
    let outcomes = fetch_and_decide(&mut run, &mut client, options, "update")?;
    let after_fetch = Instant::now();
    links::links(&mut run)?;
    let links_took = after_fetch.elapsed();
    let published = if outcomes.iter().all(|o| o.error.is_some()) && !outcomes.is_empty() {
        ui.say("no topic could be fetched; the README was left as it was");
        Ok(true)
    } else {
        publish::publish(&run).and_then(|()| deliver(&mut run, &sending::Options::real()))
    };
    let snapshot_started = Instant::now();
    snapshot::write(settings, run.store)?;
    let delivered = published?;
    let spent = links_took + snapshot_started.elapsed();
    info!("{}", split(started.elapsed(), client.timing(), spent));
    Ok(match exit_code(&outcomes) {
        code if code == ExitCode::SUCCESS && !delivered => ExitCode::FAILURE,
        code => code,
    })
}

/// `fetch`: fetch → decide → links, and the snapshot; nothing published. `command` names the
/// run in the database.
pub fn fetch(
    settings: &Settings,
    options: FetchOptions,
    now: Timestamp,
    ui: Ui,
    command: &str,
) -> anyhow::Result<ExitCode> {
    let mut store = open_store(settings, true)?;
    let mut run = Run::new(settings, &mut store, now, ui);
    let outcomes = fetch_and_decide(&mut run, &mut arxiv_client(settings), options, command)?;
    links::links(&mut run)?;
    snapshot::write(settings, run.store)?;
    Ok(exit_code(&outcomes))
}

/// The fetch and decide stages on a given store with a given client (a test's clock):
/// one outcome per topic fetched.
pub fn fetch_with(
    settings: &Settings,
    store: &mut Store,
    client: &mut Client,
    options: FetchOptions,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<Vec<TopicOutcome>> {
    let mut run = Run::new(settings, store, now, ui);
    fetch_and_decide(&mut run, client, options, "fetch")
}

/// Fetch the topics, read the corpus, decide it (learning first), and report each topic.
fn fetch_and_decide(
    run: &mut Run,
    client: &mut Client,
    options: FetchOptions,
    command: &str,
) -> anyhow::Result<Vec<TopicOutcome>> {
    let topics = fetch::select_topics(run.settings, options.topics)?;
    let fetched = fetch::fetch(run, client, &topics, options.refresh, command)?;
    run.load_corpus()?;
    let listed = listing::check(run, client, &topics, fetched.unreachable)?;
    if listed.added() {
        run.load_corpus()?;
    }
    let shown = decide::decide(run)?;
    fetch::report(run, &fetched, &topics, &shown)?;
    if let Some(line) = listed.line() {
        run.ui.say(&line);
        run.listing = Some(line);
    }
    Ok(fetched.outcomes)
}

/// `render`: decide every topic's papers again (the config may have changed since they were
/// fetched), then publish, without touching the network.
pub fn render(settings: &Settings, now: Timestamp, ui: Ui) -> anyhow::Result<()> {
    let start = Instant::now();
    let mut store = open_store(settings, false)?;
    let mut run = Run::new(settings, &mut store, now, ui);
    run.load_corpus()?;
    let loaded = start.elapsed();
    decide::decide(&mut run)?;
    let decided = start.elapsed();
    run.code = code_map(settings, &run.corpus.papers, &run.store.hf_answers()?);
    publish::publish(&run)?;
    tracing::debug!(
        "render took {:.2} s: {:.2} s reading the corpus, {:.2} s deciding, {:.2} s writing",
        start.elapsed().as_secs_f64(),
        loaded.as_secs_f64(),
        (decided - loaded).as_secs_f64(),
        (start.elapsed() - decided).as_secs_f64()
    );
    Ok(())
}

/// Which deliveries `notify` makes.
#[derive(Debug, Clone, Copy, Default)]
pub struct NotifyOptions<'a> {
    /// Print each message instead of sending it (nothing is marked sent).
    pub dry_run: bool,
    /// Only this destination.
    pub to: Option<&'a str>,
}

/// `notify`: decide the corpus, queue each destination's new papers and deliver its queue
/// (only `to`'s, when given; with `dry_run`, print instead of sending); then the snapshot, so a
/// rebuilt database neither resends nor drops a paper.
pub fn notify(
    settings: &Settings,
    options: NotifyOptions,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<Vec<DeliveryReport>> {
    let mut store = open_store(settings, false)?;
    let mut run = Run::new(settings, &mut store, now, ui);
    run.load_corpus()?;
    decide::decide(&mut run)?;
    run.code = code_map(settings, &run.corpus.papers, &run.store.hf_answers()?);
    let delivery = sending::Options {
        dry_run: options.dry_run,
        to: options.to,
        ..sending::Options::real()
    };
    let reports = deliver::notify(&mut run, &delivery);
    snapshot::write(settings, run.store)?;
    reports
}

/// The deliver stage of `update`: whether every destination was served.
fn deliver(run: &mut Run, options: &sending::Options) -> anyhow::Result<bool> {
    let reports = deliver::notify(run, options)?;
    let stars = push_stars(run.settings, run.store);
    let stars_ok = match stars {
        Ok(line) => {
            if let Some(line) = line {
                run.ui.say(&line);
            }
            true
        }
        Err(e) => {
            tracing::error!("{e:#}");
            false
        }
    };
    Ok(reports.iter().all(|r| r.error.is_none()) && stars_ok)
}

/// Writes the starred papers queued for `[zotero] library` into it, once each; a line saying
/// what happened, if anything. A failure leaves them queued (and is the error).
pub fn push_stars(settings: &Settings, store: &mut Store) -> anyhow::Result<Option<String>> {
    if settings.zotero.library.is_none() {
        return Ok(None);
    }
    let answers = store.hf_answers()?;
    zotero::push_stars(settings, store, &|p| code_link(settings, p, &answers))
}

/// Stars a paper (or removes its star) and writes the snapshot; a new star is queued for
/// `[zotero] library` when one is set. Whether anything changed.
pub fn star(
    settings: &Settings,
    store: &Store,
    id: &ArxivId,
    on: bool,
    now: Timestamp,
) -> anyhow::Result<bool> {
    let changed = if on {
        store.set_star(id, now)?
    } else {
        store.clear_star(id)?
    };
    if on && let Some(library) = &settings.zotero.library {
        store.queue_zotero(library, id, now)?;
    }
    if changed {
        write_snapshot(settings, store)?;
    }
    Ok(changed)
}

/// Reads the corpus and decides it under the current config: what every command that changes
/// what is shown (`mark`, imports, a rebuild) ends with.
pub fn redecide(settings: &Settings, store: &mut Store) -> anyhow::Result<Corpus> {
    decide::redecide(settings, store)
}

/// What a label change left in its topic.
pub struct Settled {
    /// Whether the paper is shown there now.
    pub shown: bool,
    /// The topic's relevant labels.
    pub positives: usize,
    /// The topic's irrelevant labels.
    pub negatives: usize,
}

/// Sets the reader's label of `id` for `topic` (`None` clears it), then [`settle`]s it.
pub fn label(
    settings: &Settings,
    store: &mut Store,
    topic: &str,
    id: &ArxivId,
    label: Option<bool>,
    now: Timestamp,
) -> anyhow::Result<Settled> {
    match label {
        Some(relevant) => store.set_label(topic, id, relevant, now)?,
        None => {
            store.clear_label(topic, id)?;
        }
    }
    settle(settings, store, topic, id)
}

/// After a label of `id` for `topic` was set or cleared: the topics decided again and the
/// snapshot written, so the change takes effect at once and survives a rebuilt database.
pub fn settle(
    settings: &Settings,
    store: &mut crate::store::Store,
    topic: &str,
    id: &ArxivId,
) -> anyhow::Result<Settled> {
    let corpus = redecide(settings, store)?;
    write_snapshot(settings, store)?;
    let shown = corpus
        .papers
        .iter()
        .find(|p| &p.paper.id == id)
        .and_then(|p| p.topics.iter().find(|m| m.name == topic))
        .is_some_and(|m| m.shown);
    let labels = store.labels(topic)?;
    let positives = labels.iter().filter(|l| l.relevant).count();
    Ok(Settled {
        shown,
        positives,
        negatives: labels.len() - positives,
    })
}

/// The summaries the outputs show (`[summarize]`'s model and language, else Hugging Face's).
pub fn summaries(settings: &Settings, store: &Store) -> anyhow::Result<Summaries> {
    run::summaries(settings, store)
}

/// Writes the text snapshot of the database (`[snapshot]`), when enabled.
pub fn write_snapshot(settings: &Settings, store: &Store) -> anyhow::Result<()> {
    snapshot::write(settings, store)
}

/// Rebuilds the database from the snapshot when it is missing, damaged, or does not match it.
pub fn ensure_database(settings: &Settings, ui: Ui) -> anyhow::Result<()> {
    snapshot::ensure_database(settings, ui)
}

/// Why a paper is shown or hidden in each of `topics` (config indexes).
pub struct Explanation {
    /// Per topic asked for: its index in the config and the decision, with matched terms.
    pub decisions: Vec<(usize, Decision)>,
    /// The learned model, when the tracker has examples.
    pub model: Option<Model>,
    /// The terms that moved the learned model's score most.
    pub top_terms: Vec<(String, f32)>,
}

/// Reads the corpus and the rules and trains the model once, then hands them to `decide`.
fn with_deciders<T>(
    settings: &Settings,
    store: &Store,
    decide: impl FnOnce(
        &crate::relevance::engine::Deciders,
        &crate::relevance::trained::RuleVerdicts,
        Option<Model>,
    ) -> T,
) -> anyhow::Result<T> {
    let corpus = run::load_corpus(store)?;
    let rules = decide::all_rules(settings, store)?;
    let deciders = crate::relevance::engine::Deciders::new(&corpus, &rules);
    let rule = deciders.verdicts(&corpus, None).rule_features();
    let model = learn::trained_model(settings, store, &corpus, &rule)?;
    Ok(decide(&deciders, &rule, model))
}

/// Decides each `(paper, topic)` as the tracker would, with the reasons: the corpus, rules and
/// model read and trained once for all of them.
pub fn explain_each(
    settings: &Settings,
    store: &Store,
    items: &[(&crate::model::Paper, usize)],
) -> anyhow::Result<Vec<Decision>> {
    with_deciders(settings, store, |deciders, rule, model| {
        items
            .iter()
            .map(|&(paper, t)| {
                let score = model.as_ref().map(|m| m.score(paper, rule));
                deciders.explain(t, paper, score)
            })
            .collect()
    })
}

/// Decides `paper` in each of `topics` as the tracker would, with the reasons.
pub fn explain(
    settings: &Settings,
    store: &Store,
    paper: &StoredPaper,
    topics: &[usize],
) -> anyhow::Result<Explanation> {
    with_deciders(settings, store, |deciders, rule, model| {
        let score = model.as_ref().map(|m| m.score(&paper.paper, rule));
        let decisions = topics
            .iter()
            .map(|&t| (t, deciders.explain(t, &paper.paper, score)))
            .collect();
        let top_terms = model
            .as_ref()
            .map(|m| m.top_terms(&paper.paper, rule, 8))
            .unwrap_or_default();
        Explanation {
            decisions,
            model,
            top_terms,
        }
    })
}

/// `eval`: the verdicts against graded `labels`, and with `folds` by cross-validation.
pub fn evaluate(
    settings: &Settings,
    store: &mut Store,
    labels: &[Example],
    folds: Option<usize>,
) -> anyhow::Result<Report> {
    let corpus = redecide(settings, store)?;
    let rules = decide::all_rules(settings, store)?;
    let examples = with_labels(learn::load_examples(settings, store)?, labels);
    let outside = store.papers_by_ids(&outside_ids(&corpus, &examples))?;
    let evaluation = Evaluation {
        corpus: &corpus,
        rules: &rules,
        examples: &examples,
        outside: &outside,
        threshold: settings.relevance.threshold,
    };
    Ok(crate::relevance::evaluate::evaluate(
        &evaluation,
        labels,
        folds,
    ))
}

/// Opens the database, creating it and its folder when `create` is set.
pub fn open_store(settings: &Settings, create: bool) -> anyhow::Result<Store> {
    let path = &settings.database.path;
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

/// The arXiv client the settings describe.
pub fn arxiv_client(settings: &Settings) -> Client {
    fetch::client(settings)
}

/// The `[arxiv]` settings as a client's configuration.
pub fn client_config(settings: &Settings) -> ClientConfig {
    fetch::client_config(settings)
}

/// 0 when every topic succeeded, 1 when any failed.
pub fn exit_code(outcomes: &[TopicOutcome]) -> ExitCode {
    if outcomes.iter().any(|o| o.error.is_some()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The one-line summary printed for a topic, with how many papers it shows when known.
pub fn topic_line(outcome: &TopicOutcome, shown: Option<usize>) -> String {
    fetch::summary(outcome, shown)
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
