//! `paperwatch similar ID [--limit N] [--json]`: the stored papers most like one, by cosine over
//! the TF-IDF vectors the relevance model builds ([`crate::relevance::similar`]).

use std::process::ExitCode;

use serde::Serialize;

use super::shared::outln;
use crate::cli::SimilarArgs;
use crate::config::Settings;
use crate::model::{ArxivId, Paper};
use crate::output::UsageError;
use crate::relevance::similar::similar;
use crate::tracker::open_store;

#[derive(Serialize)]
struct Similar<'a> {
    id: String,
    title: &'a str,
    score: f32,
    /// The topics it is shown in.
    shown_in: Vec<&'a str>,
}

/// Runs `similar`.
pub(super) fn run(settings: &Settings, args: &SimilarArgs) -> anyhow::Result<ExitCode> {
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json(settings, args)?)?);
        return Ok(ExitCode::SUCCESS);
    }
    with_rows(settings, args, |rows| {
        for r in rows {
            let topics = if r.shown_in.is_empty() {
                String::new()
            } else {
                format!("  ({})", r.shown_in.join(", "))
            };
            outln!(
                "{:.3}  {}  {}{topics}",
                r.score,
                r.id,
                crate::text::terminal_safe(r.title)
            );
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

/// What `similar --json` prints.
pub(super) fn json(settings: &Settings, args: &SimilarArgs) -> anyhow::Result<serde_json::Value> {
    let mut out = serde_json::Value::Null;
    with_rows(settings, args, |rows| out = serde_json::json!(rows))?;
    Ok(out)
}

/// The papers most like `args.id`, handed to `show`.
fn with_rows(
    settings: &Settings,
    args: &SimilarArgs,
    show: impl FnOnce(&[Similar]),
) -> anyhow::Result<()> {
    let (id, _) = ArxivId::parse_versioned(&args.id).map_err(|e| UsageError(e.to_string()))?;
    let store = open_store(settings, false)?;
    let stored = store.all_papers()?;
    let papers: Vec<&Paper> = stored.iter().map(|s| &s.paper).collect();
    let Some(found) = similar(&id, &papers, args.limit) else {
        return Err(UsageError(format!("paper {id} is not in the database")).into());
    };
    let rows: Vec<Similar> = found
        .iter()
        .map(|(p, score)| {
            let shown_in = stored
                .iter()
                .find(|s| s.paper.id == p.id)
                .map(|s| {
                    s.topics
                        .iter()
                        .filter(|m| m.shown)
                        .map(|m| m.name.as_str())
                        .collect()
                })
                .unwrap_or_default();
            Similar {
                id: p.id.to_string(),
                title: &p.title,
                score: *score,
                shown_in,
            }
        })
        .collect();
    show(&rows);
    Ok(())
}
