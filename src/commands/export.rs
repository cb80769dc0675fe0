//! `paperwatch export`: print every stored paper.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{ExportArgs, ExportFormat};
use crate::config::Settings;
use crate::model::StoredPaper;
use crate::output::{UsageError, write_atomic};
use crate::render::export;
use crate::tracker;
use crate::tracker::open_store;

/// Writes the export to stdout or to `--output`. JSON without `--topic` holds every stored
/// paper; the other formats (and any `--topic`) hold the papers shown in the selected topics;
/// `--starred` holds the starred papers in any format.
/// A closed pipe (`| head`) is not an error.
pub(super) fn run(settings: &Settings, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    for name in &args.topics {
        if !settings.topics.iter().any(|t| &t.name == name) {
            return Err(
                UsageError(format!("no topic named {name:?} in {}", settings.source)).into(),
            );
        }
    }
    let store = open_store(settings, false)?;
    let mut papers = store.all_papers()?;
    let wanted = |name: &str| {
        settings.topics.iter().any(|t| t.name == name)
            && (args.topics.is_empty() || args.topics.iter().any(|t| t == name))
    };
    let shown_in_wanted = |p: &StoredPaper| p.topics.iter().any(|m| m.shown && wanted(&m.name));
    if args.starred {
        // The reading list, newest star first, whether shown or not.
        let stars = store.stars()?;
        let mut by_id: std::collections::HashMap<_, _> = papers
            .into_iter()
            .map(|p| (p.paper.id.clone(), p))
            .collect();
        papers = stars
            .iter()
            .filter_map(|(id, _)| by_id.remove(id))
            .collect();
    } else if !args.topics.is_empty() || args.format != ExportFormat::Json {
        papers.retain(shown_in_wanted);
    }
    let order: Vec<&str> = settings
        .topics
        .iter()
        .map(|t| t.name.as_str())
        .filter(|n| wanted(n))
        .collect();
    let code = tracker::code_map(settings, &papers, &store.hf_answers()?);
    let text = match args.format {
        ExportFormat::Json => export::json(&papers, &code),
        ExportFormat::Csv => export::csv(&papers, &code),
        ExportFormat::Bibtex => export::bibtex(&papers),
        ExportFormat::CvJson => export::cv_json(&papers, &order, &code),
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
