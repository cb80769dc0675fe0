//! The snapshot stage: the database's text snapshot, for git: `data/papers.jsonl` (one paper per line, sorted by
//! id, stable field order, only stable facts: a day's update changes only the lines of new or
//! revised papers), `runs.jsonl` beside it (one line per run that brought news, the last 2,000), `history.jsonl` (how far back
//! each topic's history has been fetched, so a rebuilt database does not fetch it all again)
//! and, with `[[notify]]`, `deliveries.jsonl` (what each destination was sent or still waits
//! for, so a rebuilt database neither resends nor drops a paper). The
//! SQLite file is a cache:
//! when it is missing, or does not match the snapshot on disk (say, after a `git pull`), it is
//! rebuilt from the snapshot before anything else happens.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::config::Settings;
use crate::output::{Ui, write_atomic};
use crate::store::{DeliveryLine, History, SnapshotPaper, SnapshotRun, Store};
use crate::text::Fnv1a;

const META_KEY: &str = "snapshot_hash";

fn runs_path(papers: &Path) -> PathBuf {
    papers.with_file_name("runs.jsonl")
}

fn history_path(papers: &Path) -> PathBuf {
    papers.with_file_name("history.jsonl")
}

fn deliveries_path(papers: &Path) -> PathBuf {
    papers.with_file_name("deliveries.jsonl")
}

/// FNV-1a of the files' bytes: enough to tell "the same snapshot" from "another one". (A
/// snapshot without histories hashes as before they existed.)
fn hash(papers: &[u8], runs: &[u8], history: &[u8]) -> String {
    let mut h = Fnv1a::default();
    for part in [papers, b"\0", runs] {
        h.write(part);
    }
    if !history.is_empty() {
        h.write(b"\0");
        h.write(history);
    }
    format!("{:016x}-{}-{}", h.finish(), papers.len(), runs.len())
}

fn read(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// The runs the snapshot keeps: the last [`KEPT_RUNS`] that brought new or revised papers.
/// A run without news is left out, so it changes no committed file; the database keeps them
/// all (`paperwatch stats` shows the last five).
fn news_runs(runs: Vec<SnapshotRun>) -> Vec<SnapshotRun> {
    let mut kept: Vec<SnapshotRun> = runs
        .into_iter()
        .filter(|r| r.topics.iter().any(|t| t.counts.0 > 0 || t.counts.1 > 0))
        .collect();
    let cut = kept.len().saturating_sub(KEPT_RUNS);
    kept.drain(..cut);
    kept
}

/// How many news runs `runs.jsonl` keeps: about three years of twice-daily news.
const KEPT_RUNS: usize = 2000;

/// Writes the snapshot from the database and records which snapshot the database matches.
pub(super) fn write(settings: &Settings, store: &Store) -> anyhow::Result<()> {
    if !settings.snapshot.enabled {
        return Ok(());
    }
    let mut papers = String::new();
    for p in store.snapshot()? {
        papers.push_str(&serde_json::to_string(&p)?);
        papers.push('\n');
    }
    let mut runs = String::new();
    for r in news_runs(store.snapshot_runs()?) {
        runs.push_str(&serde_json::to_string(&r)?);
        runs.push('\n');
    }
    let mut history = String::new();
    for h in store.histories()? {
        history.push_str(&serde_json::to_string(&h)?);
        history.push('\n');
    }
    let mut deliveries = String::new();
    for line in store.delivery_lines()? {
        deliveries.push_str(&serde_json::to_string(&line)?);
        deliveries.push('\n');
    }
    let path = &settings.snapshot.path;
    write_atomic(path, papers.as_bytes())?;
    write_atomic(&runs_path(path), runs.as_bytes())?;
    write_atomic(&history_path(path), history.as_bytes())?;
    if !deliveries.is_empty() || deliveries_path(path).exists() {
        write_atomic(&deliveries_path(path), deliveries.as_bytes())?;
    }
    let state = [history.as_bytes(), deliveries.as_bytes()].concat();
    store.set_meta(META_KEY, &hash(papers.as_bytes(), runs.as_bytes(), &state))?;
    Ok(())
}

/// Each non-blank line of a snapshot file as a `T`; an error names the file and the line.
fn parse_lines<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    name: &Path,
    what: &str,
) -> anyhow::Result<Vec<T>> {
    let text =
        std::str::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", name.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not {what}", name.display(), n + 1))
        })
        .collect()
}

