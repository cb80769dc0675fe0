//! arXiv's daily announcement listing: the RSS 2.0 feed `https://rss.arxiv.org/rss/<cats>`
//! (categories joined with `+`), rebuilt at midnight US Eastern with what was announced that
//! day: one `<item>` per paper, its id and version in `<guid>` (`oai:arXiv.org:<id>vN`), its
//! `<arxiv:announce_type>` (`new`, `cross`, `replace`, `replace-cross`), one `<category>` each,
//! `<dc:creator>` one comma-separated author string; the channel's `<pubDate>` is the
//! announcement day and `<skipDays>` names the days without one (empty feed). Read with the
//! shared XML walk (`xml.rs`) and fetched with one conditional GET (`If-None-Match`,
//! `If-Modified-Since`), so an unchanged listing costs a 304. `../shared/docs/arxiv-api.md` §3.

use std::borrow::Cow;
use std::time::Duration;

use quick_xml::events::BytesStart;

use super::xml::{self, Stop, WalkError};
use crate::model::{ArxivId, collapse_whitespace};

const ARXIV_NS: &[u8] = b"http://arxiv.org/schemas/atom";
const DC_NS: &[u8] = b"http://purl.org/dc/elements/1.1/";

/// How a paper was announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Announce {
    /// A new paper whose primary category is listed.
    New,
    /// A new paper cross-listed to a listed category.
    Cross,
    /// A new version of an older paper.
    Replace,
    /// A new version of an older paper cross-listed here.
    ReplaceCross,
    /// Any other type arXiv may add (`absonly`).
    Other,
}

impl Announce {
    fn parse(text: &str) -> Announce {
        match text.trim() {
            "new" => Announce::New,
            "cross" => Announce::Cross,
            "replace" => Announce::Replace,
            "replace-cross" => Announce::ReplaceCross,
            _ => Announce::Other,
        }
    }

    /// A paper new to arXiv (not a new version of an older one).
    pub fn is_new(self) -> bool {
        matches!(self, Announce::New | Announce::Cross)
    }
}

/// One announced paper.
#[derive(Debug, Clone, PartialEq)]
pub struct Announced {
    /// The paper.
    pub id: ArxivId,
    /// The version announced.
    pub version: u32,
    /// How.
    pub kind: Announce,
    /// The title, whitespace collapsed.
    pub title: String,
    /// The abstract (the description after `Abstract:`).
    pub summary: String,
    /// Its categories, as listed.
    pub categories: Vec<String>,
    /// Its authors.
    pub authors: Vec<String>,
}

/// One day's listing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listing {
    /// The channel's `<pubDate>` (RFC 822), the announcement's date.
    pub date: Option<String>,
    /// The days `<skipDays>` names (Saturday, Sunday).
    pub skip_days: Vec<String>,
    /// The papers announced, in the listing's order.
    pub items: Vec<Announced>,
    /// Items whose id could not be read (skipped).
    pub unreadable: usize,
}

/// Why a listing could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListingError {
    /// Not well-formed XML.
    #[error("malformed XML at byte {offset}: {message}")]
    Xml {
        /// Where.
        offset: u64,
        /// What.
        message: String,
    },
    /// Well-formed, but not RSS.
    #[error("not an RSS feed (root element is <{0}>)")]
    NotRss(String),
    /// The request failed.
    #[error("{0}")]
    Http(String),
}

#[derive(Debug, Clone, Copy)]
enum Field {
    ChannelDate,
    SkipDay,
    Title,
    Guid,
    Link,
    Description,
    Category,
    Kind,
    Creator,
}

#[derive(Default)]
struct Item {
    title: String,
    guid: String,
    link: String,
    description: String,
    categories: Vec<String>,
    kind: String,
    creator: String,
}

#[derive(Default)]
struct RssHandler {
    listing: Listing,
    /// Local names of the open elements.
    path: Vec<Vec<u8>>,
    item: Option<Item>,
}

impl<'a> xml::Handler<'a> for RssHandler {
    type Field = Field;

