//! What was sent to which notify destination (`destinations`, `deliveries`,
//! `publication_news`): the queue of each destination, rows marked sent once a message carrying
//! them was accepted, papers set aside (`failed`), and the papers that were already stored when a
//! destination started (`history`: never sent). The snapshot's lines are in `delivery_lines`.

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
    /// What it was last shown (its topics and `min_score`), when known.
    pub scope: Option<String>,
    /// When the config stopped naming it, if it did.
    pub removed_at: Option<String>,
}

/// How a destination is (re)registered: the papers it is shown that have no row yet.
#[derive(Debug, Clone, Copy)]
pub struct Registration<'a> {
    /// Its scope now.
    pub scope: &'a str,
    /// Papers never to be sent (already there before the destination, or before it widened).
    pub history: &'a [PaperVersion],
    /// Papers to queue.
    pub queued: &'a [PaperVersion],
    /// Re-added after the config dropped it: what was queued then becomes history.
    pub restart: bool,
}

/// What `notify --rename` or `--forget` found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rename {
    /// No destination of that name is stored.
    #[error("the database has no destination named {0:?}")]
    Unknown(String),
    /// The new name is taken.
    #[error("the database already has a destination named {0:?}")]
    Taken(String),
}

/// A paper a service refused even alone and plain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// The destination.
    pub destination: String,
    /// The paper.
    pub id: ArxivId,
    /// The version.
    pub version: u32,
    /// What the service said.
    pub answer: String,
}

