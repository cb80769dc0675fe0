//! `paperwatch import-cv`: migrate a cv-arxiv-daily fork.

use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::ImportCvArgs;
use crate::import::cv::{Sources, migrate};
use crate::output::Ui;

/// Runs `import-cv`; the global config is not used: the command writes (or reuses) `--out`.
pub(super) fn run(args: &ImportCvArgs, now: Timestamp, ui: Ui) -> anyhow::Result<ExitCode> {
    let sources = Sources {
        config_yaml: args.config_yaml.clone(),
        json: args.json.clone(),
        out: args.out.clone(),
    };
    migrate(&sources, now, ui)
}