    fn start(
        &mut self,
        e: &BytesStart,
        ns: &[u8],
        _depth: usize,
        _in_field: bool,
    ) -> Result<Option<Field>, Stop> {
        let local = e.local_name().as_ref().to_vec();
        if self.path.is_empty() && local != b"rss" {
            return Err(Stop::Root(String::from_utf8_lossy(&local).into_owned()));
        }
        let parent = self.path.last().map(Vec::as_slice);
        let plain = ns.is_empty();
        let field = match (parent, plain, local.as_slice()) {
            (Some(b"channel"), true, b"item") => {
                self.item = Some(Item::default());
                None
            }
            (Some(b"channel"), true, b"pubDate") => Some(Field::ChannelDate),
            (Some(b"skipDays"), true, b"day") => Some(Field::SkipDay),
            (Some(b"item"), true, b"title") => Some(Field::Title),
            (Some(b"item"), true, b"guid") => Some(Field::Guid),
            (Some(b"item"), true, b"link") => Some(Field::Link),
            (Some(b"item"), true, b"description") => Some(Field::Description),
            (Some(b"item"), true, b"category") => Some(Field::Category),
            (Some(b"item"), false, b"announce_type") if ns == ARXIV_NS => Some(Field::Kind),
            (Some(b"item"), false, b"creator") if ns == DC_NS => Some(Field::Creator),
            _ => None,
        };
        self.path.push(local);
        Ok(field)
    }

    fn text(&mut self, field: Field, text: Cow<'a, str>) {
        let text = text.into_owned();
        match (field, self.item.as_mut()) {
            (Field::ChannelDate, _) => self.listing.date = Some(text.trim().to_string()),
            (Field::SkipDay, _) => self.listing.skip_days.push(text.trim().to_string()),
            (Field::Title, Some(i)) => i.title = text,
            (Field::Guid, Some(i)) => i.guid = text,
            (Field::Link, Some(i)) => i.link = text,
            (Field::Description, Some(i)) => i.description = text,
            (Field::Category, Some(i)) => i.categories.push(text.trim().to_string()),
            (Field::Kind, Some(i)) => i.kind = text,
            (Field::Creator, Some(i)) => i.creator = text,
            _ => {}
        }
    }

    fn end(&mut self, _depth: usize) {
        if self.path.last().is_some_and(|n| n == b"item")
            && let Some(item) = self.item.take()
        {
            match finish(item) {
                Some(a) => self.listing.items.push(a),
                None => self.listing.unreadable += 1,
            }
        }
        self.path.pop();
    }
}

/// An item as an announced paper: the id and version from `<guid>` (else the link and the
/// description's `arXiv:<id>vN`), the abstract after `Abstract:`.
fn finish(item: Item) -> Option<Announced> {
    let from_guid = item.guid.trim().strip_prefix("oai:arXiv.org:");
    let from_description = item
        .description
        .split_whitespace()
        .next()
        .and_then(|w| w.strip_prefix("arXiv:"));
    let (id, version) = from_guid
        .or(from_description)
        .and_then(|s| ArxivId::parse_versioned(s).ok())
        .or_else(|| {
            let link = item.link.trim();
            let id = link.rsplit_once("/abs/").map_or(link, |(_, id)| id);
            ArxivId::parse_versioned(id).ok()
        })?;
    let summary = item
        .description
        .split_once("Abstract:")
        .map_or("", |(_, a)| a);
    Some(Announced {
        id,
        version: version.unwrap_or(1),
        kind: Announce::parse(&item.kind),
        title: collapse_whitespace(&item.title),
        summary: collapse_whitespace(summary),
        categories: item.categories,
        authors: item
            .creator
            .split(',')
            .map(collapse_whitespace)
            .filter(|a| !a.is_empty())
            .collect(),
    })
}

/// Parses one listing.
pub fn parse_listing(body: &str) -> Result<Listing, ListingError> {
    let mut handler = RssHandler::default();
    xml::walk(body, &mut handler).map_err(|e| match e {
        WalkError::Malformed { offset, message } => ListingError::Xml { offset, message },
        WalkError::Root(name) => ListingError::NotRss(name),
    })?;
    Ok(handler.listing)
}

/// What a listing's server said last time, to ask again conditionally.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    /// The `ETag`.
    pub etag: Option<String>,
    /// The `Last-Modified`.
    pub last_modified: Option<String>,
}

