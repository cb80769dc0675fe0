//! `paperwatch import-cv`: migrate a cv-arxiv-daily fork. Writes a paperwatch.toml from its
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

use super::{Ui, UsageError, open_store, write_atomic};
use crate::cli::ImportCvArgs;
use crate::config::{self, Settings};
use crate::cv::{self, CvDatabase, CvRow};
use crate::model::{ArxivId, Paper};

fn stub(row: &CvRow, now: Timestamp) -> Paper {
    let when = row
        .date
        .and_then(|d| d.to_zoned(TimeZone::UTC).ok())
        .map_or(now, |z| z.timestamp());
    Paper {
        id: row.id.clone(),
        version: row.version.unwrap_or(1),
        title: row.title.clone(),
        authors: Vec::new(),
        summary: row.summary.clone().unwrap_or_default(),
        categories: row.categories.clone(),
        primary_category: row.categories.first().cloned().unwrap_or_default(),
        published: when,
        updated: when,
        comment: None,
        journal_ref: None,
        doi: None,
    }
}

/// Runs `import-cv`; the global config is not used: the command writes (or reuses) `--out`.
pub fn run(
    _global: &Settings,
    args: &ImportCvArgs,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<ExitCode> {
    let yaml_path: Option<PathBuf> = args.config_yaml.clone().or_else(|| {
        Path::new("config.yaml")
            .exists()
            .then(|| PathBuf::from("config.yaml"))
    });
    if args.json.is_empty() && yaml_path.is_none() {
        return Err(UsageError(
            "give the fork's JSON databases with --json FILE (and its --config-yaml)".into(),
        )
        .into());
    }
    let cv_config = match &yaml_path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Some(
                cv::parse_config(&text)
                    .map_err(|e| UsageError(format!("{}: {e}", path.display())))?,
            )
        }
        None => None,
    };
    let mut databases: Vec<(PathBuf, CvDatabase)> = Vec::new();
    for path in &args.json {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let db = cv::parse_database(&text)
            .map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
        databases.push((path.clone(), db));
    }

    // The config: converted, or kept when it exists.
    if args.out.exists() {
        ui.say(&format!("keeping the existing {}", args.out.display()));
    } else {
        let text = match &cv_config {
            Some(c) => cv::toml_from_config(c),
            None => {
                let mut topics: Vec<(String, Vec<ArxivId>)> = Vec::new();
                for (_, db) in &databases {
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
                topics.retain(|t| !t.1.is_empty());
                cv::toml_from_database(&topics)
            }
        };
        write_atomic(&args.out, text.as_bytes())?;
        ui.say(&format!("wrote {}", args.out.display()));
    }
    let settings = config::load(Some(&args.out), &|k| std::env::var(k).ok())?;

    // The rows.
    let mut store = open_store(&settings, true)?;
    let (mut rows_read, mut new_papers, mut new_members) = (0, 0, 0);
    let mut unreadable = 0;
    let mut unknown_topics = BTreeSet::new();
    for (path, db) in &databases {
        for u in &db.unreadable {
            unreadable += 1;
            warn!(
                "{}: topic {:?}, key {:?}: cannot read the row {:?}",
                path.display(),
                u.topic,
                u.key,
                u.row
            );
        }
        for (topic, rows) in &db.topics {
            if !settings.topics.iter().any(|t| &t.name == topic) {
                unknown_topics.insert(topic.clone());
            }
            rows_read += rows.len();
            let stubs: Vec<Paper> = rows.iter().map(|r| stub(r, now)).collect();
            new_papers += store.insert_stubs(&stubs, now)?;
            let ids: Vec<ArxivId> = rows.iter().map(|r| r.id.clone()).collect();
            new_members += store.save_topic(topic, &[], &ids, now)?.new;
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
    for topic in &unknown_topics {
        warn!(
            "topic {topic:?} is not in {}: its papers are stored but not shown",
            args.out.display()
        );
    }

    // Full metadata from arXiv for papers known only from rows.
    let stubs = store.stub_ids()?;
    let mut client = super::fetch::client(&settings);
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
    super::classify::classify_all(&settings, &mut store)?;
    super::snapshot::write(&settings, &store)?;
    ui.say(&format!(
        "imported {rows_read} rows: {new_papers} new papers, {new_members} new topic memberships; \
         {unreadable} rows unreadable; metadata from arXiv for {filled} of {} papers ({} requests)",
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
