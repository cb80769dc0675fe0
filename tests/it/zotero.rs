//! Zotero in and out against a loopback stand-in that speaks the documented Web API
//! ([`crate::common::MockZotero`]): a library of 1,200 items (458 arXiv papers in the four ways
//! Zotero records them, the rest books, articles and notes) trains the model; the next run asks
//! `since` its version and gets 304; starred papers are added once each, even when an answer is
//! lost and the batch is sent again.

use serde_json::{Value, json};

use crate::common::{MockArxiv, MockZotero, Seed, TestEnv};

const LIBRARY: &str = "users/123456";
const KEY: &str = "zotero-secret-key-0123456789";

/// A third of the seed's papers (a reader keeps some of what they read) as Zotero items (by
/// `archiveID`, `url`, `DOI` or `extra`, in turn), then other items up to `total`.
fn library(total: usize) -> (Vec<Value>, usize) {
    let seed = Seed::load();
    let mut items: Vec<Value> = seed
        .papers()
        .values()
        .step_by(3)
        .enumerate()
        .map(|(i, row)| {
            let mut item = json!({"itemType": "preprint", "title": row.title, "creators": []});
            match i % 4 {
                0 => item["archiveID"] = json!(format!("arXiv:{}", row.id)),
                1 => {
                    item["url"] = json!(format!("http://arxiv.org/abs/{}v{}", row.id, row.version))
                }
                2 => {
                    item["itemType"] = json!("journalArticle");
                    item["DOI"] = json!(format!("10.48550/arXiv.{}", row.id));
                }
                _ => item["extra"] = json!(format!("arXiv: {}\ntex.note: kept", row.id)),
            }
            item
        })
        .collect();
    let papers = items.len();
    let mut n = 0;
    while items.len() < total {
        n += 1;
        items.push(match n % 3 {
            0 => json!({"itemType": "book", "title": format!("A book {n}"), "ISBN": "978-0-00-000000-0"}),
            1 => json!({"itemType": "journalArticle", "title": format!("An article {n}"), "DOI": format!("10.1145/{n}")}),
            _ => json!({"itemType": "note", "note": format!("<p>note {n}</p>")}),
        });
    }
    (items, papers)
}

fn env_for(arxiv: &MockArxiv, zotero: &MockZotero, examples: &str) -> TestEnv {
    let mut env = TestEnv::new();
    env.set_env("PAPERWATCH_ARXIV_API_URL", &arxiv.url());
    env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0");
    env.set_env("PAPERWATCH_ZOTERO_API_URL", &zotero.url());
    env.set_env("ZOTERO_API_KEY", KEY);
    if !examples.is_empty() {
        env.set_env("PAPERWATCH_RELEVANCE_EXAMPLES", examples);
    }
    env
}

