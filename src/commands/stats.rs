//! `paperwatch stats`: what the database holds and how recent runs went.

use std::collections::BTreeMap;
use std::process::ExitCode;

use serde::Serialize;

use super::shared::outln;
use crate::cli::StatsArgs;
use crate::config::Settings;
use crate::tracker;
use crate::tracker::open_store;

#[derive(Serialize)]
struct TopicStats {
    name: String,
    shown: usize,
    hidden: usize,
    /// `complete`, `cut` (a cap kept only the newest), `in progress` or `not begun`.
    history: &'static str,
    /// Papers the topic's search matched when its history began.
    matches: Option<u64>,
    /// Papers kept when a cap cut the history.
    kept: Option<u64>,
}

#[derive(Serialize)]
struct RunStats {
    id: i64,
    command: String,
    started: String,
    finished: Option<String>,
    outcome: Option<String>,
    topics: Vec<RunTopic>,
}

#[derive(Serialize)]
struct RunTopic {
    topic: String,
    ok: bool,
    error: Option<String>,
    new: u64,
    revised: u64,
    total: u64,
    requests: u64,
}

#[derive(Serialize)]
struct DestinationStats {
    name: String,
    sent: usize,
    queued: usize,
    /// Papers set aside: their service refused them even alone and plain.
    failed: Vec<FailedPaper>,
}

#[derive(Serialize)]
struct FailedPaper {
    id: String,
    version: u32,
    answer: String,
}

#[derive(Serialize)]
struct Stats {
    papers: usize,
    shown_papers: usize,
    code_links: usize,
    database_bytes: u64,
    topics: Vec<TopicStats>,
    per_month: BTreeMap<String, usize>,
    runs: Vec<RunStats>,
    destinations: Vec<DestinationStats>,
    /// The last checks of arXiv's announcement listing, newest first.
    listing: Vec<crate::store::ListingCheck>,
    /// Starred papers (the reading list).
    starred: usize,
    /// The starred papers on their way into `[zotero] library`, by state.
    #[serde(skip_serializing_if = "Option::is_none")]
    zotero: Option<ZoteroStats>,
}

#[derive(Serialize)]
struct ZoteroStats {
    library: String,
    written: usize,
    queued: usize,
    failed: usize,
}

/// Runs `stats`.
pub(super) fn run(settings: &Settings, args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let stats = gather(settings)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        print(&stats);
    }
    Ok(ExitCode::SUCCESS)
}

/// The figures, from the database.
fn gather(settings: &Settings) -> anyhow::Result<Stats> {
    let store = open_store(settings, false)?;
    let all = store.member_papers()?;
    let histories = store.histories()?;
    let topics: Vec<TopicStats> = settings
        .topics
        .iter()
        .map(|t| {
            let history = histories.iter().find(|h| h.topic == t.name);
            let (mut shown, mut hidden) = (0, 0);
            for p in &all {
                if let Some(m) = p.topics.iter().find(|m| m.name == t.name) {
                    if m.shown { shown += 1 } else { hidden += 1 }
                }
            }
            TopicStats {
                name: t.name.clone(),
                shown,
                hidden,
                history: match history {
                    None => "not begun",
                    Some(h) if h.cut().is_some() => "cut",
                    Some(h) if h.complete => "complete",
                    Some(_) => "in progress",
                },
                matches: history.and_then(|h| h.matches),
                kept: history.and_then(|h| h.cut()).map(|c| c.0),
            }
        })
        .collect();
    let shown: Vec<_> = all
        .iter()
        .filter(|p| {
            p.topics
                .iter()
                .any(|m| m.shown && settings.topics.iter().any(|t| t.name == m.name))
        })
        .collect();
    let mut per_month = BTreeMap::new();
    for p in &shown {
        *per_month
            .entry(crate::render::readme::archive_month(&p.paper))
            .or_insert(0) += 1;
    }
    let answers = store.hf_answers()?;
    let code_links = shown
        .iter()
        .filter(|p| tracker::code_link(settings, &p.paper, &answers).is_some())
        .count();
    Ok(Stats {
        papers: store.paper_count()?,
        shown_papers: shown.len(),
        code_links,
        database_bytes: store.size_bytes()?,
        topics,
        per_month,
        runs: recent_runs(&store)?,
        destinations: destinations(settings, &store)?,
        listing: store.listing_checks(5)?,
        starred: store.stars()?.len(),
        zotero: match &settings.zotero.library {
            None => None,
            Some(library) => {
                let rows = store.zotero_written(library)?;
                let count = |state: &str| rows.iter().filter(|r| r.1 == state).count();
                Some(ZoteroStats {
                    library: library.clone(),
                    written: count("written"),
                    queued: count("queued"),
                    failed: count("failed"),
                })
            }
        },
    })
}

