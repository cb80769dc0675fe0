//! `paperwatch import --kaggle FILE`: stream the Kaggle arXiv metadata snapshot into the store.
//! Lines are read one at a time and written in batches (one transaction each), so memory stays
//! bounded; topics get the papers their own terms match, locally (the same matcher as the
//! relevance filter), so a backfill of years asks arXiv nothing. Papers already stored are
//! skipped: an interrupted import resumes by running again. Malformed lines are reported with
//! their line number and skipped.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use tracing::warn;

use super::{Ui, open_store};
use crate::cli::ImportArgs;
use crate::config::Settings;
use crate::kaggle::{self, Record};
use crate::model::ArxivId;
use crate::relevance::matcher::{Doc, Expr};

/// Counts `Read`'s bytes, for the progress bar.
struct Counting<R> {
    inner: R,
    bar: ProgressBar,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bar.inc(n as u64);
        Ok(n)
    }
}

/// Runs `import`.
pub fn run(
    settings: &Settings,
    args: &ImportArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let path = &args.kaggle;
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if ui.progress && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("the template is valid"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let counted = Counting {
        inner: file,
        bar: bar.clone(),
    };
    let name = path.to_string_lossy();
    let reader: Box<dyn Read> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(counted))
    } else if name.ends_with(".zip") {
        anyhow::bail!(
            "{}: unzip it first (.jsonl and .jsonl.gz are read directly)",
            path.display()
        );
    } else {
        Box::new(counted)
    };
    let mut store = open_store(settings, true)?;
    store.begin_bulk()?;
    let matchers: Vec<(&str, Option<Expr>, HashSet<&ArxivId>)> = settings
        .topics
        .iter()
        .map(|t| (t.name.as_str(), t.match_expr(), t.ids.iter().collect()))
        .collect();
    let started = Instant::now();
    let (mut lines, mut new, mut skipped_lines, mut matched) = (0usize, 0usize, 0usize, 0usize);
    let mut batch: Vec<(crate::model::Paper, Vec<(u32, Timestamp)>)> =
        Vec::with_capacity(args.batch);
    let mut members: Vec<(usize, &str)> = Vec::new();
    let mut flush = |batch: &mut Vec<_>,
                     members: &mut Vec<(usize, &str)>,
                     new: &mut usize|
     -> anyhow::Result<()> {
        *new += store.import_batch(batch, members, now)?;
        batch.clear();
        members.clear();
        Ok(())
    };
    for (n, line) in BufReader::with_capacity(1 << 20, reader)
        .lines()
        .enumerate()
    {
        let line =
            line.with_context(|| format!("{}: cannot read line {}", path.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        match kaggle::parse_line(&line) {
            Ok(Record { paper, versions }) => {
                let index = batch.len();
                let mut doc: Option<Doc> = None;
                for (topic, expr, pinned) in &matchers {
                    let hit = pinned.contains(&paper.id)
                        || expr.as_ref().is_some_and(|e| {
                            e.matches(doc.get_or_insert_with(|| Doc::new(&paper)))
                        });
                    if hit {
                        members.push((index, topic));
                        matched += 1;
                    }
                }
                batch.push((paper, versions));
            }
            Err(reason) => {
                skipped_lines += 1;
                warn!("{}:{}: skipped: {reason}", path.display(), n + 1);
            }
        }
        if batch.len() >= args.batch {
            flush(&mut batch, &mut members, &mut new)?;
            bar.set_message(format!("{new} new papers"));
        }
    }
    flush(&mut batch, &mut members, &mut new)?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    store.finish_bulk()?;
    super::classify::classify_all(settings, &mut store)?;
    super::snapshot::write(settings, &store)?;
    ui.say(&format!(
        "imported {} lines from {}: {new} new papers, {} already stored, {skipped_lines} malformed lines skipped; \
         {matched} topic memberships; {:.0} papers/s",
        lines,
        path.display(),
        lines - skipped_lines - new,
        lines as f64 / seconds.max(1e-9)
    ));
    Ok(ExitCode::SUCCESS)
}
