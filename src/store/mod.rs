//! The embedded SQLite database: papers at their latest version, version history, topic
//! membership with first/last seen, and the record of each run.
//!
//! The schema comes from numbered, append-only migrations in `store/migrations/`, applied when
//! the store opens. Each topic's results are written in one transaction, so a crash or a kill
//! leaves the database as it was before that topic's write; bulk loads (`bulk`) write a batch
//! per transaction. Depends only on [`crate::model`].

use std::collections::HashSet;
use std::path::Path;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use rusqlite_migration::{M, Migrations};

use crate::model::{ArxivId, Membership, Paper, StoredPaper, Verdict};

mod bulk;
mod cv_rows;
mod deliveries;
mod history;
pub mod lock;

pub use bulk::BulkRow;
pub use deliveries::{DeliveryLine, Queued};
pub use history::History;

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_relevance.sql")),
    M::up(include_str!("migrations/0003_code_links.sql")),
    M::up(include_str!("migrations/0004_search.sql")),
    M::up(include_str!("migrations/0005_stubs.sql")),
    M::up(include_str!("migrations/0006_meta.sql")),
    M::up(include_str!("migrations/0007_history.sql")),
    M::up(include_str!("migrations/0008_deliveries.sql")),
    M::up(include_str!("migrations/0009_summaries.sql")),
    M::up(include_str!("migrations/0010_hf_summaries.sql")),
    M::up(include_str!("migrations/0011_cv_rows.sql")),
];

/// The schema migrations, in order.
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// A failure of the database layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// A search query FTS5 cannot read.
    #[error("cannot read the search query {query:?}: {message}")]
    Query {
        /// The query.
        query: String,
        /// SQLite's explanation.
        message: String,
    },
    /// The schema could not be brought up to date.
    #[error("could not migrate the database schema: {0}")]
    Migration(rusqlite_migration::Error),
    /// A stored value could not be read back.
    #[error("stored paper {id} is unreadable: {message}")]
    Corrupt {
        /// The paper.
        id: String,
        /// What was wrong.
        message: String,
    },
}

impl Error {
    /// Whether SQLite found the file damaged: not a database at all, or malformed.
    pub fn is_damaged(&self) -> bool {
        let code = match self {
            Error::Sqlite(e) => e.sqlite_error_code(),
            Error::Migration(rusqlite_migration::Error::RusqliteError { err, .. }) => {
                err.sqlite_error_code()
            }
            _ => None,
        };
        matches!(
            code,
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt)
        )
    }
}

// The causes are printed in the messages above, so they are not `source`s: an error report
// (`{:#}`, which prints the chain) names each cause once.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sqlite(e)
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(e: rusqlite_migration::Error) -> Self {
        Error::Migration(e)
    }
}

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

/// Result alias for this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What one topic's write changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TopicWrite {
    /// Papers that joined the topic.
    pub new: u64,
    /// Papers whose stored version went up.
    pub revised: u64,
}

/// The outcome of one topic in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicOutcome {
    /// The topic.
    pub topic: String,
    /// `None` when it succeeded, else why it failed.
    pub error: Option<String>,
    /// Papers that joined the topic.
    pub new: u64,
    /// Papers whose version went up.
    pub revised: u64,
    /// Papers in the topic after the run.
    pub total: u64,
    /// HTTP requests made for the topic.
    pub requests: u64,
    /// `(kept, matches)` when this run's cap cut the topic's history.
    pub cut: Option<(u64, u64)>,
}

/// Everything the text snapshot keeps of one paper.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotPaper {
    /// The paper at its latest version.
    #[serde(flatten)]
    pub paper: Paper,
    /// When paperwatch first stored it.
    pub first_seen: Timestamp,
    /// Whether it is still waiting for arXiv's metadata.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stub: bool,
    /// `(version, updated, first_seen)` of every version seen.
    pub versions: Vec<(u32, Timestamp, Timestamp)>,
    /// `(topic, first_seen)` of every membership.
    pub topics: Vec<(String, Timestamp)>,
    /// `(topic, relevant, marked_at)` of every label.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<(String, bool, Timestamp)>,
    /// Hugging Face's answer: `(repo, asked_at)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub huggingface: Option<(Option<String>, Timestamp)>,
    /// Rows migrated from a cv-arxiv-daily fork: `(topic, kind, row)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cv_rows: Vec<(String, String, String)>,
}

