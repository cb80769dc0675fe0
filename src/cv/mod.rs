//! Reading a cv-arxiv-daily fork: its `config.yaml` (topics and keywords, `max_results`,
//! badges) and every row shape its JSON databases hold — the README and gitpage tables of the
//! upstream, the bansky-cl tables with categories and abstracts, and the wechat list — with
//! versioned or version-less ids, code cells ` null`, `null`, `**[link](…)**` or
//! `**[code](…)**`, and titles containing `|`. Pure: text in, data out.

use jiff::civil::Date;
use serde_json::Value;

use crate::model::ArxivId;

/// One row, as much as it tells.
#[derive(Debug, Clone, PartialEq)]
pub struct CvRow {
    /// The paper.
    pub id: ArxivId,
    /// The version, when the row names one.
    pub version: Option<u32>,
    /// The row's date.
    pub date: Option<Date>,
    /// The title.
    pub title: String,
    /// Categories (bansky-cl rows).
    pub categories: Vec<String>,
    /// The abstract (bansky-cl rows).
    pub summary: Option<String>,
    /// The code link, when the row has one.
    pub code: Option<String>,
    /// The first author as the row names it (`Christina Kassab` of `Christina Kassab et.al.`).
    pub author: Option<String>,
    /// The row exactly as the database holds it: what a cv layout shows for it.
    pub raw: String,
}

impl CvRow {
    /// Whether the row is a wechat list item (`- date, **title**, …`) rather than a table row.
    pub fn is_list_item(&self) -> bool {
        self.raw.trim_start().starts_with("- ")
    }
}

/// The first author of an author cell: `Christina Kassab et.al.` → `Christina Kassab`.
fn first_author(cell: &str) -> Option<String> {
    let name = cell.trim().strip_suffix("et.al.")?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// A row that could not be read, with where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The topic.
    pub topic: String,
    /// The row's key.
    pub key: String,
    /// The row, shortened.
    pub row: String,
}

/// A JSON database: topics in file order, each with its rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CvDatabase {
    /// `(topic, rows)` in file order.
    pub topics: Vec<(String, Vec<CvRow>)>,
    /// Rows that could not be read.
    pub unreadable: Vec<Unreadable>,
}

/// A JSON database that is not `{topic: {id: row}}`.
#[derive(Debug, thiserror::Error)]
#[error("not a cv-arxiv-daily database ({0}); expected {{\"topic\": {{\"id\": \"row\"}}}}")]
pub struct ShapeError(pub String);

/// Parses a whole JSON database.
pub fn parse_database(json: &str) -> Result<CvDatabase, ShapeError> {
    let value: Value = serde_json::from_str(json).map_err(|e| ShapeError(e.to_string()))?;
    let Value::Object(topics) = value else {
        return Err(ShapeError("the top level is not an object".into()));
    };
    let mut db = CvDatabase::default();
    for (topic, rows) in topics {
        let Value::Object(rows) = rows else {
            return Err(ShapeError(format!("topic {topic:?} is not an object")));
        };
        let mut parsed = Vec::with_capacity(rows.len());
        for (key, row) in rows {
            let text = row.as_str().unwrap_or("");
            match parse_row(text) {
                Some(r) => parsed.push(r),
                None => db.unreadable.push(Unreadable {
                    topic: topic.clone(),
                    key,
                    row: text.chars().take(100).collect(),
                }),
            }
        }
        db.topics.push((topic, parsed));
    }
    Ok(db)
}

/// The first `YYYY-MM-DD` in the text.
fn first_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let s = text.get(i..i + 10)?;
        let shape = s.bytes().enumerate().all(|(j, b)| {
            if j == 4 || j == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
        if shape { s.parse().ok() } else { None }
    })
}

/// The arXiv id in the row's `arxiv.org/abs/…` link.
fn arxiv_link(text: &str) -> Option<(ArxivId, Option<u32>)> {
    let start = text.find("arxiv.org/abs/")? + "arxiv.org/abs/".len();
    let rest = &text[start..];
    let end = rest
        .find([')', ']', ' ', '|', ',', '"'])
        .unwrap_or(rest.len());
    ArxivId::parse_versioned(&rest[..end]).ok()
}

