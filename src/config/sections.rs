//! Every section setting, each declared once with [`section!`]: its doc line (the README
//! reference's), its typed field, the raw type it is read as, its default and its check. The
//! checks below turn raw values into the fields' types; an error points where the bad value
//! came from (file line, variable or default).

use std::path::PathBuf;
use std::time::Duration;

use super::error::ConfigError;
use super::raw::{Check, DateText, Seconds, choices, is_env_name, section};
use crate::model::Bucket;

section! {
    /// `[arxiv]`.
    ArxivSettings, "arxiv", "`[arxiv]`: asking arXiv" {
        /// The export API endpoint (point it at a mock for tests).
        api_url: String = String ["https://export.arxiv.org/api/query".into()] => url;
        /// The OAI-PMH endpoint `import --oai` harvests (on arxiv.org the pause is at least 3 s whatever `delay_seconds` says).
        oai_url: String = String ["https://oaipmh.arxiv.org/oai".into()] => url;
        /// Minimum pause between requests, across topics. Below 3 is refused for `*.arxiv.org`.
        delay_seconds: Duration = Seconds [Seconds(3.0)] => seconds;
        /// Results asked for in a topic's first request of a run (1–2000), so a quiet day costs one small page; later pages of a deep fetch ask for 2000 (arXiv's maximum). Also the `id_list` batch size.
        page_size: usize = i64 [100] => |n, c: &Check| count(n, c, 1..=2000, " (arXiv's limit)");
        /// A cap on the papers kept per search topic: its first run keeps the newest this many, and says so on its topic line and in `stats` when that cuts its history.
        max_results: Option<usize> = Option<i64> [none "none (a topic's whole history)"]
            => |n: Option<i64>, c: &Check| n.map(|n| count(n, c, 1..=10_000_000, "")).transpose();
        /// `YYYY-MM-DD`: a topic's first run pages back to papers submitted on or after this date.
        since: Option<jiff::civil::Date> = Option<DateText> [none "none (no limit)"] => since;
        /// Retries after the first attempt (0–20).
        retries: u32 = i64 [5] => |n, c: &Check| count(n, c, 0..=20, "").map(|n| n as u32);
        /// Time limit for one request.
        timeout_seconds: Duration = Seconds [Seconds(30.0)] => positive_seconds;
        /// Check each run against arXiv's daily announcement listing (RSS, one conditional GET): a paper announced in the topics' categories that a topic's query matches but the search does not return yet is fetched by id, and the run says why a day is quiet.
        listing: bool = bool [true] => keep;
        /// The announcement listing's base URL; the categories are appended, joined with `+`.
        listing_url: String = String ["https://rss.arxiv.org/rss/".into()] => url;
        /// The categories whose listing is checked. Comma-separated in the environment.
        listing_categories: Vec<String> = Vec<String> [none "those the topics' queries name with `cat:`, else the archives of the stored papers' primary categories"] => categories;
    }
}

section! {
    /// `[database]`.
    DatabaseSettings, "database", "`[database]`" {
        /// How long a command waits for another paperwatch run on the same database to finish before it exits 75.
        lock_wait_seconds: Duration = Seconds [Seconds(30.0)] => seconds;
        /// The SQLite database (created with its folder when missing).
        path: PathBuf = String ["paperwatch.db".into()] => path;
    }
}