#[test]
fn a_zotero_library_trains_the_model_and_a_quiet_day_is_one_304() {
    let (items, papers) = library(1_200);
    assert_eq!(papers, 153);
    let zotero = MockZotero::start(LIBRARY, Some(KEY), false, items);
    let arxiv = MockArxiv::seed_engine();
    let env = env_for(&arxiv, &zotero, &format!("zotero:{LIBRARY}"));
    let run = env.run(&["-v", "update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The whole library, 100 items a page, each request with the key and API version 3.
    let asked = zotero.asked();
    assert_eq!(asked.len(), 12, "{asked:#?}");
    assert!(
        asked
            .iter()
            .all(|a| a.path == "/users/123456/items" && a.status == 200)
    );
    assert!(
        asked
            .iter()
            .all(|a| a.headers.get("zotero-api-key").map(String::as_str) == Some(KEY))
    );
    assert!(
        asked.iter().all(|a| !a.query.contains_key("since")),
        "a first read reads everything"
    );
    assert!(
        run.stderr.contains("1200 items changed (153 arXiv papers)"),
        "{}",
        run.stderr
    );
    // The 153 papers train the model.
    let explain = env.run(&["explain", "2410.19274"]);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    assert!(
        explain.stdout.contains("learned model"),
        "{}",
        explain.stdout
    );
    let examples: usize = explain
        .stdout
        .split("; ")
        .find_map(|p| p.split(" examples)").next()?.trim().parse().ok())
        .unwrap();
    assert!(examples >= 153, "{examples} examples: {}", explain.stdout);

    // A quiet day: one request, `If-Modified-Since-Version`, answered 304.
    let version = zotero.version();
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let asked = zotero.asked();
    assert_eq!(asked.len(), 13);
    let quiet = &asked[12];
    assert_eq!(quiet.status, 304);
    assert_eq!(
        quiet.headers["if-modified-since-version"],
        version.to_string()
    );
    assert_eq!(
        quiet.query.get("since"),
        Some(&version.to_string()),
        "asks with `since` too"
    );

    // A paper added, one deleted: only the changes are read, and the deletion is asked for.
    zotero.add(json!({"itemType": "preprint", "title": "New", "archiveID": "arXiv:2601.99999"}));
    let gone = zotero.delete("arXiv:");
    let run = env.run(&["-v", "update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let asked = zotero.asked();
    let new: Vec<_> = asked[13..]
        .iter()
        .map(|a| (a.path.as_str(), a.status, a.query.get("since").cloned()))
        .collect();
    assert_eq!(
        new,
        [
            ("/users/123456/items", 200, Some(version.to_string())),
            ("/users/123456/deleted", 200, Some(version.to_string())),
        ]
    );
    assert!(
        run.stderr
            .contains("1 items changed (1 arXiv papers), 1 deleted"),
        "{}",
        run.stderr
    );
    let _ = gone;

    // The key is nowhere but in the requests.
    for file in ["data/papers.jsonl", "data/runs.jsonl", "README.md"] {
        assert!(!env.read(file).contains(KEY), "{file}");
    }
    assert!(!run.stderr.contains(KEY) && !run.stdout.contains(KEY));
}

#[test]
fn a_public_group_reads_without_a_key_and_a_wrong_library_is_a_config_error() {
    let (items, _) = library(150);
    let zotero = MockZotero::start("groups/789", None, false, items);
    let arxiv = MockArxiv::seed_engine();
    let mut env = env_for(&arxiv, &zotero, "zotero:groups/789");
    env.remove_env("ZOTERO_API_KEY");
    let run = env.run(&["-v", "update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let asked = zotero.asked();
    assert_eq!(asked.len(), 2, "150 items, 100 a page");
    assert!(
        asked
            .iter()
            .all(|a| !a.headers.contains_key("zotero-api-key"))
    );
    let mut env = env_for(&arxiv, &zotero, "zotero:people/789");
    env.remove_env("ZOTERO_API_KEY");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("is not a Zotero library"),
        "{}",
        run.stderr
    );
}

#[test]
fn starred_papers_reach_zotero_once_even_when_an_answer_is_lost() {
    let zotero = MockZotero::start(
        LIBRARY,
        Some(KEY),
        true,
        vec![
            json!({"itemType": "preprint", "title": "Kept by hand", "archiveID": "arXiv:2410.19274"}),
        ],
    );
    let arxiv = MockArxiv::seed_engine();
    let env = env_for(&arxiv, &zotero, "");
    let config = paperwatch::config::DEFAULT_CONFIG;
    env.write(
        "paperwatch.toml",
        &format!("[zotero]\nlibrary = \"{LIBRARY}\"\ncollection = \"ABCD2345\"\n\n{config}"),
    );
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ids = ["2501.14794", "2504.08242", "2502.11880"];
    let posts = || zotero.asked().iter().filter(|a| a.method == "POST").count();

    // The first write is applied but its answer lost: the star stays queued, with its token.
    zotero.lose_next_write();
    let run = env.run(&["star", ids[0]]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("they stay queued"), "{}", run.stderr);
    assert_eq!(posts(), 1);
    // The next star sends that batch again with the same token (412: applied already) and the
    // new paper in a batch of its own.
    let run = env.run(&["star", ids[1]]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let posted: Vec<_> = zotero
        .asked()
        .into_iter()
        .filter(|a| a.method == "POST")
        .collect();
    assert_eq!(posted.len(), 3);
    assert_eq!(
        posted[0].headers["zotero-write-token"],
        posted[1].headers["zotero-write-token"]
    );
    assert_eq!(posted[1].status, 412);
    assert_ne!(
        posted[2].headers["zotero-write-token"],
        posted[0].headers["zotero-write-token"]
    );
    assert_eq!(env.run(&["star", ids[2]]).code, 0);
    for id in ids {
        let found = zotero.with_archive_id(&format!("arXiv:{id}"));
        assert_eq!(found.len(), 1, "{id} once");
        let item = &found[0];
        assert_eq!(item["itemType"], "preprint");
        assert_eq!(item["repository"], "arXiv");
        assert_eq!(item["collections"], json!(["ABCD2345"]));
        assert!(
            item["url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("https://arxiv.org/abs/{id}v"))
        );
        assert!(!item["creators"].as_array().unwrap().is_empty());
        assert!(item["date"].as_str().unwrap().len() == 10);
    }
    // A paper the library holds already is not written again; a second run writes nothing.
    let before = posts();
    assert_eq!(env.run(&["star", "2410.19274"]).code, 0);
    assert_eq!(zotero.with_archive_id("arXiv:2410.19274").len(), 1);
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(posts(), before, "nothing left to write");
    let stats: Value = serde_json::from_str(&env.run(&["stats", "--json"]).stdout).unwrap();
    assert_eq!(stats["starred"], 4);
    assert_eq!(
        stats["zotero"],
        json!({"library": LIBRARY, "written": 4, "queued": 0, "failed": 0})
    );
}

#[test]
fn a_key_without_write_access_is_one_clear_error_and_the_star_stays_queued() {
    let zotero = MockZotero::start(LIBRARY, Some(KEY), false, vec![]);
    let arxiv = MockArxiv::seed_engine();
    let env = env_for(&arxiv, &zotero, "");
    let config = paperwatch::config::DEFAULT_CONFIG;
    env.write(
        "paperwatch.toml",
        &format!("[zotero]\nlibrary = \"{LIBRARY}\"\n\n{config}"),
    );
    assert_eq!(env.run(&["update"]).code, 0);
    let run = env.run(&["star", "2501.14794"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("Zotero answered 403"), "{}", run.stderr);
    assert!(run.stderr.contains("write"), "{}", run.stderr);
    assert!(!run.stderr.contains(KEY));
    assert_eq!(
        run.stderr.matches("403").count(),
        1,
        "said once: {}",
        run.stderr
    );
}

#[test]
fn zotero_throttling_is_waited_out_as_it_asks() {
    let (items, _) = library(150);
    let zotero = MockZotero::start(LIBRARY, Some(KEY), false, items);
    // A 429 and a 503, each with `Retry-After: 1`, then `Backoff: 1` on the first page.
    zotero.throttle(&[(429, "1"), (503, "1")], "1");
    let arxiv = MockArxiv::seed_engine();
    let env = env_for(&arxiv, &zotero, &format!("zotero:{LIBRARY}"));
    let started = std::time::Instant::now();
    let run = env.run(&["-v", "update"]);
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let statuses: Vec<u16> = zotero.asked().iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [429, 503, 200, 200],
        "asked again after each wait"
    );
    assert!(run.stderr.contains("Zotero answered 429"), "{}", run.stderr);
    assert!(run.stderr.contains("153 items changed"), "{}", run.stderr);
    // Two Retry-After waits and one Backoff wait of a second each.
    assert!(took >= std::time::Duration::from_secs(3), "{took:?}");
}
