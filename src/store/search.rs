//! Full-text search over every stored paper (SQLite FTS5, bm25), with filters and highlights.

use jiff::Timestamp;
use rusqlite::params;

use super::rows::{PAPER_COLUMNS, RawPaper};
use super::{Error, Result, Store};
use crate::model::Paper;

/// One full-text search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The paper.
    pub paper: Paper,
    /// bm25 relevance, higher is better.
    pub score: f64,
    /// The title with matches between `open` and `close` markers.
    pub title: String,
    /// A fragment of the abstract around the matches, marked the same way.
    pub snippet: String,
}

/// Filters of a full-text search.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter<'a> {
    /// Only papers in this topic (shown).
    pub topic: Option<&'a str>,
    /// Only papers first published at or after this time.
    pub since: Option<Timestamp>,
    /// Only papers with this category.
    pub category: Option<&'a str>,
    /// At most this many hits.
    pub limit: usize,
    /// Markers around matched words in titles and snippets.
    pub marks: (&'a str, &'a str),
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    /// The best matches, best first: every match is ranked.
    pub hits: Vec<SearchHit>,
}

impl Store {
    /// Full-text search (FTS5 syntax: words, `"phrases"`, `prefix*`, `AND`, `OR`, `NOT`,
    /// `NEAR`, `title:` columns), best first by bm25 with the title weighted 10×, authors 2×.
    pub fn search(&self, query: &str, filter: &SearchFilter) -> Result<SearchResults> {
        // Rank first (cheap), then highlight and load only the rows returned: SQLite would
        // otherwise run highlight() and snippet() for every match before sorting. Without
        // filters the ranking reads the index alone; ties go to the most recently stored.
        let filtered =
            filter.topic.is_some() || filter.since.is_some() || filter.category.is_some();
        let ranked_sql = if filtered {
            "SELECT papers_fts.rowid, -bm25(papers_fts, 10.0, 1.0, 2.0, 1.0)
             FROM papers_fts JOIN papers p ON p.rowid = papers_fts.rowid
             WHERE papers_fts MATCH ?1
               AND (?2 IS NULL OR EXISTS (SELECT 1 FROM topic_papers t
                    WHERE t.paper_id = p.id AND t.topic = ?2 AND t.shown = 1))
               AND (?3 IS NULL OR p.published >= ?3)
               AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(p.categories) WHERE value = ?4))
             ORDER BY bm25(papers_fts, 10.0, 1.0, 2.0, 1.0), papers_fts.rowid DESC
             LIMIT ?5"
        } else {
            // The same parameters; the filters' (?2, ?3, ?4) go unused.
            "SELECT rowid, -bm25(papers_fts, 10.0, 1.0, 2.0, 1.0) FROM papers_fts
             WHERE papers_fts MATCH ?1
             ORDER BY bm25(papers_fts, 10.0, 1.0, 2.0, 1.0), rowid DESC
             LIMIT ?5"
        };
        let detail_sql = format!(
            "SELECT {PAPER_COLUMNS}, highlight(papers_fts, 0, ?3, ?4),
                    snippet(papers_fts, 1, ?3, ?4, '…', 24)
             FROM papers_fts JOIN papers p ON p.rowid = papers_fts.rowid
             WHERE papers_fts MATCH ?1 AND papers_fts.rowid = ?2"
        );
        type Row = (RawPaper, f64, String, String);
        let run = || -> rusqlite::Result<Vec<Row>> {
            let ranked: Vec<(i64, f64)> = {
                let mut stmt = self.conn.prepare_cached(ranked_sql)?;
                let rows = stmt.query_map(
                    params![
                        query,
                        filter.topic,
                        filter.since.map(|t| t.to_string()),
                        filter.category,
                        filter.limit as i64,
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut stmt = self.conn.prepare_cached(&detail_sql)?;
            let mut out = Vec::with_capacity(ranked.len());
            for (rowid, score) in ranked {
                let row = stmt
                    .query_row(params![query, rowid, filter.marks.0, filter.marks.1], |r| {
                        Ok((RawPaper::from_row(r)?, score, r.get(12)?, r.get(13)?))
                    })?;
                out.push(row);
            }
            Ok(out)
        };
        let raw = run().map_err(|e| match &e {
            // SQLITE_ERROR from MATCH is the query's fault (syntax, unknown column, unclosed
            // quote); I/O, locking and corruption have their own codes.
            rusqlite::Error::SqliteFailure(code, Some(message))
                if code.code == rusqlite::ErrorCode::Unknown =>
            {
                Error::Query {
                    query: query.to_string(),
                    message: message.clone(),
                }
            }
            _ => Error::Sqlite(e),
        })?;
        let hits = raw
            .into_iter()
            .map(|(p, score, title, snippet)| {
                Ok(SearchHit {
                    paper: p.into_paper()?,
                    score,
                    title,
                    snippet,
                })
            })
            .collect::<Result<_>>()?;
        Ok(SearchResults { hits })
    }
}
