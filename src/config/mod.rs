//! Configuration: built-in defaults ← TOML file ← `PAPERWATCH_<SECTION>_<KEY>` environment
//! variables, validated once into [`Settings`]. Nothing past `app` reads TOML or the environment.
//!
//! Errors name where the problem is: the file with line and column and the key, or the
//! environment variable. When no config file exists the embedded default
//! (`paperwatch.example.toml`, the seed's six topics) is used.

use std::path::{Path, PathBuf};
use std::time::Duration;

mod keys;
mod notify;
mod sections;
mod topic;

use serde::Deserialize;

pub use keys::{KEYS, Key, Kind, reference};
use keys::{Origin, Value};
pub use notify::{Notify, NotifyKind, Schedule};
use topic::RawTopic;

use crate::model::{ArxivId, Bucket};
use crate::query::Expr;

/// The embedded default configuration (also shipped as `paperwatch.example.toml`).
pub const DEFAULT_CONFIG: &str = include_str!("../../paperwatch.example.toml");

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
    #[error("cannot read config file {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why (printed in the message, so not a `source`: each cause is printed once).
        error: std::io::Error,
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
    /// `[database] lock_wait_seconds`: how long to wait for another run's lock.
    pub lock_wait: Duration,
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
    /// `[relevance]`: the model learned from example papers.
    pub relevance: RelevanceSettings,
    /// `[summarize]`: short summaries from a language model.
    pub summarize: SummarizeSettings,
    /// `[[topic]]`, in file order.
    pub topics: Vec<Topic>,
    /// `[[notify]]`: where digests of new papers go.
    pub notify: Vec<Notify>,
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
    /// `max_results`: a cap on the papers kept per search topic; `None` keeps its whole history.
    pub max_results: Option<usize>,
    /// `since`: a topic's history goes back to this submission date.
    pub since: Option<jiff::civil::Date>,
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
    /// `max_bytes`: the README's size cap (512,000 unless set; `None` when set to 0); older
    /// papers move to archive pages.
    pub max_bytes: Option<usize>,
    /// `archive_dir`, resolved: where the per-month archive pages go.
    pub archive_dir: PathBuf,
    /// `updated_on`: which day the `## Updated on` line shows.
    pub updated_on: UpdatedOn,
    /// `layout`: whose README format.
    pub layout: Layout,
    /// `gitpage_path`, resolved: cv-arxiv-daily's web page (`docs/index.md`), when set.
    pub gitpage_path: Option<PathBuf>,
    /// `wechat_path`, resolved: cv-arxiv-daily's list (`docs/wechat.md`), when set.
    pub wechat_path: Option<PathBuf>,
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

/// `[readme] updated_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdatedOn {
    /// The day of the run.
    Run,
    /// The day of the newest news: the latest time a shown paper was first seen or revised.
    News,
}

/// `[summarize]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SummarizeSettings {
    /// `enabled`.
    pub enabled: bool,
    /// `base_url`, without a trailing `/`.
    pub base_url: String,
    /// `model`.
    pub model: String,
    /// `api_key_env`: the variable holding the key.
    pub api_key_env: String,
    /// `language`.
    pub language: String,
    /// `max_per_run`.
    pub max_per_run: usize,
    /// `timeout_seconds`.
    pub timeout: Duration,
}

/// `[relevance]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RelevanceSettings {
    /// `examples`, in order.
    pub examples: Vec<ExampleSource>,
    /// `threshold`: hide papers the model scores below; `None` lets cross-validation choose.
    pub threshold: Option<f64>,
}

/// Where a set of example papers comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum ExampleSource {
    /// A set shipped in the binary (`builtin:NAME`).
    Builtin(String),
    /// A file, resolved against the config's folder.
    File(PathBuf),
}

impl std::fmt::Display for ExampleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExampleSource::Builtin(name) => write!(f, "builtin:{name}"),
            ExampleSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The example sets shipped in the binary, by name: `(name, text)`.
pub const BUILTIN_EXAMPLES: &[(&str, &str)] = &[(
    "edge-llm",
    include_str!("../../assets/examples/edge-llm.tsv"),
)];

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
    /// `huggingface_delay_seconds`: pause between two requests of one lookup worker.
    pub huggingface_delay: Duration,
    /// `huggingface_concurrency`: lookups in flight at once.
    pub huggingface_concurrency: usize,
    /// `huggingface_budget`: most lookups in one run.
    pub huggingface_budget: usize,
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
    /// `authors`: papers by these people are fetched (`au:`) and always shown.
    pub authors: Vec<String>,
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
}

// ---- raw TOML shape -------------------------------------------------------------------------

