//! What paperwatch keeps of Zotero: each example library's items and the version last read,
//! and the queue of starred papers on their way into `[zotero] library`.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store};
use crate::model::ArxivId;

/// A starred paper waiting to be written to Zotero.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoteroQueued {
    /// The paper.
    pub id: ArxivId,
    /// The write token of the batch it was last sent in, when it was.
    pub token: Option<String>,
}

impl Store {
    /// The library version last read for `source`.
    pub fn zotero_version(&self, source: &str) -> Result<Option<u64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT version FROM zotero_sync WHERE source = ?1",
                params![source],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .map(|v| v as u64))
    }

    /// Applies a read of `source`: `items` `(key, version, paper)` added or changed, `deleted`
    /// keys removed (all of them first when `full`), the version recorded, in one transaction.
    pub fn apply_zotero(
        &mut self,
        source: &str,
        version: u64,
        items: &[(String, u64, Option<ArxivId>)],
        deleted: &[String],
        full: bool,
        now: Timestamp,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        if full {
            tx.execute(
                "DELETE FROM zotero_items WHERE source = ?1",
                params![source],
            )?;
        }
        for key in deleted {
            tx.prepare_cached("DELETE FROM zotero_items WHERE source = ?1 AND item_key = ?2")?
                .execute(params![source, key])?;
        }
        for (key, v, id) in items {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO zotero_items (source, item_key, paper_id, version) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![source, key, id.as_ref().map(ArxivId::as_str), *v as i64])?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO zotero_sync (source, version, synced_at) VALUES (?1, ?2, ?3)",
            params![source, version as i64, now.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The arXiv papers among `source`'s items, each once, by id; and how many items it has.
    pub fn zotero_papers(&self, source: &str) -> Result<(Vec<ArxivId>, usize)> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT paper_id FROM zotero_items WHERE source = ?1 ORDER BY paper_id",
        )?;
        let rows: Vec<Option<String>> = stmt
            .query_map(params![source], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        let items = rows.len();
        let mut ids: Vec<ArxivId> = rows
            .into_iter()
            .flatten()
            .filter_map(|id| ArxivId::parse(&id).ok())
            .collect();
        ids.dedup();
        Ok((ids, items))
    }

    /// Queues a starred paper for `library`; whether it was not there before.
    pub fn queue_zotero(&self, library: &str, id: &ArxivId, now: Timestamp) -> Result<bool> {
        Ok(self.conn.execute(
            "INSERT OR IGNORE INTO zotero_queue (paper_id, library, queued_at) VALUES (?1, ?2, ?3)",
            params![id.as_str(), library, now.to_string()],
        )? > 0)
    }

    /// The papers queued for `library`, oldest first.
    pub fn zotero_queue(&self, library: &str) -> Result<Vec<ZoteroQueued>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT paper_id, token FROM zotero_queue WHERE library = ?1 AND state = 'queued'
             ORDER BY queued_at, paper_id",
        )?;
        let rows: Vec<(String, Option<String>)> = stmt
            .query_map(params![library], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, token)| {
                Some(ZoteroQueued {
                    id: ArxivId::parse(&id).ok()?,
                    token,
                })
            })
            .collect())
    }

    /// Records the write token a batch of queued papers is about to be sent with.
    pub fn zotero_token(&mut self, library: &str, ids: &[ArxivId], token: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        for id in ids {
            tx.prepare_cached(
                "UPDATE zotero_queue SET token = ?3 WHERE library = ?1 AND paper_id = ?2",
            )?
            .execute(params![library, id.as_str(), token])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Settles a queued paper: written as item `key`, or refused with `message`.
    pub fn zotero_done(
        &self,
        library: &str,
        id: &ArxivId,
        outcome: std::result::Result<&str, &str>,
    ) -> Result<()> {
        let (state, key, message) = match outcome {
            Ok(key) => ("written", Some(key), None),
            Err(message) => ("failed", None, Some(message)),
        };
        self.conn.execute(
            "UPDATE zotero_queue SET state = ?3, item_key = ?4, message = ?5 WHERE library = ?1 AND paper_id = ?2",
            params![library, id.as_str(), state, key, message],
        )?;
        Ok(())
    }

    /// `(paper, state, item key)` of every paper starred into `library`.
    pub fn zotero_written(&self, library: &str) -> Result<Vec<(String, String, Option<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT paper_id, state, item_key FROM zotero_queue WHERE library = ?1 ORDER BY paper_id",
        )?;
        let rows = stmt
            .query_map(params![library], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(rows)
    }
}
