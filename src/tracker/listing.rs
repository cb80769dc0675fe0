//! The listing stage, after the fetch: arXiv's announcement listing for the topics' categories
//! ([`crate::arxiv::listing`], one conditional GET) is read with each topic's query the way
//! arXiv reads it ([`Expr::matches_like_arxiv`]); an announced paper a topic's query matches
//! that the store does not hold at that version there (the search index lags the announcement
//! by hours) is fetched by `id_list` and stored in its topics like any other. Every announced
//! paper is recorded with what became of it (`paperwatch audit`), and the run says why a day
//! is quiet: a weekend, nothing matching, all already stored, fetched by id, or the listing
//! could not be read.

use std::collections::BTreeMap;

use jiff::Timestamp;
use tracing::warn;

use super::run::Run;
use crate::arxiv::Client;
use crate::arxiv::listing::{self, Announced, Fetched, Listing, Validators};
use crate::config::Topic;
use crate::model::{ArxivId, Paper};
use crate::query::{Algorithm, Doc, Expr, Stemmed, Stemmer};
use crate::store::{Announcement, ListingCheck};

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Found {
    /// The listing is off, or no topic searches arXiv.
    Off,
    /// 304: unchanged since the last check (already reconciled).
    Unchanged,
    /// No announcements: a weekend, or a holiday.
    Empty { day: Option<String>, weekend: bool },
    /// Announcements, and what became of those the topics match.
    Announced {
        day: String,
        announced: usize,
        matched: usize,
        stored: usize,
        fetched: usize,
        missing: Vec<(ArxivId, String)>,
    },
    /// The listing could not be read.
    Failed(String),
}

/// The check's result with the categories it asked for.
#[derive(Debug, Clone)]
pub(super) struct Check {
    pub categories: Vec<String>,
    pub found: Found,
}

impl Check {
    /// Whether papers were stored (the corpus must be read again).
    pub(super) fn added(&self) -> bool {
        matches!(&self.found, Found::Announced { fetched, .. } if *fetched > 0)
    }

    /// The run line: why a day is quiet, or what the listing added.
    pub(super) fn line(&self) -> Option<String> {
        let cats = self.categories.join(", ");
        Some(match &self.found {
            Found::Off => return None,
            Found::Unchanged => format!(
                "arXiv's listing for {cats} is unchanged since the last check (nothing new announced)"
            ),
            Found::Empty { weekend: true, .. } => {
                format!("arXiv announced nothing today in {cats} (no announcements at weekends)")
            }
            Found::Empty { day, .. } => format!(
                "arXiv announced nothing {} in {cats} (a holiday, or not yet announced)",
                day.as_deref()
                    .map_or("today".to_string(), |d| format!("on {d}"))
            ),
            Found::Announced {
                day,
                announced,
                matched,
                stored,
                fetched,
                missing,
            } => {
                let mut line = format!(
                    "arXiv announced {announced} paper{} in {cats} on {day}; {matched} match{} your topics",
                    if *announced == 1 { "" } else { "s" },
                    if *matched == 1 { "es" } else { "" }
                );
                if *matched > 0 && *fetched == 0 && missing.is_empty() {
                    line.push_str(&format!(
                        "; {} already stored",
                        if *stored == 1 { "it was" } else { "all were" }
                    ));
                }
                if *fetched > 0 {
                    line.push_str(&format!(
                        "; {fetched} {} not yet searchable: fetched by id",
                        if *fetched == 1 { "was" } else { "were" }
                    ));
                }
                if !missing.is_empty() {
                    let ids: Vec<String> = missing.iter().map(|(id, _)| id.to_string()).collect();
                    line.push_str(&format!(
                        "; {} could not be fetched ({}): {}",
                        missing.len(),
                        ids.join(", "),
                        missing[0].1
                    ));
                }
                line
            }
            Found::Failed(message) => format!("the listing could not be read: {message}"),
        })
    }
}

