//! The static site: a small HTML shell per page (all topics, and one per topic), the papers as
//! data (`papers.json`, and `papers.js` so the page also works from `file://`, where browsers
//! refuse to `fetch` local files), a vanilla script for instant search, topic and date filters
//! and sorting, and a stylesheet. No CDN, no build step. Untrusted text reaches the page only
//! through `textContent` (in the script) or [`html_escape`] (in the shell).

use std::borrow::Cow;
use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::model::{Paper, clean_text};

const APP_JS: &str = include_str!("site/app.js");
const STYLE_CSS: &str = include_str!("site/style.css");

/// A paper as the site shows it.
#[derive(Debug, Clone)]
pub struct SitePaper<'a> {
    /// The paper.
    pub paper: &'a Paper,
    /// Indexes into [`SiteInput::topics`] of the topics it is shown in.
    pub topics: Vec<usize>,
    /// Its score in each of those topics, in the same order.
    pub scores: Vec<Option<f64>>,
    /// Its best relevance score.
    pub score: Option<f64>,
    /// A code link, when known.
    pub code: Option<&'a str>,
    /// A short summary, when there is one.
    pub tldr: Option<&'a str>,
}

/// Everything the site shows.
#[derive(Debug, Clone)]
pub struct SiteInput<'a> {
    /// The site's title.
    pub title: &'a str,
    /// Generation time (now).
    pub generated: Timestamp,
    /// Topic names, in config order.
    pub topics: Vec<&'a str>,
    /// The shown papers, each once.
    pub papers: Vec<SitePaper<'a>>,
    /// The trend chart, when there is one.
    pub trend_svg: Option<&'a str>,
}

/// A file of the site: path relative to the site folder, and its bytes.
pub type SiteFile = (String, Vec<u8>);

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            c if crate::model::is_unwanted_char(c) => {}
            c => s.push(c),
        }
    }
    s
}

/// A file-name-safe slug of a topic name (`Image Matching` → `image-matching`).
pub fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "topic".into() } else { s }
}

/// Slugs of all topics, made unique with `-2`, `-3`… in order.
pub fn slugs(names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let base = slug(name);
        let mut candidate = base.clone();
        let mut n = 2;
        while out.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        out.push(candidate);
    }
    out
}

/// The anchor of a paper on the site: `arXiv-2407.05858`, `arXiv-hep-th-9901001`.
pub fn anchor(paper: &Paper) -> String {
    format!("arXiv-{}", paper.id.as_str().replace('/', "-"))
}

#[derive(Serialize)]
struct Data<'a> {
    title: &'a str,
    generated: String,
    topics: Vec<TopicData<'a>>,
    papers: Vec<PaperData<'a>>,
}

#[derive(Serialize)]
struct TopicData<'a> {
    name: &'a str,
    slug: String,
    count: usize,
}

#[derive(Serialize)]
struct PaperData<'a> {
    id: &'a str,
    anchor: String,
    version: u32,
    title: Cow<'a, str>,
    authors: Vec<Cow<'a, str>>,
    #[serde(rename = "abstract")]
    summary: Cow<'a, str>,
    categories: Vec<Cow<'a, str>>,
    /// The latest version's date, as the README shows it.
    date: String,
    published: String,
    topics: &'a [usize],
    /// The score in each of `topics`: a topic page ranks by its own.
    scores: Vec<Option<f64>>,
    score: Option<f64>,
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tldr: Option<Cow<'a, str>>,
}

fn day(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC).date().to_string()
}

/// The data file's JSON.
fn data_json(input: &SiteInput, slugs: &[String]) -> String {
    let mut counts = vec![0usize; input.topics.len()];
    for p in &input.papers {
        for &t in &p.topics {
            counts[t] += 1;
        }
    }
    let data = Data {
        title: input.title,
        generated: input.generated.to_string(),
        topics: input
            .topics
            .iter()
            .zip(slugs)
            .zip(&counts)
            .map(|((name, slug), count)| TopicData {
                name,
                slug: slug.clone(),
                count: *count,
            })
            .collect(),
        papers: input
            .papers
            .iter()
            .map(|p| PaperData {
                id: p.paper.id.as_str(),
                anchor: anchor(p.paper),
                version: p.paper.version,
                // Text as stored may predate cleaning at the door: no control characters here.
                title: clean_text(&p.paper.title),
                authors: p.paper.authors.iter().map(|a| clean_text(a)).collect(),
                summary: clean_text(&p.paper.summary),
                categories: p.paper.categories.iter().map(|c| clean_text(c)).collect(),
                date: day(p.paper.updated),
                published: day(p.paper.published),
                topics: &p.topics,
                scores: p
                    .scores
                    .iter()
                    .map(|s| s.map(|s| (s * 1000.0).round() / 1000.0))
                    .collect(),
                score: p.score.map(|s| (s * 1000.0).round() / 1000.0),
                code: p.code,
                tldr: p.tldr.map(clean_text),
            })
            .collect(),
    };
    serde_json::to_string(&data).expect("plain data serializes")
}