/// The `[[topic]]` array; the sections are read through [`keys`].
#[derive(Debug, Default, Deserialize)]
struct RawTopics {
    #[serde(default)]
    topic: Vec<RawTopic>,
    #[serde(default)]
    notify: Vec<notify::RawNotify>,
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
    std::fs::read_to_string(path).map_err(|error| ConfigError::Read {
        path: path.to_path_buf(),
        error,
    })
}

/// Parses and validates a configuration text.
pub fn from_str(
    text: &str,
    source: Source,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, ConfigError> {
    let name = source.to_string();
    let ctx = Ctx { name: &name, text };
    let spans = toml::de::DeTable::parse(text).map_err(|e| toml_error(&name, text, &e))?;
    let table: toml::Table = text.parse().map_err(|e| toml_error(&name, text, &e))?;
    let mut values = keys::defaults();
    read_sections(&ctx, &table, spans.get_ref(), &mut values)?;
    apply_env(&mut values, env)?;
    let raw: RawTopics = toml::from_str(text).map_err(|e| toml_error(&name, text, &e))?;
    let base = match &source {
        Source::File(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        Source::Embedded => PathBuf::new(),
    };
    let v = Read {
        ctx: &ctx,
        values: &values,
    };
    let arxiv = sections::arxiv(&v)?;
    let (database, lock_wait) = sections::database(&v)?;
    let database = base.join(database);
    let readme = sections::readme(&v, &base)?;
    let site = sections::site(&v, &base)?;
    let snapshot = sections::snapshot(&v, &base);
    let links = sections::links(&v)?;
    let chart = sections::chart(&v);
    let relevance = sections::relevance(&v, &base)?;
    let summarize = sections::summarize(&v)?;
    let topics = topic::topics(&ctx, raw.topic)?;
    let names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
    let notify = notify::notify(&ctx, raw.notify, &names)?;
    Ok(Settings {
        arxiv,
        database,
        lock_wait,
        readme,
        site,
        snapshot,
        links,
        chart,
        relevance,
        summarize,
        topics,
        notify,
        source,
    })
}

/// The text being read and its name, for errors that point into it.
struct Ctx<'a> {
    name: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    /// An error at a byte offset of the file.
    fn at(&self, span: std::ops::Range<usize>, message: String) -> ConfigError {
        let (line, column) = line_col(self.text, span.start);
        ConfigError::At {
            source_name: self.name.to_string(),
            line,
            column,
            message,
        }
    }
}

/// The values of the section settings, with where each came from.
struct Read<'a> {
    ctx: &'a Ctx<'a>,
    values: &'a keys::Values,
}

