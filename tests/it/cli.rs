//! The binary end to end: exit codes, config errors, outages, the export shape, and what a
//! second run asks arXiv.

use std::time::Duration;

use crate::common::{MockArxiv, TestEnv, mock_config};

fn mock() -> MockArxiv {
    MockArxiv::seed_sections()
}

const TOPICS: &str = r#"
[[topic]]
name = "edge"
query = "seed:edge_inference"
filter = false

[[topic]]
name = "pinned"
ids = ["2509.23324", "2501.14794", "2407.05858"]
"#;

#[test]
fn help_names_every_command() {
    let env = TestEnv::new();
    let run = env.run(&["--help"]);
    assert_eq!(run.code, 0);
    for command in ["update", "fetch", "render", "export"] {
        assert!(run.stdout.contains(command), "{}", run.stdout);
    }
    assert_eq!(env.run(&["update", "--help"]).code, 0);
    assert_eq!(env.run(&["frobnicate"]).code, 2);
}

#[test]
fn second_update_asks_once_per_search_topic_and_never_for_stored_pins() {
    let mock = mock();
    let env = TestEnv::new();
    env.write(
        "paperwatch.toml",
        &mock_config(&mock.url(), "delay_seconds = 0.2\npage_size = 50", TOPICS),
    );
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("edge: 66 new, 0 revised, 66 total, 66 shown (2 requests)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("pinned: 3 new, 0 revised, 3 total, 3 shown (1 request)"),
        "{}",
        run.stderr
    );
    let requests = mock.requests();
    assert_eq!(requests.len(), 3);
    for pair in requests.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(
            gap >= Duration::from_millis(200),
            "requests only {gap:?} apart"
        );
    }

    mock.clear_log();
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let requests = mock.requests();
    assert_eq!(
        requests.len(),
        1,
        "one request for the search topic, none for the pins"
    );
    assert_eq!(requests[0].params["search_query"], "seed:edge_inference");

    mock.clear_log();
    let run = env.run(&["fetch", "--topic", "pinned", "--refresh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mock.requests().len(), 1);
    assert!(mock.requests()[0].params.contains_key("id_list"));
}

#[test]
fn an_unreachable_api_changes_no_paper_and_no_file() {
    let mock = mock();
    let mut env = TestEnv::new();
    env.write("paperwatch.toml", &mock_config(&mock.url(), "", TOPICS));
    assert_eq!(env.run(&["update"]).code, 0);
    let readme = std::fs::read(env.path("README.md")).unwrap();
    let export = env.run(&["export", "--format", "json"]).stdout;

    // Port 1 on loopback refuses connections.
    env.set_env("PAPERWATCH_ARXIV_API_URL", "http://127.0.0.1:1/api/query");
    env.set_env("PAPERWATCH_ARXIV_RETRIES", "1");
    env.set_env("SOURCE_DATE_EPOCH", "1770552000"); // a day later
    let run = env.run(&["update", "--refresh"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("edge: FAILED: could not reach"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("kept 66 stored papers"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("README was left as it was"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(env.path("README.md")).unwrap(), readme);
    assert_eq!(env.run(&["export", "--format", "json"]).stdout, export);
}

#[test]
fn export_json_has_every_field_and_topic_membership() {
    let mock = mock();
    let env = TestEnv::new();
    // 2407.05858 is in both topics.
    let topics = format!("{TOPICS}\n[[topic]]\nname = \"also\"\nids = [\"2407.05858\"]\n");
    env.write("paperwatch.toml", &mock_config(&mock.url(), "", &topics));
    assert_eq!(env.run(&["update"]).code, 0);
    let run = env.run(&["export", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let papers: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(papers.len(), 68);
    let paper = papers.iter().find(|p| p["id"] == "2407.05858").unwrap();
    for key in [
        "id",
        "version",
        "title",
        "authors",
        "abstract",
        "categories",
        "primary_category",
        "published",
        "updated",
        "comment",
        "journal_ref",
        "doi",
        "topics",
    ] {
        assert!(paper.get(key).is_some(), "missing {key}");
    }
    assert_eq!(paper["version"], 2);
    assert_eq!(
        paper["topics"],
        serde_json::json!([
            {"name": "also", "shown": true, "score": null, "reason": null, "first_seen": "2026-02-07T12:00:00Z"},
            {"name": "pinned", "shown": true, "score": null, "reason": null, "first_seen": "2026-02-07T12:00:00Z"}
        ])
    );
    insta::assert_json_snapshot!(paper);
}

#[test]
fn bad_configs_exit_2_naming_the_place() {
    let env = TestEnv::new();
    let cases = [
        ("[arxiv\n", "paperwatch.toml:1:"),
        (
            "[arxiv]\npage_sise = 5\n",
            "paperwatch.toml:2:1: unknown field `page_sise`",
        ),
        (
            "[[topic]]\nname = \"a\"\n",
            "paperwatch.toml:2:8: topic \"a\" needs at least one of",
        ),
        (
            "[[topic]]\nname = \"a\"\nquery = \"x\"\n[[topic]]\nname = \"a\"\nquery = \"y\"\n",
            "paperwatch.toml:5:8: topic.name: duplicate topic \"a\" (first defined on line 2)",
        ),
        (
            "[arxiv]\nmax_results = \"lots\"\n[[topic]]\nname = \"a\"\nquery = \"x\"\n",
            "paperwatch.toml:2:15: key `max_results`",
        ),
    ];
    for (text, message) in cases {
        env.write("paperwatch.toml", text);
        let run = env.run(&["update"]);
        assert_eq!(run.code, 2, "{text:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{text:?}: {}", run.stderr);
        assert!(!env.path("paperwatch.db").exists(), "nothing was created");
    }
    let run = env.run(&["--config", "missing.toml", "render"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot read config file missing.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_mistakes_exit_2() {
    let mut env = TestEnv::new();
    env.write(
        "paperwatch.toml",
        &mock_config("http://127.0.0.1:1/q", "", TOPICS),
    );
    let run = env.run(&["fetch", "--topic", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no topic named \"nope\""),
        "{}",
        run.stderr
    );
    env.set_env("PAPERWATCH_ARXIV_DELAY", "5");
    let run = env.run(&["render"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("PAPERWATCH_ARXIV_DELAY: not a known setting"),
        "{}",
        run.stderr
    );
    env.remove_env("PAPERWATCH_ARXIV_DELAY");
    // Every section of the key table, the snapshot's included.
    for var in [
        "PAPERWATCH_SNAPSHOT_TYPO",
        "PAPERWATCH_DATABASE_PATHS",
        "PAPERWATCH_CHART_COLOUR",
        "PAPERWATCH_LINKS_GITHUB",
    ] {
        env.set_env(var, "1");
        let run = env.run(&["render"]);
        assert_eq!(run.code, 2, "{var}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{var}: not a known setting")),
            "{var}: {}",
            run.stderr
        );
        env.remove_env(var);
    }
}

#[test]
fn render_without_a_database_says_what_to_do() {
    let env = TestEnv::new();
    let run = env.run(&["render"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("run `paperwatch update` first"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_embedded_default_refuses_to_hammer_arxiv() {
    // No paperwatch.toml: the embedded default is used; overriding its delay below 3 s against
    // arxiv.org is refused before any request.
    let mut env = TestEnv::new();
    env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0.5");
    let run = env.run(&["fetch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("<embedded default config>"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("below arXiv's limit"), "{}", run.stderr);
}

#[test]
fn no_papers_draws_an_empty_chart_over_a_stale_one() {
    let mock = mock();
    let env = TestEnv::new();
    env.write("imgs/trend.png", "stale");
    env.write("imgs/trend.svg", "stale");
    let topics = "[[topic]]\nname = \"quiet\"\nquery = \"nothing matches\"\n";
    env.write("paperwatch.toml", &mock_config(&mock.url(), "", topics));
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("quiet: 0 new, 0 revised, 0 total, 0 shown (1 request)"),
        "{}",
        run.stderr
    );
    let svg = env.read("imgs/trend.svg");
    assert!(svg.contains("No papers yet"));
    insta::assert_snapshot!(svg);
    let png = std::fs::read(env.path("imgs/trend.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let readme = env.read("README.md");
    assert!(!readme.contains("|Date|"), "no table without papers");
}

/// README.md's configuration reference is the key table's, word for word.
#[test]
fn config_reference_in_the_readme_is_generated_from_the_key_table() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find("<!-- config-reference:start").unwrap();
    let start = start + readme[start..].find("-->\n").unwrap() + 4;
    let end = readme.find("<!-- config-reference:end -->").unwrap();
    let wanted = paperwatch::config::reference();
    if readme[start..end] != wanted {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!("{}{wanted}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README.md's configuration reference is stale: run \
                 `UPDATE_DOCS=1 cargo test --test it config_reference`"
            );
        }
    }
}

#[test]
fn completions_and_man_pages_come_from_the_flags() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = env.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in ["import-cv", "install-from", "dry-run"] {
            assert!(run.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    // The bash script is valid bash.
    let script = env.path("paperwatch.bash");
    std::fs::write(&script, env.run(&["completions", "bash"]).stdout).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    assert_eq!(env.run(&["completions", "tcsh"]).code, 2);

    let man = env.run(&["man"]);
    assert_eq!(man.code, 0, "{}", man.stderr);
    assert!(man.stdout.starts_with(".ie"), "{}", man.stdout);
    assert!(man.stdout.contains(".TH paperwatch 1"));
    assert!(
        man.stdout.contains("paperwatch\\-update(1)"),
        "{}",
        man.stdout
    );
    let run = env.run(&["man", "--dir", "man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let update = env.read("man/paperwatch-update.1");
    assert!(update.contains("\\-\\-topic"), "{update}");
    let pages = std::fs::read_dir(env.path("man")).unwrap().count();
    assert_eq!(pages, 24, "paperwatch.1 and one page per subcommand");
}

/// Log lines on stderr are coloured only on a terminal: a pipe (as here, and as a CI log or a
/// file) gets plain text, `NO_COLOR` keeps it plain, `CLICOLOR_FORCE` asks for colour anyway.
#[test]
fn stderr_is_coloured_only_on_a_terminal_or_when_forced() {
    let mock = mock();
    let mut env = TestEnv::new();
    env.write("paperwatch.toml", &mock_config(&mock.url(), "", TOPICS));
    let run = env.run(&["-v", "update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("INFO"), "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
    env.set_env("CLICOLOR_FORCE", "1");
    let run = env.run(&["-v", "update"]);
    assert!(run.stderr.contains("\u{1b}["), "{}", run.stderr);
    env.set_env("CLICOLOR_FORCE", "0");
    env.set_env("NO_COLOR", "1");
    let run = env.run(&["-v", "update"]);
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
}
