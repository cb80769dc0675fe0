//! Configuration: built-in defaults ← TOML file ← `PAPERWATCH_<SECTION>_<KEY>` environment
//! variables, validated once into [`Settings`]. Nothing else reads TOML or the environment.
//!
//! A section setting is declared once, in `sections.rs` (with `raw.rs`'s `section!` macro): its
//! field, default, environment variable, doc line, parsing and check all come from that line.
//! Errors name where the problem is: the file with line and column and the key, or the
//! environment variable. When no config file exists the embedded default
//! (`paperwatch.example.toml`, the seed's six topics) is used.

use std::path::{Path, PathBuf};
use std::time::Duration;

mod error;
mod notify;
mod raw;
mod sections;
mod topic;

use serde::Deserialize;

pub use error::ConfigError;
use error::{Ctx, toml_error};
pub use notify::{Notify, NotifyKind, Schedule, is_destination_name};
pub use raw::{Key, SectionDoc};
use raw::{Origins, Sources};
pub use sections::{
    ArxivSettings, BUILTIN_EXAMPLES, ChartSettings, DatabaseSettings, ExampleSource, FeedbackMode,
    FeedbackSettings, GITHUB_README_LIMIT, Layout, LinksSettings, ReadmeSettings,
    RelevanceSettings, ServeSettings, SiteSettings, SnapshotSettings, SummarizeSettings, UpdatedOn,
    ZoteroSettings, is_arxiv_host, is_zotero_library,
};
pub use topic::{Sort, Topic};

/// The embedded default configuration (also shipped as `paperwatch.example.toml`).
pub const DEFAULT_CONFIG: &str = include_str!("../../paperwatch.example.toml");

/// The file looked for when no `--config` is given.
pub const DEFAULT_CONFIG_FILE: &str = "paperwatch.toml";

/// Every section of settings, in documentation order.
pub const SECTIONS: &[SectionDoc] = &[
    ArxivSettings::SECTION,
    DatabaseSettings::SECTION,
    ReadmeSettings::SECTION,
    SiteSettings::SECTION,
    LinksSettings::SECTION,
    SnapshotSettings::SECTION,
    ChartSettings::SECTION,
    SummarizeSettings::SECTION,
    FeedbackSettings::SECTION,
    ServeSettings::SECTION,
    ZoteroSettings::SECTION,
    RelevanceSettings::SECTION,
];

/// Every section setting, in documentation order.
pub fn keys() -> impl Iterator<Item = &'static Key> {
    SECTIONS.iter().flat_map(|s| s.keys)
}

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

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where they came from.
    pub source: Source,
    /// `[arxiv]`.
    pub arxiv: ArxivSettings,
    /// `[database]`.
    pub database: DatabaseSettings,
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
    /// `[feedback]`: 👍/👎 links where papers are read.
    pub feedback: FeedbackSettings,
    /// `[serve]`: the local inbox.
    pub serve: ServeSettings,
    /// `[zotero]`: the Zotero library read and written.
    pub zotero: ZoteroSettings,
    /// `[[topic]]`, in file order.
    pub topics: Vec<Topic>,
    /// `[[notify]]`: where digests of new papers go.
    pub notify: Vec<Notify>,
}

impl Settings {
    /// The GitHub `owner/repo` that 👍/👎 links open issues on: `[feedback] repository`, else
    /// `[readme] badges`, with `[feedback] mode = "github"`; `None` otherwise.
    pub fn feedback_repository(&self) -> Option<&str> {
        match self.feedback.mode {
            FeedbackMode::Github => self
                .feedback
                .repository
                .as_deref()
                .or(self.readme.badges.as_deref()),
            FeedbackMode::None | FeedbackMode::Serve => None,
        }
    }
}

