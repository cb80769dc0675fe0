//! Machine-readable exports of the stored papers.

use serde::Serialize;

use crate::model::{Membership, Paper, StoredPaper};

#[derive(Serialize)]
struct JsonPaper<'a> {
    #[serde(flatten)]
    paper: &'a Paper,
    url: String,
    topics: &'a [Membership],
}

/// All papers as a pretty-printed JSON array; each object carries the paper's fields
/// (`id` version-less, `version`, `title`, `authors`, `abstract`, `categories`,
/// `primary_category`, `published`, `updated`, `comment`, `journal_ref`, `doi`), its `url` and
/// `topics`: `[{"name": …, "shown": …}]`. Ends with a newline.
pub fn json(papers: &[StoredPaper]) -> String {
    let rows: Vec<JsonPaper> = papers
        .iter()
        .map(|p| JsonPaper {
            paper: &p.paper,
            url: p.paper.abs_url(),
            topics: &p.topics,
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&rows).expect("plain data serializes");
    out.push('\n');
    out
}
