//! Hostile bytes, corrupt state, dead networks and a newcomer's first command: what the
//! reliability table in CONTRIBUTING.md promises, tested.

use crate::common::{MockArxiv, Seed, TestEnv, mock_config};

/// Whether XML 1.0 allows `c` (and it is not a control character we clean away).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A tracker of one topic, the seed's `edge_inference` section, against the mock arXiv.
fn edge_tracker() -> (TestEnv, MockArxiv) {
    let mock = MockArxiv::seed_sections();
    let env = TestEnv::new();
    let topics = "[[topic]]\nname = \"edge\"\nquery = \"seed:edge_inference\"\nfilter = false\n";
    env.write("paperwatch.toml", &mock_config(&mock.url(), "", topics));
    (env, mock)
}

#[test]
fn control_characters_never_reach_an_output() {
    let seed = Seed::load();
    let mut papers = seed.papers();
    let id = seed.section("edge_inference")[0].id.clone();
    let row = papers.get_mut(&id).unwrap();
    row.title = format!(
        "Evil\u{1}\u{7}\u{1b}[31m title\u{FFFE} <b>x</b> & {}",
        row.title
    );
    row.summary = format!("bell\u{7} and next-line\u{85} {}", row.summary);
    let mock = MockArxiv::start(papers);
    mock.add_search("seed:edge", vec![id.clone()]);
    let env = TestEnv::new();
    let topics = "[[topic]]\nname = \"edge <b>\"\nquery = \"seed:edge\"\nfilter = false\n";
    env.write("paperwatch.toml", &mock_config(&mock.url(), "", topics));
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let unwanted = |text: &str| text.chars().any(paperwatch::model::is_unwanted_char);
    let mut feeds = vec!["site/feed.xml".to_string(), "site/rss.xml".to_string()];
    for e in std::fs::read_dir(env.path("site/topics"))
        .unwrap()
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".xml") {
            feeds.push(format!("site/topics/{name}"));
        }
    }
    assert_eq!(feeds.len(), 3);
    for feed in &feeds {
        let text = env.read(feed);
        assert!(
            text.chars().all(xml_char),
            "{feed} holds a character XML 1.0 forbids"
        );
        assert!(text.contains("Evil[31m title"), "{feed}");
    }
    atom_syndication::Feed::read_from(env.read("site/feed.xml").as_bytes()).unwrap();
    rss::Channel::read_from(env.read("site/rss.xml").as_bytes()).unwrap();
    let readme = env.read("README.md");
    assert!(!unwanted(&readme));
    assert!(
        readme.contains("## edge &lt;b>\n"),
        "the heading shows the name as text"
    );
    let row = readme.lines().find(|l| l.contains("Evil")).unwrap();
    assert!(row.contains("Evil[31m title &lt;b>x&lt;/b> &"), "{row}");
    for format in ["bibtex", "csv", "json"] {
        let out = env.run(&["export", "--format", format]).stdout;
        assert!(!unwanted(&out), "{format}");
    }
    let json: serde_json::Value = env.site_data();
    assert!(!unwanted(&json.to_string()));
    assert!(!unwanted(&env.read("data/papers.jsonl")));
    assert!(!unwanted(&env.read("site/index.html")));
}

