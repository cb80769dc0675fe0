//! Bulk import (`paperwatch import --kaggle FILE`, `paperwatch import --oai`): stream arXiv metadata into
//! the store, from the Kaggle snapshot or by harvesting arXiv's OAI-PMH interface. Records are
//! parsed and matched on one thread while another writes them in batches (one transaction
//! each), so memory stays bounded; topics get the papers their own terms match, locally (the
//! same matcher as the relevance filter), so a backfill of years asks the search API nothing.
//! Papers already stored are skipped: an interrupted import resumes by running again.
//! Malformed lines (or records) are reported with their line number (or identifier) and
//! skipped.

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
use tracing::{debug, info, warn};

use crate::arxiv::kaggle::{self, Record};
use crate::arxiv::oai;
use crate::arxiv::{self, Client};
use crate::config::Settings;
use crate::model::ArxivId;
use crate::output::{Ui, UsageError};
use crate::query::{Doc, Expr};
use crate::store::BulkRow;
use crate::tracker::{self, open_store};

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
#[derive(Default)]
struct Seen {
    records: usize,
    skipped: usize,
    matched: usize,
    /// Records kept although a version date's weekday disagreed with its date.
    wrong_weekdays: usize,
}

/// One record of a source: where it is (a line or page number, named by the source's `place`
/// only when a message needs it) and what it held.
type Item = (usize, Result<Record, String>);

/// Matches records against the topics and sends full batches; stops early when the writer
/// has gone (it failed, and says why). A failing source ends the import with its error.
fn read_batches(
    settings: &Settings,
    source: impl Iterator<Item = anyhow::Result<Item>>,
    place: &(dyn Fn(usize) -> String + Sync),
    batch_size: usize,
    sender: SyncSender<Batch>,
) -> anyhow::Result<Seen> {
    let matchers: Vec<(Option<Expr>, HashSet<&ArxivId>)> = settings
        .topics
        .iter()
        .map(|t| (t.match_expr(), t.ids.iter().collect()))
        .collect();
    let mut seen = Seen::default();
    let empty = || Batch {
        records: Vec::with_capacity(batch_size),
        members: Vec::new(),
    };
    let mut batch = empty();
    for item in source {
        let (place_at, record) = match item {
            Ok(item) => item,
            Err(e) => {
                // Keep what was read before the failure: a second run resumes after it.
                let _ = sender.send(batch);
                return Err(e);
            }
        };
        seen.records += 1;
        match record {
            Ok(Record {
                paper,
                versions,
                wrong_weekdays,
            }) => {
                seen.wrong_weekdays += usize::from(wrong_weekdays > 0);
                let index = batch.records.len();
                {
                    // Splits a field into words only when a query asks for it.
                    let doc = Doc::new(&paper);
                    for (topic, (expr, pinned)) in matchers.iter().enumerate() {
                        let hit = pinned.contains(&paper.id)
                            || expr.as_ref().is_some_and(|e| e.matches(&doc));
                        if hit {
                            batch.members.push((index, topic));
                            seen.matched += 1;
                        }
                    }
                }
                batch.records.push(BulkRow::new(paper, &versions));
            }
            Err(reason) => {
                seen.skipped += 1;
                warn!("{}: skipped: {reason}", place(place_at));
            }
        }
        if batch.records.len() >= batch_size
            && sender.send(std::mem::replace(&mut batch, empty())).is_err()
        {
            return Ok(seen);
        }
    }
    // A closed channel here means the writer failed; it reports that.
    let _ = sender.send(batch);
    Ok(seen)
}

/// What to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Kaggle file; `None` harvests OAI-PMH.
    pub kaggle: Option<std::path::PathBuf>,
    /// OAI-PMH set.
    pub set: Option<String>,
    /// OAI-PMH: records changed on or after this day.
    pub from: Option<String>,
    /// OAI-PMH: records changed on or before this day.
    pub until: Option<String>,
    /// Papers per transaction.
    pub batch: usize,
}