/// A code link in `**[link](url)**`, `**[code](url)**` or `Code: **[url](url)**` form.
fn code_link(text: &str) -> Option<String> {
    let mut found = None;
    let mut from = 0;
    while let Some(i) = text[from..].find("**[") {
        let start = from + i + 3;
        let rest = &text[start..];
        if let Some(close) = rest.find("](") {
            let url_start = close + 2;
            if let Some(end) = rest[url_start..].find(")**") {
                let url = &rest[url_start..url_start + end];
                if url.starts_with("http") && !url.contains("arxiv.org/abs/") {
                    found = Some(url.to_string());
                }
            }
        }
        from = start;
    }
    found
}

/// Parses one row of any known shape; `None` when it has no arXiv id or title.
pub fn parse_row(raw: &str) -> Option<CvRow> {
    let row = raw.trim_end_matches('\n').trim();
    let (id, version) = arxiv_link(row)?;
    let date = first_date(row);
    let code = code_link(row);
    if let Some(rest) = row.strip_prefix("- ") {
        // wechat: `- 2022-11-30, **Title**, First Author et.al., Paper: [url](url)[, Code: …]`
        let start = rest.find("**")? + 2;
        let end = start + rest[start..].find("**, ")?;
        let author = rest[end + 4..]
            .split_once(", Paper: ")
            .and_then(|(a, _)| first_author(a));
        return Some(CvRow {
            id,
            version,
            date,
            title: rest[start..end].trim().to_string(),
            categories: Vec::new(),
            summary: None,
            code,
            author,
            raw: raw.to_string(),
        });
    }
    // Tables: `|**date**|**title**|…`; a title may contain `|`, so it ends at the next `**|`.
    let after_date = row.strip_prefix("|**")?.split_once("**|")?.1;
    let title_body = after_date.strip_prefix("**")?;
    let title_end = title_body.find("**|")?;
    let title = title_body[..title_end]
        .replace("\\|", "|")
        .trim()
        .to_string();
    let rest = &title_body[title_end + 3..];
    let details = "| <details><summary>Full Abstract</summary>";
    let (categories, summary) = match rest.split_once(details) {
        Some((labels, tail)) => {
            let abstract_end = tail.find("</details>").unwrap_or(tail.len());
            let categories = labels
                .split(", ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            (categories, Some(tail[..abstract_end].replace("\\|", "|")))
        }
        None => (Vec::new(), None),
    };
    if title.is_empty() {
        return None;
    }
    // cv rows: `|**date**|**title**|First Author et.al.|[id](url)|code|`.
    let author = if summary.is_none() {
        rest.split_once('|')
            .and_then(|(cell, _)| first_author(cell))
    } else {
        None
    };
    Some(CvRow {
        id,
        version,
        date,
        title,
        categories,
        summary,
        code,
        author,
        raw: raw.to_string(),
    })
}

/// The parts of a `config.yaml` that carry over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CvConfig {
    /// `keywords`: topic → filters, in file order.
    pub topics: Vec<(String, Vec<String>)>,
    /// `max_results`.
    pub max_results: Option<i64>,
    /// `user_name/repo_name` when `show_badge` is on.
    pub badges: Option<String>,
    /// `show_badge`: the generator writes the badge link definitions at the README's end.
    pub show_badge: bool,
    /// The outputs the fork published (`publish_readme`, `publish_gitpage`, `publish_wechat`).
    pub outputs: Vec<CvOutput>,
}

/// Which of the generator's three files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CvKind {
    /// `README.md`: title, usage line, contents, tables, back-to-top links.
    Readme,
    /// `docs/index.md`: front matter, web-style tables, no contents.
    Gitpage,
    /// `docs/wechat.md`: a list per topic.
    Wechat,
}

/// One file the fork published: its kind, its JSON database and its Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CvOutput {
    /// Which file.
    pub kind: CvKind,
    /// `json_*_path`, as written (`./docs/cv-arxiv-daily.json`).
    pub json: String,
    /// `md_*_path`, as written (`README.md`, `./docs/index.md`).
    pub markdown: String,
}

