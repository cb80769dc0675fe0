//! The cv-arxiv-daily layout (issue 21): a fork built here from the upstream's anatomy
//! (reference-trackers.md §3, not any fork's files) is migrated with `import-cv` and rendered
//! back byte for byte — README.md with its contents and back-to-top links, docs/index.md in the
//! web variant — while arXiv's metadata (other author lists, other titles) has arrived; papers
//! found later get rows in the same format; a capped README keeps the layout.

use std::collections::BTreeMap;

use crate::common::{MockArxiv, SeedRow, TestEnv};

/// The fork's last update: 2025-01-10, 12:00 UTC.
const LAST_UPDATE: &str = "1736510400";

const CONFIG_YAML: &str = r#"base_url: "https://arxiv.paperswithcode.com/api/v0/papers/"
user_name: "someone"
repo_name: "slam-arxiv-daily"
show_authors: True
show_links: True
show_badge: True
max_results: 10

publish_readme: True
publish_gitpage: True
publish_wechat: False

json_readme_path: './docs/cv-arxiv-daily.json'
json_gitpage_path: './docs/cv-arxiv-daily-web.json'
json_wechat_path: './docs/cv-arxiv-daily-wechat.json'

md_readme_path: 'README.md'
md_gitpage_path: './docs/index.md'
md_wechat_path: './docs/wechat.md'

keywords:
    "SLAM":
        filters: ["SLAM", "Visual Odometry"]
    "Visual Localization":
        filters: ["Visual Localization","Camera Localization"]
    "NeRF":
        filters: ["NeRF"]
"#;

/// Rows as the generator writes them: `|**updated**|**title**|First et.al.|[key](url)|code|`.
const ROW_ALPHA: &str = "|**2025-01-08**|**$ \\alpha $-SLAM: Sparse Mapping**|Grace Hopper et.al.|[2501.00003](http://arxiv.org/abs/2501.00003)|null|\n";
const ROW_SHARED: &str = "|**2025-01-06**|**Odometry and Localization in One Network**|Ada Lovelace et.al.|[2501.00001](http://arxiv.org/abs/2501.00001)|**[link](https://github.com/ada/one-net)**|\n";
const ROW_OLD: &str = "|**2024-12-30**|**A Visual Odometry Benchmark**|Edsger Dijkstra et.al.|[2412.19999](http://arxiv.org/abs/2412.19999)|null|\n";
const ROW_PLACE: &str = "|**2025-01-05**|**Where Am I? Visual Place Recognition**|Alan Turing et.al.|[2501.00002](http://arxiv.org/abs/2501.00002)|null|\n";

/// The fork's database (README and web JSON are the same file, as upstream writes them); keys
/// in insertion order, as `json.dump` keeps them; NeRF never found anything.
fn database() -> String {
    format!(
        "{{\"SLAM\": {{\"2412.19999\": {}, \"2501.00001\": {}, \"2501.00003\": {}}}, \"Visual Localization\": {{\"2501.00001\": {}, \"2501.00002\": {}}}, \"NeRF\": {{}}}}",
        serde_json::to_string(ROW_OLD).unwrap(),
        serde_json::to_string(ROW_SHARED).unwrap(),
        serde_json::to_string(ROW_ALPHA).unwrap(),
        serde_json::to_string(ROW_SHARED).unwrap(),
        serde_json::to_string(ROW_PLACE).unwrap(),
    )
}

const FOOTER: &str = "[contributors-shield]: https://img.shields.io/github/contributors/Vincentqyw/cv-arxiv-daily.svg?style=for-the-badge
[contributors-url]: https://github.com/Vincentqyw/cv-arxiv-daily/graphs/contributors
[forks-shield]: https://img.shields.io/github/forks/Vincentqyw/cv-arxiv-daily.svg?style=for-the-badge
[forks-url]: https://github.com/Vincentqyw/cv-arxiv-daily/network/members
[stars-shield]: https://img.shields.io/github/stars/Vincentqyw/cv-arxiv-daily.svg?style=for-the-badge
[stars-url]: https://github.com/Vincentqyw/cv-arxiv-daily/stargazers
[issues-shield]: https://img.shields.io/github/issues/Vincentqyw/cv-arxiv-daily.svg?style=for-the-badge
[issues-url]: https://github.com/Vincentqyw/cv-arxiv-daily/issues

";