/// A database SQLite finds damaged: moved aside (with its `-wal` and `-shm`) to
/// `NAME.corrupt-<time>` when a snapshot can rebuild it; otherwise an error that says what to
/// do, the file left in place.
fn set_aside_if_damaged(settings: &Settings, ui: Ui) -> anyhow::Result<()> {
    let db = &settings.database.path;
    if !db.exists() {
        return Ok(());
    }
    let reason = match Store::open_checked(db) {
        Ok(_) => return Ok(()),
        Err(e) if e.is_damaged() => e.to_string(),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot open database {}", db.display()));
        }
    };
    let snapshot = &settings.snapshot.path;
    if !settings.snapshot.enabled || !snapshot.exists() {
        anyhow::bail!(
            "{} is damaged ({reason}) and there is no snapshot to rebuild it from ({}): \
             restore it from a backup, or move it aside and run `paperwatch update` to start a new \
             one (a topic's history is then fetched again)",
            db.display(),
            snapshot.display()
        );
    }
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let aside = PathBuf::from(format!("{}.corrupt-{stamp}", db.display()));
    std::fs::rename(db, &aside)
        .with_context(|| format!("cannot move the damaged {} aside", db.display()))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db.display()));
        if side.exists() {
            let _ = std::fs::rename(&side, format!("{}{suffix}", aside.display()));
        }
    }
    ui.say(&format!(
        "{} was damaged ({reason}): moved it to {}; rebuilding it from {}",
        db.display(),
        aside.display(),
        snapshot.display()
    ));
    Ok(())
}

/// Rebuilds the database from the snapshot when the database is missing, damaged, or does not
/// match the snapshot.
pub(super) fn ensure_database(settings: &Settings, ui: Ui) -> anyhow::Result<()> {
    set_aside_if_damaged(settings, ui)?;
    if !settings.snapshot.enabled {
        return Ok(());
    }
    let path = &settings.snapshot.path;
    let Some(papers) = read(path)? else {
        return Ok(());
    };
    let runs = read(&runs_path(path))?.unwrap_or_default();
    let history = read(&history_path(path))?.unwrap_or_default();
    let deliveries = read(&deliveries_path(path))?.unwrap_or_default();
    let wanted = hash(&papers, &runs, &[history.as_slice(), &deliveries].concat());
    let db = &settings.database.path;
    if db.exists() {
        let store =
            Store::open(db).with_context(|| format!("cannot open database {}", db.display()))?;
        if store.meta(META_KEY)?.as_deref() == Some(wanted.as_str()) {
            return Ok(());
        }
    }
    let snapshot: Vec<SnapshotPaper> = parse_lines(&papers, path, "a paper")?;
    let run_list: Vec<SnapshotRun> = parse_lines(&runs, &runs_path(path), "a run")?;
    let histories: Vec<History> = parse_lines(&history, &history_path(path), "a history")?;
    let delivery_lines: Vec<DeliveryLine> =
        parse_lines(&deliveries, &deliveries_path(path), "a delivery record")?;
    // Build beside the database, then swap, so a failure leaves the old file.
    let fresh = db.with_extension("rebuild.tmp");
    for p in [
        fresh.clone(),
        fresh.with_extension("tmp-wal"),
        fresh.with_extension("tmp-shm"),
    ] {
        let _ = std::fs::remove_file(p);
    }
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    {
        let mut store = Store::open(&fresh)?;
        store.restore(&snapshot, &run_list)?;
        store.restore_histories(&histories, jiff::Timestamp::now())?;
        store.restore_deliveries(&delivery_lines)?;
        store.set_meta(META_KEY, &wanted)?;
        super::decide::redecide(settings, &mut store)?;
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        let _ = std::fs::remove_file(format!("{}{suffix}", fresh.display()));
    }
    std::fs::rename(&fresh, db).with_context(|| format!("cannot replace {}", db.display()))?;
    ui.say(&format!(
        "rebuilt {} from {} ({} papers, {} runs)",
        db.display(),
        path.display(),
        snapshot.len(),
        run_list.len()
    ));
    Ok(())
}