/// One run, as the snapshot keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotRun {
    /// The run's id.
    pub id: i64,
    /// The command.
    pub command: String,
    /// Start.
    pub started_at: String,
    /// End.
    pub finished_at: Option<String>,
    /// `ok`, `partial` or `failed`.
    pub outcome: Option<String>,
    /// Per topic.
    pub topics: Vec<SnapshotRunTopic>,
}

/// One topic's outcome in a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotRunTopic {
    /// The topic.
    pub topic: String,
    /// The error, when it failed.
    pub error: Option<String>,
    /// Counts: new, revised, total, requests.
    pub counts: (u64, u64, u64, u64),
}

/// An open database.
pub struct Store {
    conn: Connection,
}

/// How long a connection waits for another's lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        // Only takes effect in a new database (before its first table): lets a bulk import
        // hand back the pages its search-index merges freed (see `finish_bulk`).
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Self::init(conn)
    }

    /// Opens the database and reads its bookkeeping, to find a damaged file before any work
    /// starts (the first read of a file that is not a database fails; so does one whose first
    /// pages are cut off).
    pub fn open_checked(path: &Path) -> Result<Store> {
        let store = Self::open(path)?;
        store
            .conn
            .query_row("SELECT count(*) FROM meta", [], |r| r.get::<_, i64>(0))?;
        store
            .conn
            .query_row("SELECT count(*) FROM papers", [], |r| r.get::<_, i64>(0))?;
        Ok(store)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        migrations().to_latest(&mut conn)?;
        Ok(Store { conn })
    }

    /// The stored version of `id` if it is a member of `topic`.
    pub fn member_version(&self, topic: &str, id: &ArxivId) -> Result<Option<u32>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.version FROM topic_papers t JOIN papers p ON p.id = t.paper_id
             WHERE t.topic = ?1 AND t.paper_id = ?2",
        )?;
        Ok(stmt
            .query_row(params![topic, id.as_str()], |r| r.get(0))
            .optional()?)
    }

    /// Which of `ids` are stored (in any topic).
    pub fn stored_ids(&self, ids: &[ArxivId]) -> Result<HashSet<ArxivId>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM papers WHERE id = ?1")?;
        let mut found = HashSet::new();
        for id in ids {
            if stmt.exists(params![id.as_str()])? {
                found.insert(id.clone());
            }
        }
        Ok(found)
    }

    /// Stores a topic's results in one transaction: upserts `papers` (never downgrading a
    /// version), records versions, and makes `papers` plus the already-stored `existing` ids
    /// members of `topic`.
    pub fn save_topic(
        &mut self,
        topic: &str,
        papers: &[Paper],
        existing: &[ArxivId],
        now: Timestamp,
    ) -> Result<TopicWrite> {
        let tx = self.conn.transaction()?;
        let mut write = TopicWrite::default();
        let now_s = now.to_string();
        for paper in papers {
            if upsert_paper(&tx, paper, &now_s)? {
                write.revised += 1;
            }
            write.new += join_topic(&tx, topic, &paper.id, &now_s)?;
        }
        for id in existing {
            write.new += join_topic(&tx, topic, id, &now_s)?;
        }
        tx.commit()?;
        Ok(write)
    }

    /// Stores papers that belong to no topic (a topic's exemplars), in one transaction.
    pub fn save_papers(&mut self, papers: &[Paper], now: Timestamp) -> Result<()> {
        let tx = self.conn.transaction()?;
        let now_s = now.to_string();
        for paper in papers {
            upsert_paper(&tx, paper, &now_s)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores papers known only from another tracker's rows, unless already stored; returns
    /// how many were new. They are marked as stubs until arXiv's metadata replaces them.
    pub fn insert_stubs(&mut self, papers: &[Paper], now: Timestamp) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut new = 0;
        let now_s = now.to_string();
        for p in papers {
            let exists = tx
                .prepare_cached("SELECT 1 FROM papers WHERE id = ?1")?
                .exists(params![p.id.as_str()])?;
            if exists {
                continue;
            }
            upsert_paper(&tx, p, &now_s)?;
            tx.prepare_cached("UPDATE papers SET stub = 1 WHERE id = ?1")?
                .execute(params![p.id.as_str()])?;
            new += 1;
        }
        tx.commit()?;
        Ok(new)
    }

    /// Papers still waiting for arXiv's metadata.
    pub fn stub_ids(&self) -> Result<Vec<ArxivId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM papers WHERE stub = 1 ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for row in rows {
            if let Ok(id) = ArxivId::parse(&row?) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Papers in `topic`, shown or not.
    pub fn topic_size(&self, topic: &str) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM topic_papers WHERE topic = ?1",
            params![topic],
            |r| r.get(0),
        )?)
    }

    /// The shown papers of `topic`, by id descending.
    pub fn shown_papers(&self, topic: &str) -> Result<Vec<Paper>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PAPER_COLUMNS} FROM papers p JOIN topic_papers t ON t.paper_id = p.id
             WHERE t.topic = ?1 AND t.shown = 1 ORDER BY p.id DESC"
        ))?;
        let rows = stmt.query_map(params![topic], RawPaper::from_row)?;
        rows.map(|r| r?.into_paper()).collect()
    }

    /// Every stored paper with its topics, by id ascending.
    pub fn all_papers(&self) -> Result<Vec<StoredPaper>> {
        self.papers_where("1")
    }

    /// Papers that belong to at least one topic, with their topics, by id ascending (what the
    /// outputs and the relevance model need, without loading a bulk-imported archive).
    pub fn member_papers(&self) -> Result<Vec<StoredPaper>> {
        self.papers_where("EXISTS (SELECT 1 FROM topic_papers t WHERE t.paper_id = p.id)")
    }

    /// How many papers are stored.
    pub fn paper_count(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM papers", [], |r| r.get(0))?)
    }

    /// One stored paper with its topics.
    pub fn stored_paper(&self, id: &ArxivId) -> Result<Option<StoredPaper>> {
        // A canonical id holds only digits, letters, `.`, `-` and `/`: safe inside quotes.
        let condition = format!("p.id = '{}'", id.as_str().replace('\'', ""));
        Ok(self.papers_where(&condition)?.into_iter().next())
    }

    fn papers_where(&self, condition: &str) -> Result<Vec<StoredPaper>> {
        let mut memberships: std::collections::HashMap<String, Vec<Membership>> =
            std::collections::HashMap::new();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT paper_id, topic, shown, score, reason, first_seen FROM topic_papers
                 WHERE paper_id IN (SELECT p.id FROM papers p WHERE {condition})
                 ORDER BY paper_id, topic"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(5)?,
                Membership {
                    name: r.get(1)?,
                    shown: r.get(2)?,
                    score: r.get(3)?,
                    reason: r.get(4)?,
                    first_seen: Timestamp::UNIX_EPOCH,
                },
            ))
        })?;
        for row in rows {
            let (id, first_seen, mut membership) = row?;
            membership.first_seen = parse_time(&id, &first_seen)?;
            memberships.entry(id).or_default().push(membership);
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PAPER_COLUMNS}, p.first_seen FROM papers p WHERE {condition} ORDER BY p.id"
        ))?;
        let count: usize = self.conn.query_row(
            &format!("SELECT count(*) FROM papers p WHERE {condition}"),
            [],
            |r| r.get(0),
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((RawPaper::from_row(r)?, r.get::<_, String>(12)?))
        })?;
        // Sized once: a corpus of 100,000 papers would otherwise pass through copies of itself.
        let mut papers = Vec::with_capacity(count);
        for r in rows {
            let (raw, first_seen) = r?;
            let paper = raw.into_paper()?;
            let first_seen = parse_time(paper.id.as_str(), &first_seen)?;
            let mut topics = memberships.remove(paper.id.as_str()).unwrap_or_default();
            topics.shrink_to_fit();
            papers.push(StoredPaper {
                paper,
                topics,
                first_seen,
            });
        }
        Ok(papers)
    }

    /// Every paper of `topic`, shown or not, by id.
    pub fn topic_members(&self, topic: &str) -> Result<Vec<Paper>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PAPER_COLUMNS} FROM papers p JOIN topic_papers t ON t.paper_id = p.id
             WHERE t.topic = ?1 ORDER BY p.id"
        ))?;
        let rows = stmt.query_map(params![topic], RawPaper::from_row)?;
        rows.map(|r| r?.into_paper()).collect()
    }

    /// The stored papers among `ids`, in the order given.
    pub fn papers_by_ids(&self, ids: &[ArxivId]) -> Result<Vec<Paper>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PAPER_COLUMNS} FROM papers p WHERE p.id = ?1"
        ))?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(raw) = stmt
                .query_row(params![id.as_str()], RawPaper::from_row)
                .optional()?
            {
                out.push(raw.into_paper()?);
            }
        }
        Ok(out)
    }

    /// Stores the relevance verdicts of a topic's papers, in one transaction:
    /// `(paper, shown, score, reason)`.
    pub fn set_decisions(&mut self, topic: &str, decisions: &[Verdict]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE topic_papers SET shown = ?3, score = ?4, reason = ?5
                 WHERE topic = ?1 AND paper_id = ?2",
            )?;
            for v in decisions {
                stmt.execute(params![topic, v.id.as_str(), v.shown, v.score, v.reason])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Scores of a topic's papers.
    pub fn scores(&self, topic: &str) -> Result<std::collections::HashMap<ArxivId, f64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT paper_id, score FROM topic_papers WHERE topic = ?1 AND score IS NOT NULL",
        )?;
        let rows = stmt.query_map(params![topic], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, score) = row?;
            if let Ok(id) = ArxivId::parse(&id) {
                out.insert(id, score);
            }
        }
        Ok(out)
    }

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

    /// The database file's size with its write-ahead log, in bytes.
    pub fn size_bytes(&self) -> Result<u64> {
        let pages: u64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let page_size: u64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        Ok(pages * page_size)
    }

    /// The most recent runs, newest first: `(id, command, started, finished, outcome)`.
    #[allow(clippy::type_complexity)]
    pub fn recent_runs(
        &self,
        limit: usize,
    ) -> Result<Vec<(i64, String, String, Option<String>, Option<String>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, command, started_at, finished_at, outcome FROM runs ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Everything needed to rebuild the database, paper by paper, sorted by id.
    pub fn snapshot(&self) -> Result<Vec<SnapshotPaper>> {
        let mut versions: std::collections::HashMap<String, Vec<(u32, Timestamp, Timestamp)>> =
            std::collections::HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT paper_id, version, updated, first_seen FROM paper_versions ORDER BY paper_id, version",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })? {
            let (id, v, updated, seen) = row?;
            let entry = (v, parse_time(&id, &updated)?, parse_time(&id, &seen)?);
            versions.entry(id).or_default().push(entry);
        }
        let mut topics: std::collections::HashMap<String, Vec<(String, Timestamp)>> =
            std::collections::HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT paper_id, topic, first_seen FROM topic_papers ORDER BY paper_id, topic",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (id, topic, seen) = row?;
            let seen = parse_time(&id, &seen)?;
            topics.entry(id).or_default().push((topic, seen));
        }
        let mut labels: std::collections::HashMap<String, Vec<(String, bool, Timestamp)>> =
            std::collections::HashMap::new();
        let mut stmt = self.conn.prepare(
            "SELECT paper_id, topic, relevant, marked_at FROM labels ORDER BY paper_id, topic",
        )?;
        for row in stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
            ))
        })? {
            let (id, topic, relevant, at) = row?;
            let at = parse_time(&id, &at)?;
            labels.entry(id).or_default().push((topic, relevant, at));
        }
        let mut hf = self.hf_answers()?;
        let mut cv_rows = self.cv_rows_by_paper()?;
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {PAPER_COLUMNS}, p.first_seen, p.stub FROM papers p ORDER BY p.id"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok((
                RawPaper::from_row(r)?,
                r.get::<_, String>(12)?,
                r.get::<_, bool>(13)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (raw, first_seen, stub) = row?;
            let paper = raw.into_paper()?;
            let key = paper.id.as_str().to_string();
            out.push(SnapshotPaper {
                first_seen: parse_time(&key, &first_seen)?,
                stub,
                versions: versions.remove(&key).unwrap_or_default(),
                topics: topics.remove(&key).unwrap_or_default(),
                labels: labels.remove(&key).unwrap_or_default(),
                huggingface: hf.remove(&paper.id),
                cv_rows: cv_rows.remove(&key).unwrap_or_default(),
                paper,
            });
        }
        Ok(out)
    }

    /// Every recorded run, oldest first.
    pub fn snapshot_runs(&self) -> Result<Vec<SnapshotRun>> {
        let runs = self.recent_runs(usize::MAX >> 1)?;
        let mut out = Vec::with_capacity(runs.len());
        for (id, command, started_at, finished_at, outcome) in runs.into_iter().rev() {
            let topics = self
                .run_topics(id)?
                .into_iter()
                .map(|o| SnapshotRunTopic {
                    topic: o.topic,
                    error: o.error,
                    counts: (o.new, o.revised, o.total, o.requests),
                })
                .collect();
            out.push(SnapshotRun {
                id,
                command,
                started_at,
                finished_at,
                outcome,
                topics,
            });
        }
        Ok(out)
    }

    /// Fills an empty database from a snapshot, in one transaction.
    pub fn restore(&mut self, papers: &[SnapshotPaper], runs: &[SnapshotRun]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for s in papers {
            let p = &s.paper;
            let first_seen = s.first_seen.to_string();
            upsert_paper(&tx, p, &first_seen)?;
            tx.prepare_cached("UPDATE papers SET stub = ?2 WHERE id = ?1")?
                .execute(params![p.id.as_str(), s.stub])?;
            for (v, updated, seen) in &s.versions {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO paper_versions (paper_id, version, updated, first_seen)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    p.id.as_str(),
                    v,
                    updated.to_string(),
                    seen.to_string()
                ])?;
            }
            for (topic, seen) in &s.topics {
                join_topic(&tx, topic, &p.id, &seen.to_string())?;
            }
            for (topic, relevant, at) in &s.labels {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO labels (topic, paper_id, relevant, marked_at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![topic, p.id.as_str(), relevant, at.to_string()])?;
            }
            if let Some((repo, at)) = &s.huggingface {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO hf_answers (paper_id, repo, asked_at) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![p.id.as_str(), repo, at.to_string()])?;
            }
            for (topic, kind, row) in &s.cv_rows {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO cv_rows (topic, paper_id, kind, row) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![topic, p.id.as_str(), kind, row])?;
            }
        }
        for r in runs {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO runs (id, command, started_at, finished_at, outcome) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![r.id, r.command, r.started_at, r.finished_at, r.outcome])?;
            for t in &r.topics {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO run_topics (run_id, topic, outcome, message, new, revised, total, requests)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    r.id,
                    t.topic,
                    if t.error.is_some() { "failed" } else { "ok" },
                    t.error,
                    t.counts.0,
                    t.counts.1,
                    t.counts.2,
                    t.counts.3
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
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

    /// A topic's labels, by paper id.
    pub fn labels(&self, topic: &str) -> Result<Vec<(ArxivId, bool)>> {
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
                out.push((id, relevant));
            }
        }
        Ok(out)
    }

    /// Versions seen of `id`, oldest first, as `(version, updated)`.
    pub fn versions(&self, id: &ArxivId) -> Result<Vec<(u32, Timestamp)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT version, updated FROM paper_versions WHERE paper_id = ?1 ORDER BY version",
        )?;
        let rows = stmt.query_map(params![id.as_str()], |r| {
            Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.map(|r| {
            let (v, updated) = r?;
            Ok((v, parse_time(id.as_str(), &updated)?))
        })
        .collect()
    }

    /// Records the start of a run and returns its id.
    pub fn start_run(&self, command: &str, now: Timestamp) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs (command, started_at) VALUES (?1, ?2)",
            params![command, now.to_string()],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records how one topic went in a run.
    pub fn record_topic(&self, run: i64, outcome: &TopicOutcome) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO run_topics
             (run_id, topic, outcome, message, new, revised, total, requests)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                run,
                outcome.topic,
                if outcome.error.is_some() {
                    "failed"
                } else {
                    "ok"
                },
                outcome.error,
                outcome.new,
                outcome.revised,
                outcome.total,
                outcome.requests
            ],
        )?;
        Ok(())
    }

    /// Records the end of a run: `ok`, `partial` or `failed`.
    pub fn finish_run(&self, run: i64, now: Timestamp, outcome: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished_at = ?2, outcome = ?3 WHERE id = ?1",
            params![run, now.to_string(), outcome],
        )?;
        Ok(())
    }

    /// The outcomes recorded for a run, by topic name.
    pub fn run_topics(&self, run: i64) -> Result<Vec<TopicOutcome>> {
        let mut stmt = self.conn.prepare(
            "SELECT topic, message, new, revised, total, requests, outcome FROM run_topics
             WHERE run_id = ?1 ORDER BY topic",
        )?;
        let rows = stmt.query_map(params![run], |r| {
            let failed: String = r.get(6)?;
            let message: Option<String> = r.get(1)?;
            Ok(TopicOutcome {
                topic: r.get(0)?,
                error: if failed == "failed" {
                    Some(message.unwrap_or_default())
                } else {
                    None
                },
                new: r.get(2)?,
                revised: r.get(3)?,
                total: r.get(4)?,
                requests: r.get(5)?,
                cut: None,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Inserts or updates a paper; returns whether its stored version went up.
fn upsert_paper(tx: &Transaction, paper: &Paper, now: &str) -> Result<bool> {
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
fn join_topic(tx: &Transaction, topic: &str, id: &ArxivId, now: &str) -> Result<u64> {
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

const PAPER_COLUMNS: &str = "p.id, p.version, p.title, p.authors, p.abstract, p.categories, \
     p.primary_category, p.published, p.updated, p.comment, p.journal_ref, p.doi";

/// A `papers` row before its JSON and timestamps are decoded.
struct RawPaper {
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
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<RawPaper> {
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

    fn into_paper(self) -> Result<Paper> {
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

fn parse_time(id: &str, value: &str) -> Result<Timestamp> {
    value.parse().map_err(|e: jiff::Error| Error::Corrupt {
        id: id.to_string(),
        message: format!("bad timestamp {value:?}: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn paper(id: &str, version: u32) -> Paper {
        Paper {
            id: ArxivId::parse(id).unwrap(),
            version,
            title: format!("Title {id}"),
            authors: vec!["A. Author".into(), "B. Wübben".into()],
            summary: "An abstract.\n  Second paragraph.".into(),
            categories: vec!["cs.CL".into(), "cs.AI".into()],
            primary_category: "cs.CL".into(),
            published: "2025-01-01T00:00:00Z".parse().unwrap(),
            updated: format!("2025-01-0{version}T00:00:00Z").parse().unwrap(),
            comment: Some("10 pages".into()),
            journal_ref: None,
            doi: Some("10.1/x".into()),
        }
    }

    pub(super) fn now() -> Timestamp {
        "2026-02-07T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn round_trips_every_field() {
        let mut store = Store::open_in_memory().unwrap();
        let p = paper("2501.00001", 1);
        let write = store
            .save_topic("t", std::slice::from_ref(&p), &[], now())
            .unwrap();
        assert_eq!(write, TopicWrite { new: 1, revised: 0 });
        assert_eq!(store.shown_papers("t").unwrap(), vec![p.clone()]);
        let all = store.all_papers().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].paper, p);
        assert_eq!(
            all[0].topics,
            vec![Membership {
                name: "t".into(),
                shown: true,
                score: None,
                reason: None,
                first_seen: now(),
            }]
        );
        assert_eq!(all[0].first_seen, now());
    }

    #[test]
    fn versions_go_up_never_down() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .save_topic("t", &[paper("2501.00001", 2)], &[], now())
            .unwrap();
        let w = store
            .save_topic("t", &[paper("2501.00001", 3)], &[], now())
            .unwrap();
        assert_eq!(w, TopicWrite { new: 0, revised: 1 });
        let w = store
            .save_topic("u", &[paper("2501.00001", 1)], &[], now())
            .unwrap();
        assert_eq!(w, TopicWrite { new: 1, revised: 0 });
        let id = ArxivId::parse("2501.00001").unwrap();
        assert_eq!(store.member_version("t", &id).unwrap(), Some(3));
        let versions: Vec<u32> = store
            .versions(&id)
            .unwrap()
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(versions, vec![1, 2, 3]);
    }

    #[test]
    fn existing_ids_join_without_refetch() {
        let mut store = Store::open_in_memory().unwrap();
        store
            .save_topic("a", &[paper("2501.00001", 1)], &[], now())
            .unwrap();
        let id = ArxivId::parse("2501.00001").unwrap();
        assert_eq!(store.member_version("b", &id).unwrap(), None);
        let w = store
            .save_topic("b", &[], std::slice::from_ref(&id), now())
            .unwrap();
        assert_eq!(w.new, 1);
        assert_eq!(store.member_version("b", &id).unwrap(), Some(1));
        assert_eq!(store.topic_size("b").unwrap(), 1);
    }

    #[test]
    fn the_search_index_follows_inserts_updates_and_deletes() {
        let mut store = Store::open_in_memory().unwrap();
        let filter = SearchFilter {
            limit: 10,
            marks: ("[", "]"),
            ..SearchFilter::default()
        };
        let mut p = paper("2501.00001", 1);
        p.title = "Mobile NPU inference".into();
        store
            .save_topic("t", std::slice::from_ref(&p), &[], now())
            .unwrap();
        let hits = store.search("npu", &filter).unwrap().hits;
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].title, "Mobile [NPU] inference");
        p.version = 2;
        p.title = "Edge TPU inference".into();
        store
            .save_topic("t", std::slice::from_ref(&p), &[], now())
            .unwrap();
        assert!(
            store.search("npu", &filter).unwrap().hits.is_empty(),
            "the old title is gone"
        );
        assert_eq!(store.search("tpu", &filter).unwrap().hits.len(), 1);
        // The same text again with new metadata: stored, and still indexed exactly once.
        p.doi = Some("10.2/changed".into());
        store
            .save_topic("t", std::slice::from_ref(&p), &[], now())
            .unwrap();
        assert_eq!(store.search("tpu", &filter).unwrap().hits.len(), 1);
        assert_eq!(
            store.papers_by_ids(std::slice::from_ref(&p.id)).unwrap()[0]
                .doi
                .as_deref(),
            Some("10.2/changed")
        );
        let integrity: String = store
            .conn
            .query_row(
                "INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)
                 RETURNING 'ok'",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| e.to_string());
        assert_eq!(integrity, "ok");
        store.conn.execute("DELETE FROM papers", []).unwrap();
        assert!(store.search("tpu", &filter).unwrap().hits.is_empty());
        assert!(matches!(
            store.search("\"open", &filter),
            Err(Error::Query { .. })
        ));
    }

    #[test]
    fn a_broad_search_ranks_every_match() {
        let mut store = Store::open_in_memory().unwrap();
        // 600 papers with "npu"; the oldest has it in its title (the best match), three
        // mention "tpu" too.
        let papers: Vec<Paper> = (0..600)
            .map(|i| {
                let mut p = paper(&format!("2501.{:05}", i + 1), 1);
                p.title = if i == 0 {
                    "NPU NPU NPU".into()
                } else {
                    format!("Paper {i}")
                };
                p.summary = if i % 200 == 0 {
                    "An npu and a tpu.".into()
                } else {
                    "An npu.".into()
                };
                p
            })
            .collect();
        store.save_topic("t", &papers, &[], now()).unwrap();
        let mut filter = SearchFilter {
            limit: 5,
            marks: ("", ""),
            ..SearchFilter::default()
        };
        let all = store.search("npu", &filter).unwrap();
        assert_eq!(all.hits.len(), 5);
        assert_eq!(
            all.hits[0].paper.id.as_str(),
            "2501.00001",
            "the best match is the oldest of 600"
        );
        // Equal scores: the most recently stored first.
        assert!(all.hits[1].paper.id > all.hits[2].paper.id);
        let narrow = store.search("tpu", &filter).unwrap();
        assert_eq!(narrow.hits.len(), 3);
        filter.category = Some("cs.CL");
        let filtered = store.search("npu", &filter).unwrap();
        assert_eq!(filtered.hits[0].paper.id.as_str(), "2501.00001");
    }

    #[test]
    fn runs_are_recorded() {
        let store = Store::open_in_memory().unwrap();
        let run = store.start_run("update", now()).unwrap();
        let outcome = TopicOutcome {
            topic: "t".into(),
            error: Some("HTTP 429 rate limited".into()),
            new: 0,
            revised: 0,
            total: 4,
            requests: 6,
            cut: None,
        };
        store.record_topic(run, &outcome).unwrap();
        store.finish_run(run, now(), "failed").unwrap();
        assert_eq!(store.run_topics(run).unwrap(), vec![outcome]);
    }
}