/// The fork's README.md, written out from the anatomy: title, usage line, contents of the
/// topics with rows, one table per topic with rows by key descending (`pretty_math` spaces the
/// `$…$` of the first row), a blank line and a back-to-top link after each, the footer.
fn expected_readme() -> String {
    format!(
        "## Updated on 2025.01.10
> Usage instructions: [here](./docs/README.md#usage)

<details>
  <summary>Table of Contents</summary>
  <ol>
    <li><a href=#slam>SLAM</a></li>
    <li><a href=#visual-localization>Visual Localization</a></li>
  </ol>
</details>

## SLAM

|Publish Date|Title|Authors|PDF|Code|
|---|---|---|---|---|
|**2025-01-08**|**$\\alpha$ -SLAM: Sparse Mapping**|Grace Hopper et.al.|[2501.00003](http://arxiv.org/abs/2501.00003)|null|
{ROW_SHARED}{ROW_OLD}
<p align=right>(<a href=#updated-on-20250110>back to top</a>)</p>

## Visual Localization

|Publish Date|Title|Authors|PDF|Code|
|---|---|---|---|---|
{ROW_PLACE}{ROW_SHARED}
<p align=right>(<a href=#updated-on-20250110>back to top</a>)</p>

{FOOTER}"
    )
}

/// The fork's docs/index.md: front matter, title, usage line, web-style tables, no contents,
/// no back-to-top links, the footer.
fn expected_gitpage() -> String {
    let header = "| Publish Date | Title | Authors | PDF | Code |\n|:---------|:-----------------------|:---------|:------|:------|\n";
    format!(
        "---
layout: default
---

## Updated on 2025.01.10
> Usage instructions: [here](./docs/README.md#usage)

## SLAM

{header}|**2025-01-08**|**$\\alpha$ -SLAM: Sparse Mapping**|Grace Hopper et.al.|[2501.00003](http://arxiv.org/abs/2501.00003)|null|
{ROW_SHARED}{ROW_OLD}
## Visual Localization

{header}{ROW_PLACE}{ROW_SHARED}
{FOOTER}"
    )
}

/// What arXiv says of the migrated papers (2412.19999 it does not know): other titles, its
/// own author list ("Seed Author"); and a paper the fork never saw, found later.
fn arxiv_corpus() -> BTreeMap<String, SeedRow> {
    let row = |id: &str, date: &str, title: &str| SeedRow {
        id: id.into(),
        version: 1,
        date: date.into(),
        title: title.into(),
        categories: vec!["cs.CV".into()],
        summary: "A SLAM abstract about visual odometry.".into(),
        line: String::new(),
    };
    [
        row(
            "2501.00001",
            "2025-01-06",
            "Odometry and localization in one network",
        ),
        row("2501.00002", "2025-01-05", "Where am I?"),
        row(
            "2501.00003",
            "2025-01-08",
            "alpha-SLAM: sparse mapping, revised",
        ),
    ]
    .into_iter()
    .map(|r| (r.id.clone(), r))
    .collect()
}

fn migrated_fork(mock: &MockArxiv) -> TestEnv {
    let mut env = TestEnv::new();
    env.write("config.yaml", CONFIG_YAML);
    env.write("docs/cv-arxiv-daily.json", &database());
    env.write("docs/cv-arxiv-daily-web.json", &database());
    env.set_env("PAPERWATCH_ARXIV_API_URL", &mock.url());
    env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0");
    env.set_env("SOURCE_DATE_EPOCH", LAST_UPDATE);
    let run = env.run(&[
        "import-cv",
        "--json",
        "docs/cv-arxiv-daily.json",
        "--json",
        "docs/cv-arxiv-daily-web.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("imported 10 rows: 4 new papers"),
        "{}",
        run.stderr
    );
    env
}

#[test]
fn a_migrated_cv_fork_renders_its_readme_and_gitpage_byte_for_byte() {
    let mock = MockArxiv::start(arxiv_corpus());
    let env = migrated_fork(&mock);
    let toml = env.read("paperwatch.toml");
    assert!(toml.contains("layout = \"cv\""), "{toml}");
    assert!(toml.contains("gitpage_path = \"docs/index.md\""), "{toml}");
    assert!(!toml.contains("wechat_path"), "{toml}");
    assert!(!toml.contains("trend_image"), "{toml}");
    // arXiv's metadata arrived (its author list, its titles) …
    let papers = env.exported();
    let alpha = papers.iter().find(|p| p["id"] == "2501.00003").unwrap();
    assert_eq!(alpha["authors"], serde_json::json!(["Seed Author"]));
    // … and the one arXiv did not answer for keeps the author its row named.
    let old = papers.iter().find(|p| p["id"] == "2412.19999").unwrap();
    assert_eq!(old["authors"], serde_json::json!(["Edsger Dijkstra"]));

    let run = env.run(&["render"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.read("README.md"), expected_readme());
    assert_eq!(env.read("docs/index.md"), expected_gitpage());
    assert!(!env.path("docs/wechat.md").exists());
    assert!(!env.path("imgs/trend.png").exists());

    // A database rebuilt from the snapshot renders the same bytes.
    std::fs::remove_file(env.path("paperwatch.db")).unwrap();
    let run = env.run(&["render"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.read("README.md"), expected_readme());
}

#[test]
fn papers_found_later_get_rows_in_the_forks_format() {
    let mut corpus = arxiv_corpus();
    let later = SeedRow {
        id: "2501.00009".into(),
        version: 1,
        date: "2025-01-12".into(),
        title: "Dense SLAM at the Edge".into(),
        categories: vec!["cs.CV".into()],
        summary: "A SLAM system for visual odometry on phones.".into(),
        line: String::new(),
    };
    corpus.insert(later.id.clone(), later);
    let mock = MockArxiv::start_engine(corpus);
    let mut env = migrated_fork(&mock);
    env.set_env("SOURCE_DATE_EPOCH", "1736683200"); // 2025-01-12 12:00 UTC
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let readme = env.read("README.md");
    // The generator's row for it: updated date, title, first author et.al., the version-less
    // id and link, `null`.
    assert!(
        readme.contains("|**2025-01-12**|**Dense SLAM at the Edge**|Seed Author et.al.|[2501.00009](http://arxiv.org/abs/2501.00009)|null|\n"),
        "{readme}"
    );
    // The migrated rows stay as the fork wrote them, newest key first.
    let slam = readme.split("## SLAM").nth(1).unwrap();
    let order: Vec<usize> = ["2501.00009", "[2501.00003]", "[2501.00001]", "[2412.19999]"]
        .iter()
        .map(|k| slam.find(k).unwrap())
        .collect();
    assert!(order.is_sorted(), "{slam}");
    assert!(readme.contains(ROW_SHARED) && readme.contains(ROW_OLD));
    assert!(readme.starts_with("## Updated on 2025.01.12\n> Usage instructions:"));
}

#[test]
fn a_capped_cv_readme_keeps_its_layout_with_archive_pages() {
    let mock = MockArxiv::start(arxiv_corpus());
    let mut env = migrated_fork(&mock);
    let toml = env
        .read("paperwatch.toml")
        .replace("max_bytes = 0", "max_bytes = 10000");
    env.write("paperwatch.toml", &toml);
    // Many migrated rows: more than 10,000 bytes of them, over three months.
    let mut rows = serde_json::Map::new();
    for i in 0..120 {
        let month = [10, 11, 12][i % 3];
        let id = format!("24{month}.{:05}", i + 100);
        let row = format!(
            "|**2024-{month}-15**|**Paper {i} on SLAM**|Author {i} et.al.|[{id}](http://arxiv.org/abs/{id})|null|\n"
        );
        rows.insert(id, serde_json::Value::String(row));
    }
    let db = serde_json::json!({ "SLAM": rows });
    env.write("docs/more.json", &db.to_string());
    env.set_env("PAPERWATCH_ARXIV_API_URL", "http://127.0.0.1:1");
    let run = env.run(&["import-cv", "--json", "docs/more.json"]);
    assert!(run.stderr.contains("imported 120 rows"), "{}", run.stderr);
    let run = env.run(&["render"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let readme = env.read("README.md");
    assert!(readme.len() <= 10_000, "{} bytes", readme.len());
    assert!(readme.starts_with("## Updated on 2025.01.10\n> Usage instructions:"));
    assert!(readme.contains("|Publish Date|Title|Authors|PDF|Code|"));
    assert!(readme.contains("## Archive\n\nOlder papers, by month of first version: [2024-"));
    // The archive pages are in the fork's table format too, and hold every row moved out.
    let pages: Vec<_> = std::fs::read_dir(env.path("docs/archive"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(!pages.is_empty());
    let archived_rows: usize = pages.iter().map(|p| p.matches(" on SLAM**|").count()).sum();
    let kept_rows = readme.matches(" on SLAM**|").count();
    assert_eq!(archived_rows + kept_rows, 120);
    for page in &pages {
        assert!(page.contains("\n|Publish Date|Title|Authors|PDF|Code|\n|---|---|---|---|---|\n"));
        assert!(page.contains("(../../README.md)"), "{page}");
    }
}

#[test]
fn import_cv_says_when_the_forks_readme_passes_what_github_shows() {
    let mock = MockArxiv::start(BTreeMap::new());
    let mut env = TestEnv::new();
    env.write("config.yaml", CONFIG_YAML);
    let rows: serde_json::Map<String, serde_json::Value> = (0..3000)
        .map(|i| {
            let id = format!("2401.{:05}", i + 1);
            let row = format!(
                "|**2024-01-15**|**A paper with a title long enough to fill a row of the table, and then some more words to pass the limit {i}**|Author {i} et.al.|[{id}](http://arxiv.org/abs/{id})|null|\n"
            );
            (id, serde_json::Value::String(row))
        })
        .collect();
    env.write(
        "docs/cv-arxiv-daily.json",
        &serde_json::json!({ "SLAM": rows }).to_string(),
    );
    env.set_env("PAPERWATCH_ARXIV_API_URL", &mock.url());
    env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0");
    let run = env.run(&["import-cv", "--json", "docs/cv-arxiv-daily.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("GitHub shows only the first 512000 of a README")
            && run
                .stderr
                .contains("set `max_bytes = 512000` under [readme]"),
        "{}",
        run.stderr
    );
    // Uncapped, as the fork's generator: the whole README, in its layout.
    let run = env.run(&["render"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.read("README.md").len() > 512_000);
}