/// Each configured destination's sent and queued papers, and those set aside.
fn destinations(
    settings: &Settings,
    store: &crate::store::Store,
) -> anyhow::Result<Vec<DestinationStats>> {
    let failed = store.failed_deliveries()?;
    let mut out = Vec::new();
    for dest in &settings.notify {
        let (sent, queued) = store.sent_counts(&dest.name)?;
        out.push(DestinationStats {
            name: dest.name.clone(),
            sent,
            queued,
            failed: failed
                .iter()
                .filter(|f| f.destination == dest.name)
                .map(|f| FailedPaper {
                    id: f.id.to_string(),
                    version: f.version,
                    answer: f.answer.clone(),
                })
                .collect(),
        });
    }
    Ok(out)
}

/// The figures as text.
fn print(stats: &Stats) {
    outln!(
        "{} papers stored, {} shown; {} with a code link; database {:.1} MB",
        stats.papers,
        stats.shown_papers,
        stats.code_links,
        stats.database_bytes as f64 / 1e6
    );
    outln!("\ntopics:");
    for t in &stats.topics {
        let history = match (t.history, t.kept, t.matches) {
            ("cut", Some(kept), Some(matches)) => format!(
                "history cut: kept the newest {} of {} matches (raise `max_results` or set `since`)",
                crate::output::thousands(kept),
                crate::output::thousands(matches)
            ),
            (state, _, _) => format!("history {state}"),
        };
        outln!(
            "  {:<28} {:>6} shown {:>6} hidden   {history}",
            t.name,
            t.shown,
            t.hidden
        );
    }
    outln!("\nshown papers per month of first version:");
    for (month, n) in stats.per_month.iter().rev() {
        outln!("  {month}  {n:>5}");
    }
    if !stats.destinations.is_empty() {
        outln!("\ndestinations:");
    }
    for d in &stats.destinations {
        outln!(
            "  {:<28} {:>6} sent {:>6} queued {:>4} set aside",
            d.name,
            d.sent,
            d.queued,
            d.failed.len()
        );
        for f in &d.failed {
            outln!("      {}v{}: {}", f.id, f.version, f.answer);
        }
    }
    outln!("\nstarred papers: {}", stats.starred);
    if let Some(z) = &stats.zotero {
        outln!(
            "  into Zotero ({}): {} written, {} queued, {} refused",
            z.library,
            z.written,
            z.queued,
            z.failed
        );
    }
    if !stats.listing.is_empty() {
        outln!("\narXiv's announcement listing, last checks:");
    }
    for c in &stats.listing {
        let found = match c.outcome.as_str() {
            "announced" => format!(
                "{} announced, {} matching, {} fetched by id, {} missing",
                c.announced, c.matched, c.fetched, c.missing
            ),
            "empty" => "nothing announced".to_string(),
            "unchanged" => "unchanged (304)".to_string(),
            _ => format!("could not be read: {}", c.message.as_deref().unwrap_or("")),
        };
        outln!(
            "  {} {} (day {}): {found}",
            c.checked_at,
            c.categories,
            c.day.as_deref().unwrap_or("?")
        );
    }
    outln!("\nrecent runs:");
    for r in &stats.runs {
        outln!(
            "  #{} {} started {}: {}",
            r.id,
            r.command,
            r.started,
            r.outcome.as_deref().unwrap_or("unfinished")
        );
        for t in &r.topics {
            match &t.error {
                None => outln!(
                    "      {}: ok, {} new, {} revised, {} total, {} requests",
                    t.topic,
                    t.new,
                    t.revised,
                    t.total,
                    t.requests
                ),
                Some(e) => outln!("      {}: FAILED: {e}", t.topic),
            }
        }
    }
}

/// The last five runs, each with its topics' outcomes.
fn recent_runs(store: &crate::store::Store) -> anyhow::Result<Vec<RunStats>> {
    let runs = store
        .recent_runs(5)?
        .into_iter()
        .map(|(id, command, started, finished, outcome)| {
            let topics = store
                .run_topics(id)
                .unwrap_or_default()
                .into_iter()
                .map(|o| RunTopic {
                    ok: o.error.is_none(),
                    topic: o.topic,
                    error: o.error,
                    new: o.new,
                    revised: o.revised,
                    total: o.total,
                    requests: o.requests,
                })
                .collect();
            RunStats {
                id,
                command,
                started,
                finished,
                outcome,
                topics,
            }
        })
        .collect();
    Ok(runs)
}
