//! Migrating a cv-arxiv-daily fork (`paperwatch import-cv`). Writes a paperwatch.toml from its
//! config.yaml (or, without one, from the JSON's topics, pinning their papers), stores every
//! readable row's paper under its topic, then fills in full metadata from arXiv by `id_list`,
//! politely. Unreadable rows are reported one by one. Running it again imports nothing twice.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use tracing::warn;

use crate::config::{self, Settings};
use crate::cv::{self, CvConfig, CvDatabase, CvRow};
use crate::model::{ArxivId, Paper};
use crate::output::{Ui, UsageError, write_atomic};
use crate::store::Store;
use crate::tracker::{self, open_store};

fn stub(row: &CvRow, now: Timestamp) -> Paper {
    let when = row
        .date
        .and_then(|d| d.to_zoned(TimeZone::UTC).ok())
        .map_or(now, |z| z.timestamp());
    Paper {
        id: row.id.clone(),
        version: row.version.unwrap_or(1),
        title: row.title.clone(),
        // The first author as the row names it, until arXiv's full list arrives.
        authors: row.author.iter().cloned().collect(),
        summary: row.summary.clone().unwrap_or_default(),
        categories: row.categories.clone(),
        primary_category: row.categories.first().cloned().unwrap_or_default(),
        published: when,
        updated: when,
        comment: None,
        journal_ref: None,
        doi: None,
    }
    .cleaned()
}

/// What to migrate.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The fork's config.yaml, if any.
    pub config_yaml: Option<PathBuf>,
    /// Its JSON databases.
    pub json: Vec<PathBuf>,
    /// The paperwatch.toml to write (kept when it exists).
    pub out: PathBuf,
}

/// What the rows added.
#[derive(Debug, Default)]
struct RowCounts {
    read: usize,
    new_papers: usize,
    new_members: u64,
    unreadable: usize,
}

