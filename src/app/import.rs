//! `paperwatch import --kaggle FILE`: stream the Kaggle arXiv metadata snapshot into the store.
//! Lines are read one at a time and written in batches (one transaction each), so memory stays
//! bounded; topics get the papers their own terms match, locally (the same matcher as the
//! relevance filter), so a backfill of years asks arXiv nothing. Papers already stored are
//! skipped: an interrupted import resumes by running again. Malformed lines are reported with
//! their line number and skipped.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc::SyncSender;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use tracing::{debug, warn};

use super::{Ui, open_store};
use crate::cli::ImportArgs;
use crate::config::Settings;
use crate::kaggle::{self, Record};
use crate::model::ArxivId;
use crate::relevance::matcher::{Doc, Expr};
use crate::store::BulkRow;

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

/// One batch of parsed records with their `(record index, topic index)` memberships.
struct Batch {
    records: Vec<BulkRow>,
    members: Vec<(usize, usize)>,
}

/// What the reader saw.
struct Read_ {
    lines: usize,
    skipped_lines: usize,
    matched: usize,
}

/// Reads, parses and matches lines, sending full batches; stops early when the writer has
/// gone (it failed, and says why).
fn read_batches(
    settings: &Settings,
    reader: Box<dyn Read + Send>,
    path: &Path,
    batch_size: usize,
    sender: SyncSender<Batch>,
) -> anyhow::Result<Read_> {
    let matchers: Vec<(Option<Expr>, HashSet<&ArxivId>)> = settings
        .topics
        .iter()
        .map(|t| (t.match_expr(), t.ids.iter().collect()))
        .collect();
    let mut read = Read_ {
        lines: 0,
        skipped_lines: 0,
        matched: 0,
    };
    let empty = || Batch {
        records: Vec::with_capacity(batch_size),
        members: Vec::new(),
    };
    let mut batch = empty();
    for (n, line) in BufReader::with_capacity(1 << 20, reader)
        .lines()
        .enumerate()
    {
        let line =
            line.with_context(|| format!("{}: cannot read line {}", path.display(), n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        read.lines += 1;
        match kaggle::parse_line(&line) {
            Ok(Record { paper, versions }) => {
                let index = batch.records.len();
                let mut doc: Option<Doc> = None;
                for (topic, (expr, pinned)) in matchers.iter().enumerate() {
                    let hit = pinned.contains(&paper.id)
                        || expr.as_ref().is_some_and(|e| {
                            e.matches(doc.get_or_insert_with(|| Doc::new(&paper)))
                        });
                    if hit {
                        batch.members.push((index, topic));
                        read.matched += 1;
                    }
                }
                batch.records.push(BulkRow::new(paper, &versions));
            }
            Err(reason) => {
                read.skipped_lines += 1;
                warn!("{}:{}: skipped: {reason}", path.display(), n + 1);
            }
        }
        if batch.records.len() >= batch_size
            && sender.send(std::mem::replace(&mut batch, empty())).is_err()
        {
            return Ok(read);
        }
    }
    // A closed channel here means the writer failed; it reports that.
    let _ = sender.send(batch);
    Ok(read)
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
    let reader: Box<dyn Read + Send> = if name.ends_with(".gz") {
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
    let started = Instant::now();
    // Two threads: this one writes batches to SQLite while the reader parses and matches the
    // next ones; two batches in flight at most, so memory stays bounded.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Batch>(1);
    let (read, new) = std::thread::scope(|scope| -> anyhow::Result<(Read_, usize)> {
        let reader = scope.spawn(|| read_batches(settings, reader, path, args.batch, sender));
        let mut new = 0;
        let mut written = Ok(());
        for batch in receiver {
            let members: Vec<(usize, &str)> = batch
                .members
                .iter()
                .map(|&(i, t)| (i, settings.topics[t].name.as_str()))
                .collect();
            match store.import_batch(&batch.records, &members, now) {
                Ok(n) => new += n,
                Err(e) => {
                    // Dropping the receiver stops the reader at its next batch.
                    written = Err(e);
                    break;
                }
            }
            bar.set_message(format!("{new} new papers"));
        }
        let read = reader.join().expect("the reader thread does not panic");
        written?;
        Ok((read?, new))
    })?;
    let Read_ {
        lines,
        skipped_lines,
        matched,
    } = read;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let phase = Instant::now();
    store.finish_bulk()?;
    let merged = phase.elapsed().as_secs_f64();
    let phase = Instant::now();
    super::classify::classify_all(settings, &mut store)?;
    let classified = phase.elapsed().as_secs_f64();
    let phase = Instant::now();
    super::snapshot::write(settings, &store)?;
    let snapshot = phase.elapsed().as_secs_f64();
    debug!(
        "import took {seconds:.2} s reading and writing, {merged:.2} s merging the search index, \
         {classified:.2} s deciding relevance, {snapshot:.2} s writing the snapshot"
    );
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