impl Store {
    /// When `destination` was first seen, last sent something, what it was shown, and whether
    /// the config dropped it.
    pub fn destination(&self, name: &str) -> Result<Option<Destination>> {
        Ok(self
            .conn
            .query_row(
                "SELECT started_at, last_sent_at, scope, removed_at FROM destinations
                 WHERE name = ?1",
                params![name],
                |r| {
                    Ok(Destination {
                        started_at: r.get(0)?,
                        last_sent_at: r.get(1)?,
                        scope: r.get(2)?,
                        removed_at: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Registers a destination, or registers it again (re-added, or widened): `history` papers
    /// are marked as never to be sent, `queued` ones are queued; rows already there are kept.
    /// One transaction.
    pub fn register_destination(
        &mut self,
        name: &str,
        how: Registration,
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let now = now.to_string();
        tx.execute(
            "INSERT INTO destinations (name, started_at, scope) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET scope = ?3, removed_at = NULL",
            params![name, now, how.scope],
        )?;
        if how.restart {
            tx.execute(
                "UPDATE deliveries SET state = 'history' WHERE destination = ?1 AND state = 'queued'",
                params![name],
            )?;
            tx.execute(
                "DELETE FROM publication_news WHERE destination = ?1 AND state = 'queued'",
                params![name],
            )?;
        }
        for (rows, state) in [(how.history, "history"), (how.queued, "queued")] {
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

    /// Marks every stored destination the config no longer names as removed (once).
    pub fn retire_destinations(&mut self, named: &[&str], now: Timestamp) -> Result<()> {
        let tx = self.conn.transaction()?;
        let stored: Vec<String> = tx
            .prepare("SELECT name FROM destinations WHERE removed_at IS NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for name in stored.iter().filter(|n| !named.contains(&n.as_str())) {
            tx.execute(
                "UPDATE destinations SET removed_at = ?2 WHERE name = ?1",
                params![name, now.to_string()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Gives a destination's queue and history a new name (`notify --rename`).
    pub fn rename_destination(&mut self, old: &str, new: &str) -> Result<Result<(), Rename>> {
        let tx = self.conn.transaction()?;
        let exists = |name: &str| -> Result<bool> {
            Ok(tx
                .prepare("SELECT 1 FROM destinations WHERE name = ?1")?
                .exists(params![name])?)
        };
        if !exists(old)? {
            return Ok(Err(Rename::Unknown(old.into())));
        }
        if exists(new)? {
            return Ok(Err(Rename::Taken(new.into())));
        }
        tx.execute(
            "UPDATE destinations SET name = ?2, removed_at = NULL WHERE name = ?1",
            params![old, new],
        )?;
        for table in ["deliveries", "publication_news"] {
            tx.execute(
                &format!("UPDATE {table} SET destination = ?2 WHERE destination = ?1"),
                params![old, new],
            )?;
        }
        tx.commit()?;
        Ok(Ok(()))
    }

    /// Drops a destination's queue and history (`notify --forget`); configured again, it
    /// starts from now.
    pub fn forget_destination(&mut self, name: &str) -> Result<Result<(), Rename>> {
        let tx = self.conn.transaction()?;
        let gone = tx.execute("DELETE FROM destinations WHERE name = ?1", params![name])?;
        if gone == 0 {
            return Ok(Err(Rename::Unknown(name.into())));
        }
        for table in ["deliveries", "publication_news"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE destination = ?1"),
                params![name],
            )?;
        }
        tx.commit()?;
        Ok(Ok(()))
    }

    /// Brings a destination's queue up to what it is shown: a paper with no row yet is queued;
    /// a queued paper moves to its newest version (announced once); with `revisions`, a
    /// version above every version sent is queued as a revision; a queued paper no longer
    /// shown leaves the queue. Returns how many were queued.
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
            // A queued row of an older version announces this one instead.
            let moved = tx
                .prepare_cached(
                    "UPDATE OR IGNORE deliveries SET version = ?3
                     WHERE destination = ?1 AND paper_id = ?2 AND state = 'queued' AND version < ?3",
                )?
                .execute(params![name, id.as_str(), version])?;
            if moved > 0 {
                continue;
            }
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
        let shown: std::collections::HashSet<&str> = shown.iter().map(|p| p.id.as_str()).collect();
        let waiting: Vec<String> = tx
            .prepare_cached(
                "SELECT paper_id FROM deliveries WHERE destination = ?1 AND state = 'queued'",
            )?
            .query_map(params![name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in waiting.iter().filter(|id| !shown.contains(id.as_str())) {
            tx.execute(
                "DELETE FROM deliveries WHERE destination = ?1 AND paper_id = ?2 AND state = 'queued'",
                params![name, id],
            )?;
        }
        tx.commit()?;
        Ok(queued)
    }

    /// The paper ids `sql` selects for destination `name` (its `?1`), in its order.
    fn destination_ids(&self, sql: &str, name: &str) -> Result<Vec<ArxivId>> {
        let mut stmt = self.conn.prepare(sql)?;
        let ids: Vec<String> = stmt
            .query_map(params![name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids
            .iter()
            .filter_map(|id| ArxivId::parse(id).ok())
            .collect())
    }

    /// Every paper with a row at a destination, whatever its state.
    pub fn delivered_ids(&self, name: &str) -> Result<std::collections::HashSet<ArxivId>> {
        Ok(self
            .destination_ids(
                "SELECT DISTINCT paper_id FROM deliveries WHERE destination = ?1",
                name,
            )?
            .into_iter()
            .collect())
    }

    /// Queues publication news for `name`: each paper sent there that has since gained its
    /// first journal reference or DOI, once. Returns how many were queued.
    pub fn enqueue_publications(&mut self, name: &str, now: Timestamp) -> Result<usize> {
        Ok(self.conn.execute(
            "INSERT OR IGNORE INTO publication_news (destination, paper_id, state, queued_at)
             SELECT ?1, p.id, 'queued', ?2 FROM papers p
             WHERE p.published_at IS NOT NULL AND EXISTS (
                 SELECT 1 FROM deliveries d
                 WHERE d.destination = ?1 AND d.paper_id = p.id AND d.state = 'sent'
                   AND (d.sent_at IS NULL OR d.sent_at < p.published_at))",
            params![name, now.to_string()],
        )?)
    }

    /// The papers whose publication news waits for `name`, oldest first.
    pub fn publication_queue(&self, name: &str) -> Result<Vec<ArxivId>> {
        self.destination_ids(
            "SELECT paper_id FROM publication_news WHERE destination = ?1 AND state = 'queued'
             ORDER BY queued_at, paper_id",
            name,
        )
    }

    /// A destination's queue, oldest first; one row per paper, at its newest version.
    pub fn queue(&self, name: &str) -> Result<Vec<Queued>> {
        let mut stmt = self.conn.prepare(
            "SELECT paper_id, version, revision FROM deliveries
             WHERE destination = ?1 AND state = 'queued' ORDER BY queued_at, paper_id, version DESC",
        )?;
        let rows = stmt.query_map(params![name], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        let mut out: Vec<Queued> = Vec::new();
        for row in rows {
            let (id, version, revision) = row?;
            let id = ArxivId::parse(&id).map_err(|e| super::Error::Corrupt {
                id: id.clone(),
                message: e.to_string(),
            })?;
            if out.iter().any(|q| q.id == id) {
                continue;
            }
            out.push(Queued {
                id,
                version,
                revision: revision != 0,
            });
        }
        Ok(out)
    }

    /// Marks one message's papers and publication news sent, in one transaction. A paper's
    /// older rows still queued go with it.
    pub fn mark_sent(
        &mut self,
        name: &str,
        papers: &[PaperVersion],
        published: &[ArxivId],
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let now = now.to_string();
        for PaperVersion { id, version } in papers {
            tx.execute(
                "UPDATE deliveries SET state = 'sent', sent_at = ?4
                 WHERE destination = ?1 AND paper_id = ?2
                   AND (version = ?3 OR (state = 'queued' AND version < ?3))",
                params![name, id.as_str(), version, now],
            )?;
        }
        for id in published {
            tx.execute(
                "UPDATE publication_news SET state = 'sent', sent_at = ?3
                 WHERE destination = ?1 AND paper_id = ?2",
                params![name, id.as_str(), now],
            )?;
        }
        tx.execute(
            "UPDATE destinations SET last_sent_at = ?2 WHERE name = ?1",
            params![name, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets a paper aside at a destination: its service refused it even alone and plain. It is
    /// never tried again; `answer` is what the service said.
    pub fn mark_failed(
        &mut self,
        name: &str,
        paper: &PaperVersion,
        answer: &str,
        now: Timestamp,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE deliveries SET state = 'failed', answer = ?4, sent_at = ?5
             WHERE destination = ?1 AND paper_id = ?2 AND version = ?3",
            params![
                name,
                paper.id.as_str(),
                paper.version,
                answer,
                now.to_string()
            ],
        )?;
        Ok(())
    }

    /// Drops a paper's publication news at a destination (its service refused it).
    pub fn drop_publication(&mut self, name: &str, id: &ArxivId) -> Result<()> {
        self.conn.execute(
            "DELETE FROM publication_news WHERE destination = ?1 AND paper_id = ?2",
            params![name, id.as_str()],
        )?;
        Ok(())
    }

    /// Every paper set aside, by destination and paper.
    pub fn failed_deliveries(&self) -> Result<Vec<Failed>> {
        let mut stmt = self.conn.prepare(
            "SELECT destination, paper_id, version, COALESCE(answer, '') FROM deliveries
             WHERE state = 'failed' ORDER BY destination, paper_id",
        )?;
        let rows: Vec<(String, String, u32, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(destination, id, version, answer)| {
                Some(Failed {
                    destination,
                    id: ArxivId::parse(&id).ok()?,
                    version,
                    answer,
                })
            })
            .collect())
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
        let how = Registration {
            scope: "all",
            history: &[v(&a, 1)],
            queued: &[v(&b, 1)],
            restart: false,
        };
        store.register_destination("d", how, now).unwrap();
        assert_eq!(store.queue("d").unwrap().len(), 1);
        assert_eq!(
            store
                .enqueue("d", &[v(&a, 1), v(&b, 1)], true, now)
                .unwrap(),
            0
        );
        store.mark_sent("d", &[v(&b, 1)], &[], now).unwrap();
        assert!(store.queue("d").unwrap().is_empty());
        // A new version: ignored without `revisions`, announced once with it.
        assert_eq!(store.enqueue("d", &[v(&b, 2)], false, now).unwrap(), 0);
        assert_eq!(store.enqueue("d", &[v(&b, 2)], true, now).unwrap(), 1);
        assert_eq!(store.enqueue("d", &[v(&b, 2)], true, now).unwrap(), 0);
        let q = store.queue("d").unwrap();
        assert_eq!((q[0].version, q[0].revision), (2, true));
        assert_eq!(store.sent_counts("d").unwrap(), (1, 1));
        // A queued paper that gets a new version is announced once, at the newest; a queued
        // paper no longer shown leaves the queue.
        let c = ArxivId::parse("2501.00003").unwrap();
        store
            .enqueue("d", &[v(&b, 2), v(&c, 1)], false, now)
            .unwrap();
        store
            .enqueue("d", &[v(&b, 2), v(&c, 2)], false, now)
            .unwrap();
        let q = store.queue("d").unwrap();
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!((q[1].id.as_str(), q[1].version), ("2501.00003", 2));
        store.enqueue("d", &[v(&c, 2)], false, now).unwrap();
        let q = store.queue("d").unwrap();
        assert_eq!(q.len(), 1, "b is no longer shown: {q:?}");
        // The snapshot lines put everything back.
        let lines = store.delivery_lines().unwrap();
        let mut other = Store::open_in_memory().unwrap();
        other.restore_deliveries(&lines).unwrap();
        assert_eq!(other.delivery_lines().unwrap(), lines);
    }
}