/// Migrates the fork; the global config is not used: the migration writes (or reuses) `out`.
pub fn migrate(sources: &Sources, now: Timestamp, ui: Ui) -> anyhow::Result<ExitCode> {
    let yaml_path: Option<PathBuf> = sources.config_yaml.clone().or_else(|| {
        Path::new("config.yaml")
            .exists()
            .then(|| PathBuf::from("config.yaml"))
    });
    if sources.json.is_empty() && yaml_path.is_none() {
        return Err(UsageError(
            "give the fork's JSON databases with --json FILE (and its --config-yaml)".into(),
        )
        .into());
    }
    let cv_config = match &yaml_path {
        Some(path) => Some(cv::parse_config(&read(path)?).map_err(|e| in_file(path, e))?),
        None => None,
    };
    let mut databases: Vec<(PathBuf, CvDatabase)> = Vec::new();
    for path in &sources.json {
        let db = cv::parse_database(&read(path)?).map_err(|e| in_file(path, e))?;
        databases.push((path.clone(), db));
    }
    write_config(&sources.out, cv_config.as_ref(), &databases, ui)?;
    let settings = config::load(Some(&sources.out), &|k| std::env::var(k).ok())?;
    let mut store = open_store(&settings, true)?;
    let rows = store_rows(&mut store, &databases, now)?;
    if settings.readme.layout == config::Layout::Cv {
        keep_rows(&mut store, &databases, cv_config.as_ref(), &sources.out)?;
    }
    warn_unknown_topics(&settings, &databases, &sources.out);

    // Full metadata from arXiv for papers known only from rows.
    let stubs = store.stub_ids()?;
    let mut client = tracker::arxiv_client(&settings);
    let mut filled = 0;
    let mut failed = None;
    for batch in stubs.chunks(settings.arxiv.page_size) {
        match client.fetch_ids(batch) {
            Ok(feed) => {
                filled += feed.entries.len();
                store.save_papers(&feed.entries, now)?;
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    tracker::redecide(&settings, &mut store)?;
    tracker::write_snapshot(&settings, &store)?;
    ui.say(&format!(
        "imported {} rows: {} new papers, {} new topic memberships; {} rows unreadable; \
         metadata from arXiv for {filled} of {} papers ({} requests)",
        rows.read,
        rows.new_papers,
        rows.new_members,
        rows.unreadable,
        stubs.len(),
        client.requests()
    ));
    match failed {
        Some(e) => {
            warn!("arXiv failed while filling in metadata: {e}; run import-cv again to finish");
            Ok(ExitCode::FAILURE)
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn in_file(path: &Path, e: impl std::fmt::Display) -> UsageError {
    UsageError(format!("{}: {e}", path.display()))
}

/// Writes paperwatch.toml, converted from config.yaml (or, without one, pinning the JSON's
/// papers under their topics), unless it exists.
fn write_config(
    out: &Path,
    cv_config: Option<&CvConfig>,
    databases: &[(PathBuf, CvDatabase)],
    ui: Ui,
) -> anyhow::Result<()> {
    if out.exists() {
        ui.say(&format!("keeping the existing {}", out.display()));
        return Ok(());
    }
    let topics = json_topics(databases);
    let text = match cv_config {
        Some(c) => {
            let bansky = databases
                .iter()
                .flat_map(|(_, db)| db.topics.iter().flat_map(|(_, rows)| rows))
                .any(|r| r.summary.is_some());
            cv::toml_for_fork(c, !bansky, &topics)
        }
        None => {
            let mut topics = topics;
            topics.retain(|t| !t.1.is_empty());
            cv::toml_from_database(&topics)
        }
    };
    write_atomic(out, text.as_bytes())?;
    ui.say(&format!("wrote {}", out.display()));
    Ok(())
}

/// The databases' topics in file order (the README's), each with its papers in row order.
fn json_topics(databases: &[(PathBuf, CvDatabase)]) -> Vec<(String, Vec<ArxivId>)> {
    let mut topics: Vec<(String, Vec<ArxivId>)> = Vec::new();
    for (_, db) in databases {
        for (name, rows) in &db.topics {
            let i = match topics.iter().position(|t| &t.0 == name) {
                Some(i) => i,
                None => {
                    topics.push((name.clone(), Vec::new()));
                    topics.len() - 1
                }
            };
            for r in rows {
                if !topics[i].1.contains(&r.id) {
                    topics[i].1.push(r.id.clone());
                }
            }
        }
    }
    topics
}

/// Which of the fork's files a database feeds (`readme`, `gitpage`, `wechat`): the one whose
/// `json_*_path` in config.yaml names it, else by its rows (list items: wechat; tables: readme).
fn database_kind(path: &Path, db: &CvDatabase, config: Option<&CvConfig>) -> &'static str {
    let name = path.file_name();
    let named = config.and_then(|c| {
        c.outputs
            .iter()
            .find(|o| Path::new(&o.json).file_name() == name)
            .map(|o| match o.kind {
                cv::CvKind::Readme => "readme",
                cv::CvKind::Gitpage => "gitpage",
                cv::CvKind::Wechat => "wechat",
            })
    });
    named.unwrap_or_else(|| {
        let list = db
            .topics
            .iter()
            .flat_map(|(_, rows)| rows)
            .any(CvRow::is_list_item);
        if list { "wechat" } else { "readme" }
    })
}

/// Keeps every row as the fork's database holds it, for the cv layout, and says when the
/// README they make passes what GitHub shows.
fn keep_rows(
    store: &mut Store,
    databases: &[(PathBuf, CvDatabase)],
    config: Option<&CvConfig>,
    out: &Path,
) -> anyhow::Result<()> {
    let mut readme_bytes = 0;
    for (path, db) in databases {
        let kind = database_kind(path, db, config);
        let rows: Vec<(&str, &ArxivId, &str, &str)> = db
            .topics
            .iter()
            .flat_map(|(topic, rows)| {
                rows.iter()
                    .map(move |r| (topic.as_str(), &r.id, kind, r.raw.as_str()))
            })
            .collect();
        if kind == "readme" {
            readme_bytes += rows.iter().map(|r| r.3.len()).sum::<usize>();
        }
        store.set_cv_rows(&rows)?;
    }
    if readme_bytes > crate::config::GITHUB_README_LIMIT {
        warn!(
            "the fork's README rows alone are {readme_bytes} bytes: GitHub shows only the first {} \
             of a README. To show it all in the same layout, set `max_bytes = {}` under [readme] \
             in {} (older months move to archive pages)",
            crate::config::GITHUB_README_LIMIT,
            crate::config::GITHUB_README_LIMIT,
            out.display()
        );
    }
    Ok(())
}

/// Stores every readable row's paper (as a stub) under its topic, with its code link.
fn store_rows(
    store: &mut Store,
    databases: &[(PathBuf, CvDatabase)],
    now: Timestamp,
) -> anyhow::Result<RowCounts> {
    let mut counts = RowCounts::default();
    for (path, db) in databases {
        for u in &db.unreadable {
            counts.unreadable += 1;
            warn!(
                "{}: topic {:?}, key {:?}: cannot read the row {:?}",
                path.display(),
                u.topic,
                u.key,
                u.row
            );
        }
        for (topic, rows) in &db.topics {
            counts.read += rows.len();
            let stubs: Vec<Paper> = rows.iter().map(|r| stub(r, now)).collect();
            counts.new_papers += store.insert_stubs(&stubs, now)?;
            let ids: Vec<ArxivId> = rows.iter().map(|r| r.id.clone()).collect();
            counts.new_members += store.save_topic(topic, &[], &ids, now)?.new;
            let answers = store.hf_answers()?;
            for r in rows {
                if let Some(code) = &r.code
                    && !answers.contains_key(&r.id)
                {
                    store.set_hf_answer(&r.id, Some(code), now)?;
                }
            }
        }
    }
    Ok(counts)
}

/// Topics of the JSON that the config does not have: stored, but not shown.
fn warn_unknown_topics(settings: &Settings, databases: &[(PathBuf, CvDatabase)], out: &Path) {
    let unknown: BTreeSet<&String> = databases
        .iter()
        .flat_map(|(_, db)| db.topics.iter().map(|(name, _)| name))
        .filter(|name| !settings.topics.iter().any(|t| &t.name == *name))
        .collect();
    for topic in unknown {
        warn!(
            "topic {topic:?} is not in {}: its papers are stored but not shown",
            out.display()
        );
    }
}
