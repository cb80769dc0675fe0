//! How a paper is written to and read from its rows: the upsert that keeps the latest version
//! and its history, joining a topic, the column list and the decoding of a `papers` row.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Error, Result};
use crate::model::{ArxivId, Paper};

/// Inserts or updates a paper; returns whether its stored version went up.
pub(super) fn upsert_paper(tx: &Transaction, paper: &Paper, now: &str) -> Result<bool> {
    let stored: Option<u32> = tx
        .prepare_cached("SELECT version FROM papers WHERE id = ?1")?
        .query_row(params![paper.id.as_str()], |r| r.get(0))
        .optional()?;
    let authors = serde_json::to_string(&paper.authors).expect("strings serialize");
    let categories = serde_json::to_string(&paper.categories).expect("strings serialize");
    let values = params![
        paper.id.as_str(),
        paper.version,
        paper.title,
        authors,
        paper.summary,
        categories,
        paper.primary_category,
        paper.published.to_string(),
        paper.updated.to_string(),
        paper.comment,
        paper.journal_ref,
        paper.doi,
        now,
    ];
    let revised = match stored {
        None => {
            tx.prepare_cached(
                "INSERT INTO papers (id, version, title, authors, abstract, categories,
                 primary_category, published, updated, comment, journal_ref, doi, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
            )?
            .execute(values)?;
            false
        }
        Some(v) if paper.version >= v => {
            // A paper that gains its first journal reference or DOI is publication news.
            tx.prepare_cached(
                "UPDATE papers SET published_at = ?2 WHERE id = ?1 AND stub = 0
                 AND journal_ref IS NULL AND doi IS NULL AND (?3 IS NOT NULL OR ?4 IS NOT NULL)",
            )?
            .execute(params![
                paper.id.as_str(),
                now,
                paper.journal_ref,
                paper.doi
            ])?;
            // Only a changed text re-indexes the paper (the search index's update trigger
            // fires on the columns set): the daily re-fetch of known papers stays cheap.
            let changed_text = tx
                .prepare_cached(
                    "UPDATE papers SET version = ?2, title = ?3, authors = ?4, abstract = ?5,
                     categories = ?6, primary_category = ?7, published = ?8, updated = ?9,
                     comment = ?10, journal_ref = ?11, doi = ?12, last_seen = ?13, stub = 0
                     WHERE id = ?1 AND (title IS NOT ?3 OR authors IS NOT ?4
                         OR abstract IS NOT ?5 OR comment IS NOT ?10)",
                )?
                .execute(values)?;
            if changed_text == 0 {
                // The same parameters; the text ones (?3, ?4, ?5, ?10) go unused.
                tx.prepare_cached(
                    "UPDATE papers SET version = ?2, categories = ?6, primary_category = ?7,
                     published = ?8, updated = ?9, journal_ref = ?11, doi = ?12,
                     last_seen = ?13, stub = 0
                     WHERE id = ?1",
                )?
                .execute(values)?;
            }
            paper.version > v
        }
        Some(_) => {
            tx.prepare_cached("UPDATE papers SET last_seen = ?2 WHERE id = ?1")?
                .execute(params![paper.id.as_str(), now])?;
            false
        }
    };
    tx.prepare_cached(
        "INSERT OR IGNORE INTO paper_versions (paper_id, version, updated, first_seen)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        paper.id.as_str(),
        paper.version,
        paper.updated.to_string(),
        now
    ])?;
    Ok(revised)
}

/// Makes `id` a member of `topic`; returns 1 when it was not one before.
pub(super) fn join_topic(tx: &Transaction, topic: &str, id: &ArxivId, now: &str) -> Result<u64> {
    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO topic_papers (topic, paper_id, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?3)",
        )?
        .execute(params![topic, id.as_str(), now])?;
    if inserted == 0 {
        tx.prepare_cached(
            "UPDATE topic_papers SET last_seen = ?3 WHERE topic = ?1 AND paper_id = ?2",
        )?
        .execute(params![topic, id.as_str(), now])?;
    }
    Ok(inserted as u64)
}

pub(super) const PAPER_COLUMNS: &str = "p.id, p.version, p.title, p.authors, p.abstract, p.categories, \
     p.primary_category, p.published, p.updated, p.comment, p.journal_ref, p.doi";

/// A `papers` row before its JSON and timestamps are decoded.
pub(super) struct RawPaper {
    id: String,
    version: u32,
    title: String,
    authors: String,
    summary: String,
    categories: String,
    primary_category: String,
    published: String,
    updated: String,
    comment: Option<String>,
    journal_ref: Option<String>,
    doi: Option<String>,
}

impl RawPaper {
    pub(super) fn from_row(r: &rusqlite::Row) -> rusqlite::Result<RawPaper> {
        Ok(RawPaper {
            id: r.get(0)?,
            version: r.get(1)?,
            title: r.get(2)?,
            authors: r.get(3)?,
            summary: r.get(4)?,
            categories: r.get(5)?,
            primary_category: r.get(6)?,
            published: r.get(7)?,
            updated: r.get(8)?,
            comment: r.get(9)?,
            journal_ref: r.get(10)?,
            doi: r.get(11)?,
        })
    }

    pub(super) fn into_paper(self) -> Result<Paper> {
        let corrupt = |message: String| Error::Corrupt {
            id: self.id.clone(),
            message,
        };
        let id = ArxivId::parse(&self.id).map_err(|e| corrupt(e.to_string()))?;
        // Exact sizes: a corpus holds one of each per paper (a growing Vec keeps room for 4).
        let mut authors: Vec<String> =
            serde_json::from_str(&self.authors).map_err(|e| corrupt(e.to_string()))?;
        authors.shrink_to_fit();
        let mut categories: Vec<String> =
            serde_json::from_str(&self.categories).map_err(|e| corrupt(e.to_string()))?;
        categories.shrink_to_fit();
        Ok(Paper {
            published: parse_time(&self.id, &self.published)?,
            updated: parse_time(&self.id, &self.updated)?,
            id,
            version: self.version,
            title: self.title,
            authors,
            summary: self.summary,
            categories,
            primary_category: self.primary_category,
            comment: self.comment,
            journal_ref: self.journal_ref,
            doi: self.doi,
        })
    }
}

pub(super) fn parse_time(id: &str, value: &str) -> Result<Timestamp> {
    value.parse().map_err(|e: jiff::Error| Error::Corrupt {
        id: id.to_string(),
        message: format!("bad timestamp {value:?}: {e}"),
    })
}