section! {
    /// `[readme]`.
    ReadmeSettings, "readme", "`[readme]`" {
        /// Where the README is written.
        path: PathBuf = String ["README.md".into()] => path;
        /// A Markdown line under the badges.
        intro: Option<String> = Option<String> [none "none"] => text;
        /// GitHub `owner/repo` for the four badges and the eight footer link definitions.
        badges: Option<String> = Option<String> [none "none"] => badges;
        /// The image in the `![Monthly Trend](…)` line; the chart is written there (PNG, and SVG beside it).
        trend_image: Option<String> = Option<String> [none "none (`\"imgs/trend.png\"` in the embedded default)"] => text;
        /// README size cap in bytes (at least 10,000; GitHub shows at most 512,000); older months move to archive pages. `0`: no cap.
        max_bytes: Option<usize> = i64 [GITHUB_README_LIMIT as i64] => max_bytes;
        /// Where the per-month archive pages go.
        archive_dir: PathBuf = String ["docs/archive".into()] => path;
        /// Whose README format: `seed` (the seed's bansky-cl tables: date, title, categories, abstract, PDF, code) or `cv` (Vincentqyw/cv-arxiv-daily's: publish date, title, first author `et.al.`, PDF, code, with a table of contents and a usage line).
        layout: Layout = Layout [Layout::Seed] => keep;
        /// Also write cv-arxiv-daily's web page here (`docs/index.md`: front matter, web-style tables, no contents), as its `publish_gitpage` did.
        gitpage_path: Option<PathBuf> = Option<String> [none "none"] => optional_path;
        /// Also write cv-arxiv-daily's list here (`docs/wechat.md`: one bullet per paper), as its `publish_wechat` did.
        wechat_path: Option<PathBuf> = Option<String> [none "none"] => optional_path;
        /// The `## Updated on` date: the day of the run (the seed's format), or of the newest paper shown, so quiet days change no file.
        updated_on: UpdatedOn = UpdatedOn [UpdatedOn::Run] => keep;
    }
}

section! {
    /// `[site]`: the static site and feeds.
    SiteSettings, "site", "`[site]`: the static site and feeds" {
        /// Write the static site and feeds.
        enabled: bool = bool [true] => keep;
        /// The site's folder.
        path: PathBuf = String ["site".into()] => path;
        /// The site's and feeds' title.
        title: String = String ["paperwatch".into()] => keep;
        /// Where the site is published (e.g. `https://me.github.io/tracker`), for absolute feed links.
        url: Option<String> = Option<String> [none "none"]
            => |u, c: &Check| -> Result<_, ConfigError> {
                Ok(text(u, c)?.map(|u| u.trim_end_matches('/').to_string()))
            };
    }
}

section! {
    /// `[links]`: where code links come from.
    LinksSettings, "links", "`[links]`: code links" {
        /// Find the repository in the paper's abstract and arXiv comment.
        from_text: bool = bool [true] => keep;
        /// Ask the Hugging Face papers API (`githubRepo`) about shown papers without a link in their text.
        huggingface: bool = bool [true] => keep;
        /// Its base URL (point it at a mock in tests).
        huggingface_url: String = String ["https://huggingface.co".into()] => base_url;
        /// Pause between two requests of one lookup worker.
        huggingface_delay_seconds: Duration = Seconds [Seconds(0.1)] => seconds;
        /// Lookups in flight at once (1–16).
        huggingface_concurrency: usize = i64 [4] => |n, c: &Check| count(n, c, 1..=16, "");
        /// Most lookups in one run (Hugging Face allows an anonymous address 500 API requests per 5 minutes); the rest are asked in the next runs. `0`: none.
        huggingface_budget: usize = i64 [400] => |n, c: &Check| count(n, c, 0..=100_000, "");
        /// Time limit of one Hugging Face request.
        timeout_seconds: Duration = Seconds [Seconds(10.0)] => positive_seconds;
    }
}

section! {
    /// `[snapshot]`: the text copy of the database that lives in git.
    SnapshotSettings, "snapshot", "`[snapshot]`: the text copy of the database that lives in git" {
        /// Write the text snapshot and rebuild a missing or stale database from it.
        enabled: bool = bool [true] => keep;
        /// The papers file; `runs.jsonl` and `history.jsonl` go beside it.
        path: PathBuf = String ["data/papers.jsonl".into()]
            => |p: String, c: &Check| -> Result<_, ConfigError> { Ok(c.base().join(p)) };
    }
}

section! {
    /// `[chart]`: the trend chart written beside `readme.trend_image`.
    ChartSettings, "chart", "`[chart]`: the trend chart" {
        /// The chart's title.
        title: String = String ["arXiv papers per month".into()] => keep;
        /// Which date puts a paper in a month: `"published"` (first version), `"updated"` (latest version) or `"id"` (the month in the arXiv id, as cv-arxiv-daily did).
        bucket: Bucket = Bucket [Bucket::Published] => keep;
        /// Also draw one line per topic, with a legend.
        per_topic: bool = bool [false] => keep;
    }
}

