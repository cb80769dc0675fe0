//! The embedded SQLite database: papers at their latest version, version history, topic
//! membership with first/last seen, and the record of each run.
//!
//! The schema comes from numbered, append-only migrations in `store/migrations/`, applied when
//! the store opens. Each topic's results are written in one transaction, so a crash or a kill
//! leaves the database as it was before that topic's write; bulk loads (`bulk`) write a batch
//! per transaction. Depends only on [`crate::model`].

use std::path::Path;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

mod announcements;
mod bulk;
mod cv_rows;
mod deliveries;
mod delivery_lines;
mod history;
pub mod lock;
mod meta;
mod papers;
mod rows;
mod runs;
mod search;
mod snapshot;
mod stars;
mod summaries;
mod zotero;

pub use announcements::{Announcement, ListingCheck};
pub use bulk::BulkRow;
pub use deliveries::{Destination, Failed, Queued, Registration, Rename};
pub use delivery_lines::DeliveryLine;
pub use history::History;
pub use papers::TopicWrite;
pub use runs::TopicOutcome;
pub use search::{SearchFilter, SearchHit, SearchResults};
pub use snapshot::{SnapshotPaper, SnapshotRun, SnapshotRunTopic};
pub use stars::ShownRow;
pub use zotero::ZoteroQueued;

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
    M::up(include_str!("migrations/0012_destinations_kept.sql")),
    M::up(include_str!("migrations/0013_announcements.sql")),
    M::up(include_str!("migrations/0014_stars.sql")),
    M::up(include_str!("migrations/0015_zotero.sql")),
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

/// Result alias for this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ArxivId, Membership, Paper};
    use jiff::Timestamp;

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
