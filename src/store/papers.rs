//! Papers and topic membership: storing a topic's papers in one transaction, reading the corpus
//! and single papers, versions, and each topic's verdicts.

use std::collections::HashSet;

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::rows::{PAPER_COLUMNS, RawPaper, join_topic, parse_time, upsert_paper};
use super::{Result, Store};
use crate::model::{ArxivId, Membership, Paper, StoredPaper, Verdict};

/// What one topic's write changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TopicWrite {
    /// Papers that joined the topic.
    pub new: u64,
    /// Papers whose stored version went up.
    pub revised: u64,
}

impl Store {
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
}