impl Read<'_> {
    fn value(&self, section: &'static str, key: &'static str) -> &Value {
        &self.values[&(section, key)].0
    }

    fn str(&self, section: &'static str, key: &'static str) -> String {
        match self.value(section, key) {
            Value::Str(s) => s.clone(),
            other => unreachable!("{section}.{key} is a string, not {other:?}"),
        }
    }

    fn opt_str(&self, section: &'static str, key: &'static str) -> Option<String> {
        match self.value(section, key) {
            Value::Str(s) if !s.trim().is_empty() => Some(s.clone()),
            _ => None,
        }
    }

    fn bool(&self, section: &'static str, key: &'static str) -> bool {
        matches!(self.value(section, key), Value::Bool(true))
    }

    fn int(&self, section: &'static str, key: &'static str) -> Option<i64> {
        match self.value(section, key) {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    fn list(&self, section: &'static str, key: &'static str) -> Vec<String> {
        match self.value(section, key) {
            Value::List(items) => items.clone(),
            _ => Vec::new(),
        }
    }

    fn opt_float(&self, section: &'static str, key: &'static str) -> Option<f64> {
        match self.value(section, key) {
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    fn float(&self, section: &'static str, key: &'static str) -> f64 {
        match self.value(section, key) {
            Value::Float(f) => *f,
            other => unreachable!("{section}.{key} is a number, not {other:?}"),
        }
    }

    /// An error about a setting, pointing where its value came from: the line in the file,
    /// the environment variable, or the file as a whole for a default.
    fn invalid(&self, section: &'static str, key: &'static str, message: String) -> ConfigError {
        match &self.values[&(section, key)].1 {
            Origin::File(span) => self.ctx.at(span.clone(), message),
            Origin::Env(var) => ConfigError::Invalid {
                source_name: self.ctx.name.to_string(),
                message: format!("environment variable {var}: {message}"),
            },
            Origin::Default => ConfigError::Invalid {
                source_name: self.ctx.name.to_string(),
                message,
            },
        }
    }
}

/// Reads the file's sections through the key table: unknown sections and keys, and values of
/// the wrong type, are errors at their line.
fn read_sections(
    ctx: &Ctx,
    table: &toml::Table,
    spans: &toml::de::DeTable,
    values: &mut keys::Values,
) -> Result<(), ConfigError> {
    for (section, value) in table {
        if section == "topic" || section == "notify" {
            continue;
        }
        let (key_span, _, section_spans) = span_of(spans, section).unwrap_or_default();
        if !keys::is_section(section) {
            let known: Vec<String> = keys::SECTIONS
                .iter()
                .map(|(s, _)| format!("`{s}`"))
                .collect();
            return Err(ctx.at(
                key_span,
                format!(
                    "unknown section `{section}`, expected one of {}, `topic`, `notify`",
                    known.join(", ")
                ),
            ));
        }
        let Some(entries) = value.as_table() else {
            return Err(ctx.at(
                key_span,
                format!("`{section}` must be a table (`[{section}]`)"),
            ));
        };
        for (name, value) in entries {
            let (key_span, value_span, _) = section_spans
                .and_then(|t| span_of(t, name))
                .unwrap_or_default();
            let Some(key) = keys::find(section, name) else {
                let known: Vec<String> = keys::names(section)
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect();
                return Err(ctx.at(
                    key_span,
                    format!(
                        "unknown field `{name}`, expected one of {}",
                        known.join(", ")
                    ),
                ));
            };
            let read = keys::from_toml(key.kind, value).map_err(|message| {
                ctx.at(
                    value_span.clone(),
                    format!("key `{name}` in [{section}]: {message}"),
                )
            })?;
            values.insert((key.section, key.name), (read, Origin::File(value_span)));
        }
    }
    Ok(())
}

/// Where `name` is in a parsed table: its key's span, its value's span, and the value as a
/// table when it is one.
type Spans<'t, 'i> = (
    std::ops::Range<usize>,
    std::ops::Range<usize>,
    Option<&'t toml::de::DeTable<'i>>,
);

fn span_of<'t, 'i>(table: &'t toml::de::DeTable<'i>, name: &str) -> Option<Spans<'t, 'i>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == name)
        .map(|(k, v)| (k.span(), v.span(), v.get_ref().as_table()))
}

/// Applies every `PAPERWATCH_<SECTION>_<KEY>` variable that is set.
fn apply_env(
    values: &mut keys::Values,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    for key in keys::KEYS {
        let var = key.env_var();
        if let Some(text) = env(&var) {
            let value = keys::from_env(key.kind, &text).map_err(|message| ConfigError::Env {
                var: var.clone(),
                message,
            })?;
            values.insert((key.section, key.name), (value, Origin::Env(var)));
        }
    }
    Ok(())
}

/// Environment variables that look like overrides but are not known: `PAPERWATCH_` and a
/// section of the key table, then anything that is not one of its keys (a typo is never
/// silently ignored).
pub fn unknown_env_overrides(vars: impl Iterator<Item = String>) -> Vec<String> {
    vars.filter(|var| {
        let Some(rest) = var.strip_prefix("PAPERWATCH_") else {
            return false;
        };
        let in_section = keys::SECTIONS
            .iter()
            .any(|(s, _)| rest.starts_with(&format!("{}_", s.to_ascii_uppercase())));
        in_section && !keys::KEYS.iter().any(|k| k.env_var() == *var)
    })
    .collect()
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

/// serde's type names in a message as a user reads them: "invalid type: string \"ten\",
/// expected i64" becomes "expected a whole number, got the string \"ten\"".
fn plain_words(message: &str) -> String {
    const TYPES: [(&str, &str); 14] = [
        ("i8", "a whole number"),
        ("i16", "a whole number"),
        ("i32", "a whole number"),
        ("i64", "a whole number"),
        ("u8", "a whole number"),
        ("u16", "a whole number"),
        ("u32", "a whole number"),
        ("u64", "a whole number"),
        ("usize", "a whole number"),
        ("f32", "a number"),
        ("f64", "a number"),
        ("a boolean", "true or false"),
        ("a sequence", "a list"),
        ("a string", "a string in quotes"),
    ];
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_string();
    };
    let Some((got, wanted)) = rest.split_once(", expected ") else {
        return message.to_string();
    };
    let wanted = TYPES
        .iter()
        .find(|(t, _)| *t == wanted)
        .map_or(wanted, |(_, plain)| plain);
    let got = match got.split_once(' ') {
        Some((kind, value)) => format!("the {kind} {value}"),
        None => format!(
            "{} {got}",
            if got.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            }
        ),
    };
    format!("expected {wanted}, got {got}")
}

