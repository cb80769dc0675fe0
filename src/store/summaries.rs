//! Short summaries of papers: Hugging Face's (`hf_extras`, with its upvotes) and a language
//! model's, cached per paper, model and language (`summaries`).

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Result, Store};
use crate::model::ArxivId;

impl Store {
    /// The cached summary of a paper by `model` in `language`.
    pub fn summary(&self, id: &ArxivId, model: &str, language: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT text FROM summaries WHERE paper_id = ?1 AND model = ?2 AND language = ?3",
                params![id.as_str(), model, language],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records Hugging Face's summary and upvotes of a paper (when it has them).
    pub fn set_hf_extra(
        &self,
        id: &ArxivId,
        summary: Option<&str>,
        upvotes: Option<u32>,
    ) -> Result<()> {
        if summary.is_none() && upvotes.is_none() {
            return Ok(());
        }
        self.conn.execute(
            "INSERT OR REPLACE INTO hf_extras (paper_id, ai_summary, upvotes) VALUES (?1, ?2, ?3)",
            params![id.as_str(), summary, upvotes],
        )?;
        Ok(())
    }

    /// Hugging Face's summary of a paper, if it gave one.
    pub fn hf_summary(&self, id: &ArxivId) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT ai_summary FROM hf_extras WHERE paper_id = ?1",
                params![id.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Every paper's short summary: the language model's for `model` (`(model, language)`),
    /// else Hugging Face's.
    pub fn summaries(
        &self,
        model: Option<(&str, &str)>,
    ) -> Result<std::collections::HashMap<ArxivId, String>> {
        let mut out = std::collections::HashMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT paper_id, ai_summary FROM hf_extras WHERE ai_summary IS NOT NULL")?;
        let rows: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut put = |id: String, text: String| {
            if let Ok(id) = ArxivId::parse(&id) {
                out.insert(id, text);
            }
        };
        for (id, text) in rows {
            put(id, text);
        }
        if let Some((model, language)) = model {
            let mut stmt = self.conn.prepare(
                "SELECT paper_id, text FROM summaries WHERE model = ?1 AND language = ?2",
            )?;
            let rows: Vec<(String, String)> = stmt
                .query_map(params![model, language], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (id, text) in rows {
                put(id, text);
            }
        }
        Ok(out)
    }

    /// Caches a summary.
    pub fn set_summary(
        &self,
        id: &ArxivId,
        model: &str,
        language: &str,
        text: &str,
        now: Timestamp,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO summaries (paper_id, model, language, text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.as_str(), model, language, text, now.to_string()],
        )?;
        Ok(())
    }
}
