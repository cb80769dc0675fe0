//! Bulk loads (`paperwatch import`): rows encoded ahead of the write, whole batches in one
//! transaction indexed by one statement, and the database settings a long load wants (a
//! rollback journal, no fsync, deferred index merges), undone by [`Store::finish_bulk`].

use jiff::Timestamp;
use rusqlite::params;

use super::rows::join_topic;
use super::{BUSY_TIMEOUT, Result, Store};
use crate::model::Paper;

/// One paper of a bulk import with its row's text already encoded, so the encoding can happen
/// on another thread than the write.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkRow {
    /// The paper at its latest version.
    pub paper: Paper,
    authors: String,
    categories: String,
    published: String,
    updated: String,
    versions: Vec<(u32, String)>,
}

impl BulkRow {
    /// Encodes `paper` and its `(version, submitted)` history.
    pub fn new(paper: Paper, versions: &[(u32, Timestamp)]) -> BulkRow {
        BulkRow {
            authors: serde_json::to_string(&paper.authors).expect("strings serialize"),
            categories: serde_json::to_string(&paper.categories).expect("strings serialize"),
            published: paper.published.to_string(),
            updated: paper.updated.to_string(),
            versions: versions
                .iter()
                .map(|(v, at)| (*v, at.to_string()))
                .collect(),
            paper,
        }
    }
}

/// FTS5's default in-memory index size before it writes a segment.
const FTS_HASH_BYTES: i64 = 1 << 20;
/// During a bulk load: large enough for a whole batch of papers.
const BULK_FTS_HASH_BYTES: i64 = 128 << 20;
/// FTS5's default number of segments on one level that forces their merge.
const FTS_CRISIS_MERGE: i64 = 16;
/// During a bulk load.
const BULK_CRISIS_MERGE: i64 = 32;

impl Store {
    /// Settings for a long bulk load: a larger page cache, no fsync per transaction (a crash can
    /// lose the last batches, which the resumable import re-reads), FTS segment merging deferred
    /// (`finish_bulk` merges).
    pub fn begin_bulk(&self) -> Result<()> {
        // A rollback journal keeps only the old content of changed pages, and an import mostly
        // appends new ones; the write-ahead log would write every page twice (~10 % of a
        // million-paper import). It needs the database to itself; when another connection
        // has it open the log stays.
        self.conn.busy_timeout(std::time::Duration::ZERO)?;
        let mode = self
            .conn
            .query_row("PRAGMA journal_mode = TRUNCATE", [], |r| {
                r.get::<_, String>(0)
            });
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        match mode {
            Ok(mode) => tracing::debug!("bulk load journal mode: {mode}"),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                tracing::debug!(
                    "another connection has the database open: keeping the write-ahead log"
                );
            }
            Err(e) => return Err(e.into()),
        }
        self.conn.pragma_update(None, "synchronous", "OFF")?;
        self.conn.pragma_update(None, "cache_size", -65_536)?;
        self.conn.execute(
            "INSERT INTO papers_fts (papers_fts, rank) VALUES ('automerge', 0)",
            [],
        )?;
        // Merge index segments 32 at a time instead of 16: a 3M-paper import then never
        // rewrites its whole index in one merge (which the default does at 2.56M papers).
        self.conn.execute(
            "INSERT INTO papers_fts (papers_fts, rank) VALUES ('crisismerge', ?1)",
            [BULK_CRISIS_MERGE],
        )?;
        // One index segment per batch instead of one per megabyte of text: fewer segments
        // to merge while importing.
        self.conn.execute(
            "INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', ?1)",
            [BULK_FTS_HASH_BYTES],
        )?;
        Ok(())
    }

    /// Back to normal after [`Store::begin_bulk`]: merges the search index's segments.
    pub fn finish_bulk(&self) -> Result<()> {
        self.conn.execute(
            "INSERT INTO papers_fts (papers_fts, rank) VALUES ('automerge', 4)",
            [],
        )?;
        self.conn.execute(
            "INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', ?1)",
            [FTS_HASH_BYTES],
        )?;
        self.conn.execute(
            "INSERT INTO papers_fts (papers_fts, rank) VALUES ('crisismerge', ?1)",
            [FTS_CRISIS_MERGE],
        )?;
        self.conn.execute(
            "INSERT INTO papers_fts (papers_fts, rank) VALUES ('merge', 500)",
            [],
        )?;
        // Merging index segments frees the pages of the old ones (a tenth of a 3M-paper
        // database); give them back to the file system. A database made before auto_vacuum
        // was set keeps them for later writes.
        let mut vacuum = self.conn.prepare("PRAGMA incremental_vacuum")?;
        let mut rows = vacuum.query([])?;
        while rows.next()?.is_some() {}
        drop(rows);
        drop(vacuum);
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Hand back the load's page cache: deciding a large corpus comes next.
        self.conn.pragma_update(None, "cache_size", -2000)?;
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode != "wal" && mode != "memory" {
            let _: String = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        }
        Ok(())
    }

    /// Bulk import of one batch, in one transaction: papers not yet stored are inserted with
    /// their versions and `(record index, topic)` memberships; stored ones are skipped, so an
    /// interrupted import can simply run again. Returns how many papers were new.
    pub fn import_batch(
        &mut self,
        records: &[BulkRow],
        memberships: &[(usize, &str)],
        now: Timestamp,
    ) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let now_s = now.to_string();
        let mut inserted = vec![false; records.len()];
        // Index the batch's text in one statement instead of a trigger per row. DDL is
        // transactional in SQLite: a crash leaves the trigger and the index as they were.
        let first_rowid: i64 =
            tx.query_row("SELECT coalesce(max(rowid), 0) FROM papers", [], |r| {
                r.get(0)
            })?;
        tx.execute_batch("DROP TRIGGER papers_fts_insert")?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO papers (id, version, title, authors, abstract, categories,
                 primary_category, published, updated, comment, journal_ref, doi, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
            )?;
            let mut version = tx.prepare_cached(
                "INSERT OR IGNORE INTO paper_versions (paper_id, version, updated, first_seen)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (i, row) in records.iter().enumerate() {
                let p = &row.paper;
                let n = insert.execute(params![
                    p.id.as_str(),
                    p.version,
                    p.title,
                    row.authors,
                    p.summary,
                    row.categories,
                    p.primary_category,
                    row.published,
                    row.updated,
                    p.comment,
                    p.journal_ref,
                    p.doi,
                    now_s,
                ])?;
                if n == 1 {
                    inserted[i] = true;
                    for (v, at) in &row.versions {
                        version.execute(params![p.id.as_str(), v, at, now_s])?;
                    }
                }
            }
        }
        tx.execute(
            "INSERT INTO papers_fts (rowid, title, abstract, authors, comment)
             SELECT rowid, title, abstract, authors, comment FROM papers WHERE rowid > ?1",
            params![first_rowid],
        )?;
        tx.execute_batch(FTS_INSERT_TRIGGER)?;
        for (i, topic) in memberships {
            if inserted[*i] {
                join_topic(&tx, topic, &records[*i].paper.id, &now_s)?;
            }
        }
        tx.commit()?;
        Ok(inserted.iter().filter(|x| **x).count())
    }
}

