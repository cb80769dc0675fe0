//! `paperwatch update`: fetch every topic, then render.

use std::process::ExitCode;

use jiff::Timestamp;

use super::{Ui, fetch, render};
use crate::cli::FetchArgs;
use crate::config::Settings;

/// Fetches, then renders unless every topic failed (so an outage rewrites nothing).
pub fn run(
    settings: &Settings,
    args: &FetchArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let outcomes = fetch::fetch_all(settings, args, now, ui, "update")?;
    let store = fetch::after_fetch(settings, now, ui)?;
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    if failed > 0 && failed == outcomes.len() {
        ui.say("no topic could be fetched; the README was left as it was");
    } else {
        // Fetching has just decided every topic's papers: publish without deciding again.
        render::publish(settings, &store, now, ui)?;
    }
    Ok(fetch::exit_code(&outcomes))
}
