//! How many requests a run makes: the newest papers of every topic whose history has begun come
//! in one combined query (OR-ed, newest update first) routed to the topics locally, so a quiet
//! day costs one request whatever the number of topics; a revision is found by the same query;
//! a topic added later still pages back through its own history.

use crate::common::{Logged, MockArxiv, Run, TestEnv, committed_files, in_topic};

/// The embedded default config (six topics, examples, exemplars) against `mock`.
fn default_env(mock: &MockArxiv) -> TestEnv {
    let mut env = TestEnv::new();
    env.set_env("PAPERWATCH_ARXIV_API_URL", &mock.url());
    env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0.01");
    env
}

fn update(env: &TestEnv) -> Run {
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

fn searches(mock: &MockArxiv) -> Vec<Logged> {
    mock.requests()
        .into_iter()
        .filter(|r| r.params.contains_key("search_query"))
        .collect()
}

#[test]
fn a_quiet_day_of_the_default_config_costs_one_request() {
    let mock = MockArxiv::seed_engine();
    let env = default_env(&mock);
    update(&env);
    let first_requests = mock.requests().len();
    assert!(
        first_requests >= 6,
        "a first run pages back through each topic's own history: {first_requests}"
    );
    mock.clear_log();
    let before = committed_files(env.dir.path());
    let quiet = update(&env);
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    // arXiv answered each topic's own query on the first run; the combined query, routed
    // locally with arXiv's reading of each query (phrases as adjacent words), gives every
    // paper back to exactly those topics: nothing to commit.
    let after = committed_files(env.dir.path());
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(changed.is_empty(), "{changed:?}");
    assert_eq!(before.len(), after.len());
    let params = &requests[0].params;
    assert_eq!(params["sortBy"], "lastUpdatedDate");
    assert_eq!(params["max_results"], "100");
    let query = &params["search_query"];
    let settings = paperwatch::config::from_str(
        paperwatch::config::DEFAULT_CONFIG,
        paperwatch::config::Source::Embedded,
        &|_| None,
    )
    .unwrap();
    assert_eq!(settings.topics.len(), 6);
    for topic in &settings.topics {
        let Some(own) = paperwatch::tracker::search_query(topic) else {
            continue; // pinned ids only
        };
        assert!(
            query.contains(&format!("({own})")),
            "{} is in the combined query",
            topic.name
        );
    }
    let encoded: usize = form_urlencoded::byte_serialize(query.as_bytes())
        .map(str::len)
        .sum();
    assert!(
        encoded > paperwatch::arxiv::client::MAX_GET_URL,
        "{encoded}"
    );
    assert_eq!(
        requests[0].method, "POST",
        "a query this long goes as a form"
    );
    for topic in &settings.topics {
        assert!(
            quiet
                .stderr
                .contains(&format!("{}: 0 new, 0 revised", topic.name)),
            "{}",
            quiet.stderr
        );
    }
    assert!(
        quiet.stderr.contains("(1 request)"),
        "each topic line counts the shared request: {}",
        quiet.stderr
    );
}

#[test]
fn a_revision_comes_first_in_the_combined_query_and_reaches_only_its_topics() {
    let mock = MockArxiv::seed_engine();
    let env = default_env(&mock);
    update(&env);
    let before = env.exported();
    // An old paper of one topic and not another: the revision must reach the first only.
    let (id, topics) = before
        .iter()
        .filter(|p| p["published"].as_str().unwrap() < "2025")
        .find_map(|p| {
            let topics: Vec<&str> = ["mobile_npu_llm", "edge_inference"]
                .into_iter()
                .filter(|t| in_topic(p, t))
                .collect();
            (topics.len() == 1).then(|| (p["id"].as_str().unwrap().to_string(), topics))
        })
        .expect("an old paper in one of two topics");
    mock.revise(&id, "2026-02-07");
    mock.clear_log();
    let run = update(&env);
    assert_eq!(
        searches(&mock).len(),
        2,
        "a first page with the revision, a second without news: {:#?}",
        mock.requests()
    );
    assert!(
        run.stderr
            .contains(&format!("{}: 0 new, 1 revised", topics[0])),
        "{}",
        run.stderr
    );
    let after = env.exported();
    let paper = after.iter().find(|p| p["id"] == id.as_str()).unwrap();
    let old = before.iter().find(|p| p["id"] == id.as_str()).unwrap();
    assert_eq!(
        paper["version"].as_u64().unwrap(),
        old["version"].as_u64().unwrap() + 1
    );
    let other = ["mobile_npu_llm", "edge_inference"]
        .into_iter()
        .find(|t| *t != topics[0])
        .unwrap();
    assert!(!in_topic(paper, other), "routed to {other} too: {paper}");
}

#[test]
fn a_topic_added_later_backfills_on_its_own_while_the_others_share_one_request() {
    let mock = MockArxiv::seed_engine();
    let env = TestEnv::new();
    let config = |topics: &[(&str, &str)]| {
        let blocks: String = topics
            .iter()
            .map(|(name, q)| format!("[[topic]]\nname = \"{name}\"\nquery = '{q}'\n\n"))
            .collect();
        crate::common::mock_config(&mock.url(), "", &blocks)
    };
    let npu = ("npu", "all:NPU");
    let edge = ("edge", r#"all:edge AND all:"language model""#);
    env.write("paperwatch.toml", &config(&[npu, edge]));
    update(&env);
    mock.clear_log();
    let quant = ("quant", "all:quantization");
    env.write("paperwatch.toml", &config(&[npu, edge, quant]));
    let run = update(&env);
    let queries: Vec<(String, String)> = searches(&mock)
        .iter()
        .map(|r| (r.params["search_query"].clone(), r.params["sortBy"].clone()))
        .collect();
    assert_eq!(
        queries[0],
        (
            format!("({}) OR ({})", npu.1, edge.1),
            "lastUpdatedDate".to_string()
        ),
        "{queries:#?}"
    );
    assert!(
        queries[1..]
            .iter()
            .all(|(q, sort)| q.starts_with(quant.1) && sort == "submittedDate"),
        "the new topic pages back through its own history: {queries:#?}"
    );
    assert!(run.stderr.contains("npu: 0 new"), "{}", run.stderr);
    assert!(run.stderr.contains("quant: "), "{}", run.stderr);
    assert!(!run.stderr.contains("quant: 0 new"), "{}", run.stderr);
}
