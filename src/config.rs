//! Configuration: built-in defaults ← TOML file ← `PAPERWATCH_<SECTION>_<KEY>` environment
//! variables, validated once into [`Settings`]. Nothing past `app` reads TOML or the environment.
//!
//! Errors name where the problem is: the file with line and column and the key, or the
//! environment variable. When no config file exists the embedded default
//! (`paperwatch.example.toml`, the seed's six topics) is used.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::model::{ArxivId, Bucket};
use crate::query::Expr;

/// The embedded default configuration (also shipped as `paperwatch.example.toml`).
pub const DEFAULT_CONFIG: &str = include_str!("../paperwatch.example.toml");

/// The file looked for when no `--config` is given.
pub const DEFAULT_CONFIG_FILE: &str = "paperwatch.toml";

/// Where the settings came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A config file.
    File(PathBuf),
    /// The embedded default.
    Embedded,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Embedded => f.write_str("<embedded default config>"),
        }
    }
}

/// A configuration that cannot be used. The process exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A problem at a place in the file.
    #[error("{source_name}:{line}:{column}: {message}")]
    At {
        /// The file.
        source_name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, naming the key.
        message: String,
    },
    /// A problem not tied to one place.
    #[error("{source_name}: {message}")]
    Invalid {
        /// The file.
        source_name: String,
        /// What is wrong, naming the key.
        message: String,
    },
    /// An environment override that cannot be used.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable.
        var: String,
        /// What is wrong.
        message: String,
    },
    /// `SOURCE_DATE_EPOCH` is not a number of seconds.
    #[error("SOURCE_DATE_EPOCH={0:?} is not a Unix timestamp in seconds")]
    SourceDateEpoch(String),
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where they came from.
    pub source: Source,
    /// `[arxiv]`.
    pub arxiv: ArxivSettings,
    /// `[database] path`, resolved.
    pub database: PathBuf,
    /// `[readme]`.
    pub readme: ReadmeSettings,
    /// `[chart]`.
    pub chart: ChartSettings,
    /// `[site]`.
    pub site: SiteSettings,
    /// `[links]`.
    pub links: LinksSettings,
    /// `[snapshot]`: the text copy of the database that lives in git.
    pub snapshot: SnapshotSettings,
    /// `[[topic]]`, in file order.
    pub topics: Vec<Topic>,
}

/// `[arxiv]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ArxivSettings {
    /// `api_url`.
    pub api_url: String,
    /// `oai_url`: the OAI-PMH endpoint of `import --oai`.
    pub oai_url: String,
    /// `delay_seconds`.
    pub delay: Duration,
    /// `page_size`.
    pub page_size: usize,
    /// `max_results`.
    pub max_results: usize,
    /// `retries`.
    pub retries: u32,
    /// `timeout_seconds`.
    pub timeout: Duration,
}

/// `[readme]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadmeSettings {
    /// `path`, resolved.
    pub path: PathBuf,
    /// `intro`.
    pub intro: Option<String>,
    /// `badges`.
    pub badges: Option<String>,
    /// `trend_image`, as written in the README (relative to it).
    pub trend_image: Option<String>,
    /// `max_bytes`: the README's size cap; older papers move to archive pages.
    pub max_bytes: Option<usize>,
    /// `archive_dir`, resolved: where the per-month archive pages go.
    pub archive_dir: PathBuf,
}

/// `[snapshot]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotSettings {
    /// `enabled`.
    pub enabled: bool,
    /// `path`, resolved: one paper per line; runs go to `runs.jsonl` beside it.
    pub path: PathBuf,
}

/// `[links]`: where code links come from.
#[derive(Debug, Clone, PartialEq)]
pub struct LinksSettings {
    /// `from_text`: look for repositories in the abstract and comment.
    pub from_text: bool,
    /// `huggingface`: ask the Hugging Face papers API.
    pub huggingface: bool,
    /// `huggingface_url`.
    pub huggingface_url: String,
    /// `huggingface_delay_seconds`: pause between two Hugging Face requests.
    pub huggingface_delay: Duration,
    /// `timeout_seconds`: time limit of one Hugging Face request.
    pub timeout: Duration,
}

