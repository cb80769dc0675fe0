//! `paperwatch search QUERY`: full-text search of stored papers.

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Context;
use jiff::civil::Date;
use serde::Serialize;

use super::shared::outln;
use crate::cli::SearchArgs;
use crate::config::Settings;
use crate::model::ArxivId;
use crate::output::UsageError;
use crate::store::{self, SearchFilter, SearchHit};
use crate::text::terminal_safe;
use crate::tracker::open_store;

#[derive(Serialize)]
struct Result_<'a> {
    id: &'a str,
    version: u32,
    title: &'a str,
    #[serde(rename = "abstract")]
    summary: &'a str,
    authors: &'a [String],
    categories: &'a [String],
    published: String,
    url: String,
    score: f64,
    snippet: &'a str,
    topics: Vec<String>,
}

/// `--since` as the start of that day (UTC).
fn since(args: &SearchArgs) -> Result<Option<jiff::Timestamp>, UsageError> {
    args.since
        .as_deref()
        .map(|d| {
            d.parse::<Date>()
                .map_err(|e| UsageError(format!("--since {d:?} is not a date (YYYY-MM-DD): {e}")))
                .and_then(|d| {
                    d.to_zoned(jiff::tz::TimeZone::UTC)
                        .map(|z| z.timestamp())
                        .map_err(|e| UsageError(e.to_string()))
                })
        })
        .transpose()
}

/// Reads the query and runs it: the store and the hits, matches between `marks`.
fn find(
    settings: &Settings,
    args: &SearchArgs,
    marks: (&str, &str),
) -> anyhow::Result<(store::Store, Vec<SearchHit>)> {
    let store = open_store(settings, false)?;
    let since = since(args)?;
    if let Some(topic) = &args.topic
        && !settings.topics.iter().any(|t| &t.name == topic)
    {
        return Err(UsageError(format!("no topic named {topic:?} in {}", settings.source)).into());
    }
    let filter = SearchFilter {
        topic: args.topic.as_deref(),
        since,
        category: args.category.as_deref(),
        limit: args.limit,
        marks,
    };
    let hits = match store.search(&args.query, &filter) {
        Ok(found) => found.hits,
        Err(store::Error::Query { query, message }) => {
            return Err(UsageError(format!(
                "cannot read the search query {query:?} ({message}); put phrases and words with \
                 punctuation in double quotes, e.g. '\"on-device\" AND npu*'"
            ))
            .into());
        }
        Err(e) => return Err(e).context("search failed"),
    };
    Ok((store, hits))
}

/// The topics a stored paper is shown in.
fn topics_of(store: &store::Store, id: &ArxivId) -> Vec<String> {
    store
        .stored_paper(id)
        .ok()
        .flatten()
        .map(|p| {
            p.topics
                .iter()
                .filter(|m| m.shown)
                .map(|m| m.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `search`.
pub(super) fn run(settings: &Settings, args: &SearchArgs) -> anyhow::Result<ExitCode> {
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&json(settings, args)?)?);
        return Ok(ExitCode::SUCCESS);
    }
    let marks = if crate::output::colour_stream(std::io::stdout().is_terminal()) {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("**", "**")
    };
    let (store, hits) = find(settings, args, marks)?;
    print_text(&args.query, &hits, &|id| topics_of(&store, id));
    Ok(ExitCode::SUCCESS)
}

/// What `search --json` prints: `{"results": [...]}`.
pub(super) fn json(settings: &Settings, args: &SearchArgs) -> anyhow::Result<serde_json::Value> {
    let (store, hits) = find(settings, args, ("", ""))?;
    let results: Vec<Result_> = hits
        .iter()
        .map(|h| Result_ {
            id: h.paper.id.as_str(),
            version: h.paper.version,
            title: &h.paper.title,
            summary: &h.paper.summary,
            authors: &h.paper.authors,
            categories: &h.paper.categories,
            published: h.paper.published.to_string(),
            url: crate::text::legacy_abs_url(h.paper.versioned_id()),
            score: (h.score * 1000.0).round() / 1000.0,
            snippet: &h.snippet,
            topics: topics_of(&store, &h.paper.id),
        })
        .collect();
    Ok(serde_json::json!({ "results": results }))
}

/// The hits as text: id, title, date, categories, score, topics and the snippet.
fn print_text(query: &str, hits: &[SearchHit], topics_of: &dyn Fn(&ArxivId) -> Vec<String>) {
    if hits.is_empty() {
        outln!("no paper matches {query:?}");
    }
    for (i, h) in hits.iter().enumerate() {
        let p = &h.paper;
        outln!(
            "{:>3}. {}  {}",
            i + 1,
            p.versioned_id(),
            terminal_safe(&h.title)
        );
        outln!(
            "     {} · {} · score {:.2}{}",
            p.published.to_zoned(jiff::tz::TimeZone::UTC).date(),
            p.categories.join(", "),
            h.score,
            {
                let t = topics_of(&p.id);
                if t.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", t.join(", "))
                }
            }
        );
        outln!("     {}", terminal_safe(&h.snippet.replace('\n', " ")));
    }
}