section! {
    /// `[summarize]`: short summaries from a language model.
    SummarizeSettings, "summarize", "`[summarize]`: short summaries from a language model" {
        /// Ask an OpenAI-compatible chat-completions endpoint for a short summary of each paper about to be delivered (cached per paper, model and language).
        enabled: bool = bool [false] => keep;
        /// The endpoint's base URL (`…/chat/completions` is appended): OpenAI, a local Ollama (`http://127.0.0.1:11434/v1`), vLLM, DeepSeek…
        base_url: String = String ["https://api.openai.com/v1".into()] => base_url;
        /// The model asked.
        model: String = String ["gpt-4o-mini".into()] => keep;
        /// The environment variable holding the API key, sent only over https or to a loopback host (a local Ollama needs none). Unset, OpenAI's `base_url` reads `OPENAI_API_KEY` and any other endpoint gets no key, so an OpenAI key never goes to another provider.
        api_key_env: Option<String> = Option<String> [none "none (`OPENAI_API_KEY` for OpenAI's `base_url`)"] => env_name;
        /// The most tokens a summary may take (16–4000): `max_tokens`, or `max_completion_tokens` for models that refuse it.
        max_tokens: u32 = i64 [200] => |n, c: &Check| count(n, c, 16..=4000, "").map(|n| n as u32);
        /// The summaries' language (`"en"`, `"zh"`, `"de"`, …).
        language: String = String ["en".into()] => language;
        /// Papers summarised per run at most; the rest go out with the abstract's first sentences.
        max_per_run: usize = i64 [50] => |n, c: &Check| count(n, c, 0..=10_000, "");
        /// Time limit of one request.
        timeout_seconds: Duration = Seconds [Seconds(60.0)] => positive_seconds;
    }
}

section! {
    /// `[feedback]`: 👍/👎 links where papers are read.
    FeedbackSettings, "feedback", "`[feedback]`: 👍/👎 where papers are read" {
        /// Where each paper's "👍 more like this" and "👎 not for me" links point: `"github"` (a pre-filled issue on `repository`, which the tracker's workflow applies when its author is the repository's owner, a member or a collaborator), `"serve"` (the paper's page in the local inbox, `http://127.0.0.1:<[serve] port>`, where one click confirms) or `"none"`.
        mode: FeedbackMode = FeedbackMode [FeedbackMode::None] => keep;
        /// GitHub `owner/repo` the issue links open on (default: `[readme] badges`).
        repository: Option<String> = Option<String> [none "`[readme] badges`"]
            => |v, c: &Check| owner_repo(v, c, "feedback.repository");
    }
}

/// `[feedback] mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackMode {
    /// No links.
    None,
    /// Pre-filled issues on the tracker's repository.
    Github,
    /// The paper's page in the local inbox.
    Serve,
}

choices!(FeedbackMode {
    None = "none",
    Github = "github",
    Serve = "serve"
});

section! {
    /// `[serve]`: the local inbox (`paperwatch serve`).
    ServeSettings, "serve", "`[serve]`: the local inbox" {
        /// The port the inbox listens on (on 127.0.0.1), and the one `[feedback] mode = "serve"` links point to.
        port: u16 = i64 [8421] => |n, c: &Check| count(n, c, 1..=65_535, "").map(|n| n as u16);
        /// The inbox's unread queue holds the papers that joined a topic in this many days and were not marked read.
        unread_days: u32 = i64 [30] => |n, c: &Check| count(n, c, 1..=3650, "").map(|n| n as u32);
    }
}

section! {
    /// `[zotero]`: a Zotero library, read for examples and written with starred papers.
    ZoteroSettings, "zotero", "`[zotero]`: your Zotero library" {
        /// Zotero's Web API (point it at a stand-in for tests).
        api_url: String = String ["https://api.zotero.org".into()] => url;
        /// The environment variable holding the Zotero API key (zotero.org/settings/keys), sent as `Zotero-API-Key` and only over https or to a loopback host. Unset or empty: no key (a public group reads without one).
        api_key_env: String = String ["ZOTERO_API_KEY".into()] => |v: String, c: &Check| env_name(Some(v), c).map(Option::unwrap_or_default);
        /// The library starred papers are added to (`"users/123456"` or `"groups/789"`); unset, stars stay local. The key needs write access.
        library: Option<String> = Option<String> [none "none"] => zotero_library;
        /// The key of a collection in `library` that starred papers go into.
        collection: Option<String> = Option<String> [none "none"] => keep;
    }
}