/// `[site]`: the static site and feeds.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSettings {
    /// `enabled`.
    pub enabled: bool,
    /// `path`, resolved.
    pub path: PathBuf,
    /// `title`.
    pub title: String,
    /// `url`: where the site is published (absolute feed links), if known.
    pub url: Option<String>,
}

/// `[chart]`: the trend chart written beside `readme.trend_image`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSettings {
    /// `title`.
    pub title: String,
    /// `bucket`: which date puts a paper in a month.
    pub bucket: Bucket,
    /// `per_topic`: a line per topic with a legend.
    pub per_topic: bool,
}

/// One `[[topic]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    /// `name`: the section heading.
    pub name: String,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `query`.
    pub query: Option<String>,
    /// `ids`: pinned papers.
    pub ids: Vec<ArxivId>,
    /// `filter`: check papers locally against the topic's own terms (default: true when the
    /// topic has keywords or a query).
    pub filter: bool,
    /// `exclude`: terms, phrases or queries that hide a paper.
    pub exclude: Vec<String>,
    /// `categories`: a paper needs one of these (globs like `cs.*`).
    pub categories: Vec<String>,
    /// `exclude_categories`: a paper with one of these is hidden.
    pub exclude_categories: Vec<String>,
    /// `description`: free text for the relevance profile.
    pub description: Option<String>,
    /// `exemplars`: papers that typify the topic (fetched once, cached).
    pub exemplars: Vec<ArxivId>,
    /// `min_score`: papers scoring below are hidden.
    pub min_score: Option<f64>,
    /// `sort`: README row order.
    pub sort: Sort,
}

/// README row order of a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// By arXiv id, newest first (the seed's order).
    #[default]
    Id,
    /// By relevance score, highest first.
    Score,
}

impl Topic {
    /// The topic's own terms as a local query (its query, else its keywords), whatever
    /// `filter` says: what a bulk import matches papers against. `None` when it has none or the
    /// query is not in the local syntax.
    pub fn match_expr(&self) -> Option<Expr> {
        match &self.query {
            Some(q) => Expr::parse(q).ok(),
            None => Expr::any_of(&self.keywords),
        }
    }

    /// The strict local filter: the query when given, else the keywords OR-ed; `None` when the
    /// topic does not filter.
    pub fn filter_expr(&self) -> Option<Expr> {
        if !self.filter {
            return None;
        }
        match &self.query {
            Some(q) => Expr::parse(q).ok(),
            None => Expr::any_of(&self.keywords),
        }
    }

    /// The search sent to arXiv: `query` when given, else the keywords OR-ed; `None` for a
    /// topic of pinned ids only.
    pub fn search_query(&self) -> Option<String> {
        match &self.query {
            Some(q) => Some(q.clone()),
            None if !self.keywords.is_empty() => Some(crate::arxiv::keywords_query(&self.keywords)),
            None => None,
        }
    }
}

// ---- raw TOML shape -------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    arxiv: RawArxiv,
    #[serde(default)]
    database: RawDatabase,
    #[serde(default)]
    readme: RawReadme,
    #[serde(default)]
    chart: RawChart,
    #[serde(default)]
    site: RawSite,
    #[serde(default)]
    links: RawLinks,
    #[serde(default)]
    snapshot: RawSnapshot,
    #[serde(default)]
    topic: Vec<RawTopic>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawArxiv {
    api_url: String,
    oai_url: String,
    delay_seconds: f64,
    page_size: i64,
    max_results: i64,
    retries: i64,
    timeout_seconds: f64,
}

