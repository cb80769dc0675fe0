//! What happens to a destination's queue over time: a digest its service refuses is split and
//! a paper refused even alone is set aside; a destination renamed, forgotten, re-added or
//! widened neither loses papers nor floods; publication news is sent once.

use super::{MockChat, corpus, papers_in, services};
use crate::common::{MockArxiv, Seed, TestEnv, mock_config};

/// Topics `edge` (the notify corpus) and `systems` (the seed's `mobile_llm_systems` rows, all
/// stored on the first run), and `destinations` (`[[notify]]` blocks).
fn env_with(arxiv: &MockArxiv, destinations: &str) -> TestEnv {
    let env = TestEnv::new();
    write_config(&env, arxiv, destinations);
    env
}

fn write_config(env: &TestEnv, arxiv: &MockArxiv, destinations: &str) {
    let topics = "[[topic]]\nname = \"edge\"\nquery = \"seed:edge\"\nfilter = false\n\n\
                  [[topic]]\nname = \"systems\"\nquery = \"seed:systems\"\nfilter = false\n";
    env.write(
        "paperwatch.toml",
        &(mock_config(&arxiv.url(), "", topics) + destinations),
    );
}

/// The `mobile_llm_systems` ids of the seed, newest first.
fn systems() -> Vec<String> {
    Seed::load()
        .section("mobile_llm_systems")
        .iter()
        .map(|r| r.id.clone())
        .collect()
}

/// Delivery lines of the snapshot at `destination` in `state`.
fn lines(env: &TestEnv, destination: &str, state: &str) -> Vec<String> {
    env.read("data/deliveries.jsonl")
        .lines()
        .filter(|l| {
            l.contains(&format!("\"destination\":\"{destination}\""))
                && l.contains(&format!("\"state\":\"{state}\""))
        })
        .map(str::to_string)
        .collect()
}

const STRICT: &str = "\n[[notify]]\nname = \"strict\"\nkind = \"webhook\"\nurl_env = \"STRICT_URL\"\ntopics = [\"edge\"]\nbackfill = 6\n";

/// A service that refuses any message of more than 2 papers (HTTP 400, as Slack's and
/// Discord's webhooks answer a payload they cannot take) and any message holding the hostile
/// paper: the digest is split until it passes; that paper, refused even alone and plain, is set
/// aside once the others went through, named on the run line and in `stats`, and never tried
/// again, even from a rebuilt database.
#[test]
fn a_refused_digest_is_split_and_a_paper_refused_alone_is_set_aside() {
    let (arxiv, chat, _) = services();
    chat.judge("/strict", |body| {
        let papers = body["papers"].as_array()?;
        if papers.len() > 2 {
            return Some((400, "payload too large: 2 papers at most".into()));
        }
        papers
            .iter()
            .any(|p| p["id"] == "2512.99999")
            .then(|| (400, "invalid_payload: title".to_string()))
    });
    let mut env = env_with(&arxiv, STRICT);
    env.set_env("STRICT_URL", &chat.url("/strict"));
    let run = env.run(&["update"]);
    assert_eq!(
        run.code, 0,
        "a paper set aside blocks nothing: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "1 paper set aside, refused even alone (2512.99999v1: HTTP 400: invalid_payload: title)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("notify strict: sent 5 papers in "),
        "{}",
        run.stderr
    );
    // Halves until each passes; the hostile paper alone, then plain.
    let got = chat.got("/strict");
    let sizes: Vec<Vec<String>> = got
        .iter()
        .map(|g| papers_in(std::slice::from_ref(g)))
        .collect();
    assert!(got.len() <= 2 * 6 - 1 + 1, "{sizes:?}");
    let alone: Vec<&serde_json::Value> = got
        .iter()
        .map(|g| &g.body["papers"])
        .filter(|p| p.as_array().unwrap().len() == 1 && p[0]["id"] == "2512.99999")
        .collect();
    assert_eq!(alone.len(), 2, "alone, then plain: {sizes:?}");
    assert_ne!(alone[0][0]["summary"], "");
    assert_eq!(
        alone[1][0]["summary"], "",
        "the plain rendering drops the summary"
    );
    let accepted: Vec<String> = got
        .iter()
        .filter(|g| {
            let p = papers_in(std::slice::from_ref(g));
            p.len() <= 2 && !p.contains(&"2512.99999".to_string())
        })
        .flat_map(|g| papers_in(std::slice::from_ref(g)))
        .collect();
    assert_eq!(accepted.len(), 5, "{accepted:?}");
    let failed = lines(&env, "strict", "failed");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("2512.99999") && failed[0].contains("invalid_payload: title"),
        "{}",
        failed[0]
    );
    let stats = env.run(&["stats"]);
    assert!(
        stats.stdout.contains("5 sent") && stats.stdout.contains("1 set aside"),
        "{}",
        stats.stdout
    );
    assert!(
        stats
            .stdout
            .contains("2512.99999v1: HTTP 400: invalid_payload: title")
    );

    // Later runs, one from a rebuilt database: the paper set aside is not tried again.
    env.set_env("SOURCE_DATE_EPOCH", "1770552000");
    std::fs::remove_file(env.path("paperwatch.db")).unwrap();
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(chat.got("/strict").len(), got.len());
    assert_eq!(lines(&env, "strict", "failed").len(), 1);
}

