//! Atom and RSS 2.0 feeds of shown papers, newest first by the time paperwatch first saw them.
//! Entry ids are the version-less abstract URL, so an entry keeps its id across revisions.
//! Written with the `atom_syndication` and `rss` crates, which escape all text.

use atom_syndication as atom;
use jiff::Timestamp;

use crate::model::Paper;

/// Entries per feed: the newest.
pub const FEED_LIMIT: usize = 200;

/// One paper in a feed.
#[derive(Debug, Clone)]
pub struct FeedItem<'a> {
    /// The paper.
    pub paper: &'a Paper,
    /// When it was first seen (in this topic, for a topic feed).
    pub first_seen: Timestamp,
    /// The topics it is shown in.
    pub topics: Vec<&'a str>,
    /// A code link, when known.
    pub code: Option<&'a str>,
}

/// What describes a feed.
#[derive(Debug, Clone)]
pub struct FeedMeta<'a> {
    /// The feed's title.
    pub title: &'a str,
    /// A stable id (`urn:…` or the feed's URL).
    pub id: &'a str,
    /// The feed's own URL, when the site's URL is known.
    pub self_url: Option<&'a str>,
    /// The site's page for the feed, when known.
    pub site_url: Option<&'a str>,
    /// The feed's `updated` time when it has no entries. With entries it is the newest
    /// entry's, so the feed's bytes move only when its content does.
    pub updated_if_empty: Timestamp,
}

/// The stable id of a paper's entry: its version-less abstract URL.
pub fn entry_id(paper: &Paper) -> String {
    crate::text::abs_url(&paper.id)
}

fn fixed(t: Timestamp) -> atom::FixedDateTime {
    t.to_string()
        .parse()
        .expect("an RFC 3339 timestamp parses as a fixed-offset date")
}

fn sorted<'a>(items: &'a [FeedItem<'a>]) -> Vec<&'a FeedItem<'a>> {
    let mut v: Vec<&FeedItem> = items.iter().collect();
    v.sort_by(|a, b| {
        b.first_seen
            .cmp(&a.first_seen)
            .then_with(|| b.paper.id.cmp(&a.paper.id))
    });
    v.truncate(FEED_LIMIT);
    v
}

/// Text as XML 1.0 allows it: control characters and non-characters (which a database
/// written before they were cleaned at the door may still hold) are dropped; the crates escape
/// the rest.
fn xml(text: &str) -> String {
    crate::model::clean_text(text).into_owned()
}

/// An entry's `updated`: when it was first seen, or revised since.
fn entry_updated(item: &FeedItem) -> Timestamp {
    item.first_seen.max(item.paper.updated)
}

/// The feed's `updated`: its newest entry's.
fn feed_updated(meta: &FeedMeta, entries: &[&FeedItem]) -> Timestamp {
    entries
        .iter()
        .map(|item| entry_updated(item))
        .max()
        .unwrap_or(meta.updated_if_empty)
}

fn link(href: &str, rel: &str, mime: Option<&str>) -> atom::Link {
    let mut l = atom::Link::default();
    l.set_href(href);
    l.set_rel(rel);
    l.set_mime_type(mime.map(str::to_string));
    l
}

/// An Atom feed.
pub fn atom(meta: &FeedMeta, items: &[FeedItem]) -> String {
    let mut feed = atom::Feed::default();
    feed.set_title(atom::Text::plain(xml(meta.title)));
    feed.set_id(meta.id);
    let items = sorted(items);
    feed.set_updated(fixed(feed_updated(meta, &items)));
    let mut links = Vec::new();
    if let Some(url) = meta.self_url {
        links.push(link(url, "self", Some("application/atom+xml")));
    }
    if let Some(url) = meta.site_url {
        links.push(link(url, "alternate", Some("text/html")));
    }
    feed.set_links(links);
    let mut generator = atom::Generator::default();
    generator.set_value("paperwatch");
    generator.set_version(Some(env!("CARGO_PKG_VERSION").to_string()));
    feed.set_generator(Some(generator));
    let entries: Vec<atom::Entry> = items
        .into_iter()
        .map(|item| {
            let p = item.paper;
            let mut e = atom::Entry::default();
            e.set_id(entry_id(p));
            e.set_title(atom::Text::plain(xml(&p.title)));
            // A revision after the paper was first seen moves `updated`: readers see it again.
            e.set_updated(fixed(entry_updated(item)));
            e.set_published(Some(fixed(p.published)));
            e.set_summary(Some(atom::Text::plain(xml(&p.summary))));
            let mut links = vec![
                link(
                    &crate::text::legacy_abs_url(p.versioned_id()),
                    "alternate",
                    Some("text/html"),
                ),
                link(
                    &crate::text::pdf_url(p.versioned_id()),
                    "related",
                    Some("application/pdf"),
                ),
            ];
            if let Some(code) = item.code {
                links.push(link(code, "related", Some("text/html")));
            }
            e.set_links(links);
            e.set_authors(
                p.authors
                    .iter()
                    .map(|a| {
                        let mut person = atom::Person::default();
                        person.set_name(xml(a));
                        person
                    })
                    .collect::<Vec<_>>(),
            );
            e.set_categories(
                p.categories
                    .iter()
                    .map(|c| {
                        let mut cat = atom::Category::default();
                        cat.set_term(xml(c));
                        cat.set_scheme(Some("http://arxiv.org/schemas/atom".to_string()));
                        cat
                    })
                    .chain(item.topics.iter().map(|t| {
                        // A topic is the tracker's own term: no scheme (one must be a URI).
                        let mut cat = atom::Category::default();
                        cat.set_term(xml(t));
                        cat.set_label(Some(format!("topic: {}", xml(t))));
                        cat
                    }))
                    .collect::<Vec<_>>(),
            );
            e
        })
        .collect();
    feed.set_entries(entries);
    let mut out = feed.to_string();
    out.push('\n');
    out
}

