//! The static site: a small HTML shell per page (all topics, and one per topic), the papers as
//! data in scripts (`data/index.js`, then one file per year, split past [`SHARD_PAPERS`], and
//! `data/similar.js`, each paper's most similar shown papers; scripts
//! so that the page also works from `file://`, where browsers refuse to `fetch` local files),
//! a vanilla script for instant search, topic and date filters and sorting that loads only the
//! data files a view needs, and a stylesheet. No CDN, no build step. Untrusted text reaches the page only
//! through `textContent` (in the script) or [`html_escape`] (in the shell).

use std::borrow::Cow;
use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::model::{Paper, clean_text};
use crate::text::html_escape;

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
    /// The ids of the shown papers most like it, best first (`data/similar.js`).
    pub similar: Vec<&'a str>,
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
    /// At most this many papers per data file ([`SHARD_PAPERS`]).
    pub shard_papers: usize,
    /// The GitHub `owner/repo` each paper's 👍/👎 links open issues on, when feedback goes
    /// through GitHub.
    pub feedback: Option<&'a str>,
    /// The local inbox (`http://127.0.0.1:PORT`) each paper's 👍/👎 links open its page in,
    /// when feedback goes through `paperwatch serve`.
    pub inbox: Option<String>,
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

/// At most this many papers per data file: a year with more is split into several, filled from
/// its oldest paper on, so that news changes only the newest file of its year.
pub const SHARD_PAPERS: usize = 2000;

/// The index every page loads first: the topics and the data files, newest first, with how many
/// papers each holds (in all and per topic) and the dates they span, so that the script loads
/// only the files the current view needs.
#[derive(Serialize)]
struct Index<'a> {
    title: &'a str,
    generated: String,
    topics: Vec<TopicData<'a>>,
    shards: Vec<ShardData>,
    /// The GitHub `owner/repo` the 👍/👎 links open issues on (`[feedback] mode = "github"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    feedback: Option<&'a str>,
    /// The local inbox the 👍/👎 links open a paper's page in (`[feedback] mode = "serve"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    inbox: Option<&'a str>,
}

#[derive(Serialize)]
struct TopicData<'a> {
    name: &'a str,
    slug: String,
    count: usize,
}

#[derive(Serialize)]
struct ShardData {
    file: String,
    newest: String,
    oldest: String,
    count: usize,
    counts: Vec<usize>,
}

/// One data file: `PAPERWATCH_SHARD({"file": …, "papers": […]});`.
#[derive(Serialize)]
struct ShardFile<'a> {
    file: &'a str,
    papers: Vec<PaperData<'a>>,
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

fn paper_data<'a>(p: &'a SitePaper) -> PaperData<'a> {
    let rounded = |s: f64| (s * 1000.0).round() / 1000.0;
    PaperData {
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
        scores: p.scores.iter().map(|s| s.map(rounded)).collect(),
        score: p.score.map(rounded),
        code: p.code,
        tldr: p.tldr.map(clean_text),
    }
}

/// A data file's papers, newest first (by date, then id, as the page sorts).
struct Shard<'s, 'a> {
    file: String,
    papers: Vec<&'s SitePaper<'a>>,
}

/// The papers split into data files: by the year of their date, at most `size` to a file,
/// newest file first.
fn shards<'s, 'a>(papers: &'s [SitePaper<'a>], size: usize) -> Vec<Shard<'s, 'a>> {
    let mut sorted: Vec<(String, &SitePaper)> =
        papers.iter().map(|p| (day(p.paper.updated), p)).collect();
    sorted.sort_unstable_by(|a, b| {
        (a.0.as_str(), a.1.paper.id.as_str()).cmp(&(b.0.as_str(), b.1.paper.id.as_str()))
    });
    let mut out = Vec::new();
    for year in sorted.chunk_by(|a, b| a.0[..4] == b.0[..4]) {
        for (n, chunk) in year.chunks(size.max(1)).enumerate() {
            out.push(Shard {
                file: format!("{}-{}.js", &chunk[0].0[..4], n + 1),
                papers: chunk.iter().rev().map(|(_, p)| *p).collect(),
            });
        }
    }
    out.reverse();
    out
}

/// In a `<script>`, `</` must not appear; JSON allows `\/` for `/`.
fn script_safe(json: &str) -> String {
    json.replace("</", "<\\/")
}

