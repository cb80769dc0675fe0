//! Atom → [`Paper`]: reads export-API feeds of both formats (legacy ≤ 2025-11-10 and the current
//! backend) by namespace URI, never by element order, prefix or `title="pdf"`.
//!
//! A single streaming pass (quick-xml's namespace-aware pull parser) over the page: no tree is
//! built, and text that needs no unescaping is borrowed from the body until it is stored.
//! Entries without an id, a title or dates (the legacy backend's placeholders for missing ids)
//! are skipped and counted; an arXiv error feed is recognised and returned as such.

use std::borrow::Cow;

use jiff::Timestamp;
use quick_xml::events::BytesStart;

use super::xml::{self, Stop, WalkError};
use crate::model::{ArxivId, Paper, collapse_whitespace};

const ATOM: &[u8] = b"http://www.w3.org/2005/Atom";
const ARXIV: &[u8] = b"http://arxiv.org/schemas/atom";
const OPENSEARCH: &[u8] = b"http://a9.com/-/spec/opensearch/1.1/";

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

/// `line:column` (1-based, columns in characters) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> String {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{column}")
}

/// The namespaces the parser looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Atom,
    Arxiv,
    OpenSearch,
    Other,
}

impl Ns {
    fn of(uri: &[u8]) -> Ns {
        match uri {
            ATOM => Ns::Atom,
            ARXIV => Ns::Arxiv,
            OPENSEARCH => Ns::OpenSearch,
            _ => Ns::Other,
        }
    }
}

/// Which field of an entry (or of the feed) the text being read belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    TotalResults,
    StartIndex,
    Id,
    Title,
    Summary,
    Updated,
    Published,
    AuthorName,
    Comment,
    JournalRef,
    Doi,
}

/// The entry's fields as found in the body (text borrowed when it needed no unescaping).
#[derive(Default)]
struct RawEntry<'a> {
    id: Option<Cow<'a, str>>,
    title: Option<Cow<'a, str>>,
    summary: Option<Cow<'a, str>>,
    updated: Option<Cow<'a, str>>,
    published: Option<Cow<'a, str>>,
    primary: Option<String>,
    comment: Option<Cow<'a, str>>,
    journal_ref: Option<Cow<'a, str>>,
    doi: Option<Cow<'a, str>>,
    authors: Vec<String>,
    categories: Vec<String>,
}

impl<'a> RawEntry<'a> {
    /// Where the text of `field` goes (the first element of a kind wins, as a DOM lookup would).
    fn slot(&mut self, field: Field) -> Option<&mut Option<Cow<'a, str>>> {
        let slot = match field {
            Field::Id => &mut self.id,
            Field::Title => &mut self.title,
            Field::Summary => &mut self.summary,
            Field::Updated => &mut self.updated,
            Field::Published => &mut self.published,
            Field::Comment => &mut self.comment,
            Field::JournalRef => &mut self.journal_ref,
            Field::Doi => &mut self.doi,
            Field::TotalResults | Field::StartIndex | Field::AuthorName => return None,
        };
        Some(slot)
    }
}

/// The Atom handler's state: the feed's numbers, the entries so far, where it is.
#[derive(Default)]
struct AtomHandler<'a> {
    total: Option<Cow<'a, str>>,
    start: Option<Cow<'a, str>>,
    entries: Vec<RawEntry<'a>>,
    in_entry: bool,
    in_author: bool,
    seen_root: bool,
}

impl<'a> AtomHandler<'a> {
    fn entry(&mut self) -> &mut RawEntry<'a> {
        self.entries.last_mut().expect("inside an entry")
    }

    /// An Atom element of an entry (depth 3).
    fn entry_field(&mut self, e: &BytesStart, name: &[u8]) -> Result<Option<Field>, Stop> {
        Ok(match name {
            b"id" => Some(Field::Id),
            b"title" => Some(Field::Title),
            b"summary" => Some(Field::Summary),
            b"updated" => Some(Field::Updated),
            b"published" => Some(Field::Published),
            b"author" => {
                self.in_author = true;
                None
            }
            b"category" => {
                let term = xml::attribute(e, b"term")?;
                let entry = self.entry();
                if let Some(term) = term.as_deref().map(str::trim)
                    && is_arxiv_category(term)
                    && !entry.categories.iter().any(|c| c == term)
                {
                    entry.categories.push(term.to_string());
                }
                None
            }
            _ => None,
        })
    }

    /// An arXiv-namespace element of an entry (depth 3).
    fn arxiv_field(&mut self, e: &BytesStart, name: &[u8]) -> Result<Option<Field>, Stop> {
        Ok(match name {
            b"primary_category" => {
                let term = xml::attribute(e, b"term")?;
                let entry = self.entry();
                if entry.primary.is_none() {
                    entry.primary = term;
                }
                None
            }
            b"comment" => Some(Field::Comment),
            b"journal_ref" => Some(Field::JournalRef),
            b"doi" => Some(Field::Doi),
            _ => None,
        })
    }
}

