//! What arXiv's daily listing announced and what became of each paper (`announcements`), each
//! run's check of the listing (`listing_checks`), and the listing's validators for the next
//! conditional GET (in `meta`).

use jiff::Timestamp;
use rusqlite::params;

use super::{Result, Store};
use crate::model::ArxivId;

/// One announced paper on one day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Announcement {
    /// The announcement day, `YYYY-MM-DD`.
    pub day: String,
    /// The paper.
    pub id: ArxivId,
    /// The version announced.
    pub version: u32,
    /// `new`, `cross`, `replace`, `replace-cross` or `other`.
    pub kind: String,
    /// Its categories.
    pub categories: Vec<String>,
    /// The topics whose query matches it.
    pub topics: Vec<String>,
    /// `unmatched`, `stored`, `fetched` or `missing`.
    pub outcome: String,
    /// Why it is missing.
    pub reason: Option<String>,
}

/// One run's check of the listing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListingCheck {
    /// When (RFC 3339).
    pub checked_at: String,
    /// The categories asked for, `+`-joined.
    pub categories: String,
    /// The announcement day, when the listing said.
    pub day: Option<String>,
    /// `announced`, `empty`, `unchanged` or `failed`.
    pub outcome: String,
    /// Papers announced.
    pub announced: u64,
    /// Of which a topic's query matches.
    pub matched: u64,
    /// Of those, fetched by id.
    pub fetched: u64,
    /// Of those, still missing.
    pub missing: u64,
    /// Why the check failed.
    pub message: Option<String>,
}

impl Store {
    /// Records one day's announcements (a row already there is replaced), in one transaction.
    pub fn record_announcements(&mut self, rows: &[Announcement], now: Timestamp) -> Result<()> {
        let tx = self.conn.transaction()?;
        let now = now.to_string();
        for a in rows {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO announcements
                 (day, paper_id, version, kind, categories, topics, outcome, reason, checked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                a.day,
                a.id.as_str(),
                a.version,
                a.kind,
                serde_json::to_string(&a.categories).expect("strings serialize"),
                serde_json::to_string(&a.topics).expect("strings serialize"),
                a.outcome,
                a.reason,
                now
            ])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The announcements of `day`, in id order.
    pub fn announcements(&self, day: &str) -> Result<Vec<Announcement>> {
        let mut stmt = self.conn.prepare(
            "SELECT day, paper_id, version, kind, categories, topics, outcome, reason
             FROM announcements WHERE day = ?1 ORDER BY paper_id",
        )?;
        let rows = stmt.query_map(params![day], |r| {
            let id: String = r.get(1)?;
            let cats: String = r.get(4)?;
            let topics: String = r.get(5)?;
            let Ok(id) = ArxivId::parse(&id) else {
                return Ok(None);
            };
            Ok(Some(Announcement {
                day: r.get(0)?,
                id,
                version: r.get(2)?,
                kind: r.get(3)?,
                categories: serde_json::from_str(&cats).unwrap_or_default(),
                topics: serde_json::from_str(&topics).unwrap_or_default(),
                outcome: r.get(6)?,
                reason: r.get(7)?,
            }))
        })?;
        let mut out = Vec::new();
        for row in rows {
            out.extend(row?);
        }
        Ok(out)
    }

    /// The announcement days recorded, newest first.
    pub fn announcement_days(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT day FROM announcements ORDER BY day DESC")?;
        let days = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(days)
    }

    /// Records one check of the listing.
    pub fn record_listing_check(&self, check: &ListingCheck) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO listing_checks
             (checked_at, categories, day, outcome, announced, matched, fetched, missing, message)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                check.checked_at,
                check.categories,
                check.day,
                check.outcome,
                check.announced,
                check.matched,
                check.fetched,
                check.missing,
                check.message
            ],
        )?;
        Ok(())
    }

    /// The most recent checks of the listing, newest first.
    pub fn listing_checks(&self, limit: usize) -> Result<Vec<ListingCheck>> {
        let mut stmt = self.conn.prepare(
            "SELECT checked_at, categories, day, outcome, announced, matched, fetched, missing,
                    message
             FROM listing_checks ORDER BY checked_at DESC, categories LIMIT ?1",
        )?;
        let rows = stmt
            .query_map(params![limit as i64], |r| {
                Ok(ListingCheck {
                    checked_at: r.get(0)?,
                    categories: r.get(1)?,
                    day: r.get(2)?,
                    outcome: r.get(3)?,
                    announced: r.get(4)?,
                    matched: r.get(5)?,
                    fetched: r.get(6)?,
                    missing: r.get(7)?,
                    message: r.get(8)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}
