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
            paperwatch::commands::exit_code_of(&err)
        }
    }
}
