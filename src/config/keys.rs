//! The one table of section settings ([`KEYS`]): each key's section, name, type, default and
//! documentation. Defaults, the `PAPERWATCH_<SECTION>_<KEY>` environment overrides, the
//! unknown-key and unknown-variable errors and the configuration reference in README.md are all
//! derived from it; a setting is declared here once. (`[[topic]]` keys, which have no defaults
//! and no environment variables, are listed in [`TOPIC_KEYS`].)

use std::collections::HashMap;
use std::ops::Range;

/// What a key holds, and how its TOML value and its environment variable are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Str,
    /// A string, or none (an empty variable means none).
    OptStr,
    /// `true`/`false` (`1`/`0` in the environment).
    Bool,
    /// A whole number.
    Int,
    /// A whole number, or none (an empty variable means none).
    OptInt,
    /// A number of seconds (integer or fraction).
    Seconds,
    /// A number, or none.
    OptFloat,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// A date `YYYY-MM-DD` (a TOML date or a string), or none.
    OptDate,
    /// A list of strings (comma-separated in the environment).
    List,
}

/// A key's default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fallback {
    /// A string.
    Str(&'static str),
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number of seconds.
    Seconds(f64),
    /// No value; the text says what that means.
    None(&'static str),
}

/// One setting.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The TOML section, e.g. `arxiv`.
    pub section: &'static str,
    /// The key in the section, e.g. `delay_seconds`.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Its default.
    pub default: Fallback,
    /// One line of documentation (Markdown).
    pub doc: &'static str,
}

impl Key {
    /// `PAPERWATCH_<SECTION>_<KEY>`.
    pub fn env_var(&self) -> String {
        format!("PAPERWATCH_{}_{}", self.section, self.name).to_ascii_uppercase()
    }
}

const fn key(
    section: &'static str,
    name: &'static str,
    kind: Kind,
    default: Fallback,
    doc: &'static str,
) -> Key {
    Key {
        section,
        name,
        kind,
        default,
        doc,
    }
}

use Fallback as D;
use Kind as K;

