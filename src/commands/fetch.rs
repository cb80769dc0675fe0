//! `paperwatch fetch`: the pipeline up to the snapshot; nothing is published.

use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::FetchArgs;
use crate::config::Settings;
use crate::output::Ui;
use crate::tracker;

/// Runs `fetch`.
pub(super) fn run(
    settings: &Settings,
    args: &FetchArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    tracker::fetch(settings, super::update::options(args), now, ui, "fetch")
}
