//! `paperwatch update`: fetch every topic, then render.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tracing::info;

use super::{Ui, fetch, render};
use crate::arxiv::Timing;
use crate::cli::FetchArgs;
use crate::config::Settings;

/// Fetches, then renders unless every topic failed (so an outage rewrites nothing).
pub fn run(
    settings: &Settings,
    args: &FetchArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let (outcomes, arxiv) = fetch::fetch_all(settings, args, now, ui, "update")?;
    let links_started = Instant::now();
    let store = fetch::after_fetch(settings, now, ui)?;
    let links = links_started.elapsed();
    let failed = outcomes.iter().filter(|o| o.error.is_some()).count();
    if failed > 0 && failed == outcomes.len() {
        ui.say("no topic could be fetched; the README was left as it was");
    } else {
        // Fetching has just decided every topic's papers: publish without deciding again.
        render::publish(settings, &store, now, ui)?;
    }
    info!("{}", split(started.elapsed(), arxiv, links));
    Ok(fetch::exit_code(&outcomes))
}

/// Where an update's time went, in one line.
pub fn split(total: Duration, arxiv: Timing, links_and_snapshot: Duration) -> String {
    let computing = total
        .saturating_sub(arxiv.paused)
        .saturating_sub(arxiv.waiting)
        .saturating_sub(links_and_snapshot);
    format!(
        "update took {:.1} s: {:.1} s pausing between arXiv requests, {:.1} s waiting for \
         arXiv's answers, {:.1} s on code links and the snapshot, {:.2} s computing (of which \
         {:.3} s parsing feeds)",
        total.as_secs_f64(),
        arxiv.paused.as_secs_f64(),
        arxiv.waiting.as_secs_f64(),
        links_and_snapshot.as_secs_f64(),
        computing.as_secs_f64(),
        arxiv.parsing.as_secs_f64(),
    )
}