/// Every section setting, in documentation order.
#[rustfmt::skip]
pub const KEYS: &[Key] = &[
    key("arxiv", "api_url", K::Str, D::Str("https://export.arxiv.org/api/query"),
        "The export API endpoint (point it at a mock for tests)."),
    key("arxiv", "oai_url", K::Str, D::Str("https://oaipmh.arxiv.org/oai"),
        "The OAI-PMH endpoint `import --oai` harvests (on arxiv.org the pause is at least 3 s whatever `delay_seconds` says)."),
    key("arxiv", "delay_seconds", K::Seconds, D::Seconds(3.0),
        "Minimum pause between requests, across topics. Below 3 is refused for `*.arxiv.org`."),
    key("arxiv", "page_size", K::Int, D::Int(100),
        "Results asked for in a topic's first request of a run (1–2000), so a quiet day costs one small page; later pages of a deep fetch ask for 2000 (arXiv's maximum). Also the `id_list` batch size."),
    key("arxiv", "max_results", K::OptInt, D::None("none (a topic's whole history)"),
        "A cap on the papers kept per search topic: its first run keeps the newest this many, and says so on its topic line and in `stats` when that cuts its history."),
    key("arxiv", "since", K::OptDate, D::None("none (no limit)"),
        "`YYYY-MM-DD`: a topic's first run pages back to papers submitted on or after this date."),
    key("arxiv", "retries", K::Int, D::Int(5), "Retries after the first attempt (0–20)."),
    key("arxiv", "timeout_seconds", K::Seconds, D::Seconds(30.0), "Time limit for one request."),
    key("database", "lock_wait_seconds", K::Seconds, D::Seconds(30.0),
        "How long a command waits for another paperwatch run on the same database to finish before it exits 75."),
    key("database", "path", K::Str, D::Str("paperwatch.db"),
        "The SQLite database (created with its folder when missing)."),
    key("readme", "path", K::Str, D::Str("README.md"), "Where the README is written."),
    key("readme", "intro", K::OptStr, D::None("none"), "A Markdown line under the badges."),
    key("readme", "badges", K::OptStr, D::None("none"),
        "GitHub `owner/repo` for the four badges and the eight footer link definitions."),
    key("readme", "trend_image", K::OptStr,
        D::None("none (`\"imgs/trend.png\"` in the embedded default)"),
        "The image in the `![Monthly Trend](…)` line; the chart is written there (PNG, and SVG beside it)."),
    key("readme", "max_bytes", K::Int, D::Int(512_000),
        "README size cap in bytes (at least 10,000; GitHub shows at most 512,000); older months move to archive pages. `0`: no cap."),
    key("readme", "archive_dir", K::Str, D::Str("docs/archive"),
        "Where the per-month archive pages go."),
    key("readme", "layout", K::Choice(&["seed", "cv"]), D::Str("seed"),
        "Whose README format: `seed` (the seed's bansky-cl tables: date, title, categories, abstract, PDF, code) or `cv` (Vincentqyw/cv-arxiv-daily's: publish date, title, first author `et.al.`, PDF, code, with a table of contents and a usage line)."),
    key("readme", "gitpage_path", K::OptStr, D::None("none"),
        "Also write cv-arxiv-daily's web page here (`docs/index.md`: front matter, web-style tables, no contents), as its `publish_gitpage` did."),
    key("readme", "wechat_path", K::OptStr, D::None("none"),
        "Also write cv-arxiv-daily's list here (`docs/wechat.md`: one bullet per paper), as its `publish_wechat` did."),
    key("readme", "updated_on", K::Choice(&["run", "news"]), D::Str("run"),
        "The `## Updated on` date: the day of the run (the seed's format), or of the newest paper shown, so quiet days change no file."),
    key("site", "enabled", K::Bool, D::Bool(true), "Write the static site and feeds."),
    key("site", "path", K::Str, D::Str("site"), "The site's folder."),
    key("site", "title", K::Str, D::Str("paperwatch"), "The site's and feeds' title."),
    key("site", "url", K::OptStr, D::None("none"),
        "Where the site is published (e.g. `https://me.github.io/tracker`), for absolute feed links."),
    key("links", "from_text", K::Bool, D::Bool(true),
        "Find the repository in the paper's abstract and arXiv comment."),
    key("links", "huggingface", K::Bool, D::Bool(true),
        "Ask the Hugging Face papers API (`githubRepo`) about shown papers without a link in their text."),
    key("links", "huggingface_url", K::Str, D::Str("https://huggingface.co"),
        "Its base URL (point it at a mock in tests)."),
    key("links", "huggingface_delay_seconds", K::Seconds, D::Seconds(0.1),
        "Pause between two requests of one lookup worker."),
    key("links", "huggingface_concurrency", K::Int, D::Int(4),
        "Lookups in flight at once (1–16)."),
    key("links", "huggingface_budget", K::Int, D::Int(400),
        "Most lookups in one run (Hugging Face allows an anonymous address 500 API requests per 5 minutes); the rest are asked in the next runs. `0`: none."),
    key("links", "timeout_seconds", K::Seconds, D::Seconds(10.0),
        "Time limit of one Hugging Face request."),
    key("snapshot", "enabled", K::Bool, D::Bool(true),
        "Write the text snapshot and rebuild a missing or stale database from it."),
    key("snapshot", "path", K::Str, D::Str("data/papers.jsonl"),
        "The papers file; `runs.jsonl` and `history.jsonl` go beside it."),
    key("chart", "title", K::Str, D::Str("arXiv papers per month"), "The chart's title."),
    key("chart", "bucket", K::Choice(&["published", "updated", "id"]), D::Str("published"),
        "Which date puts a paper in a month: `\"published\"` (first version), `\"updated\"` (latest version) or `\"id\"` (the month in the arXiv id, as cv-arxiv-daily did)."),
    key("chart", "per_topic", K::Bool, D::Bool(false),
        "Also draw one line per topic, with a legend."),
    key("summarize", "enabled", K::Bool, D::Bool(false),
        "Ask an OpenAI-compatible chat-completions endpoint for a short summary of each paper about to be delivered (cached per paper, model and language)."),
    key("summarize", "base_url", K::Str, D::Str("https://api.openai.com/v1"),
        "The endpoint's base URL (`…/chat/completions` is appended): OpenAI, a local Ollama (`http://127.0.0.1:11434/v1`), vLLM, DeepSeek…"),
    key("summarize", "model", K::Str, D::Str("gpt-4o-mini"), "The model asked."),
    key("summarize", "api_key_env", K::Str, D::Str("OPENAI_API_KEY"),
        "The environment variable holding the API key (none needed when it is unset and the endpoint is on loopback)."),
    key("summarize", "language", K::Str, D::Str("en"),
        "The summaries' language (`\"en\"`, `\"zh\"`, `\"de\"`, …)."),
    key("summarize", "max_per_run", K::Int, D::Int(50),
        "Papers summarised per run at most; the rest go out with the abstract's first sentences."),
    key("summarize", "timeout_seconds", K::Seconds, D::Seconds(60.0), "Time limit of one request."),
    key("relevance", "examples", K::List, D::None("none"),
        "Files of example papers that train the tracker's relevance model: graded ids (`id<TAB>grade`, 0/1/2), BibTeX, CSL JSON, RIS or plain id lists; `\"builtin:edge-llm\"` is the default topics' shipped set. Comma-separated in the environment."),
    key("relevance", "threshold", K::OptFloat, D::None("chosen by cross-validation on the examples"),
        "0–1: with examples, papers the model scores below this are hidden."),
];

