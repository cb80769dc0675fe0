//! The deliveries snapshot (`data/deliveries.jsonl`): every destination, delivery and
//! publication-news row as a line, and back.

use rusqlite::params;

use super::{Result, Store};

/// One line of the deliveries snapshot: a destination, one paper's state there, or one
/// paper's publication news there.
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
        /// What it was last shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
        /// When the config stopped naming it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        removed_at: Option<String>,
    },
    /// A paper's state at a destination.
    Paper {
        /// The destination.
        destination: String,
        /// The paper.
        id: String,
        /// The version.
        version: u32,
        /// `queued`, `sent`, `history` or `failed`.
        state: String,
        /// Announced as a revision.
        revision: bool,
        /// When it was queued (orders the queue).
        queued_at: String,
        /// For `failed`: what the service said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        answer: Option<String>,
    },
    /// A paper's publication news at a destination.
    Published {
        /// The destination.
        destination: String,
        /// The paper.
        id: String,
        /// `queued` or `sent`.
        state: String,
        /// When it was queued.
        queued_at: String,
    },
}

impl Store {
    /// Every destination, delivery and publication-news row, in a stable order, for the text
    /// snapshot.
    pub fn delivery_lines(&self) -> Result<Vec<DeliveryLine>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare(
            "SELECT name, started_at, last_sent_at, scope, removed_at FROM destinations
             ORDER BY name",
        )?;
        for row in stmt.query_map([], |r| {
            Ok(DeliveryLine::Destination {
                name: r.get(0)?,
                started_at: r.get(1)?,
                last_sent_at: r.get(2)?,
                scope: r.get(3)?,
                removed_at: r.get(4)?,
            })
        })? {
            out.push(row?);
        }
        let mut stmt = self.conn.prepare(
            "SELECT destination, paper_id, version, state, revision, queued_at, answer
             FROM deliveries ORDER BY destination, paper_id, version",
        )?;
        for row in stmt.query_map([], |r| {
            Ok(DeliveryLine::Paper {
                destination: r.get(0)?,
                id: r.get(1)?,
                version: r.get(2)?,
                state: r.get(3)?,
                revision: r.get::<_, i64>(4)? != 0,
                queued_at: r.get(5)?,
                answer: r.get(6)?,
            })
        })? {
            out.push(row?);
        }
        let mut stmt = self.conn.prepare(
            "SELECT destination, paper_id, state, queued_at FROM publication_news
             ORDER BY destination, paper_id",
        )?;
        for row in stmt.query_map([], |r| {
            Ok(DeliveryLine::Published {
                destination: r.get(0)?,
                id: r.get(1)?,
                state: r.get(2)?,
                queued_at: r.get(3)?,
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
                    scope,
                    removed_at,
                } => {
                    tx.execute(
                        "INSERT OR REPLACE INTO destinations
                         (name, started_at, last_sent_at, scope, removed_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![name, started_at, last_sent_at, scope, removed_at],
                    )?;
                }
                DeliveryLine::Paper {
                    destination,
                    id,
                    version,
                    state,
                    revision,
                    queued_at,
                    answer,
                } => {
                    tx.execute(
                        "INSERT OR REPLACE INTO deliveries
                         (destination, paper_id, version, state, revision, queued_at, answer)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        params![
                            destination,
                            id,
                            version,
                            state,
                            i64::from(*revision),
                            queued_at,
                            answer
                        ],
                    )?;
                }
                DeliveryLine::Published {
                    destination,
                    id,
                    state,
                    queued_at,
                } => {
                    tx.execute(
                        "INSERT OR REPLACE INTO publication_news
                         (destination, paper_id, state, queued_at) VALUES (?1, ?2, ?3, ?4)",
                        params![destination, id, state, queued_at],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }
}
