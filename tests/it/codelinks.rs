//! Code links: found in the seed's abstracts, and from a mock Hugging Face papers API that
//! answers, has nothing, rate-limits, fails, hangs, or is not there at all.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{
    MockArxiv, Seed, SeedRow, TestEnv, mock_config, seed::seed_text, seed_pinned_topics,
};

#[test]
fn seed_abstracts_that_name_a_repository() {
    let papers = Seed::load().papers();
    let found: Vec<String> = papers
        .values()
        .filter_map(|r| {
            paperwatch::links::text::find(&r.summary, None).map(|u| format!("{} {u}", r.id))
        })
        .collect();
    let on_code_hosts = found
        .iter()
        .filter(|l| {
            [
                "github.com",
                "gitlab.com",
                "huggingface.co",
                "codeberg.org",
                "bitbucket.org",
            ]
            .iter()
            .any(|h| l.contains(h))
        })
        .count();
    assert!((55..=70).contains(&on_code_hosts), "{on_code_hosts}");
    insta::assert_snapshot!(found.join("\n"));
}

#[test]
fn seed_run_with_links_changes_only_code_cells() {
    let seed = Seed::load();
    let mock = MockArxiv::seed();
    let mut env = TestEnv::new();
    env.write(
        "paperwatch.toml",
        &mock_config(&mock.url(), "", &seed_pinned_topics(&seed)),
    );
    env.set_env("PAPERWATCH_LINKS_FROM_TEXT", "true");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "code links: 69 of 458 shown papers (69 from their text, 0 from Hugging Face)"
        ),
        "{}",
        run.stderr
    );
    let readme = env.read("README.md");
    let seed_text = seed_text();
    let (mut same, mut changed) = (0, 0);
    for (got, want) in readme.lines().zip(seed_text.lines()) {
        if got == want {
            same += 1;
            continue;
        }
        let (got_prefix, got_code) = got.rsplit_once('|').unwrap().0.rsplit_once('|').unwrap();
        let (want_prefix, want_code) = want.rsplit_once('|').unwrap().0.rsplit_once('|').unwrap();
        if got_prefix == want_prefix {
            assert_eq!(want_code, " null");
            assert!(
                got_code.starts_with(" **[code](") && got_code.ends_with(")**"),
                "{got_code}"
            );
            changed += 1;
        } else {
            // The two rows the seed dates inconsistently (golden.rs).
            assert!(
                got.contains("2408.00462v1") || got.contains("2407.05858v2"),
                "{got}"
            );
        }
    }
    assert_eq!(readme.lines().count(), seed_text.lines().count());
    // Exactly the rows of papers whose text names a repository gained a link.
    let rows_with_links = seed
        .sections
        .iter()
        .flat_map(|(_, rows)| rows)
        .filter(|r| paperwatch::links::text::find(&r.summary, None).is_some())
        .count();
    assert_eq!(changed, rows_with_links);
    assert_eq!(same + changed + 2, seed_text.lines().count());
    // Every output shows the link.
    assert!(readme.contains("|[2407.00088v2](http://arxiv.org/abs/2407.00088v2)| **[code](https://github.com/microsoft/T-MAC)**|"));
    let json: serde_json::Value = env.site_data();
    let tmac = json["papers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "2407.00088")
        .unwrap();
    assert_eq!(tmac["code"], "https://github.com/microsoft/T-MAC");
    let export: Vec<serde_json::Value> = env.exported();
    assert_eq!(export.iter().filter(|p| !p["code"].is_null()).count(), 69);
}

fn quiet_corpus(n: usize) -> BTreeMap<String, SeedRow> {
    (1..=n)
        .map(|i| {
            let row = SeedRow {
                id: format!("2501.{i:05}"),
                version: 1,
                date: "2025-01-15".into(),
                title: format!("Paper {i}"),
                categories: vec!["cs.LG".into()],
                summary: "An abstract that names no repository.".into(),
                line: String::new(),
            };
            (row.id.clone(), row)
        })
        .collect()
}

fn env_for(arxiv: &MockArxiv, hf_url: &str, n: usize) -> TestEnv {
    let mut env = TestEnv::new();
    let ids: Vec<String> = (1..=n).map(|i| format!("\"2501.{i:05}\"")).collect();
    let topics = format!("[[topic]]\nname = \"t\"\nids = [{}]\n", ids.join(", "));
    let config = mock_config(&arxiv.url(), "", &topics)
        .replace("from_text = false\nhuggingface = false", &format!(
            "from_text = true\nhuggingface = true\nhuggingface_url = \"{hf_url}\"\nhuggingface_delay_seconds = 0\ntimeout_seconds = 0.5\nhuggingface_concurrency = 1"
        ));
    env.write("paperwatch.toml", &config);
    env.set_env("PAPERWATCH_LINKS_HUGGINGFACE", "true");
    env
}

