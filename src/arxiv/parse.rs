//! Atom → [`Paper`]: reads export-API feeds of both formats (legacy ≤ 2025-11-10 and the current
//! backend) by namespace URI, never by element order, prefix or `title="pdf"`.
//!
//! Entries without an id, a title or dates (the legacy backend's placeholders for missing ids)
//! are skipped and counted; an arXiv error feed is recognised and returned as such.

use jiff::Timestamp;
use roxmltree::{Document, Node};

use crate::model::{ArxivId, Paper};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const ARXIV: &str = "http://arxiv.org/schemas/atom";
const OPENSEARCH: &str = "http://a9.com/-/spec/opensearch/1.1/";

/// One parsed page of results.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Feed {
    /// `opensearch:totalResults`, when present.
    pub total_results: Option<u64>,
    /// `opensearch:startIndex`, when present.
    pub start_index: Option<u64>,
    /// The papers on this page, in feed order.
    pub entries: Vec<Paper>,
    /// Entries that were skipped, with the reason (e.g. `entry 3: no <id>`).
    pub skipped: Vec<String>,
    /// arXiv's message when the feed is an error feed.
    pub error: Option<String>,
}

/// The body is not an Atom feed we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not well-formed XML (a truncated body, an HTML error page).
    #[error("malformed XML at {position}: {message}")]
    Xml {
        /// `line:column` of the problem.
        position: String,
        /// The XML parser's message.
        message: String,
    },
    /// Well-formed, but the root is not an Atom `<feed>`.
    #[error("not an Atom feed (root element is <{0}>)")]
    NotAFeed(String),
}

/// Parses one export-API response body.
pub fn parse_feed(xml: &str) -> Result<Feed, ParseError> {
    let doc = Document::parse(xml).map_err(|e| {
        let pos = e.pos();
        ParseError::Xml {
            position: format!("{}:{}", pos.row, pos.col),
            message: e.to_string(),
        }
    })?;
    let root = doc.root_element();
    if !root.has_tag_name((ATOM, "feed")) {
        return Err(ParseError::NotAFeed(root.tag_name().name().to_string()));
    }
    let number = |name: &str| {
        child(root, OPENSEARCH, name)
            .and_then(|n| n.text())
            .and_then(|t| t.trim().parse::<u64>().ok())
    };
    let mut feed = Feed {
        total_results: number("totalResults"),
        start_index: number("startIndex"),
        entries: Vec::new(),
        skipped: Vec::new(),
        error: None,
    };
    let entries: Vec<Node> = root
        .children()
        .filter(|n| n.has_tag_name((ATOM, "entry")))
        .collect();
    if let [only] = entries.as_slice()
        && let Some(message) = error_message(*only)
    {
        feed.error = Some(message);
        return Ok(feed);
    }
    for (index, entry) in entries.into_iter().enumerate() {
        match parse_entry(entry) {
            Ok(paper) => feed.entries.push(paper),
            Err(reason) => feed.skipped.push(format!("entry {}: {reason}", index + 1)),
        }
    }
    Ok(feed)
}

/// The message of an error entry: `<title>Error</title>` or an id under `/api/errors`.
fn error_message(entry: Node) -> Option<String> {
    let id = text(entry, ATOM, "id").unwrap_or_default();
    let title = text(entry, ATOM, "title").unwrap_or_default();
    if title.trim() == "Error" || id.contains("/api/errors") {
        let summary = text(entry, ATOM, "summary").unwrap_or_default();
        let summary = collapse_whitespace(&summary);
        Some(if summary.is_empty() {
            id.trim().to_string()
        } else {
            summary
        })
    } else {
        None
    }
}

/// The entry's fields, gathered in one pass over its children.
#[derive(Default)]
struct Fields<'a, 'i> {
    id: Option<Node<'a, 'i>>,
    title: Option<Node<'a, 'i>>,
    summary: Option<Node<'a, 'i>>,
    updated: Option<Node<'a, 'i>>,
    published: Option<Node<'a, 'i>>,
    primary: Option<&'a str>,
    comment: Option<Node<'a, 'i>>,
    journal_ref: Option<Node<'a, 'i>>,
    doi: Option<Node<'a, 'i>>,
    authors: Vec<String>,
    categories: Vec<String>,
}

