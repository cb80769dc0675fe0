//! `paperwatch show ID`: everything stored about one paper.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::shared::{find_paper, outln};
use crate::cli::ShowArgs;
use crate::config::Settings;
use crate::text::terminal_safe;
use crate::tracker;

/// Runs `show`.
pub(super) fn run(settings: &Settings, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&json(settings, &args.id)?)?
        );
        return Ok(ExitCode::SUCCESS);
    }
    show_text(settings, args)
}

/// What `show --json` prints.
pub(super) fn json(settings: &Settings, id: &str) -> anyhow::Result<serde_json::Value> {
    let (store, stored) = find_paper(settings, id)?;
    let id = stored.paper.id.clone();
    let versions = store.versions(&id)?;
    let code = tracker::code_link(settings, &stored.paper, &store.hf_answers()?);
    let p = &stored.paper;
    {
        let json = serde_json::json!({
            "paper": p,
            "url": crate::text::legacy_abs_url(p.versioned_id()),
            "pdf": format!("https://arxiv.org/pdf/{}", p.versioned_id()),
            "code": code,
            "first_seen": stored.first_seen.to_string(),
            "versions": versions.iter().map(|(v, t)| serde_json::json!({"version": v, "updated": t.to_string()})).collect::<Vec<_>>(),
            "topics": stored.topics,
        });
        Ok(json)
    }
}

/// `show` as text.
fn show_text(settings: &Settings, args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let (store, stored) = find_paper(settings, &args.id)?;
    let stored = &stored;
    let id = stored.paper.id.clone();
    let versions = store.versions(&id)?;
    let code = tracker::code_link(settings, &stored.paper, &store.hf_answers()?);
    let p = &stored.paper;
    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", p.versioned_id(), terminal_safe(&p.title));
    let field = |out: &mut String, name: &str, value: &str| {
        let _ = writeln!(out, "{name:<15}{}", terminal_safe(value));
    };
    field(&mut out, "authors", &p.authors.join(", "));
    field(
        &mut out,
        "categories",
        &format!(
            "{} (primary {})",
            p.categories.join(", "),
            p.primary_category
        ),
    );
    field(&mut out, "published", &p.published.to_string());
    field(&mut out, "updated", &p.updated.to_string());
    for (name, value) in [
        ("comment", &p.comment),
        ("journal ref", &p.journal_ref),
        ("doi", &p.doi),
    ] {
        if let Some(v) = value {
            field(&mut out, name, v);
        }
    }
    field(
        &mut out,
        "abstract page",
        &crate::text::legacy_abs_url(p.versioned_id()),
    );
    field(
        &mut out,
        "pdf",
        &format!("https://arxiv.org/pdf/{}", p.versioned_id()),
    );
    field(&mut out, "code", code.as_deref().unwrap_or("none known"));
    let versions: Vec<String> = versions
        .iter()
        .map(|(v, t)| format!("v{v} {}", t.to_zoned(jiff::tz::TimeZone::UTC).date()))
        .collect();
    field(&mut out, "versions seen", &versions.join(", "));
    field(&mut out, "first seen", &stored.first_seen.to_string());
    if stored.topics.is_empty() {
        field(&mut out, "topics", "none");
    }
    for m in &stored.topics {
        let score = m.score.map_or(String::new(), |s| format!(", score {s:.2}"));
        let verdict = match &m.reason {
            Some(r) if !m.shown => format!("hidden ({r}){score}"),
            _ => format!("shown{score}"),
        };
        field(&mut out, "topic", &format!("{}: {verdict}", m.name));
    }
    let _ = writeln!(out, "\n{}", terminal_safe(&p.summary));
    super::shared::emit(&out);
    Ok(ExitCode::SUCCESS)
}