/// The search form: text, topic (the page's own selected), date range and order.
fn controls(s: &mut String, input: &SiteInput, topic: Option<usize>) {
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
"#,
    );
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
    controls(&mut s, input, topic);
    let _ = writeln!(
        s,
        r#"<noscript><p>The list needs JavaScript; the newest papers are also in the <a href="{feed}">Atom feed</a>.</p></noscript>
</main>"#
    );
    let _ = write!(
        s,
        r#"<script src="{root}data/index.js"></script>
<script src="{root}data/similar.js"></script>
<script src="{root}app.js"></script>
</body>
</html>
"#
    );
    s
}

/// Writes every file of the site through `write` (a path relative to the site folder, and its
/// bytes), one data file at a time, and returns the paths written.
pub fn site<E>(
    input: &SiteInput,
    mut write: impl FnMut(&str, &[u8]) -> Result<(), E>,
) -> Result<Vec<String>, E> {
    let slugs = slugs(&input.topics);
    let mut written = Vec::new();
    let mut put = |path: String, bytes: &[u8]| {
        write(&path, bytes)?;
        written.push(path);
        Ok(())
    };
    let shards = shards(&input.papers, input.shard_papers);
    let mut counts = vec![0usize; input.topics.len()];
    let mut index = Vec::with_capacity(shards.len());
    for shard in &shards {
        let mut shard_counts = vec![0usize; input.topics.len()];
        for p in &shard.papers {
            for &t in &p.topics {
                shard_counts[t] += 1;
                counts[t] += 1;
            }
        }
        let file = ShardFile {
            file: &shard.file,
            papers: shard.papers.iter().map(|p| paper_data(p)).collect(),
        };
        let json = serde_json::to_string(&file).expect("plain data serializes");
        let js = format!("PAPERWATCH_SHARD({});\n", script_safe(&json));
        put(format!("data/{}", shard.file), js.as_bytes())?;
        let (first, last) = (shard.papers[0], shard.papers[shard.papers.len() - 1]);
        index.push(ShardData {
            file: shard.file.clone(),
            newest: day(first.paper.updated),
            oldest: day(last.paper.updated),
            count: shard.papers.len(),
            counts: shard_counts,
        });
    }
    let index = Index {
        title: input.title,
        generated: input.generated.to_string(),
        topics: input
            .topics
            .iter()
            .zip(&slugs)
            .zip(&counts)
            .map(|((name, slug), count)| TopicData {
                name,
                slug: slug.clone(),
                count: *count,
            })
            .collect(),
        shards: index,
        feedback: input.feedback,
        inbox: input.inbox.as_deref(),
    };
    let json = serde_json::to_string(&index).expect("plain data serializes");
    let js = format!("window.PAPERWATCH_DATA = {};\n", script_safe(&json));
    put("data/index.js".into(), js.as_bytes())?;
    put("data/similar.js".into(), similar_js(input).as_bytes())?;
    put("index.html".into(), page(input, &slugs, None).as_bytes())?;
    put("app.js".into(), APP_JS.as_bytes())?;
    put("style.css".into(), STYLE_CSS.as_bytes())?;
    for (i, slug) in slugs.iter().enumerate() {
        put(
            format!("topics/{slug}.html"),
            page(input, &slugs, Some(i)).as_bytes(),
        )?;
    }
    if let Some(svg) = input.trend_svg {
        put("trend.svg".into(), svg.as_bytes())?;
    }
    Ok(written)
}

/// `data/similar.js`: each paper's most similar shown papers, one paper a line, by id. A file of
/// its own, so that news (which moves some of these lists) leaves the older data files alone.
fn similar_js(input: &SiteInput) -> String {
    let mut lines: Vec<String> = input
        .papers
        .iter()
        .filter(|p| !p.similar.is_empty())
        .map(|p| {
            let ids = serde_json::to_string(&p.similar).expect("plain data serializes");
            format!(
                "{}:{}",
                serde_json::to_string(p.paper.id.as_str()).expect("a string"),
                ids
            )
        })
        .collect();
    lines.sort();
    format!(
        "window.PAPERWATCH_SIMILAR = {{\n{}\n}};\n",
        script_safe(&lines.join(",\n"))
    )
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