/// Imports from the Kaggle file or an OAI-PMH harvest.
pub fn run(
    settings: &Settings,
    args: &Options,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    if args.batch == 0 {
        return Err(UsageError("--batch must be at least 1".into()).into());
    }
    match &args.kaggle {
        Some(path) => import_kaggle(settings, args, path, now, ui),
        None => import_oai(settings, args, now, ui),
    }
}

fn progress_bar(ui: Ui, bar: impl FnOnce() -> ProgressBar) -> ProgressBar {
    if ui.progress && std::io::stderr().is_terminal() {
        bar()
    } else {
        ProgressBar::hidden()
    }
}

fn import_kaggle(
    settings: &Settings,
    args: &Options,
    path: &Path,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress_bar(ui, || {
        ProgressBar::new(size).with_style(
            ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
            )
            .expect("the template is valid"),
        )
    });
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
    let lines = BufReader::with_capacity(1 << 20, reader)
        .lines()
        .enumerate()
        .filter_map(move |(n, line)| match line {
            Err(e) => Some(Err(anyhow::Error::new(e).context(format!(
                "{}: cannot read line {}",
                path.display(),
                n + 1
            )))),
            Ok(line) if line.trim().is_empty() => None,
            Ok(line) => Some(Ok((n + 1, kaggle::parse_line(&line)))),
        });
    let place = |line: usize| format!("{}:{line}", path.display());
    let input = Input {
        items: lines,
        place: &place,
        name: path.display().to_string(),
        unit: "lines",
    };
    import(settings, args, input, &bar, now, ui)
}

/// The first `ListRecords` request of a harvest.
pub fn oai_first_url(
    base: &str,
    set: Option<&str>,
    from: Option<&str>,
    until: Option<&str>,
) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("verb", "ListRecords");
    query.append_pair("metadataPrefix", "arXivRaw");
    for (key, value) in [("set", set), ("from", from), ("until", until)] {
        if let Some(value) = value {
            query.append_pair(key, value);
        }
    }
    format!("{base}?{}", query.finish())
}

/// The request for the page after `token` (sent back exactly as received, URL-encoded).
pub fn oai_next_url(base: &str, token: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("verb", "ListRecords")
        .append_pair("resumptionToken", token)
        .finish();
    format!("{base}?{query}")
}

/// Pages of an OAI-PMH harvest, one request at a time, following resumption tokens.
struct Harvest<'a> {
    client: Client,
    base: &'a str,
    next: Option<String>,
    page: std::vec::IntoIter<Result<Record, String>>,
    pages: usize,
    bar: ProgressBar,
}

impl Harvest<'_> {
    fn fetch(&mut self, url: &str) -> anyhow::Result<()> {
        let page = self
            .client
            .get_text(url, |body| {
                let page = oai::parse_page(body).map_err(|e| arxiv::Error::Unreadable {
                    url: url.to_string(),
                    message: e.to_string(),
                })?;
                match &page.error {
                    Some(error) if !error.is_empty_list() => Err(arxiv::Error::Api {
                        status: 200,
                        message: format!("{} ({})", error.message, error.code),
                    }),
                    _ => Ok(page),
                }
            })
            .with_context(|| format!("OAI-PMH harvest failed at {url}"))?;
        self.pages += 1;
        info!(
            "OAI-PMH page {}: {} records, {} deleted{}",
            self.pages,
            page.records.len(),
            page.deleted,
            if page.token.is_some() {
                "; more follow"
            } else {
                "; the last"
            }
        );
        self.bar.set_message(format!("page {}", self.pages));
        let next = page.token.map(|t| oai_next_url(self.base, &t));
        // A repository that hands back the token it was given would be asked forever.
        if next.as_deref() == Some(url) {
            anyhow::bail!(
                "OAI-PMH harvest stopped at {url}: the repository answered with the same \
                 resumption token"
            );
        }
        self.next = next;
        self.page = page.records.into_iter();
        Ok(())
    }
}

impl Iterator for Harvest<'_> {
    type Item = anyhow::Result<Item>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(record) = self.page.next() {
                self.bar.inc(1);
                return Some(Ok((self.pages, record)));
            }
            let url = self.next.take()?;
            if let Err(e) = self.fetch(&url) {
                return Some(Err(e));
            }
        }
    }
}

