//! What several subcommands share: writing their output to stdout ([`emit`], `outln!`) and
//! finding a paper given in any id form ([`find_paper`]).

use std::io::Write;

use crate::config::Settings;
use crate::output::UsageError;
use crate::store::Store;
use crate::tracker::open_store;

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
