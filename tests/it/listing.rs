//! Checking each day against arXiv's own announcement listing: a paper announced in the topics'
//! categories that a topic's query matches but the search does not return yet (its index lags
//! the announcement) is fetched by id and shown; the run says so; `audit` accounts for every
//! announced paper by id; an unchanged listing costs a 304; a weekend's empty listing gives the
//! quiet-day line and changes no file.

use crate::common::{MockArxiv, Seed, TestEnv, committed_files, mock_config, search_engine};

const QUERY: &str = r#"(ti:edge OR abs:"edge devices") AND cat:cs.*"#;

/// A tracker of one topic reading the mock's listing.
fn env_with(arxiv: &MockArxiv) -> TestEnv {
    let mut env = TestEnv::new();
    let topics = format!("[[topic]]\nname = \"edge\"\nquery = '{QUERY}'\nfilter = false\n");
    env.write("paperwatch.toml", &mock_config(&arxiv.url(), "", &topics));
    env.set_env("PAPERWATCH_ARXIV_LISTING", "true");
    env.set_env("PAPERWATCH_ARXIV_LISTING_URL", &arxiv.listing_url());
    env
}

/// The seed's papers; those the query returns (newest first); one it does not.
fn corpus() -> (
    std::collections::BTreeMap<String, crate::common::SeedRow>,
    Vec<String>,
    String,
) {
    let rows = Seed::load().papers();
    let matching = search_engine(&rows, QUERY);
    let other = rows
        .keys()
        .rev()
        .find(|id| {
            !matching.contains(id) && rows[*id].categories.iter().any(|c| c.starts_with("cs."))
        })
        .unwrap()
        .clone();
    (rows, matching, other)
}

#[test]
fn the_listing_fetches_what_the_search_does_not_return_yet_and_audit_accounts_for_it() {
    let (rows, matching, other) = corpus();
    assert!(matching.len() > 5, "{matching:?}");
    let arxiv = MockArxiv::start_engine(rows);
    // The two newest matching papers were announced last night; the search lags.
    arxiv.lag(&[&matching[0], &matching[1]]);
    let friday = "Fri, 06 Feb 2026 00:00:00 -0500";
    arxiv.announce(
        friday,
        &[
            (&matching[0], "new"),
            (&matching[1], "cross"),
            (&matching[2], "new"),
            (&other, "new"),
        ],
    );
    let env = env_with(&arxiv);
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "arXiv announced 4 papers in cs on 2026-02-06; 3 match your topics; 2 were not yet searchable: fetched by id"
        ),
        "{}",
        run.stderr
    );
    let readme = env.read("README.md");
    for id in &matching[..3] {
        assert!(readme.contains(id.as_str()), "{id} is shown");
    }
    assert!(!readme.contains(other.as_str()));

    let audit = env.run(&["audit", "--json"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    let a: serde_json::Value = serde_json::from_str(&audit.stdout).unwrap();
    assert_eq!(a["day"], "2026-02-06");
    let t = &a["topics"][0];
    assert_eq!(
        (
            &t["topic"],
            &t["announced"],
            &t["matching"],
            &t["stored"],
            &t["shown"]
        ),
        (
            &serde_json::json!("edge"),
            &serde_json::json!(4),
            &serde_json::json!(3),
            &serde_json::json!(3),
            &serde_json::json!(3)
        )
    );
    assert_eq!(t["missing"], serde_json::json!([]));
    let by_id: Vec<(String, String)> = a["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_string(),
                p["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut want = vec![
        (matching[0].clone(), "fetched".to_string()),
        (matching[1].clone(), "fetched".to_string()),
        (matching[2].clone(), "stored".to_string()),
        (other, "unmatched".to_string()),
    ];
    want.sort();
    assert_eq!(by_id, want, "every announced id accounted for");
    let text = env.run(&["audit"]);
    assert!(
        text.stdout.contains("2026-02-06: arXiv announced 4 papers"),
        "{}",
        text.stdout
    );

    // The next run: the listing has not changed, and says so with a 304.
    env.run(&["update"]);
    let asked = arxiv.listing_requests();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert_eq!((asked[0].0.as_str(), asked[0].2), ("/rss/cs", 200));
    assert!(asked[1].1.is_some(), "the second asks with the ETag");
    assert_eq!(asked[1].2, 304);
}

#[test]
fn a_weekend_listing_is_a_quiet_day_that_changes_no_file() {
    let (rows, matching, _) = corpus();
    let arxiv = MockArxiv::start_engine(rows);
    arxiv.announce("Fri, 06 Feb 2026 00:00:00 -0500", &[(&matching[0], "new")]);
    let mut env = env_with(&arxiv);
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("1 matches your topics; it was already stored"),
        "{}",
        run.stderr
    );
    // The README's date follows news, not runs (`updated_on = "news"`; the default keeps
    // cv-arxiv-daily's date of the run).
    let config = env
        .read("paperwatch.toml")
        .replace("[readme]\n", "[readme]\nupdated_on = \"news\"\n");
    env.write("paperwatch.toml", &config);
    assert_eq!(env.run(&["update"]).code, 0);
    let before = committed_files(env.dir.path());
    arxiv.announce("Sat, 07 Feb 2026 00:00:00 -0500", &[]);
    env.set_env("SOURCE_DATE_EPOCH", "1770552000");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("arXiv announced nothing today in cs (no announcements at weekends)"),
        "{}",
        run.stderr
    );
    let after = committed_files(env.dir.path());
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(changed.is_empty(), "no file changed: {changed:?}");
    // A listing that cannot be read is said, and the run goes on.
    env.set_env("PAPERWATCH_ARXIV_LISTING_URL", "http://127.0.0.1:1/rss/");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the listing could not be read: http://127.0.0.1:1/rss/cs"),
        "{}",
        run.stderr
    );
    // arXiv's API unreachable (the network down): the listing is not asked either.
    env.set_env("PAPERWATCH_ARXIV_LISTING_URL", &arxiv.listing_url());
    env.set_env("PAPERWATCH_ARXIV_API_URL", "http://127.0.0.1:1/api/query");
    env.set_env("PAPERWATCH_ARXIV_RETRIES", "0");
    let asked = arxiv.listing_requests().len();
    let run = env.run(&["update"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("its listing was not asked"),
        "{}",
        run.stderr
    );
    assert_eq!(arxiv.listing_requests().len(), asked);
}