/// A destination that refuses every message for its content (a required keyword, a channel
/// setting) is not a poison paper: nothing is set aside, everything stays queued and the run
/// fails naming the service's answer.
#[test]
fn a_destination_refusing_everything_sets_nothing_aside() {
    let (arxiv, chat, _) = services();
    chat.judge("/strict", |_| Some((400, "invalid_blocks".into())));
    let mut env = env_with(&arxiv, STRICT);
    env.set_env("STRICT_URL", &chat.url("/strict"));
    let run = env.run(&["update"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("notify strict: HTTP 400: invalid_blocks; 6 papers stay queued"),
        "{}",
        run.stderr
    );
    assert!(lines(&env, "strict", "failed").is_empty());
    assert_eq!(lines(&env, "strict", "queued").len(), 6);
    // Split down to each paper alone, then plain: bounded by 2n - 1 + n requests.
    assert!(
        chat.got("/strict").len() <= 17,
        "{}",
        chat.got("/strict").len()
    );
}

fn hook(name: &str, topics: &str, backfill: usize) -> String {
    format!(
        "\n[[notify]]\nname = \"{name}\"\nkind = \"webhook\"\nurl_env = \"HOOK_URL\"\ntopics = {topics}\nbackfill = {backfill}\n"
    )
}

/// Renamed, the queue follows; widened to another topic, that topic's old papers are history
/// (but for the backfill) and its new ones are sent; dropped from the config and re-added, the
/// papers it missed are history; forgotten, it starts again from now plus its backfill.
#[test]
fn a_destination_renamed_widened_readded_or_forgotten_neither_loses_nor_floods() {
    let (rows, ids) = corpus();
    let systems = systems();
    let mut all = rows;
    for row in Seed::load().section("mobile_llm_systems") {
        all.insert(row.id.clone(), row.clone());
    }
    let arxiv = MockArxiv::start(all);
    arxiv.add_search("seed:edge", ids[1..].to_vec());
    arxiv.add_search("seed:systems", systems[1..].to_vec());
    let chat = MockChat::start();
    let mut env = env_with(&arxiv, &hook("hook", "[\"edge\"]", 2));
    env.set_env("HOOK_URL", &chat.url("/hook"));
    // The first delivery fails: the backfill of 2 waits in the queue.
    chat.script("/hook", &[(500, None)]);
    assert_eq!(env.run(&["update"]).code, 1);
    assert_eq!(lines(&env, "hook", "queued").len(), 2);

    let run = env.run(&["notify", "--rename", "hook", "team"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("notify: hook is now team"),
        "{}",
        run.stderr
    );
    assert!(lines(&env, "hook", "queued").is_empty());
    let again = env.run(&["notify", "--rename", "nobody", "team"]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        again.stderr.contains("no destination named \"nobody\""),
        "{}",
        again.stderr
    );
    write_config(&env, &arxiv, &hook("team", "[\"edge\"]", 2));
    env.set_env("SOURCE_DATE_EPOCH", "1770552000");
    assert_eq!(env.run(&["update"]).code, 0);
    assert_eq!(
        papers_in(&chat.got("/hook")).len(),
        2,
        "the queue followed the name"
    );

    // Widened to `systems`: its stored papers are history but for the best 1 (the backfill);
    // a new one is sent.
    write_config(&env, &arxiv, &hook("team", "[\"edge\", \"systems\"]", 1));
    env.set_env("SOURCE_DATE_EPOCH", "1770638400");
    assert_eq!(env.run(&["update"]).code, 0);
    let sent = papers_in(&chat.got("/hook"));
    assert_eq!(sent.len(), 3, "no flood from systems: {sent:?}");
    assert!(systems.contains(&sent[2]));
    arxiv.add_search("seed:systems", systems.clone());
    env.set_env("SOURCE_DATE_EPOCH", "1770724800");
    assert_eq!(env.run(&["update"]).code, 0);
    let sent = papers_in(&chat.got("/hook"));
    assert_eq!(sent.len(), 4, "{sent:?}");
    assert_eq!(sent[3], systems[0], "the new systems paper");

    // Dropped, a new edge paper arrives, re-added: the paper it missed is history.
    write_config(&env, &arxiv, "");
    arxiv.add_search("seed:edge", ids);
    env.set_env("SOURCE_DATE_EPOCH", "1770811200");
    assert_eq!(env.run(&["update"]).code, 0);
    write_config(&env, &arxiv, &hook("team", "[\"edge\", \"systems\"]", 0));
    env.set_env("SOURCE_DATE_EPOCH", "1770897600");
    assert_eq!(env.run(&["update"]).code, 0);
    assert_eq!(papers_in(&chat.got("/hook")).len(), 4, "re-added: no flood");

    // Forgotten: configured again, it starts from now plus its backfill of 2.
    let run = env.run(&["notify", "--forget", "team"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!env.read("data/deliveries.jsonl").contains("\"team\""));
    write_config(&env, &arxiv, &hook("team", "[\"edge\", \"systems\"]", 2));
    env.set_env("SOURCE_DATE_EPOCH", "1770984000");
    assert_eq!(env.run(&["update"]).code, 0);
    assert_eq!(papers_in(&chat.got("/hook")).len(), 6);
}

/// A paper sent to a destination that gains a journal reference and DOI on arXiv is news
/// there, once ("now published"), with the DOI's link; a destination with `published = false`
/// is not told.
#[test]
fn a_sent_paper_that_is_published_is_news_once() {
    let (arxiv, chat, _) = services();
    let quiet = "\n[[notify]]\nname = \"quiet\"\nkind = \"webhook\"\nurl_env = \"QUIET_URL\"\nbackfill = 2\npublished = false\n";
    let mut env = env_with(&arxiv, &(hook("hook", "[\"edge\"]", 2) + quiet));
    env.set_env("HOOK_URL", &chat.url("/hook"));
    env.set_env("QUIET_URL", &chat.url("/quiet"));
    assert_eq!(env.run(&["update"]).code, 0);
    let sent = papers_in(&chat.got("/hook"));
    assert_eq!(sent.len(), 2);

    arxiv.publish(
        &sent[1],
        "Proc. MobiSys 2026, pp. 1-14",
        "10.1145/3643832.1",
    );
    env.set_env("SOURCE_DATE_EPOCH", "1770552000");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let got = chat.got("/hook");
    assert_eq!(got.len(), 2, "one more message");
    let news = &got[1].body["papers"][0];
    assert_eq!(news["id"], sent[1].as_str());
    assert_eq!(news["published"]["venue"], "Proc. MobiSys 2026, pp. 1-14");
    assert_eq!(
        news["published"]["url"],
        "https://doi.org/10.1145/3643832.1"
    );
    assert_eq!(
        chat.got("/quiet").len(),
        1,
        "published = false: only the backfill"
    );

    env.set_env("SOURCE_DATE_EPOCH", "1770638400");
    std::fs::remove_file(env.path("paperwatch.db")).unwrap();
    assert_eq!(env.run(&["update"]).code, 0);
    assert_eq!(
        chat.got("/hook").len(),
        2,
        "once, even from a rebuilt database"
    );
}
