//! `paperwatch mark ID --topic T --relevant|--irrelevant|--clear`: store (or remove) a reader's
//! label; `paperwatch labels [--json]`: list them; `paperwatch star ID [--remove]`: the reading
//! list.

use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::MarkArgs;
use crate::config::Settings;
use crate::model::ArxivId;
use crate::output::{Ui, UsageError};
use crate::tracker::{Settled, open_store, settle};

/// Stores the label and decides the topics again, so the label takes effect at once.
pub(super) fn run(
    settings: &Settings,
    args: &MarkArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let topic = settings
        .topics
        .iter()
        .find(|t| t.name == args.topic)
        .ok_or_else(|| {
            UsageError(format!(
                "no topic named {:?} in {}",
                args.topic, settings.source
            ))
        })?;
    let (id, _) = ArxivId::parse_versioned(&args.id).map_err(|e| UsageError(e.to_string()))?;
    let mut store = open_store(settings, false)?;
    if store.papers_by_ids(std::slice::from_ref(&id))?.is_empty() {
        anyhow::bail!(
            "paper {id} is not in the database; fetch it first (e.g. pin it in a topic's `ids`)"
        );
    }
    if args.label.clear {
        let had = store.clear_label(&topic.name, &id)?;
        settle(settings, &mut store, &topic.name, &id)?;
        ui.say(&if had {
            format!(
                "cleared the label of {id} for {}; the model decides it again",
                topic.name
            )
        } else {
            format!("{id} had no label for {}", topic.name)
        });
        return Ok(ExitCode::SUCCESS);
    }
    let relevant = args.label.relevant;
    let Settled {
        positives,
        negatives,
        ..
    } = crate::tracker::label(settings, &mut store, &topic.name, &id, Some(relevant), now)?;
    let need = crate::relevance::MIN_LABELS_PER_KIND;
    ui.say(&format!(
        "marked {id} {} for {}; the topic has {positives} relevant and {negatives} irrelevant labels{}",
        if relevant { "relevant" } else { "irrelevant" },
        topic.name,
        if positives >= need && negatives >= need {
            " (feedback model active)".to_string()
        } else {
            format!(" (the feedback model starts at {need} of each)")
        }
    ));
    Ok(ExitCode::SUCCESS)
}

/// Runs `star`: keeps a stored paper to read later (or drops it), and writes the snapshot so
/// the reading list survives a rebuilt database.
pub(super) fn star(
    settings: &Settings,
    args: &crate::cli::StarArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let (id, _) = ArxivId::parse_versioned(&args.id).map_err(|e| UsageError(e.to_string()))?;
    let store = open_store(settings, false)?;
    if store.papers_by_ids(std::slice::from_ref(&id))?.is_empty() {
        anyhow::bail!("paper {id} is not in the database");
    }
    let mut store = store;
    let changed = crate::tracker::star(settings, &store, &id, !args.remove, now)?;
    ui.say(&match (args.remove, changed) {
        (false, true) => {
            format!("starred {id}; `paperwatch export --starred` lists the starred papers")
        }
        (false, false) => format!("{id} was already starred"),
        (true, true) => format!("removed the star of {id}"),
        (true, false) => format!("{id} had no star"),
    });
    if !args.remove
        && let Some(line) = crate::tracker::push_stars(settings, &mut store)?
    {
        ui.say(&line);
    }
    Ok(ExitCode::SUCCESS)
}

/// One label, as `labels --json` prints it.
#[derive(serde::Serialize)]
struct LabelRow {
    topic: String,
    id: String,
    label: &'static str,
    marked_at: String,
    title: Option<String>,
}

/// Runs `labels`: every label, by topic and paper, with the paper's title.
pub(super) fn list(settings: &Settings, args: &crate::cli::LabelsArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(settings, false)?;
    let labels = store.all_labels()?;
    let ids: Vec<ArxivId> = labels.iter().map(|l| l.1.clone()).collect();
    let papers = store.papers_by_ids(&ids)?;
    let rows: Vec<LabelRow> = labels
        .into_iter()
        .map(|(topic, id, relevant, marked_at)| LabelRow {
            title: papers.iter().find(|p| p.id == id).map(|p| p.title.clone()),
            topic,
            id: id.to_string(),
            label: if relevant { "relevant" } else { "irrelevant" },
            marked_at,
        })
        .collect();
    if args.json {
        super::shared::outln!("{}", serde_json::to_string_pretty(&rows)?);
    } else if rows.is_empty() {
        super::shared::outln!(
            "no labels yet: `paperwatch mark ID --topic T --relevant` or a digest's 👍/👎"
        );
    } else {
        for r in &rows {
            super::shared::outln!(
                "{:<24} {:<11} {:<10} {}",
                r.topic,
                r.id,
                r.label,
                crate::text::terminal_safe(r.title.as_deref().unwrap_or(""))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