/// The sections of [`KEYS`] with their headings in the reference, in order.
pub const SECTIONS: &[(&str, &str)] = &[
    ("arxiv", "`[arxiv]`: asking arXiv"),
    ("database", "`[database]`"),
    ("readme", "`[readme]`"),
    ("site", "`[site]`: the static site and feeds"),
    ("links", "`[links]`: code links"),
    (
        "snapshot",
        "`[snapshot]`: the text copy of the database that lives in git",
    ),
    ("chart", "`[chart]`: the trend chart"),
    (
        "summarize",
        "`[summarize]`: short summaries from a language model",
    ),
    (
        "relevance",
        "`[relevance]`: the model learned from example papers",
    ),
];

/// `[[topic]]` keys: `(name, doc)`.
#[rustfmt::skip]
pub const TOPIC_KEYS: &[(&str, &str)] = &[
    ("name", "The section heading; unique; no `/`, `\\`, `\\|` or control characters."),
    ("keywords", "Terms searched in all fields, joined with ` OR `; multi-word terms are quoted as phrases (`all:NPU OR all:\"large language model\"`)."),
    ("query", "A raw arXiv query (`abs:\"NPU\" AND (ti:LLM OR ti:\"language model\")`); used for the search instead of `keywords` when both are set."),
    ("ids", "Pinned papers (`\"2407.05858\"`, `\"arXiv:2407.05858v2\"`, `\"hep-th/9901001\"`; a version suffix is ignored: the latest version is fetched). Always shown."),
    ("filter", "`true`/`false`: check papers locally against the topic's own `query` (or `keywords`) in title and abstract, whole words, no stemming unless a term has a `*` wildcard. Default: `true` when the topic has `keywords` or a `query`. The query must then be in the syntax the local matcher reads (fields `ti`, `abs`, `all`, `co`, `cat`, `au`, `jr`; `AND`, `OR`, `ANDNOT`, parentheses, quotes, `*`, `?`); a syntax error is a config error."),
    ("exclude", "Terms, phrases or queries that hide a paper (`[\"mobility\", \"ti:survey\"]`)."),
    ("categories", "The paper needs one of these arXiv categories (globs: `\"cs.*\"`)."),
    ("exclude_categories", "A paper with one of these categories is hidden."),
    ("description", "Free text describing the topic, part of its relevance profile."),
    ("exemplars", "arXiv ids that typify the topic, part of its profile (fetched once, cached)."),
    ("authors", "People to follow (`[\"Song Han\", \"Yiran Chen\"]`): their papers are fetched (`au:` queries, OR-ed with the topic's search) and always shown in the topic. A topic may have only `authors`."),
    ("min_score", "0–1: hide papers scoring below."),
    ("sort", "`\"id\"` (default, the seed's order: newest id first) or `\"score\"` (highest first)."),
];

/// A setting's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A number.
    Float(f64),
    /// A list of strings.
    List(Vec<String>),
    /// Not set.
    None,
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// The key's default.
    Default,
    /// The file, at this byte span.
    File(Range<usize>),
    /// This environment variable.
    Env(String),
}

/// Every section setting's value, by `(section, key)`.
pub type Values = HashMap<(&'static str, &'static str), (Value, Origin)>;

/// The defaults of every key.
pub fn defaults() -> Values {
    KEYS.iter()
        .map(|k| {
            let value = match k.default {
                D::Str(s) => Value::Str(s.to_string()),
                D::Bool(b) => Value::Bool(b),
                D::Int(i) => Value::Int(i),
                D::Seconds(f) => Value::Float(f),
                D::None(_) => Value::None,
            };
            ((k.section, k.name), (value, Origin::Default))
        })
        .collect()
}

/// The key of `section` named `name`.
pub fn find(section: &str, name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.section == section && k.name == name)
}

