//! `paperwatch render`: publish from the database, without touching the network.

use std::process::ExitCode;

use jiff::Timestamp;

use crate::config::Settings;
use crate::output::Ui;
use crate::tracker;

/// Runs `render`.
pub(super) fn run(
    settings: &Settings,
    force: bool,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    tracker::check_readme(settings, force)?;
    tracker::render(settings, now, ui)?;
    Ok(ExitCode::SUCCESS)
}
