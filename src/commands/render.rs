//! `paperwatch render`: publish from the database, without touching the network.

use std::process::ExitCode;

use jiff::Timestamp;

use crate::config::Settings;
use crate::output::Ui;
use crate::tracker;

/// Runs `render`.
pub fn run(settings: &Settings, now: Timestamp, ui: Ui) -> anyhow::Result<ExitCode> {
    tracker::render(settings, now, ui)?;
    Ok(ExitCode::SUCCESS)
}