/// An RSS 2.0 feed.
pub fn rss(meta: &FeedMeta, items: &[FeedItem]) -> String {
    let printer = jiff::fmt::rfc2822::DateTimePrinter::new();
    let date = |t: Timestamp| {
        printer
            .timestamp_to_rfc9110_string(&t)
            .expect("a timestamp in range prints")
    };
    let mut channel = rss::Channel::default();
    channel.set_title(xml(meta.title));
    channel.set_link(meta.site_url.unwrap_or("https://arxiv.org"));
    channel.set_description(format!("New arXiv papers tracked by {}", xml(meta.title)));
    channel.set_generator(Some(format!("paperwatch {}", env!("CARGO_PKG_VERSION"))));
    let items = sorted(items);
    channel.set_last_build_date(Some(date(feed_updated(meta, &items))));
    if let Some(url) = meta.self_url {
        let mut ext = rss::extension::atom::AtomExtension::default();
        let mut self_link = rss::extension::atom::Link::default();
        self_link.set_href(url);
        self_link.set_rel("self");
        self_link.set_mime_type(Some("application/rss+xml".to_string()));
        ext.set_links(vec![self_link]);
        channel.set_atom_ext(Some(ext));
    }
    let items: Vec<rss::Item> = items
        .into_iter()
        .map(|item| {
            let p = item.paper;
            let mut i = rss::Item::default();
            i.set_title(Some(xml(&p.title)));
            i.set_link(Some(crate::text::legacy_abs_url(p.versioned_id())));
            // Readers take an RSS description as HTML: escaped, an abstract's `x < y` stays
            // text instead of starting a tag.
            i.set_description(Some(crate::text::html_escape(&p.summary)));
            let mut dc = rss::extension::dublincore::DublinCoreExtension::default();
            dc.set_creators(p.authors.iter().map(|a| xml(a)).collect::<Vec<_>>());
            i.set_dublin_core_ext(Some(dc));
            i.set_pub_date(Some(date(item.first_seen)));
            let mut guid = rss::Guid::default();
            guid.set_value(entry_id(p));
            guid.set_permalink(false);
            i.set_guid(Some(guid));
            i.set_categories(
                p.categories
                    .iter()
                    .map(|c| {
                        let mut cat = rss::Category::default();
                        cat.set_name(xml(c));
                        cat
                    })
                    .collect::<Vec<_>>(),
            );
            i
        })
        .collect();
    channel.set_items(items);
    let mut out = channel.to_string();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_moves_an_atom_entrys_updated_and_topics_have_no_fake_scheme() {
        let paper = Paper {
            id: crate::model::ArxivId::parse("2501.00001").unwrap(),
            version: 2,
            title: "T".into(),
            authors: vec!["A".into()],
            summary: "S".into(),
            categories: vec!["cs.LG".into()],
            primary_category: "cs.LG".into(),
            published: "2025-01-01T00:00:00Z".parse().unwrap(),
            updated: "2025-03-01T00:00:00Z".parse().unwrap(),
            comment: None,
            journal_ref: None,
            doi: None,
        };
        let item = |first_seen: &str| FeedItem {
            paper: &paper,
            first_seen: first_seen.parse().unwrap(),
            topics: vec!["npu"],
            code: None,
        };
        let meta = FeedMeta {
            title: "t",
            id: "urn:x",
            self_url: None,
            site_url: None,
            updated_if_empty: "2025-03-02T00:00:00Z".parse().unwrap(),
        };
        let feed = atom(&meta, &[item("2025-01-02T00:00:00Z")]);
        let parsed = atom_syndication::Feed::read_from(feed.as_bytes()).unwrap();
        let entry = &parsed.entries()[0];
        assert_eq!(
            entry.updated().to_rfc3339(),
            "2025-03-01T00:00:00+00:00",
            "revised after first seen"
        );
        let topic = entry
            .categories()
            .iter()
            .find(|c| c.term() == "npu")
            .unwrap();
        assert_eq!(topic.scheme(), None);
        let feed = atom(&meta, &[item("2025-04-01T00:00:00Z")]);
        let parsed = atom_syndication::Feed::read_from(feed.as_bytes()).unwrap();
        assert_eq!(
            parsed.entries()[0].updated().to_rfc3339(),
            "2025-04-01T00:00:00+00:00",
            "first seen after its last revision"
        );
        // The feed dates itself by its newest entry, not by the clock; empty, by its fallback.
        assert_eq!(parsed.updated().to_rfc3339(), "2025-04-01T00:00:00+00:00");
        let empty = atom_syndication::Feed::read_from(atom(&meta, &[]).as_bytes()).unwrap();
        assert_eq!(empty.updated().to_rfc3339(), "2025-03-02T00:00:00+00:00");
    }
}
