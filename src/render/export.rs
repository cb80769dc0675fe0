//! Machine-readable exports of the stored papers: JSON (every field and topic), CSV (one row a
//! paper), BibTeX (one `@misc` a paper, LaTeX-safe) and cv-json (the `{topic: {id: row}}` shape
//! of cv-arxiv-daily's database, rows in the README's format).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::tz::TimeZone;
use serde::Serialize;

use super::readme::row_line;
use crate::model::{Membership, Paper, StoredPaper};
use crate::text::latex_escape;

/// Code links by paper.
pub type CodeLinks = std::collections::HashMap<crate::model::ArxivId, String>;

#[derive(Serialize)]
struct JsonPaper<'a> {
    #[serde(flatten)]
    paper: &'a Paper,
    url: String,
    code: Option<&'a str>,
    topics: &'a [Membership],
}

/// All papers as a pretty-printed JSON array; each object carries the paper's fields
/// (`id` version-less, `version`, `title`, `authors`, `abstract`, `categories`,
/// `primary_category`, `published`, `updated`, `comment`, `journal_ref`, `doi`), its `url` and
/// `topics`: `[{"name", "shown", "score", "reason", "first_seen"}]`. Ends with a newline.
pub fn json(papers: &[StoredPaper], code: &CodeLinks) -> String {
    let rows: Vec<JsonPaper> = papers
        .iter()
        .map(|p| JsonPaper {
            paper: &p.paper,
            url: crate::text::legacy_abs_url(p.paper.versioned_id()),
            code: code.get(&p.paper.id).map(String::as_str),
            topics: &p.topics,
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&rows).expect("plain data serializes");
    out.push('\n');
    out
}

/// One row a paper: id, version, title, authors (`; `), abstract, categories (space), primary
/// category, published, updated, comment, journal_ref, doi, url, topics (`; `, shown ones),
/// code.
pub fn csv(papers: &[StoredPaper], code: &CodeLinks) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let header = [
        "id",
        "version",
        "title",
        "authors",
        "abstract",
        "categories",
        "primary_category",
        "published",
        "updated",
        "comment",
        "journal_ref",
        "doi",
        "url",
        "topics",
        "code",
    ];
    w.write_record(header).expect("writing to memory");
    for s in papers {
        let p = &s.paper;
        let topics: Vec<&str> = s
            .topics
            .iter()
            .filter(|t| t.shown)
            .map(|t| t.name.as_str())
            .collect();
        w.write_record([
            p.id.as_str(),
            &p.version.to_string(),
            &p.title,
            &p.authors.join("; "),
            &p.summary,
            &p.categories.join(" "),
            &p.primary_category,
            &p.published.to_string(),
            &p.updated.to_string(),
            p.comment.as_deref().unwrap_or(""),
            p.journal_ref.as_deref().unwrap_or(""),
            p.doi.as_deref().unwrap_or(""),
            &crate::text::legacy_abs_url(p.versioned_id()),
            &topics.join("; "),
            code.get(&p.id).map_or("", String::as_str),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV of UTF-8 is UTF-8")
}

/// The citation key: `arxiv:2407.05858` (`/` of old-style ids becomes `_`).
pub fn bibtex_key(paper: &Paper) -> String {
    format!("arxiv:{}", paper.id.as_str().replace('/', "_"))
}

/// One `@misc` a paper with `eprint`, `archivePrefix`, `primaryClass`, `url`, `doi` when known.
pub fn bibtex(papers: &[StoredPaper]) -> String {
    let mut out = String::new();
    for s in papers {
        let p = &s.paper;
        let year = p.published.to_zoned(TimeZone::UTC).year();
        let _ = writeln!(out, "@misc{{{},", bibtex_key(p));
        let _ = writeln!(out, "  title = {{{{{}}}}},", latex_escape(&p.title));
        let authors: Vec<String> = p.authors.iter().map(|a| latex_escape(a)).collect();
        if !authors.is_empty() {
            let _ = writeln!(out, "  author = {{{}}},", authors.join(" and "));
        }
        let _ = writeln!(out, "  year = {{{year}}},");
        let _ = writeln!(out, "  eprint = {{{}}},", p.id);
        let _ = writeln!(out, "  archivePrefix = {{arXiv}},");
        if !p.primary_category.is_empty() {
            let _ = writeln!(
                out,
                "  primaryClass = {{{}}},",
                latex_escape(&p.primary_category)
            );
        }
        let _ = writeln!(
            out,
            "  url = {{{}}},",
            crate::text::abs_url(p.versioned_id())
        );
        if let Some(doi) = &p.doi {
            let _ = writeln!(out, "  doi = {{{}}},", latex_escape(doi));
        }
        if let Some(journal) = &p.journal_ref {
            let _ = writeln!(out, "  note = {{{}}},", latex_escape(journal));
        }
        out.push_str("}\n\n");
    }
    out
}

/// cv-arxiv-daily's JSON database: `{topic: {version-less id: README row}}`, shown papers only,
/// topics in `order`, ids descending, pretty-printed with two spaces as the Python tool writes.
pub fn cv_json(papers: &[StoredPaper], order: &[&str], code: &CodeLinks) -> String {
    let mut by_topic: BTreeMap<&str, Vec<&Paper>> = BTreeMap::new();
    for s in papers {
        for t in s.topics.iter().filter(|t| t.shown) {
            by_topic.entry(t.name.as_str()).or_default().push(&s.paper);
        }
    }
    let mut root = serde_json::Map::new();
    for name in order {
        let Some(list) = by_topic.get_mut(name) else {
            continue;
        };
        list.sort_by(|a, b| b.id.cmp(&a.id));
        let rows: serde_json::Map<String, serde_json::Value> = list
            .iter()
            .map(|p| {
                let row = row_line(p, code.get(&p.id).map(String::as_str));
                (p.id.to_string(), serde_json::Value::String(row))
            })
            .collect();
        root.insert(name.to_string(), serde_json::Value::Object(rows));
    }
    let mut out = serde_json::to_string_pretty(&serde_json::Value::Object(root))
        .expect("plain data serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_escaping_keeps_math() {
        assert_eq!(
            latex_escape("R&D at 50% #1 a_b"),
            "R\\&D at 50\\% \\#1 a\\_b"
        );
        assert_eq!(
            latex_escape("1.06$\\times$ faster {x}"),
            "1.06$\\times$ faster \\{x\\}"
        );
        assert_eq!(latex_escape("costs $5"), "costs \\$5");
        // Unbalanced braces would end the field early for biber: no brace is left.
        assert_eq!(
            latex_escape("a } b {c"),
            "a \\textbraceright{} b \\textbraceleft{}c"
        );
        assert_eq!(latex_escape("$f(}$ x"), "$f(\\rbrace $ x");
        assert_eq!(latex_escape("<script>\"</script>"), "<script>\"</script>");
        assert_eq!(
            latex_escape("a\\b ~ ^"),
            "a\\textbackslash{}b \\textasciitilde{} \\textasciicircum{}"
        );
    }
}