/// The `[[topic]]` and `[[notify]]` arrays; the sections are read through their key tables.
#[derive(Debug, Default, Deserialize)]
struct RawBlocks {
    #[serde(default)]
    topic: Vec<topic::RawTopic>,
    #[serde(default)]
    notify: Vec<notify::RawNotify>,
}

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
    check_sections(&ctx, &table, spans.get_ref())?;
    let base = match &source {
        Source::File(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        Source::Embedded => PathBuf::new(),
    };
    let sources = Sources {
        ctx: &ctx,
        table: &table,
        spans: spans.get_ref(),
        env,
        base: &base,
    };
    let origins = &mut Origins::new();
    let arxiv = ArxivSettings::read(&sources, origins)?;
    if is_arxiv_host(&arxiv.api_url) && arxiv.delay_seconds < Duration::from_secs(3) {
        return Err(sources.invalid(
            &origins[&("arxiv", "delay_seconds")],
            format!(
                "arxiv.delay_seconds = {} is below arXiv's limit of one request every 3 seconds",
                arxiv.delay_seconds.as_secs_f64()
            ),
        ));
    }
    let database = DatabaseSettings::read(&sources, origins)?;
    let readme = ReadmeSettings::read(&sources, origins)?;
    let site = SiteSettings::read(&sources, origins)?;
    let snapshot = SnapshotSettings::read(&sources, origins)?;
    let links = LinksSettings::read(&sources, origins)?;
    let chart = ChartSettings::read(&sources, origins)?;
    let relevance = RelevanceSettings::read(&sources, origins)?;
    let summarize = SummarizeSettings::read(&sources, origins)?;
    let feedback = FeedbackSettings::read(&sources, origins)?;
    if feedback.mode == FeedbackMode::Github
        && feedback.repository.is_none()
        && readme.badges.is_none()
    {
        return Err(sources.invalid(
            &origins[&("feedback", "mode")],
            "feedback.mode = \"github\" needs the repository its links open issues on: \
             set [feedback] repository = \"owner/repo\" (or [readme] badges)"
                .to_string(),
        ));
    }
    let serve = ServeSettings::read(&sources, origins)?;
    let zotero = ZoteroSettings::read(&sources, origins)?;
    let raw: RawBlocks = toml::from_str(text).map_err(|e| toml_error(&name, text, &e))?;
    let topics = topic::topics(&ctx, raw.topic)?;
    let names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
    let notify = notify::notify(&ctx, raw.notify, &names)?;
    Ok(Settings {
        source,
        arxiv,
        database,
        readme,
        chart,
        site,
        links,
        snapshot,
        relevance,
        summarize,
        feedback,
        serve,
        zotero,
        topics,
        notify,
    })
}

