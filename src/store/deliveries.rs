//! What was sent to which notify destination (`destinations`, `deliveries`): the queue of each
//! destination, rows marked sent once a message carrying them was accepted, and the papers that
//! were already stored when a destination was added (`history`: never sent); and the cached
//! summaries of papers (`summaries`).

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store};
use crate::model::{ArxivId, PaperVersion};

/// A paper waiting for a destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// The paper.
    pub id: ArxivId,
    /// The version to announce.
    pub version: u32,
    /// A new version of a paper sent before.
    pub revision: bool,
}

/// A destination the database knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// When it was first seen (RFC 3339).
    pub started_at: String,
    /// When it was last sent something (RFC 3339), if ever.
    pub last_sent_at: Option<String>,
}

impl Store {
    /// When `destination` was first seen, and when it was last sent something.
    pub fn destination(&self, name: &str) -> Result<Option<Destination>> {
        Ok(self
            .conn
            .query_row(
                "SELECT started_at, last_sent_at FROM destinations WHERE name = ?1",
                params![name],
                |r| {
                    Ok(Destination {
                        started_at: r.get(0)?,
                        last_sent_at: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Registers a destination: `history` papers are marked as never to be sent, `backfill` ones
    /// are queued. One transaction.
    pub fn add_destination(
        &mut self,
        name: &str,
        history: &[PaperVersion],
        backfill: &[PaperVersion],
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let now = now.to_string();
        tx.execute(
            "INSERT OR IGNORE INTO destinations (name, started_at) VALUES (?1, ?2)",
            params![name, now],
        )?;
        for (rows, state) in [(history, "history"), (backfill, "queued")] {
            for PaperVersion { id, version } in rows {
                tx.execute(
                    "INSERT OR IGNORE INTO deliveries
                     (destination, paper_id, version, state, queued_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![name, id.as_str(), version, state, now],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Queues papers newly shown to a destination: a paper with no row yet, or (with
    /// `revisions`) a version above every row it has. Returns how many were queued.
    pub fn enqueue(
        &mut self,
        name: &str,
        shown: &[PaperVersion],
        revisions: bool,
        now: Timestamp,
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let now = now.to_string();
        let mut queued = 0;
        for PaperVersion { id, version } in shown {
            let known: Option<u32> = tx
                .prepare_cached(
                    "SELECT MAX(version) FROM deliveries WHERE destination = ?1 AND paper_id = ?2",
                )?
                .query_row(params![name, id.as_str()], |r| r.get(0))?;
            let revision = match known {
                None => false,
                Some(v) if revisions && *version > v => true,
                Some(_) => continue,
            };
            queued += tx.execute(
                "INSERT OR IGNORE INTO deliveries
                 (destination, paper_id, version, state, revision, queued_at)
                 VALUES (?1, ?2, ?3, 'queued', ?4, ?5)",
                params![name, id.as_str(), version, i64::from(revision), now],
            )?;
        }
        tx.commit()?;
        Ok(queued)
    }

    /// A destination's queue, oldest first.
    pub fn queue(&self, name: &str) -> Result<Vec<Queued>> {
        let mut stmt = self.conn.prepare(
            "SELECT paper_id, version, revision FROM deliveries
             WHERE destination = ?1 AND state = 'queued' ORDER BY queued_at, paper_id",
        )?;
        let rows = stmt.query_map(params![name], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, version, revision) = row?;
            let id = ArxivId::parse(&id).map_err(|e| super::Error::Corrupt {
                id: id.clone(),
                message: e.to_string(),
            })?;
            out.push(Queued {
                id,
                version,
                revision: revision != 0,
            });
        }
        Ok(out)
    }

    /// Marks papers sent to a destination (one message's worth), in one transaction.
    pub fn mark_sent(&mut self, name: &str, papers: &[PaperVersion], now: Timestamp) -> Result<()> {
        let tx = self.conn.transaction()?;
        let now = now.to_string();
        for PaperVersion { id, version } in papers {
            tx.execute(
                "UPDATE deliveries SET state = 'sent', sent_at = ?4
                 WHERE destination = ?1 AND paper_id = ?2 AND version = ?3",
                params![name, id.as_str(), version, now],
            )?;
        }
        tx.execute(
            "UPDATE destinations SET last_sent_at = ?2 WHERE name = ?1",
            params![name, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The cached summary of a paper by `model` in `language`.
    pub fn summary(&self, id: &ArxivId, model: &str, language: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT text FROM summaries WHERE paper_id = ?1 AND model = ?2 AND language = ?3",
                params![id.as_str(), model, language],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records Hugging Face's summary and upvotes of a paper (when it has them).
    pub fn set_hf_extra(
        &self,
        id: &ArxivId,
        summary: Option<&str>,
        upvotes: Option<u32>,
    ) -> Result<()> {
        if summary.is_none() && upvotes.is_none() {
            return Ok(());
        }
        self.conn.execute(
            "INSERT OR REPLACE INTO hf_extras (paper_id, ai_summary, upvotes) VALUES (?1, ?2, ?3)",
            params![id.as_str(), summary, upvotes],
        )?;
        Ok(())
    }

    /// Hugging Face's summary of a paper, if it gave one.
    pub fn hf_summary(&self, id: &ArxivId) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT ai_summary FROM hf_extras WHERE paper_id = ?1",
                params![id.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Every paper's short summary: the language model's for `model` (`(model, language)`),
    /// else Hugging Face's.
    pub fn summaries(
        &self,
        model: Option<(&str, &str)>,
    ) -> Result<std::collections::HashMap<ArxivId, String>> {
        let mut out = std::collections::HashMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT paper_id, ai_summary FROM hf_extras WHERE ai_summary IS NOT NULL")?;
        let rows: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut put = |id: String, text: String| {
            if let Ok(id) = ArxivId::parse(&id) {
                out.insert(id, text);
            }
        };
        for (id, text) in rows {
            put(id, text);
        }
        if let Some((model, language)) = model {
            let mut stmt = self.conn.prepare(
                "SELECT paper_id, text FROM summaries WHERE model = ?1 AND language = ?2",
            )?;
            let rows: Vec<(String, String)> = stmt
                .query_map(params![model, language], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (id, text) in rows {
                put(id, text);
            }
        }
        Ok(out)
    }

    /// Caches a summary.
    pub fn set_summary(
        &self,
        id: &ArxivId,
        model: &str,
        language: &str,
        text: &str,
        now: Timestamp,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO summaries (paper_id, model, language, text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.as_str(), model, language, text, now.to_string()],
        )?;
        Ok(())
    }

    /// Papers sent to a destination, and how many times each version was: for tests and
    /// `stats`.
    pub fn sent_counts(&self, name: &str) -> Result<(usize, usize)> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FILTER (WHERE state = 'sent'), COUNT(*) FILTER (WHERE state = 'queued')
             FROM deliveries WHERE destination = ?1",
            params![name],
            |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize)),
        )?)
    }
}

/// One line of the deliveries snapshot: a destination, or one paper's state there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum DeliveryLine {
    /// A destination and when it began.
    Destination {
        /// Its name.
        name: String,
        /// When it was first seen.
        started_at: String,
        /// When it was last sent something.
        last_sent_at: Option<String>,
    },
    /// A paper's state at a destination.
    Paper {
        /// The destination.
        destination: String,
        /// The paper.
        id: String,
        /// The version.
        version: u32,
        /// `queued`, `sent` or `history`.
        state: String,
        /// Announced as a revision.
        revision: bool,
        /// When it was queued (orders the queue).
        queued_at: String,
    },
}

impl Store {
    /// Every destination and delivery row, in a stable order, for the text snapshot.
    pub fn delivery_lines(&self) -> Result<Vec<DeliveryLine>> {
        let mut out = Vec::new();
        let mut stmt = self
            .conn
            .prepare("SELECT name, started_at, last_sent_at FROM destinations ORDER BY name")?;
        for row in stmt.query_map([], |r| {
            Ok(DeliveryLine::Destination {
                name: r.get(0)?,
                started_at: r.get(1)?,
                last_sent_at: r.get(2)?,
            })
        })? {
            out.push(row?);
        }
        let mut stmt = self.conn.prepare(
            "SELECT destination, paper_id, version, state, revision, queued_at FROM deliveries
             ORDER BY destination, paper_id, version",
        )?;
        for row in stmt.query_map([], |r| {
            Ok(DeliveryLine::Paper {
                destination: r.get(0)?,
                id: r.get(1)?,
                version: r.get(2)?,
                state: r.get(3)?,
                revision: r.get::<_, i64>(4)? != 0,
                queued_at: r.get(5)?,
            })
        })? {
            out.push(row?);
        }
        Ok(out)
    }

    /// Puts back the rows of the deliveries snapshot, in one transaction.
    pub fn restore_deliveries(&mut self, lines: &[DeliveryLine]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for line in lines {
            match line {
                DeliveryLine::Destination {
                    name,
                    started_at,
                    last_sent_at,
                } => {
                    tx.execute(
                        "INSERT OR REPLACE INTO destinations (name, started_at, last_sent_at)
                         VALUES (?1, ?2, ?3)",
                        params![name, started_at, last_sent_at],
                    )?;
                }
                DeliveryLine::Paper {
                    destination,
                    id,
                    version,
                    state,
                    revision,
                    queued_at,
                } => {
                    tx.execute(
                        "INSERT OR REPLACE INTO deliveries
                         (destination, paper_id, version, state, revision, queued_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            destination,
                            id,
                            version,
                            state,
                            i64::from(*revision),
                            queued_at
                        ],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(id: &ArxivId, version: u32) -> PaperVersion {
        PaperVersion {
            id: id.clone(),
            version,
        }
    }

    #[test]
    fn each_version_is_queued_once_and_revisions_only_when_asked() {
        let mut store = Store::open_in_memory().unwrap();
        let now: Timestamp = "2026-02-07T12:00:00Z".parse().unwrap();
        let a = ArxivId::parse("2501.00001").unwrap();
        let b = ArxivId::parse("2501.00002").unwrap();
        // A new destination: what exists is history, the backfill is queued.
        store
            .add_destination("d", &[v(&a, 1)], &[v(&b, 1)], now)
            .unwrap();
        assert_eq!(store.queue("d").unwrap().len(), 1);
        assert_eq!(
            store
                .enqueue("d", &[v(&a, 1), v(&b, 1)], true, now)
                .unwrap(),
            0
        );
        store.mark_sent("d", &[v(&b, 1)], now).unwrap();
        assert!(store.queue("d").unwrap().is_empty());
        // A new version: ignored without `revisions`, announced once with it.
        assert_eq!(store.enqueue("d", &[v(&b, 2)], false, now).unwrap(), 0);
        assert_eq!(store.enqueue("d", &[v(&b, 2)], true, now).unwrap(), 1);
        assert_eq!(store.enqueue("d", &[v(&b, 2)], true, now).unwrap(), 0);
        let q = store.queue("d").unwrap();
        assert_eq!((q[0].version, q[0].revision), (2, true));
        assert_eq!(store.sent_counts("d").unwrap(), (1, 1));
        // The snapshot lines put everything back.
        let lines = store.delivery_lines().unwrap();
        let mut other = Store::open_in_memory().unwrap();
        other.restore_deliveries(&lines).unwrap();
        assert_eq!(other.delivery_lines().unwrap(), lines);
    }
}
