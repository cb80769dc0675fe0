//! `paperwatch export`: print every stored paper.

use std::io::Write;
use std::process::ExitCode;

use super::{open_store, write_atomic};
use crate::cli::{ExportArgs, ExportFormat};
use crate::config::Settings;

/// Writes the export to stdout or to `--output`. A closed pipe (`| head`) is not an error.
pub fn run(settings: &Settings, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(settings, false)?;
    let papers = store.all_papers()?;
    let text = match args.format {
        ExportFormat::Json => crate::render::export::json(&papers),
    };
    match &args.output {
        Some(path) => write_atomic(path, text.as_bytes())?,
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