impl Default for RawArxiv {
    fn default() -> Self {
        RawArxiv {
            api_url: "https://export.arxiv.org/api/query".into(),
            oai_url: "https://oaipmh.arxiv.org/oai".into(),
            delay_seconds: 3.0,
            page_size: 100,
            max_results: 200,
            retries: 5,
            timeout_seconds: 30.0,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawDatabase {
    path: String,
}

impl Default for RawDatabase {
    fn default() -> Self {
        RawDatabase {
            path: "paperwatch.db".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawReadme {
    path: String,
    intro: Option<String>,
    badges: Option<String>,
    trend_image: Option<String>,
    max_bytes: Option<i64>,
    archive_dir: String,
}

impl Default for RawReadme {
    fn default() -> Self {
        RawReadme {
            path: "README.md".into(),
            intro: None,
            badges: None,
            trend_image: None,
            max_bytes: None,
            archive_dir: "docs/archive".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawSnapshot {
    enabled: bool,
    path: String,
}

impl Default for RawSnapshot {
    fn default() -> Self {
        RawSnapshot {
            enabled: true,
            path: "data/papers.jsonl".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawLinks {
    from_text: bool,
    huggingface: bool,
    huggingface_url: String,
    huggingface_delay_seconds: f64,
    timeout_seconds: f64,
}

impl Default for RawLinks {
    fn default() -> Self {
        RawLinks {
            from_text: true,
            huggingface: true,
            huggingface_url: "https://huggingface.co".into(),
            huggingface_delay_seconds: 0.3,
            timeout_seconds: 10.0,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawSite {
    enabled: bool,
    path: String,
    title: String,
    url: Option<String>,
}

impl Default for RawSite {
    fn default() -> Self {
        RawSite {
            enabled: true,
            path: "site".into(),
            title: "paperwatch".into(),
            url: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawChart {
    title: String,
    bucket: Bucket,
    per_topic: bool,
}

impl Default for RawChart {
    fn default() -> Self {
        RawChart {
            title: "arXiv papers per month".into(),
            bucket: Bucket::Published,
            per_topic: false,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    name: Spanned<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    query: Option<Spanned<String>>,
    #[serde(default)]
    ids: Vec<Spanned<String>>,
    #[serde(default)]
    filter: Option<bool>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    exclude_categories: Vec<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    exemplars: Vec<Spanned<String>>,
    #[serde(default)]
    min_score: Option<Spanned<f64>>,
    #[serde(default)]
    sort: Sort,
}

// ---- loading --------------------------------------------------------------------------------

/// Finds and loads the configuration.
///
/// `explicit` is `--config` / `PAPERWATCH_CONFIG`: that file must exist. Without it,
/// `./paperwatch.toml` is used when present, else the embedded default. `env` looks up
/// environment variables (a map in tests).
pub fn load(
    explicit: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let (source, text) = match explicit {
        Some(path) => (Source::File(path.to_path_buf()), read(path)?),
        None => {
            let path = Path::new(DEFAULT_CONFIG_FILE);
            if path.exists() {
                (Source::File(path.to_path_buf()), read(path)?)
            } else {
                (Source::Embedded, DEFAULT_CONFIG.to_string())
            }
        }
    };
    from_str(&text, source, env)
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Parses and validates a configuration text.
pub fn from_str(
    text: &str,
    source: Source,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let name = source.to_string();
    let mut raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(&name, text, &e))?;
    apply_env(&mut raw, env)?;
    let base = match &source {
        Source::File(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        Source::Embedded => PathBuf::new(),
    };
    validate(raw, source, &name, text, &base)
}

/// Every `PAPERWATCH_<SECTION>_<KEY>` override that exists, in one place.
const ENV_KEYS: &[&str] = &[
    "ARXIV_API_URL",
    "ARXIV_OAI_URL",
    "ARXIV_DELAY_SECONDS",
    "ARXIV_PAGE_SIZE",
    "ARXIV_MAX_RESULTS",
    "ARXIV_RETRIES",
    "ARXIV_TIMEOUT_SECONDS",
    "DATABASE_PATH",
    "README_PATH",
    "README_INTRO",
    "README_BADGES",
    "README_TREND_IMAGE",
    "README_MAX_BYTES",
    "README_ARCHIVE_DIR",
    "SITE_ENABLED",
    "SITE_PATH",
    "SITE_TITLE",
    "SITE_URL",
    "LINKS_FROM_TEXT",
    "LINKS_HUGGINGFACE",
    "LINKS_HUGGINGFACE_URL",
    "LINKS_HUGGINGFACE_DELAY_SECONDS",
    "LINKS_TIMEOUT_SECONDS",
    "SNAPSHOT_ENABLED",
    "SNAPSHOT_PATH",
    "CHART_TITLE",
    "CHART_BUCKET",
    "CHART_PER_TOPIC",
];

/// Section prefixes whose unknown variables are errors (a typo should not be ignored).
const ENV_SECTIONS: &[&str] = &[
    "ARXIV_",
    "DATABASE_",
    "README_",
    "CHART_",
    "SITE_",
    "LINKS_",
];

fn apply_env(raw: &mut RawConfig, env: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
    let mut values = HashMap::new();
    for key in ENV_KEYS {
        if let Some(value) = env(&format!("PAPERWATCH_{key}")) {
            values.insert(*key, value);
        }
    }
    let get = |key: &str| values.get(key).cloned();
    let err = |key: &str, message: String| ConfigError::Env {
        var: format!("PAPERWATCH_{key}"),
        message,
    };
    let float = |key: &str, v: String| {
        v.trim()
            .parse::<f64>()
            .map_err(|_| err(key, format!("expected a number of seconds, got {v:?}")))
    };
    let int = |key: &str, v: String| {
        v.trim()
            .parse::<i64>()
            .map_err(|_| err(key, format!("expected a whole number, got {v:?}")))
    };
    // Empty means "none" for optional strings.
    let optional = |v: String| if v.is_empty() { None } else { Some(v) };
    if let Some(v) = get("ARXIV_API_URL") {
        raw.arxiv.api_url = v;
    }
    if let Some(v) = get("ARXIV_OAI_URL") {
        raw.arxiv.oai_url = v;
    }
    if let Some(v) = get("ARXIV_DELAY_SECONDS") {
        raw.arxiv.delay_seconds = float("ARXIV_DELAY_SECONDS", v)?;
    }
    if let Some(v) = get("ARXIV_PAGE_SIZE") {
        raw.arxiv.page_size = int("ARXIV_PAGE_SIZE", v)?;
    }
    if let Some(v) = get("ARXIV_MAX_RESULTS") {
        raw.arxiv.max_results = int("ARXIV_MAX_RESULTS", v)?;
    }
    if let Some(v) = get("ARXIV_RETRIES") {
        raw.arxiv.retries = int("ARXIV_RETRIES", v)?;
    }
    if let Some(v) = get("ARXIV_TIMEOUT_SECONDS") {
        raw.arxiv.timeout_seconds = float("ARXIV_TIMEOUT_SECONDS", v)?;
    }
    if let Some(v) = get("DATABASE_PATH") {
        raw.database.path = v;
    }
    if let Some(v) = get("README_PATH") {
        raw.readme.path = v;
    }
    if let Some(v) = get("README_INTRO") {
        raw.readme.intro = optional(v);
    }
    if let Some(v) = get("README_BADGES") {
        raw.readme.badges = optional(v);
    }
    if let Some(v) = get("README_TREND_IMAGE") {
        raw.readme.trend_image = optional(v);
    }
    let boolean = |key: &str, v: String| match v.trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(err(key, format!("expected true or false, got {v:?}"))),
    };
    if let Some(v) = get("README_MAX_BYTES") {
        raw.readme.max_bytes = if v.trim().is_empty() {
            None
        } else {
            Some(int("README_MAX_BYTES", v)?)
        };
    }
    if let Some(v) = get("README_ARCHIVE_DIR") {
        raw.readme.archive_dir = v;
    }
    if let Some(v) = get("SITE_ENABLED") {
        raw.site.enabled = boolean("SITE_ENABLED", v)?;
    }
    if let Some(v) = get("SITE_PATH") {
        raw.site.path = v;
    }
    if let Some(v) = get("SITE_TITLE") {
        raw.site.title = v;
    }
    if let Some(v) = get("SITE_URL") {
        raw.site.url = optional(v);
    }
    if let Some(v) = get("LINKS_FROM_TEXT") {
        raw.links.from_text = boolean("LINKS_FROM_TEXT", v)?;
    }
    if let Some(v) = get("LINKS_HUGGINGFACE") {
        raw.links.huggingface = boolean("LINKS_HUGGINGFACE", v)?;
    }
    if let Some(v) = get("LINKS_HUGGINGFACE_URL") {
        raw.links.huggingface_url = v;
    }
    if let Some(v) = get("LINKS_HUGGINGFACE_DELAY_SECONDS") {
        raw.links.huggingface_delay_seconds = float("LINKS_HUGGINGFACE_DELAY_SECONDS", v)?;
    }
    if let Some(v) = get("LINKS_TIMEOUT_SECONDS") {
        raw.links.timeout_seconds = float("LINKS_TIMEOUT_SECONDS", v)?;
    }
    if let Some(v) = get("SNAPSHOT_ENABLED") {
        raw.snapshot.enabled = boolean("SNAPSHOT_ENABLED", v)?;
    }
    if let Some(v) = get("SNAPSHOT_PATH") {
        raw.snapshot.path = v;
    }
    if let Some(v) = get("CHART_TITLE") {
        raw.chart.title = v;
    }
    if let Some(v) = get("CHART_BUCKET") {
        raw.chart.bucket = match v.trim() {
            "published" => Bucket::Published,
            "updated" => Bucket::Updated,
            "id" => Bucket::Id,
            _ => {
                return Err(err(
                    "CHART_BUCKET",
                    format!("expected published, updated or id, got {v:?}"),
                ));
            }
        };
    }
    if let Some(v) = get("CHART_PER_TOPIC") {
        raw.chart.per_topic = match v.trim() {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => {
                return Err(err(
                    "CHART_PER_TOPIC",
                    format!("expected true or false, got {v:?}"),
                ));
            }
        };
    }
    Ok(())
}

/// Environment variables that look like overrides but are not known, e.g. a misspelt key.
pub fn unknown_env_overrides(vars: impl Iterator<Item = String>) -> Vec<String> {
    vars.filter_map(|var| {
        let rest = var.strip_prefix("PAPERWATCH_")?;
        let in_section = ENV_SECTIONS.iter().any(|s| rest.starts_with(s));
        (in_section && !ENV_KEYS.contains(&rest)).then_some(var)
    })
    .collect()
}

fn validate(
    raw: RawConfig,
    source: Source,
    name: &str,
    text: &str,
    base: &Path,
) -> Result<Settings, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        source_name: name.to_string(),
        message,
    };
    let at = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = line_col(text, span.start);
        ConfigError::At {
            source_name: name.to_string(),
            line,
            column,
            message,
        }
    };
    let a = &raw.arxiv;
    for (key, url) in [("api_url", &a.api_url), ("oai_url", &a.oai_url)] {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(invalid(format!(
                "arxiv.{key} must be an http(s) URL, got {url:?}"
            )));
        }
    }
    if !a.delay_seconds.is_finite() || a.delay_seconds < 0.0 {
        return Err(invalid(format!(
            "arxiv.delay_seconds must be zero or more, got {}",
            a.delay_seconds
        )));
    }
    if is_arxiv_host(&a.api_url) && a.delay_seconds < 3.0 {
        return Err(invalid(format!(
            "arxiv.delay_seconds = {} is below arXiv's limit of one request every 3 seconds",
            a.delay_seconds
        )));
    }
    if !(1..=2000).contains(&a.page_size) {
        return Err(invalid(format!(
            "arxiv.page_size must be between 1 and 2000 (arXiv's limit), got {}",
            a.page_size
        )));
    }
    if !(1..=30000).contains(&a.max_results) {
        return Err(invalid(format!(
            "arxiv.max_results must be between 1 and 30000 (arXiv's limit), got {}",
            a.max_results
        )));
    }
    if !(0..=20).contains(&a.retries) {
        return Err(invalid(format!(
            "arxiv.retries must be between 0 and 20, got {}",
            a.retries
        )));
    }
    if !a.timeout_seconds.is_finite() || a.timeout_seconds <= 0.0 {
        return Err(invalid(format!(
            "arxiv.timeout_seconds must be more than zero, got {}",
            a.timeout_seconds
        )));
    }
    if raw.database.path.trim().is_empty() {
        return Err(invalid("database.path must not be empty".into()));
    }
    if raw.readme.path.trim().is_empty() {
        return Err(invalid("readme.path must not be empty".into()));
    }
    if let Some(slug) = &raw.readme.badges {
        let ok = slug
            .split_once('/')
            .is_some_and(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'));
        if !ok {
            return Err(invalid(format!(
                "readme.badges must be a GitHub owner/repo, got {slug:?}"
            )));
        }
    }
    if let Some(max) = raw.readme.max_bytes
        && max < 10_000
    {
        return Err(invalid(format!(
            "readme.max_bytes must be at least 10000 (GitHub shows 512000), got {max}"
        )));
    }
    if raw.site.path.trim().is_empty() || raw.readme.archive_dir.trim().is_empty() {
        return Err(invalid(
            "site.path and readme.archive_dir must not be empty".into(),
        ));
    }
    let l = &raw.links;
    if !(l.huggingface_url.starts_with("http://") || l.huggingface_url.starts_with("https://")) {
        return Err(invalid(format!(
            "links.huggingface_url must be an http(s) URL, got {:?}",
            l.huggingface_url
        )));
    }
    let delay_ok = l.huggingface_delay_seconds.is_finite() && l.huggingface_delay_seconds >= 0.0;
    let timeout_ok = l.timeout_seconds.is_finite() && l.timeout_seconds > 0.0;
    if !(delay_ok && timeout_ok) {
        return Err(invalid(
            "links.huggingface_delay_seconds must be zero or more and links.timeout_seconds more than zero".into(),
        ));
    }
    if raw.topic.is_empty() {
        return Err(invalid(
            "no [[topic]] defined; add at least one (see paperwatch.example.toml)".into(),
        ));
    }
    let mut topics: Vec<Topic> = Vec::with_capacity(raw.topic.len());
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for t in raw.topic {
        let span = t.name.span();
        let topic_name = t.name.into_inner();
        let trimmed = topic_name.trim();
        if trimmed.is_empty() || trimmed != topic_name {
            return Err(at(
                span,
                format!("topic.name {topic_name:?} must be non-empty without surrounding spaces"),
            ));
        }
        if topic_name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | '|'))
        {
            return Err(at(
                span,
                format!(
                    "topic.name {topic_name:?} must not contain `/`, `\\`, `|` or control characters"
                ),
            ));
        }
        if let Some(line) = first_line.get(&topic_name) {
            return Err(at(
                span,
                format!(
                    "topic.name: duplicate topic {topic_name:?} (first defined on line {line})"
                ),
            ));
        }
        first_line.insert(topic_name.clone(), line_col(text, span.start).0);
        let keywords: Vec<String> = t
            .keywords
            .into_iter()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect();
        let query = match t.query {
            Some(q) if !q.get_ref().trim().is_empty() => {
                let span = q.span();
                let q = q.into_inner();
                // Only a query that is also the local filter has to be in our syntax.
                if let (true, Err(e)) = (t.filter != Some(false), Expr::parse(&q)) {
                    return Err(at(
                        span,
                        format!("topic.query in topic {topic_name:?}: {e}"),
                    ));
                }
                Some(q)
            }
            _ => None,
        };
        let parse_ids = |list: Vec<Spanned<String>>, key: &str| {
            let mut ids: Vec<ArxivId> = Vec::with_capacity(list.len());
            for id in list {
                let span = id.span();
                match ArxivId::parse_versioned(id.get_ref()) {
                    Ok((parsed, _version)) => {
                        if !ids.contains(&parsed) {
                            ids.push(parsed);
                        }
                    }
                    Err(e) => {
                        return Err(at(
                            span,
                            format!("topic.{key} in topic {topic_name:?}: {e}"),
                        ));
                    }
                }
            }
            Ok(ids)
        };
        let ids = parse_ids(t.ids, "ids")?;
        let exemplars = parse_ids(t.exemplars, "exemplars")?;
        let mut exclude = Vec::with_capacity(t.exclude.len());
        for e in t.exclude {
            let span = e.span();
            if let Err(err) = Expr::phrase_or_query(e.get_ref()) {
                return Err(at(
                    span,
                    format!("topic.exclude in topic {topic_name:?}: {err}"),
                ));
            }
            exclude.push(e.into_inner());
        }
        let min_score = match t.min_score {
            Some(m) if !(0.0..=1.0).contains(m.get_ref()) => {
                return Err(at(
                    m.span(),
                    format!("topic.min_score in topic {topic_name:?} must be between 0 and 1"),
                ));
            }
            m => m.map(Spanned::into_inner),
        };
        if keywords.is_empty() && query.is_none() && ids.is_empty() {
            return Err(at(
                span,
                format!("topic {topic_name:?} needs at least one of `keywords`, `query` or `ids`"),
            ));
        }
        let searches = !keywords.is_empty() || query.is_some();
        topics.push(Topic {
            name: topic_name,
            filter: t.filter.unwrap_or(searches),
            keywords,
            query,
            ids,
            exclude,
            categories: t.categories,
            exclude_categories: t.exclude_categories,
            description: t.description.filter(|d| !d.trim().is_empty()),
            exemplars,
            min_score,
            sort: t.sort,
        });
    }
    let optional = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    Ok(Settings {
        source,
        arxiv: ArxivSettings {
            api_url: a.api_url.clone(),
            oai_url: a.oai_url.clone(),
            delay: Duration::from_secs_f64(a.delay_seconds),
            page_size: a.page_size as usize,
            max_results: a.max_results as usize,
            retries: a.retries as u32,
            timeout: Duration::from_secs_f64(a.timeout_seconds),
        },
        database: base.join(&raw.database.path),
        readme: ReadmeSettings {
            path: base.join(&raw.readme.path),
            intro: optional(raw.readme.intro),
            badges: optional(raw.readme.badges),
            trend_image: optional(raw.readme.trend_image),
            max_bytes: raw.readme.max_bytes.map(|m| m as usize),
            archive_dir: base.join(&raw.readme.archive_dir),
        },
        site: SiteSettings {
            enabled: raw.site.enabled,
            path: base.join(&raw.site.path),
            title: raw.site.title,
            url: optional(raw.site.url).map(|u| u.trim_end_matches('/').to_string()),
        },
        snapshot: SnapshotSettings {
            enabled: raw.snapshot.enabled,
            path: base.join(&raw.snapshot.path),
        },
        links: LinksSettings {
            from_text: raw.links.from_text,
            huggingface: raw.links.huggingface,
            huggingface_url: raw.links.huggingface_url.trim_end_matches('/').to_string(),
            huggingface_delay: Duration::from_secs_f64(raw.links.huggingface_delay_seconds),
            timeout: Duration::from_secs_f64(raw.links.timeout_seconds),
        },
        chart: ChartSettings {
            title: raw.chart.title,
            bucket: raw.chart.bucket,
            per_topic: raw.chart.per_topic,
        },
        topics,
    })
}

/// Whether `url` is on arxiv.org (where one request every 3 seconds is the rule).
pub fn is_arxiv_host(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', ':', '?']).next().unwrap_or("");
    host == "arxiv.org" || host.ends_with(".arxiv.org")
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A TOML syntax or shape error, with the line, column and the key on that line.
fn toml_error(name: &str, text: &str, error: &toml::de::Error) -> ConfigError {
    let message = error.message().trim().to_string();
    match error.span() {
        Some(span) => {
            let (line, column) = line_col(text, span.start);
            let line_text = text.lines().nth(line - 1).unwrap_or("").trim();
            let key = line_text
                .split_once('=')
                .map(|(k, _)| k.trim())
                .filter(|k| !k.is_empty() && !message.contains(&format!("`{k}`")));
            let message = match key {
                Some(key) => format!("key `{key}`: {message}"),
                None => message,
            };
            ConfigError::At {
                source_name: name.to_string(),
                line,
                column,
                message: format!("{message}\n    | {line_text}"),
            }
        }
        None => ConfigError::Invalid {
            source_name: name.to_string(),
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        from_str(text, Source::File("dir/pw.toml".into()), &no_env)
    }

    #[test]
    fn embedded_default_is_valid_and_has_the_seed_topics() {
        let s = from_str(DEFAULT_CONFIG, Source::Embedded, &no_env).unwrap();
        let names: Vec<&str> = s.topics.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "mobile_npu_llm",
                "mobile_optimization",
                "edge_inference",
                "npu_acceleration",
                "mobile_llm_systems",
                "specific_papers"
            ]
        );
        let pinned: Vec<&str> = s.topics[5].ids.iter().map(ArxivId::as_str).collect();
        assert_eq!(pinned, ["2509.23324", "2501.14794", "2407.05858"]);
        assert_eq!(s.arxiv.delay, Duration::from_secs(3));
        assert_eq!(s.database, PathBuf::from("paperwatch.db"));
    }

    #[test]
    fn paths_resolve_against_the_config_folder() {
        let s = parse("[[topic]]\nname = \"t\"\nkeywords = [\"x\"]\n").unwrap();
        assert_eq!(s.database, PathBuf::from("dir/paperwatch.db"));
        assert_eq!(s.readme.path, PathBuf::from("dir/README.md"));
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let err = parse("[arxiv]\ndelay_seconds = 3\nfoo = 1\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("dir/pw.toml:3:1: unknown field `foo`"),
            "{err}"
        );
    }

    #[test]
    fn wrong_type_names_the_key() {
        let err = parse("[arxiv]\ndelay_seconds = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("dir/pw.toml:2:17: key `delay_seconds`"),
            "{err}"
        );
    }

    #[test]
    fn syntax_error_names_the_line() {
        let err = parse("[arxiv\n").unwrap_err().to_string();
        assert!(err.starts_with("dir/pw.toml:1:"), "{err}");
    }

    #[test]
    fn topic_rules() {
        let err = parse("[[topic]]\nname = \"a\"\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "dir/pw.toml:2:8: topic \"a\" needs at least one of `keywords`, `query` or `ids`"
        );
        let err = parse(
            "[[topic]]\nname = \"a\"\nids = [\"2407.05858\"]\n[[topic]]\nname = \"a\"\nquery = \"x\"\n",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "dir/pw.toml:5:8: topic.name: duplicate topic \"a\" (first defined on line 2)"
        );
        let err = parse("[[topic]]\nname = \"a\"\nids = [\"2407.05858\", \"nope\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("dir/pw.toml:3:22: topic.ids in topic \"a\": `nope`"),
            "{err}"
        );
        let err = parse("[arxiv]\n").unwrap_err().to_string();
        assert!(err.contains("no [[topic]] defined"), "{err}");
    }

    #[test]
    fn arxiv_gets_at_least_three_seconds() {
        let err = parse("[arxiv]\ndelay_seconds = 1\n[[topic]]\nname = \"t\"\nquery = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("below arXiv's limit"), "{err}");
        let ok = parse(
            "[arxiv]\napi_url = \"http://127.0.0.1:1/q\"\ndelay_seconds = 0\n[[topic]]\nname = \"t\"\nquery = \"x\"\n",
        );
        assert!(ok.is_ok());
    }

    #[test]
    fn environment_overrides_the_file() {
        let env = |k: &str| match k {
            "PAPERWATCH_ARXIV_API_URL" => Some("http://127.0.0.1:9/api".to_string()),
            "PAPERWATCH_ARXIV_DELAY_SECONDS" => Some("0.25".to_string()),
            "PAPERWATCH_README_TREND_IMAGE" => Some(String::new()),
            "PAPERWATCH_DATABASE_PATH" => Some("x.db".to_string()),
            _ => None,
        };
        let s = from_str(DEFAULT_CONFIG, Source::Embedded, &env).unwrap();
        assert_eq!(s.arxiv.api_url, "http://127.0.0.1:9/api");
        assert_eq!(s.arxiv.delay, Duration::from_millis(250));
        assert_eq!(s.readme.trend_image, None);
        assert_eq!(s.database, PathBuf::from("x.db"));
        let bad = |k: &str| (k == "PAPERWATCH_ARXIV_RETRIES").then(|| "many".to_string());
        let err = from_str(DEFAULT_CONFIG, Source::Embedded, &bad)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "environment variable PAPERWATCH_ARXIV_RETRIES: expected a whole number, got \"many\""
        );
    }

    #[test]
    fn misspelt_overrides_are_found() {
        let vars = [
            "PAPERWATCH_ARXIV_DELAY".to_string(),
            "PAPERWATCH_ARXIV_DELAY_SECONDS".to_string(),
            "PAPERWATCH_CONFIG".to_string(),
            "HOME".to_string(),
        ];
        assert_eq!(
            unknown_env_overrides(vars.into_iter()),
            vec!["PAPERWATCH_ARXIV_DELAY".to_string()]
        );
    }

    #[test]
    fn search_query_prefers_query_over_keywords() {
        let mut t = Topic {
            name: "t".into(),
            keywords: vec!["NPU".into(), "large language model".into()],
            query: None,
            ids: vec![],
            filter: true,
            exclude: vec![],
            categories: vec![],
            exclude_categories: vec![],
            description: None,
            exemplars: vec![],
            min_score: None,
            sort: Sort::Id,
        };
        assert_eq!(
            t.search_query().unwrap(),
            r#"all:NPU OR all:"large language model""#
        );
        t.query = Some("ti:x".into());
        assert_eq!(t.search_query().unwrap(), "ti:x");
        t.query = None;
        t.keywords.clear();
        assert_eq!(t.search_query(), None);
    }
}