/// A TOML syntax or shape error, with the line, column and the key on that line.
fn toml_error(name: &str, text: &str, error: &toml::de::Error) -> ConfigError {
    let message = plain_words(error.message().trim());
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
    fn notify_blocks_are_checked_where_they_are_written() {
        let topic = "[[topic]]\nname = \"a\"\nquery = \"x\"\n";
        let err = parse(&format!(
            "{topic}[[notify]]\nname = \"me\"\nkind = \"slack\"\nurl_env = \"https://hooks.slack.com/x\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(
                "dir/pw.toml:7:11: notify.url_env in \"me\" must name an environment variable"
            ),
            "{err}"
        );
        let err = parse(&format!(
            "{topic}[[notify]]\nname = \"me\"\nkind = \"email\"\nurl_env = \"SMTP\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("(email) needs `from` and at least one `to`"),
            "{err}"
        );
        let err = parse(&format!(
            "{topic}[[notify]]\nname = \"me\"\nkind = \"slack\"\nurl_env = \"U\"\ntopics = [\"b\"]\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("dir/pw.toml:8:"), "{err}");
        assert!(err.contains("no topic named \"b\""), "{err}");
        let err = parse(&format!(
            "{topic}[[notify]]\nname = \"me\"\nkind = \"pager\"\nurl_env = \"U\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("pager"), "{err}");
        let ok = parse(&format!(
            "{topic}[[notify]]\nname = \"me\"\nkind = \"webhook\"\nurl_env = \"U\"\nschedule = \"weekly\"\n"
        ))
        .unwrap();
        assert_eq!(ok.notify[0].schedule, Schedule::Weekly);
        assert_eq!(ok.notify[0].max_papers, 20);
    }

    #[test]
    fn topic_rules() {
        let err = parse("[[topic]]\nname = \"a\"\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "dir/pw.toml:2:8: topic \"a\" needs at least one of `keywords`, `query`, `authors` or `ids`"
        );
        let err = parse("[[topic]]\nname = \"a\"\nauthors = [\"Song (Han)\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("dir/pw.toml:3:12: topic.authors in topic \"a\""),
            "{err}"
        );
        let ok = parse("[[topic]]\nname = \"a\"\nauthors = [\" Song   Han \"]\n").unwrap();
        assert_eq!(ok.topics[0].authors, ["Song Han"]);
        let err =
            parse("[arxiv]\nsince = \"2024-13-01\"\n[[topic]]\nname = \"a\"\nquery = \"x\"\n")
                .unwrap_err()
                .to_string();
        assert!(
            err.starts_with("dir/pw.toml:2:9: arxiv.since must be a date"),
            "{err}"
        );
        let ok =
            parse("[arxiv]\nsince = 2024-01-31\n[[topic]]\nname = \"a\"\nquery = \"x\"\n").unwrap();
        assert_eq!(
            ok.arxiv.since.map(|d| d.to_string()).as_deref(),
            Some("2024-01-31")
        );
        assert_eq!(ok.arxiv.max_results, None);
        let err = parse(
            "[relevance]\nexamples = [\"builtin:nope\"]\n[[topic]]\nname = \"a\"\nquery = \"x\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("no built-in set \"nope\" (built in: edge-llm)"),
            "{err}"
        );
        let ok = parse("[relevance]\nexamples = [\"lib.bib\", \"builtin:edge-llm\"]\n[[topic]]\nname = \"a\"\nquery = \"x\"\n").unwrap();
        assert_eq!(
            ok.relevance.examples,
            [
                ExampleSource::File(PathBuf::from("dir/lib.bib")),
                ExampleSource::Builtin("edge-llm".into())
            ]
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
    fn topic_keys_in_the_table_are_the_keys_a_topic_accepts() {
        let err = parse("[[topic]]\nname = \"t\"\nquery = \"x\"\nnope = 1\n")
            .unwrap_err()
            .to_string();
        let listed: Vec<String> = keys::TOPIC_KEYS
            .iter()
            .map(|(name, _)| format!("`{name}`"))
            .collect();
        assert!(err.contains(&listed.join(", ")), "{err}");
    }

    #[test]
    fn unknown_sections_and_snapshot_variables_are_errors() {
        let err = parse("[snapshots]\nenabled = false\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("dir/pw.toml:1:2: unknown section `snapshots`"),
            "{err}"
        );
        let vars = ["PAPERWATCH_SNAPSHOT_TYPO".to_string()];
        assert_eq!(unknown_env_overrides(vars.into_iter()).len(), 1);
        for (toml, plain) in [
            (
                "min_score = \"high\"",
                "key `min_score`: expected a number, got the string \"high\"",
            ),
            (
                "filter = 1",
                "key `filter`: expected true or false, got the integer `1`",
            ),
            (
                "exemplars = \"2401.00001\"",
                "key `exemplars`: expected a list, got the string \"2401.00001\"",
            ),
        ] {
            let err = parse(&format!("[[topic]]\nname = \"t\"\nquery = \"a\"\n{toml}\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(plain), "{err}");
        }
        let err = parse("[arxiv]\napi_url = \"http://127.0.0.1:/api/query\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("dir/pw.toml:2:11: arxiv.api_url must be"),
            "{err}"
        );
    }
}
