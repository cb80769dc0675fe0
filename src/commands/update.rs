//! `paperwatch update`: the whole daily pipeline.

use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::{FetchArgs, UpdateArgs};
use crate::config::Settings;
use crate::output::Ui;
use crate::tracker::{self, FetchOptions};

/// Runs `update`.
pub(super) fn run(
    settings: &Settings,
    args: &UpdateArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    // Before any request: a README paperwatch did not write is not replaced.
    tracker::check_readme(settings, args.force)?;
    tracker::update(settings, options(&args.fetch), now, ui)
}

/// The flags as the pipeline's options.
pub(super) fn options(args: &FetchArgs) -> FetchOptions<'_> {
    FetchOptions {
        topics: &args.topics,
        refresh: args.refresh,
    }
}
