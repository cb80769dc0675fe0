//! The `paperwatch` binary: parse the command line, run, report one error.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = paperwatch::cli::Cli::parse();
    match paperwatch::commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            let is_usage = err.chain().any(|e| {
                e.is::<paperwatch::config::ConfigError>()
                    || e.is::<paperwatch::output::UsageError>()
            });
            ExitCode::from(if is_usage { 2 } else { 1 })
        }
    }
}