/// One page: all topics (`topic = None`, at the site root) or one topic (under `topics/`).
fn page(input: &SiteInput, slugs: &[String], topic: Option<usize>) -> String {
    let root = if topic.is_some() { "../" } else { "" };
    let title = match topic {
        Some(t) => format!("{}: {}", input.title, input.topics[t]),
        None => input.title.to_string(),
    };
    let feed = match topic {
        Some(t) => format!("{}.xml", slugs[t]),
        None => "feed.xml".to_string(),
    };
    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{root}style.css">
<link rel="alternate" type="application/atom+xml" title="{title} (Atom)" href="{feed}">
</head>
<body data-topic="{topic_attr}">
<header>
<h1>{title}</h1>
<p class="sub">Updated {updated} · {count} papers · <a href="{feed}">Atom feed</a> · <a href="{root}rss.xml">RSS</a></p>
<nav aria-label="Topics"><a href="{root}index.html"{all_current}>All topics</a>"#,
        title = html_escape(&title),
        topic_attr = topic.map_or(String::new(), |t| html_escape(input.topics[t])),
        updated = day(input.generated),
        count = match topic {
            Some(t) => input
                .papers
                .iter()
                .filter(|p| p.topics.contains(&t))
                .count(),
            None => input.papers.len(),
        },
        all_current = if topic.is_none() {
            r#" aria-current="page""#
        } else {
            ""
        },
    );
    for (i, name) in input.topics.iter().enumerate() {
        let _ = write!(
            s,
            r#" <a href="{root}topics/{}.html"{}>{}</a>"#,
            slugs[i],
            if topic == Some(i) {
                r#" aria-current="page""#
            } else {
                ""
            },
            html_escape(name)
        );
    }
    s.push_str("</nav>\n</header>\n<main>\n");
    if input.trend_svg.is_some() {
        let _ = writeln!(
            s,
            r#"<figure class="trend"><img src="{root}trend.svg" alt="Chart of arXiv papers per month" width="1800" height="800"></figure>"#
        );
    }
    let _ = write!(
        s,
        r#"<form id="controls" role="search" onsubmit="return false">
<div><label for="q">Search</label><input id="q" type="search" placeholder="Title, abstract or author" autocomplete="off"></div>
<div><label for="topic">Topic</label><select id="topic"><option value="">All topics</option>"#
    );
    for (i, name) in input.topics.iter().enumerate() {
        let _ = write!(
            s,
            r#"<option value="{i}"{}>{}</option>"#,
            if topic == Some(i) { " selected" } else { "" },
            html_escape(name)
        );
    }
    s.push_str(
        r#"</select></div>
<div><label for="from">From</label><input id="from" type="date"></div>
<div><label for="to">To</label><input id="to" type="date"></div>
<div><label for="sort">Sort</label><select id="sort"><option value="new">Newest first</option><option value="old">Oldest first</option><option value="score">Most relevant</option><option value="title">Title</option></select></div>
</form>
<p id="count" aria-live="polite"></p>
<ol id="papers"></ol>
<p><button id="more" type="button" hidden>Show more</button></p>
<noscript><p>The list needs JavaScript; the data is in <a href="papers.json">papers.json</a> and the feeds.</p></noscript>
</main>
"#,
    );
    let _ = write!(
        s,
        r#"<script src="{root}papers.js"></script>
<script src="{root}app.js"></script>
</body>
</html>
"#
    );
    s
}

/// Every file of the site.
pub fn site(input: &SiteInput) -> Vec<SiteFile> {
    let slugs = slugs(&input.topics);
    let json = data_json(input, &slugs);
    // In a <script>, `</` must not appear; JSON allows `\/` for `/`.
    let js = format!("window.PAPERWATCH_DATA = {};\n", json.replace("</", "<\\/"));
    let mut files: Vec<SiteFile> = vec![
        ("index.html".into(), page(input, &slugs, None).into_bytes()),
        ("papers.json".into(), format!("{json}\n").into_bytes()),
        ("papers.js".into(), js.into_bytes()),
        ("app.js".into(), APP_JS.as_bytes().to_vec()),
        ("style.css".into(), STYLE_CSS.as_bytes().to_vec()),
    ];
    for (i, slug) in slugs.iter().enumerate() {
        files.push((
            format!("topics/{slug}.html"),
            page(input, &slugs, Some(i)).into_bytes(),
        ));
    }
    if let Some(svg) = input.trend_svg {
        files.push(("trend.svg".into(), svg.as_bytes().to_vec()));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_unique() {
        assert_eq!(slug("Image Matching"), "image-matching");
        assert_eq!(slug("npu_acceleration"), "npu_acceleration");
        assert_eq!(slug("../x"), "x");
        assert_eq!(slug("***"), "topic");
        assert_eq!(slugs(&["a b", "a-b", "A B"]), ["a-b", "a-b-2", "a-b-3"]);
    }

    #[test]
    fn escaping() {
        assert_eq!(
            html_escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