#[test]
fn a_full_disk_under_stderr_does_not_stop_the_run() {
    let (env, _mock) = edge_tracker();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    // -v: the log (tracing) and the status lines (Ui) both write to the full stderr.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_paperwatch"))
        .args(["-v", "update"])
        .current_dir(env.dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SOURCE_DATE_EPOCH", crate::common::SEED_EPOCH)
        .env("PAPERWATCH_LINKS_HUGGINGFACE", "false")
        .stderr(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "no panic (101), the work finished");
    assert!(env.read("README.md").contains("## edge"));
    assert!(env.path("site/index.html").exists());
    assert!(env.path("data/papers.jsonl").exists());
}

#[test]
fn an_unreachable_arxiv_ends_the_run_in_seconds_with_one_hint() {
    let env = TestEnv::new();
    // Nothing listens on port 1: every connection is refused at once. The polite defaults
    // (3 s pause, 5 retries) stay, as a user has them.
    env.write(
        "paperwatch.toml",
        "[arxiv]\napi_url = \"http://127.0.0.1:1/api/query\"\n\n[relevance]\nexamples = []\n\n\
         [[topic]]\nname = \"a\"\nkeywords = [\"npu\"]\n\n[[topic]]\nname = \"b\"\nkeywords = [\"edge\"]\n\n\
         [[topic]]\nname = \"c\"\nkeywords = [\"llm\"]\n",
    );
    let started = std::time::Instant::now();
    let run = env.run(&["update"]);
    let took = started.elapsed();
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
    for topic in ["a", "b", "c"] {
        assert_eq!(
            run.stderr
                .matches(&format!("\n{topic}: FAILED: could not reach"))
                .count()
                + usize::from(run.stderr.starts_with(&format!("{topic}: FAILED"))),
            1,
            "{}",
            run.stderr
        );
    }
    assert_eq!(
        run.stderr.matches("check the network connection").count(),
        1
    );
    assert!(
        !run.stderr.contains("search_query"),
        "no query URL without -v: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("gave up after 2 attempts"),
        "{}",
        run.stderr
    );
    // At -v each URL is logged once, however often it is tried.
    let run = env.run(&["-v", "update"]);
    assert_eq!(
        run.stderr
            .matches("GET http://127.0.0.1:1/api/query?")
            .count(),
        1,
        "{}",
        run.stderr
    );
}

fn corrupt_files(env: &TestEnv) -> Vec<String> {
    std::fs::read_dir(env.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("paperwatch.db.corrupt-"))
        .collect()
}

#[test]
fn a_damaged_database_is_set_aside_and_rebuilt_from_the_snapshot() {
    let (env, _mock) = edge_tracker();
    assert_eq!(env.run(&["update"]).code, 0);
    let readme = env.read("README.md");
    let db = env.path("paperwatch.db");
    let good = std::fs::read(&db).unwrap();
    assert!(good.len() > 8192, "{}", good.len());
    let damages: [(&str, Vec<u8>); 2] = [
        (
            "garbage",
            b"this is not a database at all, just bytes".repeat(200),
        ),
        ("truncated", good[..good.len() / 2].to_vec()),
    ];
    for (what, bytes) in damages {
        std::fs::write(&db, &bytes).unwrap();
        let run = env.run(&["render"]);
        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        run.says("was damaged");
        run.says("rebuilt");
        assert_eq!(env.read("README.md"), readme, "{what}");
        let aside = corrupt_files(&env);
        assert_eq!(aside.len(), 1, "{what}: {aside:?}");
        assert_eq!(
            std::fs::read(env.path(&aside[0])).unwrap(),
            bytes,
            "kept as it was"
        );
        std::fs::remove_file(env.path(&aside[0])).unwrap();
        assert_eq!(env.run(&["stats"]).code, 0);
    }
    // Without a snapshot there is nothing to rebuild from: the file stays, the error says what
    // to do.
    std::fs::remove_dir_all(env.path("data")).unwrap();
    std::fs::write(&db, b"garbage".repeat(100)).unwrap();
    let run = env.run(&["update"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.says("is damaged");
    run.says("no snapshot to rebuild it from");
    run.says("restore it from a backup, or move it aside");
    assert!(corrupt_files(&env).is_empty());
    assert_eq!(std::fs::read(&db).unwrap(), b"garbage".repeat(100));
}

#[test]
fn a_readme_paperwatch_did_not_write_is_never_replaced() {
    let (env, mock) = edge_tracker();
    let project = "# My project\n\nHow to build it.\n";
    env.write("README.md", project);
    for args in [&["update"][..], &["render"][..]] {
        let run = env.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        run.says("README.md exists and paperwatch did not write it");
        run.says("--force");
        assert_eq!(env.read("README.md"), project);
    }
    assert!(mock.requests().is_empty(), "stopped before any request");
    assert!(!env.path("paperwatch.db").exists());
    // A README in the tracker format (a cv-arxiv-daily fork's, or our own) is replaced.
    env.write("README.md", "## Updated on 2024.01.01\n\n## edge\n");
    assert_eq!(env.run(&["update"]).code, 0);
    assert!(env.read("README.md").contains("## Updated on 2026.02.07"));
    // --force replaces any README.
    env.write("README.md", project);
    let run = env.run(&["render", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.read("README.md").contains("## edge"));
}

#[test]
fn help_says_what_export_and_render_do() {
    let env = TestEnv::new();
    let export = env.run(&["export", "--help"]).stdout;
    assert!(
        export.contains("the shown ones (csv, bibtex, cv-json)"),
        "{export}"
    );
    let render = env.run(&["render", "--help"]).stdout;
    for what in ["README", "trend chart", "site", "feeds"] {
        assert!(
            render.contains(what),
            "render --help lacks {what}: {render}"
        );
    }
}

#[test]
fn a_second_run_on_the_same_database_waits_then_exits_75() {
    let (mut env, mock) = edge_tracker();
    assert_eq!(env.run(&["update"]).code, 0);
    let db = env.path("paperwatch.db");
    let held = paperwatch::store::lock::acquire(&db, std::time::Duration::ZERO, |_| {}).unwrap();
    env.set_env("PAPERWATCH_DATABASE_LOCK_WAIT_SECONDS", "0.5");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 75, "{}", run.stderr);
    let me = std::process::id();
    run.says(&format!("waiting for another paperwatch run (pid {me})"));
    run.says(&format!("another paperwatch run (pid {me}) is using"));
    mock.clear_log();
    // A run that ends while the next waits lets it through.
    env.set_env("PAPERWATCH_DATABASE_LOCK_WAIT_SECONDS", "20");
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(800));
        drop(held);
    });
    let run = env.run(&["update"]);
    release.join().unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.says("waiting for another paperwatch run");
    assert_eq!(mock.requests().len(), 1, "it ran after waiting");
}