section! {
    /// `[relevance]`: the model learned from example papers.
    RelevanceSettings, "relevance", "`[relevance]`: the model learned from example papers" {
        /// Files of example papers that train the tracker's relevance model: graded ids (`id<TAB>grade`, 0/1/2), BibTeX, CSL JSON, RIS or plain id lists; `"builtin:edge-llm"` is the default topics' shipped set; `"zotero:users/123456"` or `"zotero:groups/789"` (optionally `/collections/KEY`) a live Zotero library, read through `[zotero]`. Comma-separated in the environment.
        examples: Vec<ExampleSource> = Vec<String> [none "none"] => examples;
        /// 0–1: with examples, papers the model scores below this are hidden.
        threshold: Option<f64> = Option<f64> [none "chosen by cross-validation on the examples"] => threshold;
    }
}

/// The most of a README that GitHub shows, in bytes: `[readme] max_bytes`'s default.
pub const GITHUB_README_LIMIT: usize = 512_000;

/// `[readme] layout`: which generator's README format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The seed's (bansky-cl lineage): date, title, categories, abstract, PDF, code.
    Seed,
    /// Vincentqyw/cv-arxiv-daily's: publish date, title, first author, PDF, code; a table of
    /// contents and a usage line.
    Cv,
}

choices!(Layout { Seed = "seed", Cv = "cv" });

/// `[readme] updated_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdatedOn {
    /// The day of the run.
    Run,
    /// The day of the newest news: the latest time a shown paper was first seen or revised.
    News,
}

choices!(UpdatedOn {
    Run = "run",
    News = "news"
});

choices!(Bucket {
    Published = "published",
    Updated = "updated",
    Id = "id"
});

/// Where a set of example papers comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ExampleSource {
    /// A set shipped in the binary (`builtin:NAME`).
    Builtin(String),
    /// A file, resolved against the config's folder.
    File(PathBuf),
    /// A live Zotero library read through its Web API: `zotero:users/123456` or
    /// `zotero:groups/789`, optionally `/collections/KEY`.
    Zotero {
        /// `users/123456` or `groups/789`.
        library: String,
        /// A collection's key, to read only it.
        collection: Option<String>,
    },
}

impl std::fmt::Display for ExampleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExampleSource::Builtin(name) => write!(f, "builtin:{name}"),
            ExampleSource::File(path) => write!(f, "{}", path.display()),
            ExampleSource::Zotero {
                library,
                collection: None,
            } => write!(f, "zotero:{library}"),
            ExampleSource::Zotero {
                library,
                collection: Some(c),
            } => write!(f, "zotero:{library}/collections/{c}"),
        }
    }
}

/// The example sets shipped in the binary, by name: `(name, text)`.
pub const BUILTIN_EXAMPLES: &[(&str, &str)] = &[(
    "edge-llm",
    include_str!("../../assets/examples/edge-llm.tsv"),
)];

/// Whether `url` is on arxiv.org (where one request every 3 seconds is the rule).
pub fn is_arxiv_host(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', ':', '?']).next().unwrap_or("");
    host == "arxiv.org" || host.ends_with(".arxiv.org")
}

// ---- checks ---------------------------------------------------------------------------------

/// The value as read.
/// arXiv category or archive names (`cs.AI`, `cs`, `hep-th`, `math.NA`).
fn categories(items: Vec<String>, c: &Check) -> Result<Vec<String>, ConfigError> {
    for item in &items {
        let (archive, sub) = item.split_once('.').unwrap_or((item, "x"));
        let name_ok =
            |s: &str| !s.is_empty() && s.chars().all(|ch| ch.is_ascii_alphabetic() || ch == '-');
        if !(name_ok(archive) && name_ok(sub) && archive.chars().all(|ch| !ch.is_ascii_uppercase()))
        {
            return Err(c.invalid(format!(
                "{item:?} is not an arXiv category (like \"cs.AI\") or archive (like \"cs\")"
            )));
        }
    }
    Ok(items)
}

fn keep<T>(value: T, _: &Check) -> Result<T, ConfigError> {
    Ok(value)
}