fn import_oai(
    settings: &Settings,
    args: &Options,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    for (flag, value) in [("--from", &args.from), ("--until", &args.until)] {
        if let Some(day) = value
            && day.parse::<jiff::civil::Date>().is_err()
        {
            return Err(UsageError(format!(
                "{flag} {day:?} is not a day (YYYY-MM-DD, as OAI-PMH wants)"
            ))
            .into());
        }
    }
    let a = &settings.arxiv;
    let mut config = tracker::client_config(settings);
    // arXiv's rule holds on every interface.
    if crate::config::is_arxiv_host(&a.oai_url) {
        config.delay = config.delay.max(std::time::Duration::from_secs(3));
    }
    let client = Client::new(config);
    let bar = progress_bar(ui, || {
        ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {pos} records {per_sec} {msg}")
                .expect("the template is valid"),
        )
    });
    let first = oai_first_url(
        &a.oai_url,
        args.set.as_deref(),
        args.from.as_deref(),
        args.until.as_deref(),
    );
    let harvest = Harvest {
        client,
        base: &a.oai_url,
        next: Some(first),
        page: Vec::new().into_iter(),
        pages: 0,
        bar: bar.clone(),
    };
    let place = |page: usize| format!("OAI-PMH page {page}");
    let input = Input {
        items: harvest,
        place: &place,
        name: a.oai_url.clone(),
        unit: "records",
    };
    import(settings, args, input, &bar, now, ui)
}

/// What an import reads: its items, how an item's place is named in errors, the source's name
/// and what its items are called.
struct Input<'p, I> {
    items: I,
    place: &'p (dyn Fn(usize) -> String + Sync),
    name: String,
    unit: &'static str,
}

/// The pipeline both sources share: a reader thread parses and matches, this one writes.
fn import(
    settings: &Settings,
    args: &Options,
    input: Input<impl Iterator<Item = anyhow::Result<Item>> + Send>,
    bar: &ProgressBar,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let Input {
        items: source,
        place,
        name,
        unit,
    } = input;
    let mut store = open_store(settings, true)?;
    store.begin_bulk()?;
    let started = Instant::now();
    // Two threads: this one writes batches to SQLite while the reader parses and matches the
    // next ones; two batches in flight at most, so memory stays bounded.
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Batch>(1);
    let result = std::thread::scope(|scope| -> anyhow::Result<(Seen, usize)> {
        let reader = scope.spawn(|| read_batches(settings, source, place, args.batch, sender));
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
        let seen = reader.join().expect("the reader thread does not panic");
        written?;
        Ok((seen?, new))
    });
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    // What was written stays written (a second run resumes); the store goes back to normal
    // either way.
    let phase = Instant::now();
    store.finish_bulk()?;
    let merged = phase.elapsed().as_secs_f64();
    let (seen, new) = result?;
    let phase = Instant::now();
    tracker::redecide(settings, &mut store)?;
    let classified = phase.elapsed().as_secs_f64();
    let phase = Instant::now();
    tracker::write_snapshot(settings, &store)?;
    let snapshot = phase.elapsed().as_secs_f64();
    debug!(
        "import took {seconds:.2} s reading and writing, {merged:.2} s merging the search index, \
         {classified:.2} s deciding relevance, {snapshot:.2} s writing the snapshot"
    );
    let Seen {
        records,
        skipped,
        matched,
        wrong_weekdays,
    } = seen;
    if wrong_weekdays > 0 {
        warn!(
            "{wrong_weekdays} records have a version date whose weekday disagrees with its date \
             (e.g. `Tue, 2 Apr 2007`): kept, dated by the date"
        );
    }
    let malformed = if unit == "lines" {
        "malformed lines skipped"
    } else {
        "unreadable records skipped"
    };
    ui.say(&format!(
        "imported {records} {unit} from {name}: {new} new papers, {} already stored, {skipped} \
         {malformed}; {matched} topic memberships; {:.0} papers/s",
        records - skipped - new,
        records as f64 / seconds.max(1e-9)
    ));
    Ok(ExitCode::SUCCESS)
}
