//! The notify stage, after publishing: each `[[notify]]` destination's newly shown papers are
//! queued, and its queue delivered as digests ([`crate::notify`]). A paper is marked sent only
//! once the message carrying it was accepted, so a failed delivery stays queued for the next
//! run and a delivered one is never sent again. A process killed between the service's
//! acceptance and the record may send that message twice on the next run; it never loses it.
//!
//! A destination starts from now: when it is first seen, re-added after the config dropped it,
//! or its `topics`/`min_score` widen, the papers it brings in are history and are not sent,
//! except the best `backfill` of them and those that joined an older topic in this very run
//! (news either way). A queued paper no longer shown leaves the queue; a queued paper that gets a
//! new version is announced once, at its newest. A message a service refuses for its content is
//! split down to one paper, then tried plain; a paper refused even so is set aside (`failed`)
//! and never blocks the rest. A paper sent here that gains a journal reference or DOI is
//! announced once more, as publication news (`published`).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use jiff::Timestamp;

use super::run::{CodeLinks, Run};
use super::sending::{Options, Report, Sending, say};
use crate::config::{FeedbackMode, Notify, Schedule, Settings};
use crate::model::{ArxivId, Corpus, PaperVersion, StoredPaper};
use crate::notify::{Item, Published, short_summary};
use crate::store::{Queued, Registration, Store};
use crate::summarize;
use crate::text::{abs_url, pdf_url};

