//! `paperwatch completions SHELL` and `paperwatch man`: shell completions and man pages,
//! generated from the clap definitions so they never drift from the flags.

use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;

use super::shared::emit;
use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::output::Ui;

/// Prints the completion script for a shell.
pub(super) fn completions(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "paperwatch", &mut out);
    emit(&String::from_utf8(out).context("a completion script is UTF-8")?);
    Ok(ExitCode::SUCCESS)
}

/// Prints paperwatch(1), or writes every page into `--dir`.
pub(super) fn man(args: &ManArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let cmd = Cli::command();
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        clap_mangen::generate_to(cmd, dir)
            .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
        ui.say(&format!("wrote the man pages into {}", dir.display()));
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
    emit(&String::from_utf8(out).context("a man page is UTF-8")?);
    Ok(ExitCode::SUCCESS)
}
