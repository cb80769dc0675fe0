//! `paperwatch import`: bulk-import arXiv metadata.

use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::ImportArgs;
use crate::config::Settings;
use crate::import::bulk::{self, Options};
use crate::output::Ui;

/// Runs `import`.
pub(super) fn run(
    settings: &Settings,
    args: &ImportArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let options = Options {
        kaggle: args.kaggle.clone(),
        set: args.set.clone(),
        from: args.from.clone(),
        until: args.until.clone(),
        batch: args.batch,
    };
    bulk::run(settings, &options, now, ui)
}