/// The search index's insert trigger, exactly as migration 0004 creates it.
const FTS_INSERT_TRIGGER: &str = "CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts (rowid, title, abstract, authors, comment)
    VALUES (new.rowid, new.title, new.abstract, new.authors, new.comment);
END;";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SearchFilter;
    use crate::store::tests::{now, paper};

    #[test]
    fn a_bulk_load_uses_a_rollback_journal_only_with_the_database_to_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let mode = |store: &Store| -> String {
            store
                .conn
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap()
        };
        let mut store = Store::open(&path).unwrap();
        store.begin_bulk().unwrap();
        assert_eq!(mode(&store), "truncate");
        let p = paper("2501.00001", 1);
        let batch = vec![BulkRow::new(p.clone(), &[(1, p.published)])];
        assert_eq!(store.import_batch(&batch, &[], now()).unwrap(), 1);
        store.finish_bulk().unwrap();
        assert_eq!(mode(&store), "wal");
        // Another reader keeps the write-ahead log in place; the load still works.
        let other = Store::open(&path).unwrap();
        assert_eq!(other.paper_count().unwrap(), 1);
        store.begin_bulk().unwrap();
        assert_eq!(mode(&store), "wal");
        let q = paper("2501.00002", 1);
        let batch = vec![BulkRow::new(q.clone(), &[(1, q.published)])];
        assert_eq!(store.import_batch(&batch, &[], now()).unwrap(), 1);
        store.finish_bulk().unwrap();
        assert_eq!(other.paper_count().unwrap(), 2);
    }

    #[test]
    fn a_bulk_load_gives_freed_pages_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        let pragma = |store: &Store, name: &str| -> i64 {
            store
                .conn
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(
            pragma(&store, "auto_vacuum"),
            2,
            "incremental in a new database"
        );
        store.begin_bulk().unwrap();
        let batch: Vec<BulkRow> = (1..=300)
            .map(|i| {
                let mut p = paper(&format!("2501.{i:05}"), 1);
                p.summary = "long abstract text ".repeat(40);
                BulkRow::new(p.clone(), &[(1, p.published)])
            })
            .collect();
        store.import_batch(&batch, &[], now()).unwrap();
        store
            .conn
            .execute("DELETE FROM papers WHERE rowid > 150", [])
            .unwrap();
        assert!(
            pragma(&store, "freelist_count") > 0,
            "the delete freed pages"
        );
        store.finish_bulk().unwrap();
        assert_eq!(pragma(&store, "freelist_count"), 0);
        assert_eq!(store.paper_count().unwrap(), 150);
    }

    #[test]
    fn bulk_batches_index_their_papers_and_restore_the_trigger() {
        let mut store = Store::open_in_memory().unwrap();
        let filter = SearchFilter {
            limit: 10,
            marks: ("", ""),
            ..SearchFilter::default()
        };
        let mut a = paper("2501.00001", 1);
        a.title = "Bulk NPU paper".into();
        let batch = vec![BulkRow::new(a.clone(), &[(1, a.published)])];
        assert_eq!(store.import_batch(&batch, &[(0, "t")], now()).unwrap(), 1);
        assert_eq!(
            store.import_batch(&batch, &[(0, "t")], now()).unwrap(),
            0,
            "resumable"
        );
        assert_eq!(store.search("npu", &filter).unwrap().hits.len(), 1);
        // The normal write path indexes again afterwards.
        let mut b = paper("2501.00002", 1);
        b.title = "Later TPU paper".into();
        store.save_topic("t", &[b], &[], now()).unwrap();
        assert_eq!(store.search("tpu", &filter).unwrap().hits.len(), 1);
        assert_eq!(store.topic_size("t").unwrap(), 2);
    }
}