/// A listing's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// 304: unchanged since the validators were given.
    NotModified,
    /// The listing, and what to ask with next time.
    Fresh(Listing, Validators),
}

/// The URL of the listing of `categories` under `base` (`https://rss.arxiv.org/rss/`).
pub fn listing_url(base: &str, categories: &[String]) -> String {
    format!("{}/{}", base.trim_end_matches('/'), categories.join("+"))
}

/// GETs a listing once, conditionally; `timeout` bounds the request. A failure is a
/// [`ListingError::Http`] naming the status or the transport problem.
pub fn fetch_listing(
    url: &str,
    validators: &Validators,
    user_agent: &str,
    timeout: Duration,
) -> Result<Fetched, ListingError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .user_agent(user_agent)
        .build()
        .into();
    let mut request = agent.get(url);
    if let Some(etag) = &validators.etag {
        request = request.header("If-None-Match", etag.as_str());
    }
    if let Some(date) = &validators.last_modified {
        request = request.header("If-Modified-Since", date.as_str());
    }
    let mut response = request
        .call()
        .map_err(|e| ListingError::Http(format!("{url}: {e}")))?;
    let status = response.status().as_u16();
    if status == 304 {
        return Ok(Fetched::NotModified);
    }
    if status != 200 {
        return Err(ListingError::Http(format!("{url}: HTTP {status}")));
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let next = Validators {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| ListingError::Http(format!("{url}: {e}")))?;
    Ok(Fetched::Fresh(parse_listing(&body)?, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEEKDAY: &str = include_str!("../../tests/fixtures/rss/cs.AI+cs.LG-2026-02-06.xml");
    const SATURDAY: &str = include_str!("../../tests/fixtures/rss/cs.AI-2026-02-07.xml");

    #[test]
    fn a_weekday_listing_gives_each_paper_its_version_type_and_text() {
        let l = parse_listing(WEEKDAY).unwrap();
        assert_eq!(l.date.as_deref(), Some("Fri, 06 Feb 2026 00:00:00 -0500"));
        assert_eq!(l.skip_days, ["Saturday", "Sunday"]);
        assert_eq!(l.unreadable, 0);
        let got: Vec<(String, u32, Announce)> = l
            .items
            .iter()
            .map(|a| (a.id.to_string(), a.version, a.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("2512.21835".to_string(), 1, Announce::New),
                ("2507.02135".to_string(), 1, Announce::Cross),
                ("2408.13933".to_string(), 3, Announce::Replace),
                ("2501.14794".to_string(), 2, Announce::ReplaceCross),
            ]
        );
        let first = &l.items[0];
        assert_eq!(first.categories, ["cs.LG", "cs.DC"]);
        assert_eq!(first.authors, ["Mingyu Sun", "Xiao Zhang", "Shen Qu"]);
        assert!(
            first
                .summary
                .starts_with("Large language models (LLMs) have emerged")
        );
        assert!(first.summary.ends_with("reasoning & decision-making."));
        assert!(!first.summary.contains("Announce Type"));
        assert!(Announce::Cross.is_new() && !Announce::Replace.is_new());
    }

    #[test]
    fn a_saturday_listing_is_empty_with_its_skip_days() {
        let l = parse_listing(SATURDAY).unwrap();
        assert!(l.items.is_empty());
        assert_eq!(l.skip_days, ["Saturday", "Sunday"]);
        assert_eq!(l.date.as_deref(), Some("Sat, 07 Feb 2026 00:00:00 -0500"));
    }

    #[test]
    fn what_is_not_a_listing_says_so() {
        assert_eq!(
            parse_listing("<html><body>rate limited</body></html>"),
            Err(ListingError::NotRss("html".into()))
        );
        assert!(matches!(
            parse_listing(&WEEKDAY[..WEEKDAY.len() / 2]),
            Err(ListingError::Xml { .. })
        ));
        assert_eq!(
            listing_url(
                "https://rss.arxiv.org/rss/",
                &["cs.AI".into(), "cs.LG".into()]
            ),
            "https://rss.arxiv.org/rss/cs.AI+cs.LG"
        );
    }
}
