//! What several subcommands share: writing their output to stdout ([`emit`], `outln!`) and
//! finding a paper given in any id form ([`find_paper`]).

use std::io::Write;

use jiff::Timestamp;

use crate::config::{self, ConfigError, Settings};
use crate::output::Ui;
use crate::output::UsageError;
use crate::store::Store;
use crate::tracker::{ensure_database, open_store};

/// Writes command output to stdout. A closed pipe (`paperwatch search x | head`) ends the
/// process quietly with success, as for other command-line tools.
pub(super) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(
            std::io::stderr(),
            "error: cannot write to standard output: {e}"
        );
        std::process::exit(1);
    }
}

/// `println!` through [`emit`].
macro_rules! outln {
    () => { $crate::commands::shared::emit("\n") };
    ($($arg:tt)*) => { $crate::commands::shared::emit(&format!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use outln;

/// Opens the database and finds one paper given in any id form (`2407.05858v2`, a URL, …).
pub(super) fn find_paper(
    settings: &Settings,
    text: &str,
) -> anyhow::Result<(Store, crate::model::StoredPaper)> {
    let (id, _) =
        crate::model::ArxivId::parse_versioned(text).map_err(|e| UsageError(e.to_string()))?;
    let store = open_store(settings, false)?;
    let stored = store
        .stored_paper(&id)?
        .ok_or_else(|| anyhow::anyhow!("paper {id} is not in the database"))?;
    Ok((store, stored))
}

/// "Now": `SOURCE_DATE_EPOCH` when set (reproducible output), else the clock, in whole seconds.
pub(super) fn now() -> Result<Timestamp, ConfigError> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| Timestamp::from_second(s).ok())
            .ok_or(ConfigError::SourceDateEpoch(value)),
        Err(_) => Ok(Timestamp::from_second(Timestamp::now().as_second())
            .expect("the current time is a valid timestamp")),
    }
}

/// "Now" for the long-running commands, asked at each request: [`now`], which `run` has
/// already checked (a bad `SOURCE_DATE_EPOCH` stops it before any server starts).
pub(super) fn clock() -> Timestamp {
    now().expect("SOURCE_DATE_EPOCH was checked at start")
}

/// Takes the database's run lock, saying so when another run holds it.
pub(super) fn run_lock(
    settings: &config::Settings,
    ui: Ui,
) -> Result<crate::store::lock::RunLock, crate::store::lock::LockError> {
    crate::store::lock::acquire(
        &settings.database.path,
        settings.database.lock_wait_seconds,
        |pid| {
            ui.say(&format!(
                "waiting for another paperwatch run (pid {pid}) on {} to finish…",
                settings.database.path.display()
            ))
        },
    )
}

/// For the long-running commands (`serve`, `mcp`): under the run lock, rebuilds the database
/// from the snapshot if needed and checks it opens; the lock is released on return.
pub(super) fn check_database(settings: &config::Settings, ui: Ui) -> anyhow::Result<()> {
    let _lock = run_lock(settings, ui)?;
    ensure_database(settings, ui)?;
    crate::tracker::open_store(settings, false)?;
    Ok(())
}
