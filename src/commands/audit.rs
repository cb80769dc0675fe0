//! `paperwatch audit [--date YYYY-MM-DD] [--json]`: every paper arXiv's listing announced on a
//! day, accounted for per topic: announced in its categories, matching its query, stored,
//! shown, hidden (with the reason) and missing (with the reason), from what the runs recorded.

use std::collections::HashMap;
use std::process::ExitCode;

use serde::Serialize;

use super::shared::outln;
use crate::cli::AuditArgs;
use crate::config::Settings;
use crate::output::UsageError;
use crate::store::{Announcement, ListingCheck};
use crate::tracker::{open_store, search_query};

#[derive(Serialize)]
struct Why {
    id: String,
    reason: String,
}

#[derive(Serialize)]
struct TopicAudit {
    topic: String,
    /// Announced in the topic's categories (every listed category when its query names none).
    announced: usize,
    /// Of those, matching its query as arXiv reads it.
    matching: usize,
    /// Of those, stored in the topic now.
    stored: usize,
    /// Of those, shown.
    shown: usize,
    hidden: Vec<Why>,
    missing: Vec<Why>,
}

#[derive(Serialize)]
struct Audit {
    day: String,
    /// The checks of the listing that day.
    checks: Vec<ListingCheck>,
    topics: Vec<TopicAudit>,
    /// Every announced paper, by id.
    papers: Vec<Announcement>,
}

/// Runs `audit`.
pub(super) fn run(settings: &Settings, args: &AuditArgs) -> anyhow::Result<ExitCode> {
    match build(settings, args.date.as_deref())? {
        None => outln!(
            "no announcements recorded yet: `update` reads arXiv's listing when `[arxiv] listing` is on"
        ),
        Some(audit) if args.json => outln!("{}", serde_json::to_string_pretty(&audit)?),
        Some(audit) => print(&audit),
    }
    Ok(ExitCode::SUCCESS)
}

/// What `audit --json` prints (`{"day": null, …}` before any announcement was recorded).
pub(super) fn json(settings: &Settings, date: Option<&str>) -> anyhow::Result<serde_json::Value> {
    Ok(match build(settings, date)? {
        Some(audit) => serde_json::to_value(&audit)?,
        None => serde_json::json!({"day": null, "topics": [], "papers": [],
            "message": "no announcements recorded yet: `update` reads arXiv's listing when `[arxiv] listing` is on"}),
    })
}

/// The audit of `date` (default: the last day recorded); `None` before any.
fn build(settings: &Settings, date: Option<&str>) -> anyhow::Result<Option<Audit>> {
    let store = open_store(settings, false)?;
    let days = store.announcement_days()?;
    let day = match date {
        Some(d) => {
            if d.parse::<jiff::civil::Date>().is_err() {
                return Err(UsageError(format!("--date {d:?} is not YYYY-MM-DD")).into());
            }
            d.to_string()
        }
        None => match days.first() {
            Some(d) => d.clone(),
            None => return Ok(None),
        },
    };
    let papers = store.announcements(&day)?;
    if papers.is_empty() {
        return Err(UsageError(format!(
            "no announcements recorded for {day} (recorded days: {})",
            if days.is_empty() {
                "none".to_string()
            } else {
                days.join(", ")
            }
        ))
        .into());
    }
    let checks = store
        .listing_checks(1000)?
        .into_iter()
        .filter(|c| c.day.as_deref() == Some(day.as_str()))
        .collect();
    // Each paper's membership now, by topic: shown, or hidden with the reason.
    let mut members: HashMap<(String, String), (bool, Option<String>)> = HashMap::new();
    for p in store.member_papers()? {
        for m in &p.topics {
            members.insert(
                (m.name.clone(), p.paper.id.to_string()),
                (m.shown, m.reason.clone()),
            );
        }
    }
    let mut topics = Vec::new();
    for topic in &settings.topics {
        let Some(query) = search_query(topic) else {
            continue;
        };
        let cats: Vec<String> = crate::query::Expr::parse(&query)
            .map(|e| e.categories())
            .unwrap_or_default();
        let in_categories = |a: &Announcement| {
            cats.is_empty()
                || a.categories.iter().any(|c| {
                    cats.iter()
                        .any(|want| crate::query::glob(&want.to_lowercase(), &c.to_lowercase()))
                })
        };
        let mut t = TopicAudit {
            topic: topic.name.clone(),
            announced: 0,
            matching: 0,
            stored: 0,
            shown: 0,
            hidden: Vec::new(),
            missing: Vec::new(),
        };
        for a in papers.iter().filter(|a| in_categories(a)) {
            t.announced += 1;
            if !a.topics.contains(&topic.name) {
                continue;
            }
            t.matching += 1;
            let id = a.id.to_string();
            match members.get(&(topic.name.clone(), id.clone())) {
                Some((true, _)) => {
                    t.stored += 1;
                    t.shown += 1;
                }
                Some((false, reason)) => {
                    t.stored += 1;
                    t.hidden.push(Why {
                        id,
                        reason: reason.clone().unwrap_or_else(|| "hidden".into()),
                    });
                }
                None => t.missing.push(Why {
                    id,
                    reason: a
                        .reason
                        .clone()
                        .unwrap_or_else(|| "not stored in this topic".into()),
                }),
            }
        }
        topics.push(t);
    }
    Ok(Some(Audit {
        day,
        checks,
        topics,
        papers,
    }))
}

fn print(a: &Audit) {
    let matched = a.papers.iter().filter(|p| !p.topics.is_empty()).count();
    outln!(
        "{}: arXiv announced {} papers in the checked categories; {matched} match a topic",
        a.day,
        a.papers.len()
    );
    for t in &a.topics {
        outln!(
            "  {:<28} {:>5} announced {:>4} matching {:>4} stored {:>4} shown {:>4} hidden {:>4} missing",
            t.topic,
            t.announced,
            t.matching,
            t.stored,
            t.shown,
            t.hidden.len(),
            t.missing.len()
        );
        for h in &t.hidden {
            outln!("      hidden  {}: {}", h.id, h.reason);
        }
        for m in &t.missing {
            outln!("      missing {}: {}", m.id, m.reason);
        }
    }
    outln!("\nby id:");
    for p in &a.papers {
        let topics = if p.topics.is_empty() {
            "no topic".to_string()
        } else {
            p.topics.join(", ")
        };
        let reason = p
            .reason
            .as_deref()
            .map_or(String::new(), |r| format!(" ({r})"));
        outln!(
            "  {}v{} {:<13} {:<9} {topics}{reason}",
            p.id,
            p.version,
            p.kind,
            p.outcome
        );
    }
}
