//! Rows migrated from a cv-arxiv-daily fork (`import-cv`), kept byte for byte by topic, paper
//! and the file they belong to, for the cv layout to show as the fork's generator wrote them.

use std::collections::HashMap;

use rusqlite::params;

use super::{Result, Store};
use crate::model::{ArxivId, CvRows};

/// A migrated row as the snapshot keeps it: `(topic, kind, row)`.
pub(super) type KeptRow = (String, String, String);

impl Store {
    /// Keeps rows as migrated: `(topic, paper, kind, row)`; a row already kept is replaced.
    pub fn set_cv_rows(&mut self, rows: &[(&str, &ArxivId, &str, &str)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO cv_rows (topic, paper_id, kind, row) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (topic, id, kind, row) in rows {
                stmt.execute(params![topic, id.as_str(), kind, row])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every migrated row: `(paper, topic, kind, row)`, sorted.
    fn all_cv_rows(&self) -> Result<Vec<(String, String, String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT paper_id, topic, kind, row FROM cv_rows ORDER BY paper_id, topic, kind",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every migrated row.
    pub fn cv_rows(&self) -> Result<CvRows> {
        let mut out = CvRows::new();
        for (id, topic, kind, text) in self.all_cv_rows()? {
            if let Ok(id) = ArxivId::parse(&id) {
                out.entry((topic, id)).or_default().insert(kind, text);
            }
        }
        Ok(out)
    }

    /// Every paper's migrated rows, for the snapshot: `(topic, kind, row)`, sorted.
    pub(super) fn cv_rows_by_paper(&self) -> Result<HashMap<String, Vec<KeptRow>>> {
        let mut out: HashMap<String, Vec<KeptRow>> = HashMap::new();
        for (id, topic, kind, text) in self.all_cv_rows()? {
            out.entry(id).or_default().push((topic, kind, text));
        }
        Ok(out)
    }
}
