//! `paperwatch serve [--port N] [--bind ADDRESS] [--open]`: the local inbox ([`crate::serve`]).

use std::process::ExitCode;

use crate::cli::ServeArgs;
use crate::config::Settings;
use crate::output::Ui;

/// Checks the database (rebuilding it from the snapshot if needed, under the run lock), then
/// serves until interrupted.
pub(super) fn run(settings: Settings, args: &ServeArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    super::shared::check_database(&settings, ui)?;
    let options = crate::serve::Options {
        port: args.port.unwrap_or(settings.serve.port),
        bind: args.bind,
        open: args.open,
        clock: super::shared::clock,
    };
    crate::serve::run(settings, options, ui)?;
    Ok(ExitCode::SUCCESS)
}
