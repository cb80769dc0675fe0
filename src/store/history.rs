//! How far back each topic's history has been fetched (`topic_history`): the backfill's cursor,
//! whether it is complete, and whether a cap cut it. A backfill page and its cursor are written
//! in one transaction, so a killed backfill resumes exactly after the last stored page.

use jiff::Timestamp;
use rusqlite::params;

use super::rows::{join_topic, upsert_paper};
use super::{Result, Store, TopicWrite};
use crate::model::Paper;

/// A topic's fetched history.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct History {
    /// The topic.
    pub topic: String,
    /// The search (with its date bound) the history belongs to.
    pub search: String,
    /// `submittedDate` (`YYYYMMDDHHMM`, GMT) of the oldest paper fetched; `None` before the
    /// first stored page.
    pub cursor: Option<String>,
    /// Every match (back to `since`, up to the cap) has been fetched.
    pub complete: bool,
    /// How many papers the search matched when the history began.
    pub matches: Option<u64>,
    /// Papers kept when `max_results` cut the history.
    pub kept: Option<u64>,
}

impl History {
    /// A history not yet begun.
    pub fn new(topic: &str, search: &str) -> History {
        History {
            topic: topic.to_string(),
            search: search.to_string(),
            ..History::default()
        }
    }

    /// Whether its backfill has begun (a cursor) or finished: the topic's newest papers then
    /// come from the head pass.
    pub fn begun(&self) -> bool {
        self.cursor.is_some() || self.complete
    }

    /// `(kept, matches)` when a cap cut the history.
    pub fn cut(&self) -> Option<(u64, u64)> {
        match (self.kept, self.matches) {
            (Some(kept), Some(matches)) if kept < matches => Some((kept, matches)),
            _ => None,
        }
    }
}

impl Store {
    /// The stored history of `topic`, if any.
    pub fn history(&self, topic: &str) -> Result<Option<History>> {
        Ok(self.histories_where(Some(topic))?.pop())
    }

    /// Every topic's history, by topic name.
    pub fn histories(&self) -> Result<Vec<History>> {
        self.histories_where(None)
    }

    fn histories_where(&self, topic: Option<&str>) -> Result<Vec<History>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT topic, search, cursor, complete, matches, kept FROM topic_history
             WHERE ?1 IS NULL OR topic = ?1 ORDER BY topic",
        )?;
        let rows = stmt.query_map(params![topic], |r| {
            Ok(History {
                topic: r.get(0)?,
                search: r.get(1)?,
                cursor: r.get(2)?,
                complete: r.get::<_, i64>(3)? != 0,
                matches: r.get(4)?,
                kept: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Puts back histories read from the text snapshot.
    pub fn restore_histories(&mut self, histories: &[History], now: Timestamp) -> Result<()> {
        for h in histories {
            self.save_history_page(&[], h, now)?;
        }
        Ok(())
    }

    /// Stores one page of a topic's backfill and the history it leads to, in one transaction.
    pub fn save_history_page(
        &mut self,
        papers: &[Paper],
        history: &History,
        now: Timestamp,
    ) -> Result<TopicWrite> {
        let tx = self.conn.transaction()?;
        let now_s = now.to_string();
        let mut write = TopicWrite::default();
        for paper in papers {
            if upsert_paper(&tx, paper, &now_s)? {
                write.revised += 1;
            }
            write.new += join_topic(&tx, &history.topic, &paper.id, &now_s)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO topic_history
             (topic, search, cursor, complete, matches, kept, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                history.topic,
                history.search,
                history.cursor,
                i64::from(history.complete),
                history.matches,
                history.kept,
                now_s
            ],
        )?;
        tx.commit()?;
        Ok(write)
    }
}
