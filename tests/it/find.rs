//! Finding things locally (search, show, stats) and migrating from cv-arxiv-daily forks.

use crate::common::{MockArxiv, Seed, TestEnv};

fn seed_env() -> (TestEnv, MockArxiv) {
    let (env, mock, _) = crate::common::seed_update_env();
    (env, mock)
}

fn json(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let run = env.run(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn search_ranks_filters_and_explains_bad_syntax() {
    let (env, _mock) = seed_env();
    let r = json(&env, &["search", "speculative decoding", "--json"]);
    let results = r["results"].as_array().unwrap();
    assert_eq!(results.len(), 20, "the default limit");
    // Title matches weigh more: the best hits have both words in the title.
    for hit in &results[..5] {
        let title = hit["title"].as_str().unwrap().to_lowercase();
        assert!(
            title.contains("specul") && title.contains("decod"),
            "{title}"
        );
    }
    let scores: Vec<f64> = results
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );

    // Phrases, prefixes, booleans, filters.
    let phrase = json(
        &env,
        &[
            "search",
            "\"neural processing unit\"",
            "--json",
            "--limit",
            "100",
        ],
    );
    assert!(!phrase["results"].as_array().unwrap().is_empty());
    let prefix = json(&env, &["search", "quantiz*", "--json", "--limit", "500"]);
    let not = json(
        &env,
        &["search", "quantiz* NOT mobile", "--json", "--limit", "500"],
    );
    let (n_prefix, n_not) = (
        prefix["results"].as_array().unwrap().len(),
        not["results"].as_array().unwrap().len(),
    );
    assert!(n_not < n_prefix && n_not > 0, "{n_not} < {n_prefix}");
    let topic = json(
        &env,
        &[
            "search",
            "inference",
            "--topic",
            "specific_papers",
            "--json",
        ],
    );
    assert_eq!(topic["results"].as_array().unwrap().len(), 3);
    let cat = json(
        &env,
        &[
            "search",
            "inference",
            "--category",
            "cs.AR",
            "--json",
            "--limit",
            "500",
        ],
    );
    assert!(cat["results"].as_array().unwrap().iter().all(|h| {
        h["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "cs.AR")
    }));
    let since = json(
        &env,
        &[
            "search",
            "inference",
            "--since",
            "2026-01-01",
            "--json",
            "--limit",
            "500",
        ],
    );
    assert!(
        since["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["published"].as_str().unwrap() >= "2026-01-01")
    );

    // Text output highlights the match (Markdown bold when not on a terminal).
    let run = env.run(&["search", "NPU", "--limit", "3"]);
    assert!(run.stdout.contains("**NPU"), "{}", run.stdout);

    // Syntax FTS5 cannot read: a clear message and exit 2, not a crash.
    for bad in ["\"unclosed", "AND", "title:(a"] {
        let run = env.run(&["search", bad]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(
            run.stderr.contains("cannot read the search query"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(env.run(&["search", "x", "--since", "yesterday"]).code, 2);
}

#[test]
fn show_takes_every_id_form() {
    let (env, _mock) = seed_env();
    let forms = [
        "2407.05858",
        "2407.05858v2",
        "arXiv:2407.05858",
        "https://arxiv.org/abs/2407.05858v2",
        "http://arxiv.org/pdf/2407.05858v1.pdf",
    ];
    let first = env.run(&["show", forms[0]]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    for form in &forms[1..] {
        let run = env.run(&["show", form]);
        assert_eq!(run.stdout, first.stdout, "{form}");
    }
    insta::assert_snapshot!(first.stdout);
    let j = json(&env, &["show", "2407.05858", "--json"]);
    assert_eq!(j["paper"]["id"], "2407.05858");
    assert_eq!(j["versions"][0]["version"], 2);
    assert_eq!(j["topics"].as_array().unwrap().len(), 3);
    assert_eq!(env.run(&["show", "2101.00001"]).code, 1, "not stored");
    assert_eq!(env.run(&["show", "not-an-id"]).code, 2);
}

#[test]
fn stats_counts_topics_months_and_runs() {
    let (env, _mock) = seed_env();
    let s = json(&env, &["stats", "--json"]);
    assert_eq!(s["papers"], 458);
    assert_eq!(s["shown_papers"], 458);
    let topics = s["topics"].as_array().unwrap();
    assert_eq!(topics[3]["name"], "npu_acceleration");
    assert_eq!(topics[3]["shown"], 361);
    let months: u64 = s["per_month"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(months, 458);
    let runs = s["runs"].as_array().unwrap();
    assert_eq!(runs[0]["command"], "update");
    assert_eq!(runs[0]["outcome"], "ok");
    assert_eq!(runs[0]["topics"].as_array().unwrap().len(), 6);
    assert!(s["database_bytes"].as_u64().unwrap() > 100_000);
    let text = env.run(&["stats"]).stdout;
    assert!(text.contains("458 papers stored, 458 shown"), "{text}");
}

/// The seed's rows as a cv-arxiv-daily JSON database (bansky-cl's shape).
fn seed_database(seed: &Seed) -> String {
    let mut root = serde_json::Map::new();
    for (name, rows) in &seed.sections {
        let topic: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .map(|r| (r.id.clone(), serde_json::Value::String(r.line.clone())))
            .collect();
        root.insert(name.clone(), serde_json::Value::Object(topic));
    }
    serde_json::to_string_pretty(&root).unwrap()
}

#[test]
fn import_cv_of_the_seed_writes_the_seed_readme_again() {
    let seed = Seed::load();
    let mock = MockArxiv::seed();
    let mut env = TestEnv::new();
    env.write("docs/arxiv-daily.json", &seed_database(&seed));
    env.set_env("PAPERWATCH_ARXIV_API_URL", &mock.url());
    env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0");
    env.set_env("PAPERWATCH_LINKS_FROM_TEXT", "false");
    env.set_env(
        "PAPERWATCH_README_BADGES",
        "bansky-cl/mobile-npu-llm-paper-arxiv",
    );
    env.set_env(
        "PAPERWATCH_README_INTRO",
        "For more carefully curated articles, you can refer to this [repository](https://github.com/bansky-cl/Mobile_NPU_LLM_Papers).",
    );
    let run = env.run(&["import-cv", "--json", "docs/arxiv-daily.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("imported 489 rows: 458 new papers, 489 new topic memberships; 0 rows unreadable; metadata from arXiv for 458 of 458 papers"), "{}", run.stderr);
    let toml = env.read("paperwatch.toml");
    assert_eq!(toml.matches("[[topic]]").count(), 6);
    let run = env.run(&["render"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(env.read("README.md"), crate::golden::expected_readme(&seed));

    // Again: nothing new, nothing asked.
    mock.clear_log();
    let run = env.run(&["import-cv", "--json", "docs/arxiv-daily.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 new papers, 0 new topic memberships"),
        "{}",
        run.stderr
    );
    assert!(mock.requests().is_empty());
}

#[test]
fn import_cv_reads_every_row_variant_and_the_config_yaml() {
    let seed = Seed::load();
    let mock = MockArxiv::seed();
    let mut env = TestEnv::new();
    env.write(
        "config.yaml",
        "base_url: \"https://arxiv.paperswithcode.com/api/v0/papers/\"\nuser_name: \"me\"\nrepo_name: \"tracker\"\nshow_badge: True\nmax_results: 10\nkeywords:\n  \"NPU\":\n    filters: [\"NPU\", \"neural processing unit\"]\n  \"Edge LLM\":\n    filters: [\"edge LLM\"]\n",
    );
    // Rows in every shape, for papers the mock knows.
    let readme_rows = serde_json::json!({
        "NPU": {
            "2407.05858": "|**2024-07-08**|**Fast On-device LLM Inference with NPUs**|Daliang Xu et.al.|[2407.05858](http://arxiv.org/abs/2407.05858)|null|\n",
            "2509.23324": "|**2025-09-27**|**Scaling LLM Test-Time Compute | with Mobile NPU**|Zixu Hao et.al.|[2509.23324v1](http://arxiv.org/abs/2509.23324v1)|**[link](https://github.com/a/b)**|\n",
            "bad": "|**2025-01-01**|**no link here**|x|null|"
        },
        "Edge LLM": {
            "2501.14794": seed.papers()["2501.14794"].line.replace("| null|", "| **[code](https://github.com/c/d)**|"),
            "2510.15312": seed.papers()["2510.15312"].line.replace("| null|", "|null|")
        }
    });
    let wechat = serde_json::json!({
        "NPU": {
            "2407.05858": "- 2024-07-08, **Fast On-device LLM Inference with NPUs**, Daliang Xu et.al., Paper: [http://arxiv.org/abs/2407.05858v2](http://arxiv.org/abs/2407.05858v2)\n",
            "2408.00462": "- 2024-08-01, **Another**, A et.al., Paper: [http://arxiv.org/abs/2408.00462v1](http://arxiv.org/abs/2408.00462v1), Code: **[https://github.com/e/f](https://github.com/e/f)**\n"
        }
    });
    env.write("docs/cv-arxiv-daily.json", &readme_rows.to_string());
    env.write("docs/cv-arxiv-daily-wechat.json", &wechat.to_string());
    env.set_env("PAPERWATCH_ARXIV_API_URL", &mock.url());
    env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0");
    let run = env.run(&[
        "import-cv",
        "--json",
        "docs/cv-arxiv-daily.json",
        "--json",
        "docs/cv-arxiv-daily-wechat.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("docs/cv-arxiv-daily.json: topic \"NPU\", key \"bad\": cannot read the row"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("imported 6 rows: 5 new papers"),
        "{}",
        run.stderr
    );
    let settings = paperwatch::config::load(Some(&env.path("paperwatch.toml")), &|_| None).unwrap();
    assert_eq!(
        settings
            .topics
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["NPU", "Edge LLM"]
    );
    assert_eq!(settings.readme.badges.as_deref(), Some("me/tracker"));
    let papers: Vec<serde_json::Value> = env.exported();
    assert_eq!(papers.len(), 5);
    let code = |id: &str| papers.iter().find(|p| p["id"] == id).unwrap()["code"].clone();
    assert_eq!(code("2509.23324"), "https://github.com/a/b");
    assert_eq!(code("2501.14794"), "https://github.com/c/d");
    assert_eq!(code("2408.00462"), "https://github.com/e/f");
    // Full metadata came from arXiv (the rows had no authors).
    let p = papers.iter().find(|p| p["id"] == "2407.05858").unwrap();
    assert_eq!(p["authors"][0], "Seed Author");
    assert_eq!(p["version"], 2);
}

/// "More like this": a paper's near-duplicate (the same abstract, its title reworded) comes
/// first among all stored papers, the paper itself never; an unknown id is a usage error.
#[test]
fn similar_ranks_a_papers_near_duplicate_first() {
    let mut rows = Seed::load().papers();
    let original = rows.keys().next_back().unwrap().clone();
    let mut twin = rows[&original].clone();
    twin.id = "2512.99998".into();
    twin.title = format!("{} (extended version)", twin.title);
    rows.insert(twin.id.clone(), twin);
    let mock = MockArxiv::start(rows);
    let ids: Vec<String> = Seed::load()
        .section("edge_inference")
        .iter()
        .map(|r| r.id.clone())
        .chain([original.clone(), "2512.99998".to_string()])
        .collect();
    mock.add_search("seed:edge", ids);
    let env = TestEnv::new();
    let topics = "[[topic]]\nname = \"edge\"\nquery = \"seed:edge\"\nfilter = false\n";
    env.write(
        "paperwatch.toml",
        &crate::common::mock_config(&mock.url(), "", topics),
    );
    assert_eq!(env.run(&["update"]).code, 0);
    let r = json(&env, &["similar", &original, "--limit", "5", "--json"]);
    let list = r.as_array().unwrap();
    assert_eq!(list.len(), 5);
    assert_eq!(list[0]["id"], "2512.99998", "{r:#}");
    assert!(list[0]["score"].as_f64().unwrap() > 0.8);
    assert!(list.iter().all(|p| p["id"] != original.as_str()));
    assert_eq!(list[0]["shown_in"][0], "edge");
    let text = env.run(&["similar", &original, "--limit", "1"]);
    assert!(text.stdout.contains("2512.99998"), "{}", text.stdout);
    assert_eq!(env.run(&["similar", "2501.99999"]).code, 2);
}