/// Whether `section` is a section of the table.
pub fn is_section(section: &str) -> bool {
    SECTIONS.iter().any(|(s, _)| *s == section)
}

/// The names of a section's keys, for "expected one of" messages.
pub fn names(section: &str) -> Vec<&'static str> {
    KEYS.iter()
        .filter(|k| k.section == section)
        .map(|k| k.name)
        .collect()
}

/// Reads a TOML value as `kind`; the message says what was expected.
pub fn from_toml(kind: Kind, value: &toml::Value) -> Result<Value, String> {
    use toml::Value as T;
    match (kind, value) {
        (K::Str | K::OptStr, T::String(s)) => Ok(Value::Str(s.clone())),
        (K::Choice(choices), T::String(s)) if choices.contains(&s.as_str()) => {
            Ok(Value::Str(s.clone()))
        }
        (K::Bool, T::Boolean(b)) => Ok(Value::Bool(*b)),
        (K::Int | K::OptInt, T::Integer(i)) => Ok(Value::Int(*i)),
        (K::Seconds, T::Integer(i)) => Ok(Value::Float(*i as f64)),
        (K::Seconds | K::OptFloat, T::Float(f)) => Ok(Value::Float(*f)),
        (K::OptFloat, T::Integer(i)) => Ok(Value::Float(*i as f64)),
        (K::OptDate, T::String(s)) => Ok(Value::Str(s.clone())),
        (K::OptDate, T::Datetime(d)) if d.date.is_some() && d.time.is_none() => {
            Ok(Value::Str(d.to_string()))
        }
        (K::List, T::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(Value::List)
            .ok_or_else(|| "expected a list of strings".to_string()),
        (kind, other) => Err(format!(
            "expected {}, got {}",
            expected(kind),
            describe(other)
        )),
    }
}

/// Reads an environment variable's text as `kind`.
pub fn from_env(kind: Kind, text: &str) -> Result<Value, String> {
    let t = text.trim();
    let got = || format!(", got {text:?}");
    match kind {
        K::Str => Ok(Value::Str(text.to_string())),
        K::OptStr if text.is_empty() => Ok(Value::None),
        K::OptStr => Ok(Value::Str(text.to_string())),
        K::Bool => match t {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            _ => Err(format!("expected true or false{}", got())),
        },
        K::OptInt | K::OptDate | K::OptFloat | K::List if t.is_empty() => Ok(Value::None),
        K::OptDate => Ok(Value::Str(t.to_string())),
        K::OptFloat => t
            .parse()
            .map(Value::Float)
            .map_err(|_| format!("expected a number{}", got())),
        K::List => Ok(Value::List(
            t.split(',').map(|s| s.trim().to_string()).collect(),
        )),
        K::Int | K::OptInt => t
            .parse()
            .map(Value::Int)
            .map_err(|_| format!("expected a whole number{}", got())),
        K::Seconds => t
            .parse()
            .map(Value::Float)
            .map_err(|_| format!("expected a number of seconds{}", got())),
        K::Choice(choices) if choices.contains(&t) => Ok(Value::Str(t.to_string())),
        K::Choice(_) => Err(format!("expected {}{}", expected(kind), got())),
    }
}

/// What a kind expects, in words.
fn expected(kind: Kind) -> String {
    match kind {
        K::Str | K::OptStr => "a string".into(),
        K::Bool => "true or false".into(),
        K::Int | K::OptInt => "a whole number".into(),
        K::Seconds => "a number of seconds".into(),
        K::OptFloat => "a number".into(),
        K::OptDate => "a date YYYY-MM-DD".into(),
        K::List => "a list of strings".into(),
        K::Choice(choices) => match choices.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => choices.join(""),
        },
    }
}

fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("the string {s:?}"),
        toml::Value::Integer(i) => format!("the number {i}"),
        toml::Value::Float(f) => format!("the number {f}"),
        toml::Value::Boolean(b) => format!("{b}"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "a list".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

/// The configuration reference (Markdown), as README.md carries it between its markers.
pub fn reference() -> String {
    let mut out = String::new();
    for (section, heading) in SECTIONS {
        out.push_str(&format!(
            "### {heading}\n\n| key | env | default | meaning |\n| --- | --- | --- | --- |\n"
        ));
        for k in KEYS.iter().filter(|k| k.section == *section) {
            let default = match k.default {
                D::Str(s) => format!("`{s:?}`"),
                D::Bool(b) => format!("`{b}`"),
                D::Int(i) => format!("`{i}`"),
                D::Seconds(f) => format!("`{f}`"),
                D::None(text) => text.to_string(),
            };
            out.push_str(&format!(
                "| `{}` | `{}` | {default} | {} |\n",
                k.name,
                k.env_var(),
                k.doc
            ));
        }
        out.push('\n');
    }
    out.push_str(
        "### `[[topic]]` (one block per topic, in README order)\n\n| key | meaning |\n| --- | --- |\n",
    );
    for (name, doc) in TOPIC_KEYS {
        out.push_str(&format!("| `{name}` | {doc} |\n"));
    }
    out.push_str(
        "\n### `[[notify]]` (one block per destination; see \"Digests by e-mail and chat\")\n\n| key | meaning |\n| --- | --- |\n",
    );
    for (name, doc) in NOTIFY_KEYS {
        out.push_str(&format!("| `{name}` | {doc} |\n"));
    }
    out
}

/// `[[notify]]` keys: `(name, doc)`.
#[rustfmt::skip]
pub const NOTIFY_KEYS: &[(&str, &str)] = &[
    ("name", "Required, unique: letters, digits, `-`, `_`. Used by `notify --to`/`--test` and in the delivery records."),
    ("kind", "Required: `\"email\"`, `\"slack\"`, `\"discord\"`, `\"telegram\"`, `\"feishu\"` or `\"webhook\"`."),
    ("url_env", "Required: the **name** of the environment variable holding the secret URL: `smtps://user:password@host:465` (implicit TLS), `smtp://user:password@host:587?tls=required` (STARTTLS) or plain `smtp://host:port` to a loopback host only (e-mail); the incoming-webhook URL (Slack, Discord, Feishu, webhook); `https://api.telegram.org/bot<TOKEN>` (Telegram)."),
    ("secret_env", "The name of the variable holding a signing key: the webhook's body is signed with HMAC-SHA256 (hex, header `X-Paperwatch-Signature`); Feishu/Lark's `timestamp` and `sign` are added."),
    ("from", "E-mail: the sender, `\"paperwatch <bot@example.org>\"` (required for e-mail)."),
    ("to", "E-mail: the recipients (at least one)."),
    ("chat_id", "Telegram: the chat, channel (`\"@name\"`) or group id (required for Telegram)."),
    ("topics", "Only papers shown in these topics (default: all)."),
    ("min_score", "0–1: only papers scoring at least this."),
    ("max_papers", "Papers per message (default 20); longer digests are split, and each service's own limits are kept (Slack 50 blocks, Discord 10 embeds and 6,000 characters, Telegram 4,096 characters)."),
    ("schedule", "`\"run\"` (default: after every run with news), `\"daily\"` or `\"weekly\"` (papers wait in the queue until then)."),
    ("revisions", "`true`: a new version of a paper already sent is announced once, as a revision (default `false`)."),
    ("backfill", "On the destination's first run, also send the best N papers already stored (default 0: a new destination starts from now)."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_in_a_section_once_and_its_default_fits_its_kind() {
        for (i, k) in KEYS.iter().enumerate() {
            assert!(is_section(k.section), "{}", k.section);
            assert!(
                !KEYS[..i]
                    .iter()
                    .any(|o| o.section == k.section && o.name == k.name),
                "{}.{} twice",
                k.section,
                k.name
            );
            let fits = match (k.kind, k.default) {
                (K::Str, D::Str(_)) | (K::Bool, D::Bool(_)) | (K::Int, D::Int(_)) => true,
                (K::Seconds, D::Seconds(_)) | (K::OptStr | K::OptInt, D::None(_)) => true,
                (K::OptDate | K::OptFloat | K::List, D::None(_)) => true,
                (K::Choice(c), D::Str(s)) => c.contains(&s),
                _ => false,
            };
            assert!(fits, "{}.{}", k.section, k.name);
        }
    }

    #[test]
    fn environment_values_are_read_by_kind() {
        assert_eq!(from_env(K::Seconds, "0.25"), Ok(Value::Float(0.25)));
        assert_eq!(from_env(K::OptStr, ""), Ok(Value::None));
        assert_eq!(from_env(K::OptInt, " "), Ok(Value::None));
        assert_eq!(from_env(K::Bool, "1"), Ok(Value::Bool(true)));
        assert_eq!(
            from_env(K::Int, "many"),
            Err("expected a whole number, got \"many\"".into())
        );
        assert_eq!(
            from_env(K::Choice(&["published", "updated", "id"]), "x"),
            Err("expected published, updated or id, got \"x\"".into())
        );
    }
}
