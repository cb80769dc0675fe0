//! `paperwatch mark ID --topic T --relevant|--irrelevant`: store a reader's label.

use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::MarkArgs;
use crate::config::Settings;
use crate::model::ArxivId;
use crate::output::{Ui, UsageError};
use crate::tracker::open_store;

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
    let relevant = args.label.relevant;
    store.set_label(&topic.name, &id, relevant, now)?;
    crate::tracker::redecide(settings, &mut store)?;
    crate::tracker::write_snapshot(settings, &store)?;
    let labels = store.labels(&topic.name)?;
    let positives = labels.iter().filter(|l| l.relevant).count();
    let negatives = labels.len() - positives;
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
