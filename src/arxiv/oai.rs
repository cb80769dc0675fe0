//! OAI-PMH `ListRecords` pages in arXiv's `arXivRaw` format → records with their version
//! history (the shape the Kaggle snapshot has, see [`super::kaggle`]), the resumption token and
//! OAI errors. Pure; elements are recognised by namespace URI, never by prefix.
//!
//! OAI-PMH answers errors with HTTP 200 and `<error code="…">`; `noRecordsMatch` means an empty
//! list, not a failure (arxiv-api.md §2.2). Deleted records (`<header status="deleted">`) are
//! counted, not returned.

use std::borrow::Cow;

use quick_xml::events::BytesStart;

use super::kaggle::{RawRecord, RawVersion, Record};
use super::xml::{self, Stop, WalkError};
use crate::model::collapse_whitespace;

const OAI: &[u8] = b"http://www.openarchives.org/OAI/2.0/";
const RAW: &[u8] = b"http://arxiv.org/OAI/arXivRaw/";

/// One page of a `ListRecords` answer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Each record, or why it could not be read (its identifier first).
    pub records: Vec<Result<Record, String>>,
    /// Records marked deleted.
    pub deleted: usize,
    /// The token for the next page; `None` (absent or empty) ends the list.
    pub token: Option<String>,
    /// The repository's error, if it answered with one.
    pub error: Option<OaiError>,
}

/// An OAI-PMH `<error>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiError {
    /// `badArgument`, `noRecordsMatch`, `badResumptionToken`, …
    pub code: String,
    /// The repository's explanation.
    pub message: String,
}

impl OaiError {
    /// `noRecordsMatch`: the list is empty, which is not a failure.
    pub fn is_empty_list(&self) -> bool {
        self.code == "noRecordsMatch"
    }
}

/// The body is not an OAI-PMH answer we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not well-formed XML (a truncated body, an HTML error page).
    #[error("malformed XML at byte {offset}: {message}")]
    Xml {
        /// Where the problem is.
        offset: u64,
        /// The XML parser's message.
        message: String,
    },
    /// Well-formed, but the root is not `<OAI-PMH>`.
    #[error("not an OAI-PMH response (root element is <{0}>)")]
    NotOai(String),
}

/// The elements whose text is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Error,
    Token,
    Identifier,
    Id,
    Title,
    Authors,
    Categories,
    Comments,
    JournalRef,
    Doi,
    Abstract,
    Date,
}

/// A record being read.
#[derive(Default)]
struct Current {
    identifier: String,
    deleted: bool,
    raw: RawRecord,
    version: Option<String>,
}

/// The OAI-PMH handler's state: the page so far, the open elements, the record being read.
#[derive(Default)]
struct OaiHandler {
    page: Page,
    /// The open elements, innermost last: (namespace is OAI, is arXivRaw, local name).
    path: Vec<(bool, bool, Vec<u8>)>,
    current: Option<Current>,
}

/// An element of `<arXivRaw>`.
fn raw_field(
    current: &mut Option<Current>,
    e: &BytesStart,
    name: &[u8],
) -> Result<Option<Field>, Stop> {
    Ok(match name {
        b"id" => Some(Field::Id),
        b"title" => Some(Field::Title),
        b"authors" => Some(Field::Authors),
        b"categories" => Some(Field::Categories),
        b"comments" => Some(Field::Comments),
        b"journal-ref" => Some(Field::JournalRef),
        b"doi" => Some(Field::Doi),
        b"abstract" => Some(Field::Abstract),
        b"version" => {
            let v = xml::attribute(e, b"version")?;
            if let Some(c) = current.as_mut() {
                c.version = v;
            }
            None
        }
        _ => None,
    })
}

impl<'a> xml::Handler<'a> for OaiHandler {
    type Field = Field;

    fn start(
        &mut self,
        e: &BytesStart,
        ns: &[u8],
        _depth: usize,
        _in_field: bool,
    ) -> Result<Option<Field>, Stop> {
        let (oai, raw) = (ns == OAI, ns == RAW);
        let local = e.local_name().as_ref().to_vec();
        if self.path.is_empty() && !(oai && local == b"OAI-PMH") {
            return Err(Stop::Root(String::from_utf8_lossy(&local).into_owned()));
        }
        let OaiHandler {
            page,
            path,
            current,
        } = self;
        let parent = path.last().map(|(o, r, name)| (*o, *r, name.as_slice()));
        let field = match (parent, oai, raw, local.as_slice()) {
            (Some((true, _, b"OAI-PMH")), true, _, b"error") => {
                let code = xml::attribute(e, b"code")?;
                page.error = Some(OaiError {
                    code: code.unwrap_or_default(),
                    message: String::new(),
                });
                Some(Field::Error)
            }
            (Some((true, _, b"ListRecords")), true, _, b"record") => {
                *current = Some(Current::default());
                None
            }
            (Some((true, _, b"ListRecords")), true, _, b"resumptionToken") => Some(Field::Token),
            (Some((true, _, b"record")), true, _, b"header") => {
                let status = xml::attribute(e, b"status")?;
                if let Some(c) = current.as_mut() {
                    c.deleted = status.as_deref() == Some("deleted");
                }
                None
            }
            (Some((true, _, b"header")), true, _, b"identifier") => Some(Field::Identifier),
            (Some((_, true, b"arXivRaw")), _, true, name) => raw_field(current, e, name)?,
            (Some((_, true, b"version")), _, true, b"date") => Some(Field::Date),
            _ => None,
        };
        path.push((oai, raw, local));
        Ok(field)
    }