/// The file's sections and keys against the key tables: an unknown section or key is an
/// error at its line. (Values are read, and their types checked, by each section.)
fn check_sections(
    ctx: &Ctx,
    table: &toml::Table,
    spans: &toml::de::DeTable,
) -> Result<(), ConfigError> {
    for (section, value) in table {
        if section == "topic" || section == "notify" {
            continue;
        }
        let (key_span, section_spans) = span_of(spans, section).unwrap_or_default();
        let Some(doc) = SECTIONS.iter().find(|s| s.name == section) else {
            let known: Vec<String> = SECTIONS.iter().map(|s| format!("`{}`", s.name)).collect();
            return Err(ctx.at(
                key_span,
                format!(
                    "unknown section `{section}`, expected one of {}, `topic`, `notify`",
                    known.join(", ")
                ),
            ));
        };
        let Some(entries) = value.as_table() else {
            return Err(ctx.at(
                key_span,
                format!("`{section}` must be a table (`[{section}]`)"),
            ));
        };
        for name in entries.keys() {
            if doc.keys.iter().any(|k| k.name == name) {
                continue;
            }
            let (key_span, _) = section_spans
                .and_then(|t| span_of(t, name))
                .unwrap_or_default();
            let known: Vec<String> = doc.keys.iter().map(|k| format!("`{}`", k.name)).collect();
            return Err(ctx.at(
                key_span,
                format!(
                    "unknown field `{name}`, expected one of {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Where `name` is in a parsed table: its key's span, and its value as a table when it is one.
fn span_of<'t, 'i>(
    table: &'t toml::de::DeTable<'i>,
    name: &str,
) -> Option<(std::ops::Range<usize>, Option<&'t toml::de::DeTable<'i>>)> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == name)
        .map(|(k, v)| (k.span(), v.get_ref().as_table()))
}

/// Environment variables that look like overrides but are not known: `PAPERWATCH_` and a
/// section of the key table, then anything that is not one of its keys (a typo is never
/// silently ignored).
pub fn unknown_env_overrides(vars: impl Iterator<Item = String>) -> Vec<String> {
    vars.filter(|var| {
        let Some(rest) = var.strip_prefix("PAPERWATCH_") else {
            return false;
        };
        let in_section = SECTIONS
            .iter()
            .any(|s| rest.starts_with(&format!("{}_", s.name.to_ascii_uppercase())));
        in_section && !keys().any(|k| k.env_var() == *var)
    })
    .collect()
}

/// The configuration reference (Markdown), as README.md carries it between its markers.
pub fn reference() -> String {
    let mut out = String::new();
    for section in SECTIONS {
        out.push_str(&format!(
            "### {}\n\n| key | env | default | meaning |\n| --- | --- | --- | --- |\n",
            section.heading
        ));
        for k in section.keys {
            out.push_str(&format!(
                "| `{}` | `{}` | {} | {} |\n",
                k.name,
                k.env_var(),
                (k.default)(),
                k.doc.trim()
            ));
        }
        out.push('\n');
    }
    out.push_str(
        "### `[[topic]]` (one block per topic, in README order)\n\n| key | meaning |\n| --- | --- |\n",
    );
    for (name, doc) in topic::TOPIC_KEYS {
        out.push_str(&format!("| `{name}` | {doc} |\n"));
    }
    out.push_str(
        "\n### `[[notify]]` (one block per destination; see \"Digests by e-mail and chat\")\n\n| key | meaning |\n| --- | --- |\n",
    );
    for (name, doc) in notify::NOTIFY_KEYS {
        out.push_str(&format!("| `{name}` | {doc} |\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArxivId;

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
        assert_eq!(s.arxiv.delay_seconds, Duration::from_secs(3));
        assert_eq!(s.database.path, PathBuf::from("paperwatch.db"));
    }

    #[test]
    fn paths_resolve_against_the_config_folder() {
        let s = parse("[[topic]]\nname = \"t\"\nkeywords = [\"x\"]\n").unwrap();
        assert_eq!(s.database.path, PathBuf::from("dir/paperwatch.db"));
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
        assert_eq!(s.arxiv.delay_seconds, Duration::from_millis(250));
        assert_eq!(s.readme.trend_image, None);
        assert_eq!(s.database.path, PathBuf::from("x.db"));
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
    fn every_key_is_in_its_section_once_and_every_default_passes_its_check() {
        let all: Vec<&Key> = keys().collect();
        for (i, k) in all.iter().enumerate() {
            assert!(
                SECTIONS.iter().any(|s| s.name == k.section),
                "{}",
                k.section
            );
            assert!(
                !all[..i]
                    .iter()
                    .any(|o| o.section == k.section && o.name == k.name),
                "{}.{} twice",
                k.section,
                k.name
            );
            assert!(
                !k.doc.trim().is_empty(),
                "{}.{} has no doc",
                k.section,
                k.name
            );
        }
        // Every section is read from its defaults alone without an error.
        let s = parse("[[topic]]\nname = \"t\"\nquery = \"x\"\n").unwrap();
        assert_eq!(s.readme.max_bytes, Some(GITHUB_README_LIMIT));
        assert_eq!(s.readme.layout, Layout::Seed);
        assert_eq!(
            s.links.huggingface_delay_seconds,
            Duration::from_millis(100)
        );
    }

    #[test]
    fn environment_values_are_read_by_type() {
        use raw::{Raw, Seconds};
        assert_eq!(Seconds::from_env("0.25"), Ok(Seconds(0.25)));
        assert_eq!(<Option<String>>::from_env(""), Ok(None));
        assert_eq!(<Option<i64>>::from_env(" "), Ok(None));
        assert_eq!(bool::from_env("1"), Ok(true));
        assert_eq!(
            i64::from_env("many"),
            Err("expected a whole number, got \"many\"".into())
        );
        assert_eq!(
            crate::model::Bucket::from_env("x"),
            Err("expected published, updated or id, got \"x\"".into())
        );
        assert_eq!(Layout::from_env(" cv "), Ok(Layout::Cv));
    }

    #[test]
    fn topic_keys_in_the_table_are_the_keys_a_topic_accepts() {
        let err = parse("[[topic]]\nname = \"t\"\nquery = \"x\"\nnope = 1\n")
            .unwrap_err()
            .to_string();
        let listed: Vec<String> = topic::TOPIC_KEYS
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
