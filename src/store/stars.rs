//! The reader's reading list (⭐ papers kept to read later) and what the local inbox
//! (`paperwatch serve`) has marked read.

use jiff::Timestamp;
use rusqlite::params;

use super::{Result, Store};
use crate::model::ArxivId;

/// A paper shown in a topic, as the inbox lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownRow {
    /// The topic.
    pub topic: String,
    /// The paper.
    pub id: ArxivId,
    /// The topic's score of it, once computed.
    pub score: Option<f64>,
    /// When it joined the topic (RFC 3339).
    pub first_seen: String,
}

impl Store {
    /// Stars a paper; whether it was not starred before.
    pub fn set_star(&self, id: &ArxivId, now: Timestamp) -> Result<bool> {
        Ok(self.conn.execute(
            "INSERT OR IGNORE INTO stars (paper_id, starred_at) VALUES (?1, ?2)",
            params![id.as_str(), now.to_string()],
        )? > 0)
    }

    /// Removes a paper's star; whether it had one.
    pub fn clear_star(&self, id: &ArxivId) -> Result<bool> {
        Ok(self.conn.execute(
            "DELETE FROM stars WHERE paper_id = ?1",
            params![id.as_str()],
        )? > 0)
    }

    /// Every starred paper with when it was starred, newest star first.
    pub fn stars(&self) -> Result<Vec<(ArxivId, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT paper_id, starred_at FROM stars ORDER BY starred_at DESC, paper_id DESC",
        )?;
        let rows: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, at)| Some((ArxivId::parse(&id).ok()?, at)))
            .collect())
    }

    /// Marks papers read in the inbox.
    pub fn mark_read(&mut self, ids: &[ArxivId], now: Timestamp) -> Result<()> {
        let tx = self.conn.transaction()?;
        let now = now.to_string();
        for id in ids {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO inbox_read (paper_id, read_at) VALUES (?1, ?2)",
            )?
            .execute(params![id.as_str(), now])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The papers shown in a topic that joined it after `since` (RFC 3339) and the inbox has
    /// not marked read: per topic, best score first, then newest.
    pub fn unread(&self, since: &str) -> Result<Vec<ShownRow>> {
        self.shown_rows(
            "t.shown = 1 AND t.first_seen > ?1
             AND NOT EXISTS (SELECT 1 FROM inbox_read r WHERE r.paper_id = t.paper_id)",
            "",
            params![since],
        )
    }

    /// The papers shown in a topic that joined it after `since` (RFC 3339), read or not: per
    /// topic, best score first, then newest.
    pub fn shown_since(&self, since: &str) -> Result<Vec<ShownRow>> {
        self.shown_rows("t.shown = 1 AND t.first_seen > ?1", "", params![since])
    }

    /// `topic → (shown, hidden)` papers.
    pub fn topic_counts(&self) -> Result<std::collections::HashMap<String, (usize, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT topic, sum(shown), count(*) - sum(shown) FROM topic_papers GROUP BY topic",
        )?;
        let rows: Vec<(String, i64, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .map(|(t, s, h)| (t, (s as usize, h as usize)))
            .collect())
    }

    /// A topic's shown papers, best score first, then newest: `limit` of them from `offset`.
    pub fn topic_rows(&self, topic: &str, limit: usize, offset: usize) -> Result<Vec<ShownRow>> {
        self.shown_rows(
            "t.shown = 1 AND t.topic = ?1",
            " LIMIT ?2 OFFSET ?3",
            params![topic, limit as i64, offset as i64],
        )
    }

    fn shown_rows(
        &self,
        filter: &str,
        tail: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<ShownRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT t.topic, t.paper_id, t.score, t.first_seen FROM topic_papers t
             WHERE {filter} ORDER BY t.topic, t.score IS NULL, t.score DESC, t.paper_id DESC{tail}"
        ))?;
        let rows: Vec<(String, String, Option<f64>, String)> = stmt
            .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|(topic, id, score, first_seen)| {
                Some(ShownRow {
                    topic,
                    id: ArxivId::parse(&id).ok()?,
                    score,
                    first_seen,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::paper;

    #[test]
    fn stars_and_reads_are_kept_once() {
        let mut store = Store::open_in_memory().unwrap();
        let now: Timestamp = "2025-02-01T00:00:00Z".parse().unwrap();
        let a = paper("2501.00001", 1);
        let b = paper("2501.00002", 1);
        store
            .save_topic("edge", &[a.clone(), b.clone()], &[], now)
            .unwrap();
        assert!(store.set_star(&a.id, now).unwrap());
        assert!(
            !store.set_star(&a.id, now).unwrap(),
            "a second star is not new"
        );
        assert_eq!(
            store.stars().unwrap(),
            vec![(a.id.clone(), now.to_string())]
        );
        assert_eq!(store.unread("2025-01-01T00:00:00Z").unwrap().len(), 2);
        assert!(
            store.unread(&now.to_string()).unwrap().is_empty(),
            "joined at `since`"
        );
        store.mark_read(std::slice::from_ref(&b.id), now).unwrap();
        let left = store.unread("2025-01-01T00:00:00Z").unwrap();
        assert_eq!(
            left.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["2501.00001"]
        );
        assert_eq!(store.topic_rows("edge", 1, 1).unwrap()[0].id, a.id);
        assert!(store.clear_star(&a.id).unwrap());
        assert!(store.stars().unwrap().is_empty());
    }
}
