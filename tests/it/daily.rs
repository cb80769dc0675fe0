//! Running it every day: `init`, the workflow it writes, and state that lives well in git.

use crate::common::{MockArxiv, Seed, TestEnv, committed_files, mock_config};

#[test]
fn init_scaffolds_and_never_overwrites_without_force() {
    let env = TestEnv::new();
    let run = env.run(&["init", "tracker"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in [
        "paperwatch.toml",
        ".github/workflows/paperwatch.yml",
        ".gitignore",
        "docs/PAPERWATCH.md",
    ] {
        assert!(env.path(&format!("tracker/{file}")).exists(), "{file}");
    }
    let config = env.read("tracker/paperwatch.toml");
    assert!(config.contains("max_bytes = 500000"));
    assert!(env.read("tracker/.gitignore").contains("paperwatch.db"));
    // The scaffold's config is valid and has the default topics.
    let settings =
        paperwatch::config::load(Some(&env.path("tracker/paperwatch.toml")), &|_| None).unwrap();
    assert_eq!(settings.topics.len(), 6);

    // Existing files are kept without --force, replaced with it.
    env.write("tracker/.gitignore", "mine\n");
    env.write("tracker/paperwatch.toml", "# mine\n");
    let run = env.run(&["init", "tracker"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.contains("kept the existing"), "{}", run.stderr);
    assert_eq!(env.read("tracker/.gitignore"), "mine\n");
    assert_eq!(env.read("tracker/paperwatch.toml"), "# mine\n");
    assert_eq!(env.run(&["init", "tracker", "--force"]).code, 0);
    assert!(env.read("tracker/.gitignore").contains("paperwatch.db"));
}

#[test]
fn init_force_repairs_a_broken_config() {
    let env = TestEnv::new();
    env.write("paperwatch.toml", "[arxiv\nnot toml at all\n");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 2, "the broken file is refused: {}", run.stderr);
    let run = env.run(&["init", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let settings = paperwatch::config::load(Some(&env.path("paperwatch.toml")), &|_| None).unwrap();
    assert_eq!(
        settings.topics.len(),
        6,
        "replaced by the scaffold's config"
    );
}

#[test]
fn init_takes_the_badge_slug_from_git() {
    let env = TestEnv::new();
    let dir = env.path("fork");
    std::fs::create_dir_all(&dir).unwrap();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&[
        "remote",
        "add",
        "origin",
        "git@github.com:someone/npu-papers.git",
    ]);
    assert_eq!(env.run(&["init", "fork"]).code, 0);
    assert!(
        env.read("fork/paperwatch.toml")
            .contains("badges = \"someone/npu-papers\"")
    );
}

fn edge_env() -> (TestEnv, MockArxiv, Vec<String>) {
    let seed = Seed::load();
    let mock = MockArxiv::start(seed.papers());
    let ids: Vec<String> = seed
        .section("edge_inference")
        .iter()
        .map(|r| r.id.clone())
        .collect();
    mock.add_search("seed:edge", ids[1..].to_vec());
    let env = TestEnv::new();
    let topics = "[[topic]]\nname = \"edge\"\nquery = \"seed:edge\"\nfilter = false\n\n[[topic]]\nname = \"pinned\"\nids = [\"2407.05858\"]\n";
    env.write("paperwatch.toml", &mock_config(&mock.url(), "", topics));
    (env, mock, ids)
}

#[test]
fn a_deleted_database_is_rebuilt_and_renders_the_same_bytes() {
    let (env, mock, _) = edge_env();
    assert_eq!(env.run(&["update"]).code, 0);
    let readme = env.read("README.md");
    let export = env.run(&["export", "--format", "json"]).stdout;
    for f in ["paperwatch.db", "paperwatch.db-wal", "paperwatch.db-shm"] {
        let _ = std::fs::remove_file(env.path(f));
    }
    let run = env.run(&["render"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("rebuilt"), "{}", run.stderr);
    assert_eq!(env.read("README.md"), readme);
    assert_eq!(env.run(&["export", "--format", "json"]).stdout, export);
    // The topics' histories come back too (data/history.jsonl): the next update asks for the
    // newest page only, instead of fetching the whole history again.
    assert!(env.read("data/history.jsonl").contains("\"complete\":true"));
    let stats: serde_json::Value =
        serde_json::from_str(&env.run(&["stats", "--json"]).stdout).unwrap();
    assert_eq!(stats["topics"][0]["history"], "complete");
    mock.clear_log();
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(mock.requests().len(), 1, "{}", run.stderr);
    // A snapshot newer than the database (a `git pull`) also triggers a rebuild.
    let snapshot = env.read("data/papers.jsonl");
    let fewer: String = snapshot.lines().skip(1).map(|l| format!("{l}\n")).collect();
    env.write("data/papers.jsonl", &fewer);
    let run = env.run(&["render"]);
    assert!(run.stderr.contains("rebuilt"), "{}", run.stderr);
    let stats: serde_json::Value =
        serde_json::from_str(&env.run(&["stats", "--json"]).stdout).unwrap();
    assert_eq!(stats["papers"], snapshot.lines().count() - 1);
}

#[test]
fn one_new_paper_changes_one_line_of_the_snapshot() {
    let (mut later, mock, ids) = edge_env();
    assert_eq!(later.run(&["update"]).code, 0);
    let before = later.read("data/papers.jsonl");
    let runs_before = later.read("data/runs.jsonl");
    mock.add_search("seed:edge", ids.clone());
    later.set_env("SOURCE_DATE_EPOCH", "1770552000"); // a day later
    let run = later.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("edge: 1 new"), "{}", run.stderr);
    let after = later.read("data/papers.jsonl");
    let old: std::collections::HashSet<&str> = before.lines().collect();
    let changed: Vec<&str> = after.lines().filter(|l| !old.contains(l)).collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].contains(&format!("\"id\":\"{}\"", ids[0])));
    assert_eq!(after.lines().count(), before.lines().count() + 1);
    assert_eq!(
        later.read("data/runs.jsonl").lines().count(),
        runs_before.lines().count() + 1
    );
}

#[test]
fn a_daily_update_reads_the_corpus_from_sqlite_once() {
    let (env, _mock, _) = edge_env();
    for day in ["first", "second"] {
        let run = env.run(&["-vv", "update"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let loads = run.stderr.matches("read the corpus from SQLite").count();
        assert_eq!(loads, 1, "{day} update: {}", run.stderr);
    }
    // `render` reads it once too, and asks no one.
    let run = env.run(&["-vv", "render"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches("read the corpus from SQLite").count(), 1);
}

#[test]
fn a_run_without_news_changes_no_file_and_a_run_with_news_moves_the_dates() {
    let (mut env, mock, ids) = edge_env();
    assert_eq!(env.run(&["update"]).code, 0);
    let before = committed_files(env.dir.path());
    assert!(before.contains_key("site/feed.xml") && before.contains_key("data/runs.jsonl"));
    // Six hours later, the same day: nothing new.
    env.set_env("SOURCE_DATE_EPOCH", "1770487200");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = committed_files(env.dir.path());
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(changed.is_empty(), "a quiet run changed {changed:?}");
    assert_eq!(before.len(), after.len());

    // A day later, one new paper: the feeds' and the site's dates follow it.
    mock.add_search("seed:edge", ids);
    env.remove_env("SOURCE_DATE_EPOCH");
    env.set_env("SOURCE_DATE_EPOCH", "1770552000");
    let run = env.run(&["update"]);
    run.says("edge: 1 new");
    let news = committed_files(env.dir.path());
    let feed = String::from_utf8_lossy(&news["site/feed.xml"]).into_owned();
    assert!(
        feed.contains("<updated>2026-02-08T12:00:00+00:00</updated><generator"),
        "{feed}"
    );
    let mut changed: Vec<&str> = news
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.as_str())
        .collect();
    changed.sort_unstable();
    insta::assert_snapshot!("files_a_news_run_changes", changed.join("\n"));
}

#[test]
fn updated_on_news_keeps_the_readme_date_of_the_last_news() {
    let (mut env, _mock, _) = edge_env();
    let config = env
        .read("paperwatch.toml")
        .replace("[readme]\n", "[readme]\nupdated_on = \"news\"\n");
    env.write("paperwatch.toml", &config);
    assert_eq!(env.run(&["update"]).code, 0);
    let readme = env.read("README.md");
    assert!(readme.contains("## Updated on 2026.02.07\n"), "{readme}");
    // Three days later, nothing new: the README keeps its date, byte for byte.
    env.set_env("SOURCE_DATE_EPOCH", "1770724800");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.read("README.md"), readme);
    // With the default (`run`), the same quiet run moves the date.
    let config = config.replace("updated_on = \"news\"\n", "");
    env.write("paperwatch.toml", &config);
    assert_eq!(env.run(&["update"]).code, 0);
    assert!(env.read("README.md").contains("## Updated on 2026.02.10\n"));
}
