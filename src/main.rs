//! The `paperwatch` binary: parse the command line, run, report one error.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = paperwatch::cli::Cli::parse();
    match paperwatch::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            // Nothing more can be done when stderr itself fails: the exit code still tells.
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            let is_usage = err.chain().any(|e| {
                e.is::<paperwatch::config::ConfigError>()
                    || e.is::<paperwatch::output::UsageError>()
            });
            // EX_TEMPFAIL: another run holds the database; trying later will work.
            let busy = err.chain().any(|e| {
                matches!(
                    e.downcast_ref::<paperwatch::store::lock::LockError>(),
                    Some(paperwatch::store::lock::LockError::Busy(_))
                )
            });
            ExitCode::from(match (busy, is_usage) {
                (true, _) => 75,
                (_, true) => 2,
                _ => 1,
            })
        }
    }
}
