//! Small tables beside the papers: metadata keys, Hugging Face's answers, the reader's labels,
//! and the database's size.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::rows::parse_time;
use super::{Result, Store};
use crate::model::{ArxivId, Label};

impl Store {
    /// The database file's size with its write-ahead log, in bytes.
    pub fn size_bytes(&self) -> Result<u64> {
        let pages: u64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let page_size: u64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok(pages * page_size)
    }

    /// A fact about the database.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Records a fact about the database.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![key, value],
        )?;
        Ok(())
    }

    /// Every Hugging Face answer: `paper → (repo, asked_at)`.
    pub fn hf_answers(
        &self,
    ) -> Result<std::collections::HashMap<ArxivId, (Option<String>, Timestamp)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT paper_id, repo, asked_at FROM hf_answers")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, repo, asked) = row?;
            let asked = parse_time(&id, &asked)?;
            if let Ok(id) = ArxivId::parse(&id) {
                out.insert(id, (repo, asked));
            }
        }
        Ok(out)
    }

    /// Records a Hugging Face answer.
    pub fn set_hf_answer(&self, id: &ArxivId, repo: Option<&str>, now: Timestamp) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO hf_answers (paper_id, repo, asked_at) VALUES (?1, ?2, ?3)",
            params![id.as_str(), repo, now.to_string()],
        )?;
        Ok(())
    }

    /// Records a reader's label (replacing an earlier one).
    pub fn set_label(
        &self,
        topic: &str,
        id: &ArxivId,
        relevant: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO labels (topic, paper_id, relevant, marked_at) VALUES (?1, ?2, ?3, ?4)",
            params![topic, id.as_str(), relevant, now.to_string()],
        )?;
        Ok(())
    }

    /// Removes a reader's label; whether there was one.
    pub fn clear_label(&self, topic: &str, id: &ArxivId) -> Result<bool> {
        Ok(self.conn.execute(
            "DELETE FROM labels WHERE topic = ?1 AND paper_id = ?2",
            params![topic, id.as_str()],
        )? > 0)
    }

    /// Every label: `(topic, paper, relevant, marked_at)`, by topic and paper.
    pub fn all_labels(&self) -> Result<Vec<(String, ArxivId, bool, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT topic, paper_id, relevant, marked_at FROM labels ORDER BY topic, paper_id",
        )?;
        let rows: Vec<(String, String, bool, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(t, id, rel, at)| Some((t, ArxivId::parse(&id).ok()?, rel, at)))
            .collect())
    }

    /// A topic's labels, by paper id.
    pub fn labels(&self, topic: &str) -> Result<Vec<Label>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT paper_id, relevant FROM labels WHERE topic = ?1 ORDER BY paper_id",
        )?;
        let rows = stmt.query_map(params![topic], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, relevant) = row?;
            if let Ok(id) = ArxivId::parse(&id) {
                out.push(Label { id, relevant });
            }
        }
        Ok(out)
    }
}