/// Text, or none when blank.
fn text(value: Option<String>, _: &Check) -> Result<Option<String>, ConfigError> {
    Ok(value.filter(|s| !s.trim().is_empty()))
}

/// An http(s) URL with a host (and a port, when it has a colon).
fn url(url: String, c: &Check) -> Result<String, ConfigError> {
    let authority = url.split_once("://").map_or("", |(_, rest)| {
        rest.split(['/', '?', '#']).next().unwrap_or("")
    });
    let host_ok = match authority.rsplit_once(':') {
        Some((host, port)) if !authority.ends_with(']') => {
            !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0)
        }
        _ => !authority.is_empty(),
    };
    let is_http = url.starts_with("http://") || url.starts_with("https://");
    if !is_http || !host_ok {
        return Err(c.invalid(format!(
            "{} must be an http(s) URL with a host, got {url:?}",
            c.name()
        )));
    }
    Ok(url)
}

/// [`url`], without a trailing `/`.
fn base_url(value: String, c: &Check) -> Result<String, ConfigError> {
    Ok(url(value, c)?.trim_end_matches('/').to_string())
}

/// A whole number within `range`.
fn count(
    n: i64,
    c: &Check,
    range: std::ops::RangeInclusive<i64>,
    why: &str,
) -> Result<usize, ConfigError> {
    if !range.contains(&n) {
        return Err(c.invalid(format!(
            "{} must be between {} and {}{why}, got {n}",
            c.name(),
            range.start(),
            range.end()
        )));
    }
    Ok(n as usize)
}

/// Seconds, zero or more.
fn seconds(s: Seconds, c: &Check) -> Result<Duration, ConfigError> {
    seconds_from(s, c, false)
}

/// Seconds, more than zero.
fn positive_seconds(s: Seconds, c: &Check) -> Result<Duration, ConfigError> {
    seconds_from(s, c, true)
}

fn seconds_from(Seconds(s): Seconds, c: &Check, positive: bool) -> Result<Duration, ConfigError> {
    let ok = s.is_finite() && if positive { s > 0.0 } else { s >= 0.0 };
    if !ok {
        let bound = if positive {
            "more than zero"
        } else {
            "zero or more"
        };
        return Err(c.invalid(format!("{} must be {bound}, got {s}", c.name())));
    }
    Ok(Duration::from_secs_f64(s))
}

/// A path that must not be empty, resolved against the config's folder.
fn path(p: String, c: &Check) -> Result<PathBuf, ConfigError> {
    if p.trim().is_empty() {
        return Err(c.invalid(format!("{} must not be empty", c.name())));
    }
    Ok(c.base().join(p))
}

/// A path when set (and not blank), resolved against the config's folder.
fn optional_path(p: Option<String>, c: &Check) -> Result<Option<PathBuf>, ConfigError> {
    Ok(text(p, c)?.map(|p| c.base().join(p)))
}

/// `[arxiv] since`: a calendar date from arXiv's start on.
fn since(text: Option<DateText>, c: &Check) -> Result<Option<jiff::civil::Date>, ConfigError> {
    let Some(DateText(text)) = text else {
        return Ok(None);
    };
    let date: jiff::civil::Date = text.trim().parse().map_err(|_| {
        c.invalid(format!(
            "arxiv.since must be a date YYYY-MM-DD, got {text:?}"
        ))
    })?;
    if date.year() < 1991 {
        return Err(c.invalid(format!(
            "arxiv.since must be 1991-01-01 or later (arXiv's start), got {date}"
        )));
    }
    Ok(Some(date))
}

/// `[readme] badges`: a GitHub `owner/repo`.
fn badges(slug: Option<String>, c: &Check) -> Result<Option<String>, ConfigError> {
    owner_repo(slug, c, "readme.badges")
}