/// The categories whose listing is read: `[arxiv] listing_categories`, else those the topics'
/// queries name with `cat:` (`cs.*` as the archive `cs`), else the archives of the stored
/// papers' primary categories.
fn categories(run: &Run, queries: &[(&Topic, Expr)]) -> Vec<String> {
    let settings = run.settings;
    if !settings.arxiv.listing_categories.is_empty() {
        return settings.arxiv.listing_categories.clone();
    }
    let mut out: Vec<String> = Vec::new();
    for (_, expr) in queries {
        for c in expr.categories() {
            let c = c.strip_suffix(".*").unwrap_or(&c).to_string();
            if !c.contains(['*', '?']) && !out.contains(&c) {
                out.push(c);
            }
        }
    }
    if out.is_empty() {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for p in &run.corpus.papers {
            let archive = p.paper.primary_category.split('.').next().unwrap_or("");
            if !archive.is_empty() {
                *counts.entry(archive.to_string()).or_default() += 1;
            }
        }
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out = ranked.into_iter().take(3).map(|(a, _)| a).collect();
    }
    out.sort();
    out
}

/// `Fri, 06 Feb 2026 00:00:00 -0500` → `2026-02-06` (the day in the listing's own offset).
fn day_of(date: Option<&str>) -> Option<String> {
    let date = date?;
    jiff::fmt::rfc2822::parse(date)
        .ok()
        .map(|z| z.date().to_string())
}

/// An announced item as a paper, to read the topics' queries on it.
fn as_paper(a: &Announced, now: Timestamp) -> Paper {
    Paper {
        id: a.id.clone(),
        version: a.version,
        title: a.title.clone(),
        authors: a.authors.clone(),
        summary: a.summary.clone(),
        categories: a.categories.clone(),
        primary_category: a.categories.first().cloned().unwrap_or_default(),
        published: now,
        updated: now,
        comment: None,
        journal_ref: None,
        doi: None,
    }
}

/// The listing stage for `topics` (those fetched this run). When arXiv's API could not be
/// reached at all this run, the network is likely down: the listing is not asked either (an
/// unreachable network costs the API's two attempts, no more).
pub(super) fn check(
    run: &mut Run,
    client: &mut Client,
    topics: &[&Topic],
    unreachable: bool,
) -> anyhow::Result<Check> {
    let queries: Vec<(&Topic, Expr)> = topics
        .iter()
        .filter_map(|t| {
            let q = super::fetch::search_query(t)?;
            Some((*t, Expr::parse(&q).ok()?))
        })
        .collect();
    if !run.settings.arxiv.listing || queries.is_empty() {
        return Ok(Check {
            categories: Vec::new(),
            found: Found::Off,
        });
    }
    let cats = categories(run, &queries);
    if cats.is_empty() {
        return Ok(Check {
            categories: cats,
            found: Found::Off,
        });
    }
    if unreachable {
        return Ok(Check {
            categories: cats,
            found: Found::Failed(
                "arXiv could not be reached in this run, so its listing was not asked".into(),
            ),
        });
    }
    let url = listing::listing_url(&run.settings.arxiv.listing_url, &cats);
    let key = format!("listing validators {url}");
    let validators: Validators = run
        .store
        .meta(&key)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default();
    let config = super::fetch::client_config(run.settings);
    let answer = listing::fetch_listing(&url, &validators, &config.user_agent, config.timeout);
    let mut record = ListingCheck {
        checked_at: run.now.to_string(),
        categories: cats.join("+"),
        day: None,
        outcome: String::new(),
        announced: 0,
        matched: 0,
        fetched: 0,
        missing: 0,
        message: None,
    };
    let found = match answer {
        Err(e) => {
            warn!("arXiv's listing could not be read: {e}");
            record.outcome = "failed".into();
            record.message = Some(e.to_string());
            Found::Failed(e.to_string())
        }
        Ok(Fetched::NotModified) => {
            record.outcome = "unchanged".into();
            Found::Unchanged
        }
        Ok(Fetched::Fresh(l, next)) => {
            let found = reconcile(run, client, &queries, &l, &mut record)?;
            run.store.set_meta(&key, &serde_json::to_string(&next)?)?;
            found
        }
    };
    run.store.record_listing_check(&record)?;
    Ok(Check {
        categories: cats,
        found,
    })
}

