//! `paperwatch serve [--port N] [--bind ADDRESS] [--open]`: the local inbox ([`crate::serve`]).

use std::process::ExitCode;

use jiff::Timestamp;

use crate::cli::ServeArgs;
use crate::config::Settings;
use crate::output::Ui;
use crate::tracker::ensure_database;

/// Under the run lock, rebuilds the database from the snapshot if needed and checks it opens.
pub(super) fn check_database(settings: &Settings, ui: Ui) -> anyhow::Result<()> {
    let _lock = crate::store::lock::acquire(
        &settings.database.path,
        settings.database.lock_wait_seconds,
        |pid| {
            ui.say(&format!(
                "waiting for another paperwatch run (pid {pid}) to finish…"
            ))
        },
    )?;
    ensure_database(settings, ui)?;
    crate::tracker::open_store(settings, false)?;
    Ok(())
}

/// Checks the database (rebuilding it from the snapshot if needed, under the run lock), then
/// serves until interrupted.
pub(super) fn run(
    settings: Settings,
    args: &ServeArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    {
        let _lock = crate::store::lock::acquire(
            &settings.database.path,
            settings.database.lock_wait_seconds,
            |pid| {
                ui.say(&format!(
                    "waiting for another paperwatch run (pid {pid}) to finish…"
                ))
            },
        )?;
        ensure_database(&settings, ui)?;
        crate::tracker::open_store(&settings, false)?;
    }
    let options = crate::serve::Options {
        port: args.port.unwrap_or(settings.serve.port),
        bind: args.bind,
        open: args.open,
        fixed_now: std::env::var_os("SOURCE_DATE_EPOCH").map(|_| now),
    };
    crate::serve::run(settings, options, ui)?;
    Ok(ExitCode::SUCCESS)
}