/// The deliver stage: queue each destination's new papers and deliver its queue (only
/// `options.to`'s, when given; with `dry_run`, print instead of sending). Queuing is what the
/// next run would do anyway; only sending waits for a real run.
pub(super) fn notify(run: &mut Run, options: &Options) -> anyhow::Result<Vec<Report>> {
    let settings = run.settings;
    let named: Vec<&str> = settings.notify.iter().map(|d| d.name.as_str()).collect();
    run.store.retire_destinations(&named, run.now)?;
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

/// What a destination is shown, in one line: it changes when `topics` or `min_score` do (or a
/// topic is added, for a destination of all topics).
fn scope(settings: &Settings, dest: &Notify) -> String {
    let topics: Vec<&str> = if dest.topics.is_empty() {
        settings.topics.iter().map(|t| t.name.as_str()).collect()
    } else {
        dest.topics.iter().map(String::as_str).collect()
    };
    let min = dest.min_score.map_or("none".to_string(), |m| m.to_string());
    format!("topics={};min_score={min}", topics.join(","))
}

/// Whether a paper is news this run: it joined one of the topics it is shown in now, and that
/// topic had papers before (a new topic's first papers are its history).
fn fresh(shown: &Shown, old_topics: &HashSet<&str>, now: Timestamp) -> bool {
    shown.paper.topics.iter().any(|m| {
        m.first_seen >= now
            && old_topics.contains(m.name.as_str())
            && shown.topics.contains(&m.name)
    })
}

/// Queues what each destination has not seen; registers a destination that starts (new,
/// re-added or widened); queues publication news.
fn enqueue(run: &mut Run) -> anyhow::Result<()> {
    let (settings, store, now) = (run.settings, &mut *run.store, run.now);
    let old_topics: HashSet<&str> = run
        .corpus
        .papers
        .iter()
        .flat_map(|p| &p.topics)
        .filter(|m| m.first_seen < now)
        .map(|m| m.name.as_str())
        .collect();
    for dest in &settings.notify {
        let shown = shown_to(settings, dest, &run.corpus);
        let ids: Vec<PaperVersion> = shown.iter().map(Shown::version).collect();
        let scope = scope(settings, dest);
        let known = store.destination(&dest.name)?;
        let restart = known.as_ref().is_some_and(|d| d.removed_at.is_some());
        let starts = match &known {
            None => true,
            Some(d) => restart || d.scope.as_deref().is_some_and(|s| s != scope),
        };
        if starts {
            let rows = store.delivered_ids(&dest.name)?;
            let brought: Vec<&Shown> = shown
                .iter()
                .filter(|s| !rows.contains(&s.paper.paper.id))
                .collect();
            let (mut queued, mut old): (Vec<&Shown>, Vec<&Shown>) = brought
                .into_iter()
                .partition(|s| fresh(s, &old_topics, now));
            old.sort_by(|a, b| {
                b.best
                    .unwrap_or(0.0)
                    .total_cmp(&a.best.unwrap_or(0.0))
                    .then(b.paper.paper.id.cmp(&a.paper.paper.id))
            });
            let history = old.split_off(dest.backfill.min(old.len()));
            queued.extend(old);
            let versions = |v: &[&Shown]| v.iter().map(|s| s.version()).collect::<Vec<_>>();
            let how = Registration {
                scope: &scope,
                history: &versions(&history),
                queued: &versions(&queued),
                restart,
            };
            store.register_destination(&dest.name, how, now)?;
        } else if known.is_some_and(|d| d.scope.is_none()) {
            // Recorded before scopes were: this run's scope is the one to compare with.
            let how = Registration {
                scope: &scope,
                history: &[],
                queued: &[],
                restart: false,
            };
            store.register_destination(&dest.name, how, now)?;
        }
        store.enqueue(&dest.name, &ids, dest.revisions, now)?;
        if dest.published {
            store.enqueue_publications(&dest.name, now)?;
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

/// The digest items of a destination's queue and publication news, grouped by its first
/// topic, best first.
fn items(
    settings: &Settings,
    dest: &Notify,
    corpus: &Corpus,
    code: &CodeLinks,
    (queue, news): (&[Queued], &[ArxivId]),
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
                published: None,
                feedback: feedback_links(settings, &paper.id, topics.first()),
            })
        })
        .collect();
    // Publication news of a paper also queued waits for the next digest: once per digest.
    for id in news.iter().filter(|id| !queue.iter().any(|q| &q.id == *id)) {
        if let Some(item) = news_item(corpus, dest, code, id) {
            items.push(item);
        }
    }
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

/// A paper's publication news: its journal reference (else its DOI) and the DOI's link.
fn news_item(corpus: &Corpus, dest: &Notify, code: &CodeLinks, id: &ArxivId) -> Option<Item> {
    let i = corpus
        .papers
        .binary_search_by(|p| p.paper.id.cmp(id))
        .ok()?;
    let stored = &corpus.papers[i];
    let paper = &stored.paper;
    let venue = paper
        .journal_ref
        .clone()
        .or_else(|| paper.doi.as_ref().map(|d| format!("DOI {d}")))?;
    let mut topics: Vec<String> = stored
        .topics
        .iter()
        .filter(|m| dest.topics.is_empty() || dest.topics.contains(&m.name))
        .map(|m| m.name.clone())
        .collect();
    if topics.is_empty() {
        topics = stored.topics.iter().map(|m| m.name.clone()).collect();
    }
    Some(Item {
        id: paper.id.clone(),
        version: paper.version,
        title: paper.title.clone(),
        authors: paper.authors.clone(),
        date: paper.published.strftime("%Y-%m-%d").to_string(),
        topics,
        score: None,
        url: abs_url(&paper.id),
        pdf: pdf_url(format_args!("{}v{}", paper.id, paper.version)),
        code: code.get(&paper.id).cloned(),
        summary: String::new(),
        why: "sent here before; now published".into(),
        revision: false,
        published: Some(Published {
            venue,
            url: paper.doi.as_ref().map(|d| format!("https://doi.org/{d}")),
        }),
        feedback: None,
    })
}

/// A paper's 👍/👎 links for `topic`, per `[feedback] mode`.
fn feedback_links(
    settings: &Settings,
    id: &ArxivId,
    topic: Option<&String>,
) -> Option<crate::feedback::Links> {
    let topic = topic?;
    match settings.feedback.mode {
        FeedbackMode::Github => Some(crate::feedback::links(
            settings.feedback_repository()?,
            id,
            topic,
        )),
        FeedbackMode::Serve => Some(crate::feedback::inbox_links(settings.serve.port, id, topic)),
        FeedbackMode::None => None,
    }
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
    let listing = &run.listing;
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
        let news = if dest.published {
            store.publication_queue(&dest.name)?
        } else {
            Vec::new()
        };
        let summaries = summaries(store, corpus, &queue, summarizer, &mut budget, now)?;
        let items = items(settings, dest, corpus, code, (&queue, &news), &summaries);
        if items.is_empty() || !(options.dry_run || due(dest, last.as_deref(), now)) {
            report.waiting = queue.len();
            reports.push(report);
            continue;
        }
        let mut sending = Sending {
            dest,
            store: &mut *store,
            options,
            now,
            report: &mut report,
            note: listing.as_deref(),
            refused: Vec::new(),
        };
        sending.all(&items)?;
        report.waiting = store.queue(&dest.name)?.len();
        say(ui, &report, options.dry_run);
        reports.push(report);
    }
    Ok(reports)
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
            published: true,
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
