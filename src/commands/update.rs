//! `paperwatch update`: the whole daily pipeline.

use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::FetchArgs;
use crate::config::Settings;
use crate::output::Ui;
use crate::tracker::{self, FetchOptions};

/// Runs `update`.
pub fn run(
    settings: &Settings,
    args: &FetchArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    tracker::update(settings, options(args), now, ui)
}

/// The flags as the pipeline's options.
pub fn options(args: &FetchArgs) -> FetchOptions<'_> {
    FetchOptions {
        topics: &args.topics,
        refresh: args.refresh,
    }
}
