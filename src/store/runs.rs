//! The record of each run: when it started and ended, and each topic's outcome.

use jiff::Timestamp;
use rusqlite::params;

use super::{Result, Store};

/// The outcome of one topic in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicOutcome {
    /// The topic.
    pub topic: String,
    /// `None` when it succeeded, else why it failed.
    pub error: Option<String>,
    /// Papers that joined the topic.
    pub new: u64,
    /// Papers whose version went up.
    pub revised: u64,
    /// Papers in the topic after the run.
    pub total: u64,
    /// HTTP requests made for the topic.
    pub requests: u64,
    /// `(kept, matches)` when this run's cap cut the topic's history.
    pub cut: Option<(u64, u64)>,
}

impl Store {
    /// The most recent runs, newest first: `(id, command, started, finished, outcome)`.
    #[allow(clippy::type_complexity)]
    pub fn recent_runs(
        &self,
        limit: usize,
    ) -> Result<Vec<(i64, String, String, Option<String>, Option<String>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, command, started_at, finished_at, outcome FROM runs ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records the start of a run and returns its id.
    pub fn start_run(&self, command: &str, now: Timestamp) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (command, started_at) VALUES (?1, ?2)",
            params![command, now.to_string()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records how one topic went in a run.
    pub fn record_topic(&self, run: i64, outcome: &TopicOutcome) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO run_topics
             (run_id, topic, outcome, message, new, revised, total, requests)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                run,
                outcome.topic,
                if outcome.error.is_some() {
                    "failed"
                } else {
                    "ok"
                },
                outcome.error,
                outcome.new,
                outcome.revised,
                outcome.total,
                outcome.requests
            ],
        )?;
        Ok(())
    }

    /// Records the end of a run: `ok`, `partial` or `failed`.
    pub fn finish_run(&self, run: i64, now: Timestamp, outcome: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished_at = ?2, outcome = ?3 WHERE id = ?1",
            params![run, now.to_string(), outcome],
        )?;
        Ok(())
    }

    /// The outcomes recorded for a run, by topic name.
    pub fn run_topics(&self, run: i64) -> Result<Vec<TopicOutcome>> {
        let mut stmt = self.conn.prepare(
            "SELECT topic, message, new, revised, total, requests, outcome FROM run_topics
             WHERE run_id = ?1 ORDER BY topic",
        )?;
        let rows = stmt.query_map(params![run], |r| {
            let failed: String = r.get(6)?;
            let message: Option<String> = r.get(1)?;
            Ok(TopicOutcome {
                topic: r.get(0)?,
                error: if failed == "failed" {
                    Some(message.unwrap_or_default())
                } else {
                    None
                },
                new: r.get(2)?,
                revised: r.get(3)?,
                total: r.get(4)?,
                requests: r.get(5)?,
                cut: None,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