fn parse_entry(entry: Node) -> Result<Paper, String> {
    let mut f = Fields::default();
    for child in entry.children().filter(Node::is_element) {
        let tag = child.tag_name();
        match (tag.namespace(), tag.name()) {
            (Some(ATOM), "id") => f.id = Some(child),
            (Some(ATOM), "title") => f.title = Some(child),
            (Some(ATOM), "summary") => f.summary = Some(child),
            (Some(ATOM), "updated") => f.updated = Some(child),
            (Some(ATOM), "published") => f.published = Some(child),
            (Some(ATOM), "author") => {
                if let Some(name) = child.children().find(|n| n.has_tag_name((ATOM, "name"))) {
                    let name = collapse_whitespace(&node_text(name));
                    if !name.is_empty() {
                        f.authors.push(name);
                    }
                }
            }
            (Some(ATOM), "category") => {
                if let Some(term) = child.attribute("term").map(str::trim)
                    && is_arxiv_category(term)
                    && !f.categories.iter().any(|c| c == term)
                {
                    f.categories.push(term.to_string());
                }
            }
            (Some(ARXIV), "primary_category") => f.primary = child.attribute("term"),
            (Some(ARXIV), "comment") => f.comment = Some(child),
            (Some(ARXIV), "journal_ref") => f.journal_ref = Some(child),
            (Some(ARXIV), "doi") => f.doi = Some(child),
            _ => {}
        }
    }
    let raw_id = f.id.map(node_text).ok_or("no <id>")?;
    let raw_id = raw_id.trim();
    if raw_id.is_empty() {
        return Err("empty <id>".into());
    }
    let (id, version) = ArxivId::parse_versioned(raw_id).map_err(|e| e.to_string())?;
    let title = f
        .title
        .map(node_text)
        .ok_or_else(|| format!("{raw_id}: no <title>"))?;
    let title = collapse_whitespace(&title);
    if title.is_empty() {
        return Err(format!("{raw_id}: empty <title>"));
    }
    let timestamp = |node: Option<Node>, name: &str| -> Result<Option<Timestamp>, String> {
        match node.map(node_text) {
            None => Ok(None),
            Some(t) => t
                .trim()
                .parse::<Timestamp>()
                .map(Some)
                .map_err(|e| format!("{raw_id}: bad <{name}> {t:?}: {e}")),
        }
    };
    let updated = timestamp(f.updated, "updated")?;
    let published = timestamp(f.published, "published")?;
    let (published, updated) = match (published, updated) {
        (Some(p), Some(u)) => (p, u),
        (Some(p), None) => (p, p),
        (None, Some(u)) => (u, u),
        (None, None) => return Err(format!("{raw_id}: no <published> or <updated>")),
    };
    let primary_category = f
        .primary
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or_else(|| f.categories.first().cloned())
        .unwrap_or_default();
    let optional = |node: Option<Node>| {
        node.map(|n| collapse_whitespace(&node_text(n)))
            .filter(|t| !t.is_empty())
    };
    Ok(Paper {
        id,
        version: version.unwrap_or(1),
        title,
        authors: f.authors,
        summary: f
            .summary
            .map(|n| node_text(n).trim().to_string())
            .unwrap_or_default(),
        categories: f.categories,
        primary_category,
        published,
        updated,
        comment: optional(f.comment),
        journal_ref: optional(f.journal_ref),
        doi: optional(f.doi),
    })
}

/// The text of an element (its text and CDATA, usually one node: no copy then).
fn node_text(node: Node) -> String {
    let mut texts = node
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text());
    match (texts.next(), texts.next()) {
        (None, _) => String::new(),
        (Some(one), None) => one.to_string(),
        (Some(first), Some(second)) => {
            let mut s = String::from(first);
            s.push_str(second);
            s.extend(texts);
            s
        }
    }
}

/// Whether a `<category term>` is an arXiv category (`cs.CL`, `hep-th`, `cond-mat.mes-hall`)
/// rather than the ACM/MSC codes or free text the legacy API also emitted (`I.2.6`, `35`,
/// `28A80 (Primary) 39B62 (Secondary)`).
pub fn is_arxiv_category(term: &str) -> bool {
    let (archive, sub) = match term.split_once('.') {
        Some((a, s)) => (a, Some(s)),
        None => (term, None),
    };
    let archive_ok = archive.starts_with(|c: char| c.is_ascii_lowercase())
        && archive.chars().all(|c| c.is_ascii_lowercase() || c == '-');
    let sub_ok = sub.is_none_or(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
    });
    archive_ok && sub_ok
}

fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name((ns, name)))
}

/// The concatenated text of a child element (text nodes and CDATA), if the child exists.
fn text(node: Node, ns: &str, name: &str) -> Option<String> {
    child(node, ns, name).map(|n| {
        n.descendants()
            .filter(|d| d.is_text())
            .filter_map(|d| d.text())
            .collect()
    })
}

/// Collapses every whitespace run to one space and trims.
pub fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_xml_is_an_error_with_a_position() {
        let err =
            parse_feed("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry>")
                .unwrap_err();
        assert!(matches!(err, ParseError::Xml { .. }), "{err}");
    }

    #[test]
    fn only_arxiv_categories_are_categories() {
        for ok in [
            "cs.CL",
            "hep-th",
            "cond-mat.mes-hall",
            "q-bio.BM",
            "math-ph",
            "stat.ML",
        ] {
            assert!(is_arxiv_category(ok), "{ok}");
        }
        for bad in [
            "I.2.6",
            "35",
            "28A80 (Primary) 39B62 (Secondary)",
            "",
            "cs.",
            "CS.CL",
        ] {
            assert!(!is_arxiv_category(bad), "{bad}");
        }
    }

    #[test]
    fn html_is_not_a_feed() {
        let err = parse_feed("<html><body>Rate exceeded</body></html>").unwrap_err();
        assert_eq!(err, ParseError::NotAFeed("html".into()));
    }

    #[test]
    fn prefixes_do_not_matter_only_namespaces() {
        let xml = r#"<a:feed xmlns:a="http://www.w3.org/2005/Atom" xmlns:x="http://arxiv.org/schemas/atom">
          <a:entry><a:id>http://arxiv.org/abs/2401.00001v3</a:id><a:title>T</a:title>
          <a:updated>2024-01-02T00:00:00Z</a:updated><a:published>2024-01-01T00:00:00Z</a:published>
          <x:primary_category term="cs.CL"/><x:comment>  a
          comment </x:comment></a:entry></a:feed>"#;
        let feed = parse_feed(xml).unwrap();
        let p = &feed.entries[0];
        assert_eq!(p.versioned_id(), "2401.00001v3");
        assert_eq!(p.primary_category, "cs.CL");
        assert_eq!(p.comment.as_deref(), Some("a comment"));
    }
}