#[test]
fn hugging_face_found_404_429_500_timeout_and_a_second_run() {
    let arxiv = MockArxiv::start(quiet_corpus(8));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let hf = rt.block_on(MockServer::start());
    let answer = |id: &str, t: ResponseTemplate| {
        rt.block_on(
            Mock::given(method("GET"))
                .and(path(format!("/api/papers/{id}")))
                .respond_with(t)
                .mount(&hf),
        )
    };
    let repo = |r: &str| {
        ResponseTemplate::new(200).set_body_string(format!(r#"{{"id":"x","githubRepo":"{r}"}}"#))
    };
    answer("2501.00001", repo("https://github.com/a/one"));
    answer("2501.00002", ResponseTemplate::new(404));
    // A 429 with a short Retry-After: waited out, then asked once more.
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/api/papers/2501.00003"))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
            .up_to_n_times(1)
            .mount(&hf),
    );
    answer("2501.00003", repo("https://github.com/a/three"));
    answer("2501.00004", repo("https://github.com/a/four"));
    answer("2501.00005", ResponseTemplate::new(500));
    answer(
        "2501.00006",
        repo("https://github.com/a/six").set_delay(Duration::from_secs(3)),
    );
    answer("2501.00007", ResponseTemplate::new(502));
    answer("2501.00008", repo("https://github.com/a/eight"));
    let env = env_for(&arxiv, &hf.uri(), 8);

    let run = env.run(&["update"]);
    assert_eq!(
        run.code, 0,
        "a failing code-link service does not fail the run: {}",
        run.stderr
    );
    assert!(run.stderr.contains("stopped asking"), "{}", run.stderr);
    assert!(run.stderr.contains("code links: 3 of 8 shown papers (0 from their text, 3 from Hugging Face); asked Hugging Face about 7 papers (3 failed, stopped asking)"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Hugging Face failed 3 times in a row; not asking again in this run"),
        "{}",
        run.stderr
    );
    let readme = env.read("README.md");
    assert!(
        readme
            .contains("(http://arxiv.org/abs/2501.00001v1)| **[code](https://github.com/a/one)**|")
    );
    assert!(
        readme.contains(
            "(http://arxiv.org/abs/2501.00004v1)| **[code](https://github.com/a/four)**|"
        )
    );
    assert!(
        readme.contains(
            "(http://arxiv.org/abs/2501.00003v1)| **[code](https://github.com/a/three)**|"
        )
    );
    assert_eq!(
        readme.matches("| null|").count(),
        5,
        "no paper dropped, the rest null"
    );
    let asked = |from: usize| -> Vec<String> {
        rt.block_on(hf.received_requests()).unwrap()[from..]
            .iter()
            .map(|r| r.url.path().rsplit('/').next().unwrap().to_string())
            .collect()
    };
    let first = asked(0);
    assert_eq!(
        first.len(),
        8,
        "{first:?}: 2501.00003 twice, stopped after three failures in a row"
    );
    assert!(!first.contains(&"2501.00008".to_string()));

    // A second run asks nothing about papers it has an answer for (found or 404).
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0);
    let second = asked(first.len());
    for answered in ["2501.00001", "2501.00002", "2501.00003", "2501.00004"] {
        assert!(
            !second.contains(&answered.to_string()),
            "{answered} asked again: {second:?}"
        );
    }
    assert!(
        second.contains(&"2501.00005".to_string()),
        "failures are asked again"
    );
}

#[test]
fn a_run_killed_while_asking_keeps_the_answers_it_had() {
    let arxiv = MockArxiv::start(quiet_corpus(6));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let hf = rt.block_on(MockServer::start());
    for i in 1..=6 {
        let id = format!("2501.{i:05}");
        let answer = if i <= 3 {
            ResponseTemplate::new(200).set_body_string(format!(
                r#"{{"id":"{id}","githubRepo":"https://github.com/a/p{i}"}}"#
            ))
        } else {
            // Never answers within the run.
            ResponseTemplate::new(404).set_delay(Duration::from_secs(120))
        };
        rt.block_on(
            Mock::given(method("GET"))
                .and(path(format!("/api/papers/{id}")))
                .respond_with(answer)
                .mount(&hf),
        );
    }
    let mut env = env_for(&arxiv, &hf.uri(), 6);
    env.set_env("PAPERWATCH_LINKS_TIMEOUT_SECONDS", "300");
    let mut child = env.spawn(&["update"]);
    // One at a time: when the fourth paper is asked, the first three have been answered.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !rt
        .block_on(hf.received_requests())
        .unwrap()
        .iter()
        .any(|r| r.url.path().ends_with("2501.00004"))
    {
        assert!(Instant::now() < deadline, "the fourth lookup never came");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let papers = env.exported();
    let code = |id: &str| papers.iter().find(|p| p["id"] == id).unwrap()["code"].clone();
    for i in 1..=3 {
        assert_eq!(
            code(&format!("2501.{i:05}")),
            format!("https://github.com/a/p{i}"),
            "answer {i} was stored when it came"
        );
    }
    assert!(code("2501.00004").is_null());
}

/// A mock Hugging Face that gives every paper the same `answer`.
fn hugging_face_answering(rt: &tokio::runtime::Runtime, answer: ResponseTemplate) -> MockServer {
    let hf = rt.block_on(MockServer::start());
    rt.block_on(Mock::given(method("GET")).respond_with(answer).mount(&hf));
    hf
}

#[test]
fn lookups_run_a_few_at_a_time_within_a_per_run_budget() {
    let arxiv = MockArxiv::start(quiet_corpus(24));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // Every paper: "no repository", after 0.4 s.
    let hf = hugging_face_answering(
        &rt,
        ResponseTemplate::new(404).set_delay(Duration::from_millis(400)),
    );
    let mut env = env_for(&arxiv, &hf.uri(), 24);
    env.set_env("PAPERWATCH_LINKS_HUGGINGFACE_CONCURRENCY", "4");
    env.set_env("PAPERWATCH_LINKS_TIMEOUT_SECONDS", "5");
    env.set_env("PAPERWATCH_LINKS_HUGGINGFACE_BUDGET", "20");
    let started = Instant::now();
    let run = env.run(&["update"]);
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("asked Hugging Face about 20 papers (0 failed); 4 left for the next run"),
        "{}",
        run.stderr
    );
    // One at a time, 20 lookups of 0.4 s take 8 s; four at a time, 2 s; all at once, 0.4 s.
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(6),
        "{took:?}"
    );
    // The next run asks the four the budget left, and nothing else.
    let run = env.run(&["update"]);
    assert!(
        run.stderr
            .contains("asked Hugging Face about 4 papers (0 failed)"),
        "{}",
        run.stderr
    );
    assert_eq!(rt.block_on(hf.received_requests()).unwrap().len(), 24);
}

