//! The database as the text snapshot holds it (papers with their memberships and versions,
//! runs), and restoring it.

use jiff::Timestamp;
use rusqlite::params;

use super::rows::{PAPER_COLUMNS, RawPaper, join_topic, parse_time, upsert_paper};
use super::{Result, Store};
use crate::model::Paper;

/// Everything the text snapshot keeps of one paper.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotPaper {
    /// The paper at its latest version.
    #[serde(flatten)]
    pub paper: Paper,
    /// When paperwatch first stored it.
    pub first_seen: Timestamp,
    /// Whether it is still waiting for arXiv's metadata.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stub: bool,
    /// `(version, updated, first_seen)` of every version seen.
    pub versions: Vec<(u32, Timestamp, Timestamp)>,
    /// `(topic, first_seen)` of every membership.
    pub topics: Vec<(String, Timestamp)>,
    /// `(topic, relevant, marked_at)` of every label.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<(String, bool, Timestamp)>,
    /// When the reader starred it (⭐, kept to read later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starred: Option<Timestamp>,
    /// Hugging Face's answer: `(repo, asked_at)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub huggingface: Option<(Option<String>, Timestamp)>,
    /// Rows migrated from a cv-arxiv-daily fork: `(topic, kind, row)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cv_rows: Vec<(String, String, String)>,
}

/// One run, as the snapshot keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotRun {
    /// The run's id.
    pub id: i64,
    /// The command.
    pub command: String,
    /// Start.
    pub started_at: String,
    /// End.
    pub finished_at: Option<String>,
    /// `ok`, `partial` or `failed`.
    pub outcome: Option<String>,
    /// Per topic.
    pub topics: Vec<SnapshotRunTopic>,
}

/// One topic's outcome in a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotRunTopic {
    /// The topic.
    pub topic: String,
    /// The error, when it failed.
    pub error: Option<String>,
    /// Counts: new, revised, total, requests.
    pub counts: (u64, u64, u64, u64),
}

impl Store {
    /// Everything needed to rebuild the database, paper by paper, sorted by id.
    pub fn snapshot(&self) -> Result<Vec<SnapshotPaper>> {
        let mut versions: std::collections::HashMap<String, Vec<(u32, Timestamp, Timestamp)>> =
            std::collections::HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT paper_id, version, updated, first_seen FROM paper_versions ORDER BY paper_id, version",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })? {
            let (id, v, updated, seen) = row?;
            let entry = (v, parse_time(&id, &updated)?, parse_time(&id, &seen)?);
            versions.entry(id).or_default().push(entry);
        }
        let mut topics: std::collections::HashMap<String, Vec<(String, Timestamp)>> =
            std::collections::HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT paper_id, topic, first_seen FROM topic_papers ORDER BY paper_id, topic",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, topic, seen) = row?;
            let seen = parse_time(&id, &seen)?;
            topics.entry(id).or_default().push((topic, seen));
        }
        let mut labels: std::collections::HashMap<String, Vec<(String, bool, Timestamp)>> =
            std::collections::HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT paper_id, topic, relevant, marked_at FROM labels ORDER BY paper_id, topic",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
            ))
        })? {
            let (id, topic, relevant, at) = row?;
            let at = parse_time(&id, &at)?;
            labels.entry(id).or_default().push((topic, relevant, at));
        }
        let mut stars = std::collections::HashMap::new();
        for (id, at) in self.stars()? {
            let at = parse_time(id.as_str(), &at)?;
            stars.insert(id, at);
        }
        let mut hf = self.hf_answers()?;
        let mut cv_rows = self.cv_rows_by_paper()?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PAPER_COLUMNS}, p.first_seen, p.stub FROM papers p ORDER BY p.id"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok((
                RawPaper::from_row(r)?,
                r.get::<_, String>(12)?,
                r.get::<_, bool>(13)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (raw, first_seen, stub) = row?;
            let paper = raw.into_paper()?;
            let key = paper.id.as_str().to_string();
            out.push(SnapshotPaper {
                first_seen: parse_time(&key, &first_seen)?,
                stub,
                versions: versions.remove(&key).unwrap_or_default(),
                topics: topics.remove(&key).unwrap_or_default(),
                labels: labels.remove(&key).unwrap_or_default(),
                starred: stars.remove(&paper.id),
                huggingface: hf.remove(&paper.id),
                cv_rows: cv_rows.remove(&key).unwrap_or_default(),
                paper,
            });
        }
        Ok(out)
    }

    /// Every recorded run, oldest first.
    pub fn snapshot_runs(&self) -> Result<Vec<SnapshotRun>> {
        let runs = self.recent_runs(usize::MAX >> 1)?;
        let mut out = Vec::with_capacity(runs.len());
        for (id, command, started_at, finished_at, outcome) in runs.into_iter().rev() {
            let topics = self
                .run_topics(id)?
                .into_iter()
                .map(|o| SnapshotRunTopic {
                    topic: o.topic,
                    error: o.error,
                    counts: (o.new, o.revised, o.total, o.requests),
                })
                .collect();
            out.push(SnapshotRun {
                id,
                command,
                started_at,
                finished_at,
                outcome,
                topics,
            });
        }
        Ok(out)
    }

    /// Fills an empty database from a snapshot, in one transaction.
    pub fn restore(&mut self, papers: &[SnapshotPaper], runs: &[SnapshotRun]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for s in papers {
            let p = &s.paper;
            let first_seen = s.first_seen.to_string();
            upsert_paper(&tx, p, &first_seen)?;
            tx.prepare_cached("UPDATE papers SET stub = ?2 WHERE id = ?1")?
                .execute(params![p.id.as_str(), s.stub])?;
            for (v, updated, seen) in &s.versions {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO paper_versions (paper_id, version, updated, first_seen)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    p.id.as_str(),
                    v,
                    updated.to_string(),
                    seen.to_string()
                ])?;
            }
            for (topic, seen) in &s.topics {
                join_topic(&tx, topic, &p.id, &seen.to_string())?;
            }
            for (topic, relevant, at) in &s.labels {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO labels (topic, paper_id, relevant, marked_at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![topic, p.id.as_str(), relevant, at.to_string()])?;
            }
            if let Some(at) = &s.starred {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO stars (paper_id, starred_at) VALUES (?1, ?2)",
                )?
                .execute(params![p.id.as_str(), at.to_string()])?;
            }
            if let Some((repo, at)) = &s.huggingface {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO hf_answers (paper_id, repo, asked_at) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![p.id.as_str(), repo, at.to_string()])?;
            }
            for (topic, kind, row) in &s.cv_rows {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO cv_rows (topic, paper_id, kind, row) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![topic, p.id.as_str(), kind, row])?;
            }
        }
        for r in runs {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO runs (id, command, started_at, finished_at, outcome) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![r.id, r.command, r.started_at, r.finished_at, r.outcome])?;
            for t in &r.topics {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO run_topics (run_id, topic, outcome, message, new, revised, total, requests)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    r.id,
                    t.topic,
                    if t.error.is_some() { "failed" } else { "ok" },
                    t.error,
                    t.counts.0,
                    t.counts.1,
                    t.counts.2,
                    t.counts.3
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