/// Reads a fresh listing against the topics, fetches what they lack by id, records it all.
fn reconcile(
    run: &mut Run,
    client: &mut Client,
    queries: &[(&Topic, Expr)],
    l: &Listing,
    record: &mut ListingCheck,
) -> anyhow::Result<Found> {
    let now = run.now;
    let day = day_of(l.date.as_deref());
    record.day.clone_from(&day);
    if l.items.is_empty() {
        record.outcome = "empty".into();
        let weekday = l
            .date
            .as_deref()
            .and_then(|d| d.split(',').next())
            .map(str::trim)
            .unwrap_or("");
        let weekend = l
            .skip_days
            .iter()
            .any(|d| d.starts_with(weekday) && !weekday.is_empty())
            || matches!(weekday, "Sat" | "Sun");
        return Ok(Found::Empty { day, weekend });
    }
    let day = day.unwrap_or_else(|| now.strftime("%Y-%m-%d").to_string());
    let stemmer = Stemmer::create(Algorithm::English);
    // Each matched paper: the topics whose query reads it, and those that lack it.
    let mut rows: Vec<Announcement> = Vec::with_capacity(l.items.len());
    let mut wanted: Vec<(usize, Vec<&Topic>)> = Vec::new();
    for (i, a) in l.items.iter().enumerate() {
        let paper = as_paper(a, now);
        let doc = Doc::new(&paper);
        let stemmed = Stemmed::new(&doc, &stemmer);
        let mut topics = Vec::new();
        let mut lacking = Vec::new();
        for (topic, expr) in queries {
            if expr.matches_like_arxiv(&doc, &stemmed, &stemmer) {
                topics.push(topic.name.clone());
                let have = run.store.member_version(&topic.name, &a.id)?;
                if have.is_none_or(|v| v < a.version) {
                    lacking.push(*topic);
                }
            }
        }
        let outcome = match (topics.is_empty(), lacking.is_empty()) {
            (true, _) => "unmatched",
            (false, true) => "stored",
            (false, false) => {
                wanted.push((i, lacking));
                "fetched"
            }
        };
        rows.push(Announcement {
            day: day.clone(),
            id: a.id.clone(),
            version: a.version,
            kind: serde_json::to_value(a.kind)?
                .as_str()
                .unwrap_or("other")
                .to_string(),
            categories: a.categories.clone(),
            topics,
            outcome: outcome.into(),
            reason: None,
        });
    }
    let missing = fetch_lacking(run, client, l, &wanted, &mut rows)?;
    run.store.record_announcements(&rows, now)?;
    let matched = rows.iter().filter(|r| r.outcome != "unmatched").count();
    let fetched = rows.iter().filter(|r| r.outcome == "fetched").count();
    record.outcome = "announced".into();
    record.announced = rows.len() as u64;
    record.matched = matched as u64;
    record.fetched = fetched as u64;
    record.missing = missing.len() as u64;
    Ok(Found::Announced {
        day,
        announced: rows.len(),
        matched,
        stored: rows.iter().filter(|r| r.outcome == "stored").count(),
        fetched,
        missing,
    })
}

/// Fetches the wanted papers by id (in `page_size` batches) and stores each in the topics that
/// lack it; a paper the fetch did not return is `missing`, with why.
fn fetch_lacking(
    run: &mut Run,
    client: &mut Client,
    l: &Listing,
    wanted: &[(usize, Vec<&Topic>)],
    rows: &mut [Announcement],
) -> anyhow::Result<Vec<(ArxivId, String)>> {
    let mut missing = Vec::new();
    let batch = run.settings.arxiv.page_size.max(1);
    for chunk in wanted.chunks(batch) {
        let ids: Vec<ArxivId> = chunk.iter().map(|(i, _)| l.items[*i].id.clone()).collect();
        let papers: Vec<Paper> = match client.fetch_ids(&ids) {
            Ok(feed) => feed.entries,
            Err(e) => {
                for (i, _) in chunk {
                    rows[*i].outcome = "missing".into();
                    rows[*i].reason = Some(format!("the fetch by id failed: {e}"));
                    missing.push((
                        l.items[*i].id.clone(),
                        format!("the fetch by id failed: {e}"),
                    ));
                }
                continue;
            }
        };
        for (i, topics) in chunk {
            let id = &l.items[*i].id;
            let Some(paper) = papers.iter().find(|p| &p.id == id) else {
                let why = "arXiv's API did not return it yet".to_string();
                rows[*i].outcome = "missing".into();
                rows[*i].reason = Some(why.clone());
                missing.push((id.clone(), why));
                continue;
            };
            for topic in topics {
                run.store
                    .save_topic(&topic.name, std::slice::from_ref(paper), &[], run.now)?;
            }
        }
    }
    Ok(missing)
}