/// The upstream's defaults for the three files, when config.yaml names no paths.
const OUTPUT_DEFAULTS: [(CvKind, &str, &str, &str); 3] = [
    (
        CvKind::Readme,
        "readme",
        "./docs/cv-arxiv-daily.json",
        "README.md",
    ),
    (
        CvKind::Gitpage,
        "gitpage",
        "./docs/cv-arxiv-daily-web.json",
        "./docs/index.md",
    ),
    (
        CvKind::Wechat,
        "wechat",
        "./docs/cv-arxiv-daily-wechat.json",
        "./docs/wechat.md",
    ),
];

/// Reads a cv-arxiv-daily `config.yaml`.
pub fn parse_config(yaml: &str) -> Result<CvConfig, String> {
    let value: Value = serde_saphyr::from_str(yaml).map_err(|e| e.to_string())?;
    let mut config = CvConfig {
        max_results: value.get("max_results").and_then(Value::as_i64),
        ..CvConfig::default()
    };
    if let Some(Value::Object(keywords)) = value.get("keywords") {
        for (topic, spec) in keywords {
            let filters = match spec.get("filters") {
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            config.topics.push((topic.clone(), filters));
        }
    } else {
        return Err("no `keywords` map".into());
    }
    let show_badge = value
        .get("show_badge")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    config.show_badge = show_badge;
    for (kind, name, json, markdown) in OUTPUT_DEFAULTS {
        let on = value
            .get(format!("publish_{name}").as_str())
            .and_then(Value::as_bool)
            .unwrap_or(kind == CvKind::Readme);
        let path = |key: String, default: &str| {
            value
                .get(key.as_str())
                .and_then(Value::as_str)
                .unwrap_or(default)
                .to_string()
        };
        if on {
            config.outputs.push(CvOutput {
                kind,
                json: path(format!("json_{name}_path"), json),
                markdown: path(format!("md_{name}_path"), markdown),
            });
        }
    }
    if let (true, Some(user), Some(repo)) = (
        show_badge,
        value.get("user_name").and_then(Value::as_str),
        value.get("repo_name").and_then(Value::as_str),
    ) {
        config.badges = Some(format!("{user}/{repo}"));
    }
    Ok(config)
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// A migrated README stays whole, as the fork's generator wrote it; the comment offers the cap.
const UNCAPPED: &str = "# No size cap, as cv-arxiv-daily: GitHub shows only the first 512,000 bytes of a README.\n\
                        # Set max_bytes = 512000 to move older months to archive pages instead.\n\
                        max_bytes = 0\n";

/// The owner/repo the upstream generator links its badge definitions to, whatever
/// `user_name` and `repo_name` say (they are hard-coded in `json_to_md`).
pub const UPSTREAM_BADGES: &str = "Vincentqyw/cv-arxiv-daily";

/// A path as config.yaml writes it (`./docs/index.md`), as paperwatch.toml writes it.
fn plain_path(path: &str) -> &str {
    path.trim_start_matches("./")
}

/// A paperwatch.toml for a fork: its topics with their keywords (not filtered locally, as the
/// fork did not), its `max_results`, no README cap, and, with `layout_cv`, the cv layout with
/// the files the fork published (`publish_gitpage`, `publish_wechat`) and the badge
/// definitions where its generator put them. `json_topics` are the topics of the fork's JSON
/// database in its order, with their papers: that order is the README's, and a topic the JSON
/// has but config.yaml no longer does stays, pinning its papers, as the fork's README kept it.
pub fn toml_for_fork(
    config: &CvConfig,
    layout_cv: bool,
    json_topics: &[(String, Vec<ArxivId>)],
) -> String {
    let mut out = String::from(
        "# Converted from a cv-arxiv-daily config.yaml by `paperwatch import-cv`.\n\
         # See paperwatch.example.toml for every key.\n\n[arxiv]\n",
    );
    if let Some(max) = config.max_results {
        out.push_str(&format!("max_results = {}\n", max.clamp(1, 30000)));
    }
    out.push_str("\n[readme]\n");
    out.push_str(UNCAPPED);
    if layout_cv {
        out.push_str("# The fork's own README format (cv-arxiv-daily): first author et.al., a table of contents.\nlayout = \"cv\"\n");
        for output in &config.outputs {
            match output.kind {
                CvKind::Readme => {
                    if plain_path(&output.markdown) != "README.md" {
                        out.push_str(&format!(
                            "path = {}\n",
                            toml_string(plain_path(&output.markdown))
                        ));
                    }
                }
                CvKind::Gitpage => out.push_str(&format!(
                    "gitpage_path = {}\n",
                    toml_string(plain_path(&output.markdown))
                )),
                CvKind::Wechat => out.push_str(&format!(
                    "wechat_path = {}\n",
                    toml_string(plain_path(&output.markdown))
                )),
            }
        }
        if config.show_badge {
            out.push_str(&format!(
                "# cv-arxiv-daily's generator links its badge definitions to {UPSTREAM_BADGES} whatever\n\
                 # user_name says; set your own owner/repo to link yours.\nbadges = {}\n",
                toml_string(UPSTREAM_BADGES)
            ));
        }
    } else {
        out.push_str("trend_image = \"imgs/trend.png\"\n");
        if let Some(badges) = &config.badges {
            out.push_str(&format!("badges = {}\n", toml_string(badges)));
        }
    }
    let keywords_topic = |out: &mut String, topic: &str, filters: &[String]| {
        let keywords: Vec<String> = filters.iter().map(|f| toml_string(f)).collect();
        out.push_str(&format!(
            "\n[[topic]]\nname = {}\nkeywords = [{}]\n# cv-arxiv-daily showed everything arXiv returned; set true to drop keyword noise.\nfilter = false\n",
            toml_string(topic),
            keywords.join(", ")
        ));
    };
    for (topic, ids) in json_topics {
        match config.topics.iter().find(|(name, _)| name == topic) {
            Some((_, filters)) => keywords_topic(&mut out, topic, filters),
            None => {
                let ids: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
                out.push_str(&format!(
                    "\n# In the fork's database but no longer in its config.yaml: its papers, as the README showed them.\n[[topic]]\nname = {}\nids = [{}]\n",
                    toml_string(topic),
                    ids.join(", ")
                ));
            }
        }
    }
    for (topic, filters) in &config.topics {
        if !json_topics.iter().any(|(name, _)| name == topic) {
            keywords_topic(&mut out, topic, filters);
        }
    }
    out
}

/// A paperwatch.toml for a fork's config.yaml alone (`init --from-cv`): its topics in the
/// config's order, in the fork's cv layout.
pub fn toml_from_config(config: &CvConfig) -> String {
    toml_for_fork(config, true, &[])
}

/// A paperwatch.toml whose topics are the database's topics, pinning their papers.
pub fn toml_from_database(topics: &[(String, Vec<ArxivId>)]) -> String {
    let mut out = String::from(
        "# Written by `paperwatch import-cv` from a cv-arxiv-daily JSON database (no config.yaml):\n\
         # each topic pins the papers it held. Add `keywords` or a `query` to follow new papers.\n\n\
         [readme]\ntrend_image = \"imgs/trend.png\"\n",
    );
    out.push_str(UNCAPPED);
    for (topic, ids) in topics {
        let ids: Vec<String> = ids.iter().map(|i| format!("\"{i}\"")).collect();
        out.push_str(&format!(
            "\n[[topic]]\nname = {}\nids = [{}]\n",
            toml_string(topic),
            ids.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ArxivId {
        ArxivId::parse(s).unwrap()
    }

    #[test]
    fn every_row_shape() {
        let bansky = "|**2025-12-17**|**Accelerating Mobile LM**|cs.CL, cs.AI| <details><summary>Full Abstract</summary>An \\| abstract.</details>|[2510.15312v4](http://arxiv.org/abs/2510.15312v4)| null|";
        let r = parse_row(bansky).unwrap();
        assert_eq!((r.id.clone(), r.version), (id("2510.15312"), Some(4)));
        assert_eq!(r.title, "Accelerating Mobile LM");
        assert_eq!(r.categories, ["cs.CL", "cs.AI"]);
        assert_eq!(r.summary.as_deref(), Some("An | abstract."));
        assert_eq!(r.date, Some(Date::constant(2025, 12, 17)));
        assert_eq!(r.code, None);

        let cv = "|**2022-11-30**|**Title | with a pipe**|First Author et.al.|[2211.16882](http://arxiv.org/abs/2211.16882)|null|\n";
        let r = parse_row(cv).unwrap();
        assert_eq!((r.id.clone(), r.version), (id("2211.16882"), None));
        assert_eq!(r.title, "Title | with a pipe");
        assert_eq!(r.author.as_deref(), Some("First Author"));
        assert_eq!(r.raw, cv, "kept byte for byte");
        assert!(!r.is_list_item());

        let linked = "|**2022-11-30**|**T**|A et.al.|[2211.16882v2](http://arxiv.org/abs/2211.16882v2)|**[link](https://github.com/a/b)**|";
        assert_eq!(
            parse_row(linked).unwrap().code.as_deref(),
            Some("https://github.com/a/b")
        );
        let code = "|**2026-02-03**|**T**|cs.LG| <details><summary>Full Abstract</summary>x</details>|[2602.01842v1](http://arxiv.org/abs/2602.01842v1)| **[code](https://github.com/c/d)**|";
        assert_eq!(
            parse_row(code).unwrap().code.as_deref(),
            Some("https://github.com/c/d")
        );

        let wechat = "- 2022-11-30, **Wechat Title**, First Author et.al., Paper: [http://arxiv.org/abs/2211.16882v1](http://arxiv.org/abs/2211.16882v1), Code: **[https://github.com/e/f](https://github.com/e/f)**\n";
        let r = parse_row(wechat).unwrap();
        assert_eq!((r.title.as_str(), r.version), ("Wechat Title", Some(1)));
        assert_eq!(r.author.as_deref(), Some("First Author"));
        assert!(r.is_list_item());
        assert_eq!(r.code.as_deref(), Some("https://github.com/e/f"));

        let old = "|**2007-01-02**|**Old**|A et.al.|[hep-th/0701001v1](http://arxiv.org/abs/hep-th/0701001v1)|null|";
        assert_eq!(parse_row(old).unwrap().id, id("hep-th/0701001"));

        assert_eq!(parse_row("|**2022-11-30**|**No link**|A|null|"), None);
        assert_eq!(parse_row("garbage"), None);
    }

    #[test]
    fn databases_report_what_they_cannot_read() {
        let json = r#"{"SLAM": {"2211.16882": "|**2022-11-30**|**T**|A et.al.|[2211.16882](http://arxiv.org/abs/2211.16882)|null|", "x": "broken row"}, "NeRF": {}}"#;
        let db = parse_database(json).unwrap();
        assert_eq!(db.topics.len(), 2);
        assert_eq!(db.topics[0].1.len(), 1);
        assert_eq!(
            db.unreadable,
            [Unreadable {
                topic: "SLAM".into(),
                key: "x".into(),
                row: "broken row".into()
            }]
        );
        assert!(parse_database("[1]").is_err());
    }

    #[test]
    fn config_yaml_becomes_topics() {
        let yaml = "base_url: \"https://arxiv.paperswithcode.com/api/v0/papers/\"\nuser_name: \"Me\"\nrepo_name: \"my-arxiv\"\nshow_badge: True\nmax_results: 10\nkeywords:\n  \"SLAM\":\n    filters: [\"SLAM\", \"Visual Odometry\"]\n  \"NeRF\":\n    filters: [\"NeRF\"]\n";
        let c = parse_config(yaml).unwrap();
        assert_eq!(
            c.topics[0],
            (
                "SLAM".to_string(),
                vec!["SLAM".to_string(), "Visual Odometry".to_string()]
            )
        );
        assert_eq!(c.badges.as_deref(), Some("Me/my-arxiv"));
        let toml = toml_from_config(&c);
        let settings =
            crate::config::from_str(&toml, crate::config::Source::Embedded, &|_| None).unwrap();
        assert_eq!(settings.topics.len(), 2);
        assert_eq!(settings.topics[0].keywords, ["SLAM", "Visual Odometry"]);
        assert!(!settings.topics[0].filter);
        assert_eq!(settings.arxiv.max_results, Some(10));
        // The cv layout, with the badge definitions where (and as) the generator writes them.
        assert_eq!(settings.readme.layout, crate::config::Layout::Cv);
        assert_eq!(settings.readme.badges.as_deref(), Some(UPSTREAM_BADGES));
        assert_eq!(c.badges.as_deref(), Some("Me/my-arxiv"));
    }
}