#[test]
fn a_429_asking_for_a_long_wait_stops_asking_at_once() {
    let arxiv = MockArxiv::start(quiet_corpus(6));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let hf = hugging_face_answering(
        &rt,
        ResponseTemplate::new(429).insert_header("Retry-After", "3600"),
    );
    let env = env_for(&arxiv, &hf.uri(), 6);
    let started = Instant::now();
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        run.stderr
            .contains("asked Hugging Face about 1 papers (1 failed, stopped asking)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Hugging Face asked to slow down (HTTP 429); not asking again in this run"),
        "{}",
        run.stderr
    );
    assert_eq!(rt.block_on(hf.received_requests()).unwrap().len(), 1);
}

#[test]
fn an_unreachable_hugging_face_costs_seconds_not_the_run() {
    let arxiv = MockArxiv::start(quiet_corpus(8));
    let env = env_for(&arxiv, "http://127.0.0.1:1", 8);
    let started = Instant::now();
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(
        run.stderr
            .contains("asked Hugging Face about 3 papers (3 failed, stopped asking)"),
        "{}",
        run.stderr
    );
    assert_eq!(env.read("README.md").matches("| null|").count(), 8);
}

#[test]
fn hugging_faces_summary_goes_into_the_digest() {
    let arxiv = MockArxiv::start(quiet_corpus(2));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let hf = rt.block_on(MockServer::start());
    for (id, summary) in [("2501.00001", "One line\nabout NPUs."), ("2501.00002", "")] {
        rt.block_on(
            Mock::given(method("GET"))
                .and(path(format!("/api/papers/{id}")))
                .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                    "id": id, "githubRepo": null, "ai_summary": summary, "upvotes": 7
                })))
                .mount(&hf),
        );
    }
    let hook = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200))
            .mount(&hook),
    );
    let mut env = env_for(&arxiv, &hf.uri(), 2);
    let config = env.read("paperwatch.toml")
        + "\n[[notify]]\nname = \"hook\"\nkind = \"webhook\"\nurl_env = \"HOOK_URL\"\nbackfill = 2\n";
    env.write("paperwatch.toml", &config);
    env.set_env("HOOK_URL", &format!("{}/hook", hook.uri()));
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = rt.block_on(hook.received_requests()).unwrap();
    assert_eq!(got.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&got[0].body).unwrap();
    let summary = |id: &str| {
        body["papers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap()["summary"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(summary("2501.00001"), "One line about NPUs.");
    assert_eq!(
        summary("2501.00002"),
        "An abstract that names no repository.",
        "no summary from Hugging Face: the abstract's first sentences"
    );
    // The site shows it too, from the same run (the lookup comes before publishing).
    let data = env.site_data().to_string();
    assert!(data.contains(r#""tldr":"One line about NPUs.""#), "{data}");
    assert_eq!(data.matches("\"tldr\"").count(), 1);
}
