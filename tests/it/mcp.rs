//! `paperwatch mcp` driven by a real MCP client, the official Python SDK (PyPI `mcp`, which
//! `.ci/run` installs), over stdio, on the embedded default's run against the seed mock: it
//! initializes, lists the tools (no `mark` without `--allow-write`), and `feed`, `search`,
//! `explain`, `similar` and `show` answer what the CLI's `--json` prints; a failing call is a
//! tool error and the session goes on; each topic's table is a resource.

use std::process::Command;

use serde_json::{Value, json};

use crate::common::TestEnv;

/// The first Python that has the `mcp` package; `None` (an error under `CI`) when none does.
fn python() -> Option<&'static str> {
    let found = ["python3", "/usr/bin/python3"].into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import mcp.client.stdio"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs a real MCP client: pip install mcp"
        );
        eprintln!("skipped: no Python with the mcp package");
    }
    found
}

/// Runs the client against `paperwatch ARGS`, calling `calls` in order; its report.
fn session(env: &TestEnv, python: &str, args: &[&str], calls: Value) -> Value {
    let script = format!(
        "{}/tests/fixtures/mcp/client.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = env
        .program(
            python,
            &[
                &script,
                env!("CARGO_BIN_EXE_paperwatch"),
                env.dir.path().to_str().unwrap(),
                &json!(args).to_string(),
                &calls.to_string(),
            ],
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `paperwatch ARGS --json`, parsed.
fn cli(env: &TestEnv, args: &[&str]) -> Value {
    let run = env.run(args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn an_mcp_client_gets_what_the_cli_prints_and_no_write_tools() {
    let (env, _mock) = crate::relevance::default_run(&[]);
    let Some(python) = python() else { return };
    let id = "2410.19274";
    let report = session(
        &env,
        python,
        &["mcp"],
        json!([
            ["feed", {"days": 7, "limit": 3}],
            ["search", {"query": "npu latency", "limit": 5}],
            ["explain", {"id": id}],
            ["similar", {"id": id, "limit": 3}],
            ["show", {"id": id}],
            ["topics", {}],
            ["explain", {"id": "2501.00000"}],
            ["mark", {"id": id, "topic": "mobile_optimization", "label": "irrelevant"}],
            ["search", {"query": "npu", "limit": 1}],
        ]),
    );
    assert_eq!(report["server"], "paperwatch");
    let tools: Vec<&str> = report["tools"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tools
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        [
            "audit", "explain", "feed", "search", "show", "similar", "topics"
        ]
        .into(),
        "read-only by default"
    );
    assert!(
        report["tools"]["search"]["properties"]["query"].is_object(),
        "a JSON schema per tool"
    );
    let calls = report["calls"].as_array().unwrap();
    let structured = |i: usize| {
        assert_eq!(calls[i]["isError"], false, "{}", calls[i]);
        calls[i]["structured"].clone()
    };

    // feed: per topic, best first, at most 3, each shown there now.
    let feed = structured(0);
    let exported = env.exported();
    let topics = feed["topics"].as_object().unwrap();
    assert_eq!(topics.len(), 6, "{feed}");
    for (topic, papers) in topics {
        let papers = papers.as_array().unwrap();
        assert!(!papers.is_empty() && papers.len() <= 3, "{topic}");
        let scores: Vec<f64> = papers
            .iter()
            .map(|p| p["score"].as_f64().unwrap())
            .collect();
        assert!(
            scores.is_sorted_by(|a, b| a >= b),
            "{topic}: best first {scores:?}"
        );
        for p in papers {
            let stored = exported.iter().find(|e| e["id"] == p["id"]).unwrap();
            assert!(
                crate::common::in_topic(stored, topic),
                "{topic}: {}",
                p["id"]
            );
            assert!(!p["reason"].as_str().unwrap().is_empty());
            assert!(
                p["url"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://arxiv.org/abs/")
            );
        }
    }
    assert!(
        calls[0]["text"][0]
            .as_str()
            .unwrap()
            .contains("papers first shown since")
    );

    // The read tools answer what the CLI prints.
    assert_eq!(
        structured(1),
        cli(&env, &["search", "npu latency", "--limit", "5", "--json"])
    );
    assert_eq!(
        structured(2)["results"],
        cli(&env, &["explain", id, "--json"])
    );
    assert_eq!(
        structured(3)["results"],
        cli(&env, &["similar", id, "--limit", "3", "--json"])
    );
    assert_eq!(structured(4), cli(&env, &["show", id, "--json"]));
    let topics = structured(5);
    assert_eq!(topics["topics"].as_array().unwrap().len(), 6);

    // A paper not stored: a tool error the assistant can read; the session goes on.
    assert_eq!(calls[6]["isError"], true);
    assert!(
        calls[6]["text"][0]
            .as_str()
            .unwrap()
            .contains("not in the database")
    );
    // `mark` does not exist without --allow-write: an MCP error, and nothing changed.
    assert!(calls[7]["exception"].is_string(), "{}", calls[7]);
    assert_eq!(env.run(&["labels", "--json"]).stdout.trim(), "[]");
    assert_eq!(calls[8]["isError"], false, "the server still answers");

    // Each topic's table is a resource, in Markdown.
    assert_eq!(report["resources"].as_array().unwrap().len(), 6);
    let table = report["resource_text"].as_str().unwrap();
    assert!(
        table.starts_with("# ") && table.contains("| Date | Title | Authors | PDF | Code |"),
        "{table}"
    );
}

#[test]
fn with_allow_write_an_assistant_can_mark_and_star() {
    let (env, _mock) = crate::relevance::default_run(&[]);
    let Some(python) = python() else { return };
    let id = "2410.19274";
    let report = session(
        &env,
        python,
        &["mcp", "--allow-write"],
        json!([
            ["mark", {"id": id, "topic": "mobile_optimization", "label": "irrelevant"}],
            ["star", {"id": id}],
            ["mark", {"id": id, "topic": "no_such_topic", "label": "relevant"}],
        ]),
    );
    let tools = report["tools"].as_object().unwrap();
    assert!(tools.contains_key("mark") && tools.contains_key("star"));
    let calls = report["calls"].as_array().unwrap();
    assert_eq!(calls[0]["isError"], false, "{}", calls[0]);
    assert_eq!(calls[0]["structured"]["shown"], false);
    assert_eq!(calls[1]["structured"]["starred"], true);
    assert_eq!(calls[2]["isError"], true);
    let labels = cli(&env, &["labels", "--json"]);
    assert_eq!(labels[0]["id"], id);
    assert_eq!(labels[0]["label"], "irrelevant");
    let starred = env.run(&["export", "--starred", "--format", "csv"]);
    assert!(starred.stdout.contains(id));
}