    fn text(&mut self, field: Field, value: Cow<'a, str>) {
        store(field, value.into_owned(), &mut self.page, &mut self.current);
    }

    fn end(&mut self, _depth: usize) {
        if let Some((true, _, name)) = self.path.last()
            && name == b"record"
            && let Some(c) = self.current.take()
        {
            finish(c, &mut self.page);
        }
        self.path.pop();
    }
}

/// Parses one `ListRecords` answer.
pub fn parse_page(body: &str) -> Result<Page, ParseError> {
    let mut handler = OaiHandler::default();
    xml::walk(body, &mut handler).map_err(|e| match e {
        WalkError::Malformed { offset, message } => ParseError::Xml { offset, message },
        WalkError::Root(name) => ParseError::NotOai(name),
    })?;
    Ok(handler.page)
}

fn store(field: Field, value: String, page: &mut Page, current: &mut Option<Current>) {
    match field {
        Field::Error => {
            if let Some(error) = page.error.as_mut() {
                error.message = collapse_whitespace(&value);
            }
        }
        Field::Token => {
            let token = value.trim();
            page.token = (!token.is_empty()).then(|| token.to_string());
        }
        _ => {
            let Some(c) = current.as_mut() else { return };
            let r = &mut c.raw;
            match field {
                Field::Identifier => c.identifier = value.trim().to_string(),
                Field::Id => r.id = value,
                Field::Title => r.title = Some(value),
                Field::Authors => r.authors = Some(value),
                Field::Categories => r.categories = Some(value),
                Field::Comments => r.comments = Some(value),
                Field::JournalRef => r.journal_ref = Some(value),
                Field::Doi => r.doi = Some(value),
                Field::Abstract => r.summary = Some(value),
                Field::Date => r.versions.push(RawVersion {
                    version: c.version.clone().unwrap_or_default(),
                    created: value,
                }),
                Field::Error | Field::Token => {}
            }
        }
    }
}

fn finish(c: Current, page: &mut Page) {
    if c.deleted {
        page.deleted += 1;
        return;
    }
    let name = c.raw.id.trim().to_string();
    if name.is_empty() {
        page.records
            .push(Err(format!("{}: no arXivRaw metadata", c.identifier)));
        return;
    }
    page.records.push(c.raw.into_record().map_err(|e| {
        if e.starts_with(&name) {
            e
        } else {
            format!("{name}: {e}")
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_not_oai() {
        assert_eq!(
            parse_page("<html><body>busy</body></html>").unwrap_err(),
            ParseError::NotOai("html".into())
        );
    }

    #[test]
    fn truncated_pages_are_errors() {
        let xml = r#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record>"#;
        assert!(matches!(parse_page(xml), Err(ParseError::Xml { .. })));
    }

    #[test]
    fn deleted_records_are_counted_and_prefixes_do_not_matter() {
        let xml = r#"<o:OAI-PMH xmlns:o="http://www.openarchives.org/OAI/2.0/"><o:ListRecords>
          <o:record><o:header status="deleted"><o:identifier>oai:arXiv.org:0704.0001</o:identifier></o:header></o:record>
          <o:record><o:header><o:identifier>oai:arXiv.org:0704.0002</o:identifier></o:header>
          <o:metadata><r:arXivRaw xmlns:r="http://arxiv.org/OAI/arXivRaw/"><r:id>0704.0002</r:id>
          <r:version version="v1"><r:date>Mon, 02 Apr 2007 19:18:42 GMT</r:date></r:version>
          <r:title>A &amp; B</r:title><r:authors>X. Y and Z. W</r:authors><r:categories>cs.CL</r:categories>
          <r:abstract>  Text.
</r:abstract></r:arXivRaw></o:metadata></o:record>
          <o:resumptionToken cursor="0"/></o:ListRecords></o:OAI-PMH>"#;
        let page = parse_page(xml).unwrap();
        assert_eq!(page.deleted, 1);
        assert_eq!(page.token, None, "an empty token ends the list");
        let r = page.records[0].as_ref().unwrap();
        assert_eq!(r.paper.title, "A & B");
        assert_eq!(r.paper.authors, ["X. Y", "Z. W"]);
        assert_eq!(r.paper.published.to_string(), "2007-04-02T19:18:42Z");
    }
}