/// A GitHub `owner/repo`, for `key`.
fn owner_repo(slug: Option<String>, c: &Check, key: &str) -> Result<Option<String>, ConfigError> {
    let slug = text(slug, c)?;
    if let Some(slug) = &slug {
        let ok = slug
            .split_once('/')
            .is_some_and(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'));
        if !ok {
            return Err(c.invalid(format!("{key} must be a GitHub owner/repo, got {slug:?}")));
        }
    }
    Ok(slug)
}

/// `[readme] max_bytes`: at least 10,000, or 0 for no cap.
fn max_bytes(max: i64, c: &Check) -> Result<Option<usize>, ConfigError> {
    if max == 0 {
        return Ok(None);
    }
    if max < 10_000 {
        return Err(c.invalid(format!(
            "readme.max_bytes must be at least 10000 (GitHub shows 512000), or 0 for no cap, got {max}"
        )));
    }
    Ok(Some(max as usize))
}

/// `[relevance] examples`: built-in sets and files.
fn examples(items: Vec<String>, c: &Check) -> Result<Vec<ExampleSource>, ConfigError> {
    let mut examples = Vec::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            return Err(c.invalid("relevance.examples must not hold an empty path".to_string()));
        }
        if let Some(rest) = item.strip_prefix("zotero:") {
            examples.push(zotero_source(rest, c)?);
            continue;
        }
        match item.strip_prefix("builtin:") {
            Some(name) if BUILTIN_EXAMPLES.iter().any(|(n, _)| *n == name) => {
                examples.push(ExampleSource::Builtin(name.to_string()));
            }
            Some(name) => {
                let known: Vec<&str> = BUILTIN_EXAMPLES.iter().map(|(n, _)| *n).collect();
                return Err(c.invalid(format!(
                    "relevance.examples: no built-in set {name:?} (built in: {})",
                    known.join(", ")
                )));
            }
            None => examples.push(ExampleSource::File(c.base().join(item))),
        }
    }
    Ok(examples)
}

/// A Zotero library path: `users/123456` or `groups/789`; whether it is one.
pub fn is_zotero_library(path: &str) -> bool {
    path.split_once('/').is_some_and(|(kind, id)| {
        matches!(kind, "users" | "groups")
            && !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
    })
}

/// `zotero:LIBRARY[/collections/KEY]` in `[relevance] examples`, after the prefix.
fn zotero_source(rest: &str, c: &Check) -> Result<ExampleSource, ConfigError> {
    let (library, collection) = match rest.split_once("/collections/") {
        Some((library, key)) => (library, Some(key)),
        None => (rest, None),
    };
    let key_ok =
        collection.is_none_or(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric()));
    if !is_zotero_library(library) || !key_ok {
        return Err(c.invalid(format!(
            "relevance.examples: {:?} is not a Zotero library: write \"zotero:users/123456\" or \"zotero:groups/789\", optionally followed by \"/collections/KEY\"",
            format!("zotero:{rest}")
        )));
    }
    Ok(ExampleSource::Zotero {
        library: library.to_string(),
        collection: collection.map(str::to_string),
    })
}

/// `[zotero] library`: `users/N` or `groups/N`.
fn zotero_library(v: Option<String>, c: &Check) -> Result<Option<String>, ConfigError> {
    match text(v, c)? {
        Some(l) if !is_zotero_library(&l) => Err(c.invalid(format!(
            "zotero.library must be \"users/123456\" or \"groups/789\" (the number from zotero.org/settings/keys or the group's URL), got {l:?}"
        ))),
        other => Ok(other),
    }
}

/// `[relevance] threshold`: 0–1.
fn threshold(t: Option<f64>, c: &Check) -> Result<Option<f64>, ConfigError> {
    if let Some(t) = t
        && !(0.0..=1.0).contains(&t)
    {
        return Err(c.invalid(format!(
            "relevance.threshold must be between 0 and 1, got {t}"
        )));
    }
    Ok(t)
}

/// An environment variable's name (letters, digits, `_`), when set; a value that is not one is
/// refused without being echoed (it may be the key itself, pasted).
fn env_name(name: Option<String>, c: &Check) -> Result<Option<String>, ConfigError> {
    let Some(name) = text(name, c)? else {
        return Ok(None);
    };
    if !is_env_name(&name) {
        return Err(c.invalid(format!(
            "{} must name an environment variable (the key itself never goes in the file); the value given is not shown, in case it is the key",
            c.name()
        )));
    }
    Ok(Some(name))
}

/// `[summarize] language`: a name or code.
fn language(language: String, c: &Check) -> Result<String, ConfigError> {
    if language.trim().is_empty() || language.len() > 32 {
        return Err(c.invalid(format!(
            "summarize.language must be a language name or code, got {language:?}"
        )));
    }
    Ok(language)
}