impl<'a> xml::Handler<'a> for AtomHandler<'a> {
    type Field = Field;

    fn start(
        &mut self,
        e: &BytesStart,
        ns: &[u8],
        depth: usize,
        in_field: bool,
    ) -> Result<Option<Field>, Stop> {
        let ns = Ns::of(ns);
        let local = e.local_name();
        let local = local.as_ref();
        if depth == 1 {
            if self.seen_root {
                return Err(Stop::Malformed("more than one root element".into()));
            }
            self.seen_root = true;
            if !(ns == Ns::Atom && local == b"feed") {
                return Err(Stop::Root(String::from_utf8_lossy(local).into_owned()));
            }
            return Ok(None);
        }
        if in_field {
            // Markup inside a text field: its text still counts.
            return Ok(None);
        }
        Ok(match (depth, ns, local) {
            (2, Ns::Atom, b"entry") => {
                self.in_entry = true;
                self.entries.push(RawEntry::default());
                None
            }
            (2, Ns::OpenSearch, b"totalResults") if self.total.is_none() => {
                Some(Field::TotalResults)
            }
            (2, Ns::OpenSearch, b"startIndex") if self.start.is_none() => Some(Field::StartIndex),
            (3, Ns::Atom, name) if self.in_entry => self.entry_field(e, name)?,
            (3, Ns::Arxiv, name) if self.in_entry => self.arxiv_field(e, name)?,
            (4, Ns::Atom, b"name") if self.in_author => Some(Field::AuthorName),
            _ => None,
        })
    }

    fn text(&mut self, field: Field, value: Cow<'a, str>) {
        match field {
            Field::TotalResults => self.total = Some(value),
            Field::StartIndex => self.start = Some(value),
            Field::AuthorName => {
                let name = collapse_whitespace(&value);
                // One name per author, as `<author>` holds one.
                if !name.is_empty() && self.in_author {
                    self.entry().authors.push(name);
                }
                self.in_author = false;
            }
            other => {
                if let Some(slot) = self.entry().slot(other)
                    && slot.is_none()
                {
                    *slot = Some(value);
                }
            }
        }
    }

    fn end(&mut self, depth: usize) {
        match depth {
            2 => self.in_entry = false,
            3 => self.in_author = false,
            _ => {}
        }
    }
}

/// Parses one export-API response body.
pub fn parse_feed(body: &str) -> Result<Feed, ParseError> {
    let mut handler = AtomHandler::default();
    xml::walk(body, &mut handler).map_err(|e| match e {
        WalkError::Malformed { offset, message } => ParseError::Xml {
            position: position(body, offset as usize),
            message,
        },
        WalkError::Root(name) => ParseError::NotAFeed(name),
    })?;
    if !handler.seen_root {
        return Err(ParseError::Xml {
            position: position(body, body.len()),
            message: "no root element".into(),
        });
    }
    let number = |t: Option<Cow<str>>| t.and_then(|t| t.trim().parse::<u64>().ok());
    let mut feed = Feed {
        total_results: number(handler.total),
        start_index: number(handler.start),
        entries: Vec::with_capacity(handler.entries.len()),
        skipped: Vec::new(),
        error: None,
    };
    if let [only] = handler.entries.as_slice()
        && let Some(message) = error_message(only)
    {
        feed.error = Some(message);
        return Ok(feed);
    }
    for (index, entry) in handler.entries.into_iter().enumerate() {
        match finish_entry(entry) {
            Ok(paper) => feed.entries.push(paper),
            Err(reason) => feed.skipped.push(format!("entry {}: {reason}", index + 1)),
        }
    }
    Ok(feed)
}

/// The message of an error entry: `<title>Error</title>` or an id under `/api/errors`.
fn error_message(entry: &RawEntry) -> Option<String> {
    let id = entry.id.as_deref().unwrap_or_default();
    let title = entry.title.as_deref().unwrap_or_default();
    if title.trim() == "Error" || id.contains("/api/errors") {
        let summary = collapse_whitespace(entry.summary.as_deref().unwrap_or_default());
        Some(if summary.is_empty() {
            id.trim().to_string()
        } else {
            summary
        })
    } else {
        None
    }
}

fn finish_entry(f: RawEntry) -> Result<Paper, String> {
    let raw_id = f.id.as_deref().ok_or("no <id>")?;
    let raw_id = raw_id.trim();
    if raw_id.is_empty() {
        return Err("empty <id>".into());
    }
    let (id, version) = ArxivId::parse_versioned(raw_id).map_err(|e| e.to_string())?;
    let title = f
        .title
        .as_deref()
        .ok_or_else(|| format!("{raw_id}: no <title>"))?;
    let title = collapse_whitespace(title);
    if title.is_empty() {
        return Err(format!("{raw_id}: empty <title>"));
    }
    let timestamp = |text: Option<&str>, name: &str| -> Result<Option<Timestamp>, String> {
        match text {
            None => Ok(None),
            Some(t) => t
                .trim()
                .parse::<Timestamp>()
                .map(Some)
                .map_err(|e| format!("{raw_id}: bad <{name}> {t:?}: {e}")),
        }
    };
    let updated = timestamp(f.updated.as_deref(), "updated")?;
    let published = timestamp(f.published.as_deref(), "published")?;
    let (published, updated) = match (published, updated) {
        (Some(p), Some(u)) => (p, u),
        (Some(p), None) => (p, p),
        (None, Some(u)) => (u, u),
        (None, None) => return Err(format!("{raw_id}: no <published> or <updated>")),
    };
    let primary_category = f
        .primary
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .or_else(|| f.categories.first().cloned())
        .unwrap_or_default();
    let optional = |text: Option<Cow<str>>| {
        text.map(|t| collapse_whitespace(&t))
            .filter(|t| !t.is_empty())
    };
    Ok(Paper {
        id,
        version: version.unwrap_or(1),
        title,
        authors: f.authors,
        summary: f
            .summary
            .as_deref()
            .map(|t| t.trim().to_string())
            .unwrap_or_default(),
        categories: f.categories,
        primary_category,
        published,
        updated,
        comment: optional(f.comment),
        journal_ref: optional(f.journal_ref),
        doi: optional(f.doi),
    }
    .cleaned())
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
