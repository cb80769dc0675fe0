//! Digests, delivered for real over loopback: e-mail to a real SMTP server (Python's
//! `aiosmtpd`, which `.ci/run` installs), chat and webhook payloads to a local HTTP server
//! playing Slack, Discord, Telegram, Feishu and a generic webhook: each service's shape, the
//! signatures, 429 + Retry-After, a failure then success, and each paper sent exactly once.

use std::collections::BTreeMap;

use crate::common::{MockArxiv, Seed, SeedRow, TestEnv, mock_config};
use mock_chat::{Got, MockChat};
use smtp::Smtp;

mod mock_chat;
mod smtp;

/// The seed's `edge_inference` papers but the newest, plus one hostile title; the newest can
/// be added to the search later (a new paper).
fn corpus() -> (BTreeMap<String, SeedRow>, Vec<String>) {
    let seed = Seed::load();
    let mut rows = seed.papers();
    let mut ids: Vec<String> = seed
        .section("edge_inference")
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let mut hostile = rows[&ids[0]].clone();
    hostile.id = "2512.99999".into();
    hostile.date = "2025-12-31".into();
    hostile.title = "<script>alert(1)</script> Fast & small: x<y LLMs on NPUs".into();
    rows.insert(hostile.id.clone(), hostile.clone());
    ids.insert(1, hostile.id);
    (rows, ids)
}

/// The mock arXiv serving [`corpus`] with its newest paper not yet in the search (the ids, newest
/// first), and a mock chat server.
fn services() -> (MockArxiv, MockChat, Vec<String>) {
    let (rows, ids) = corpus();
    let arxiv = MockArxiv::start(rows);
    arxiv.add_search("seed:edge", ids[1..].to_vec());
    (arxiv, MockChat::start(), ids)
}

const DESTINATIONS: &str = r#"
[[notify]]
name = "slack"
kind = "slack"
url_env = "SLACK_URL"
backfill = 3

[[notify]]
name = "discord"
kind = "discord"
url_env = "DISCORD_URL"
backfill = 3

[[notify]]
name = "telegram"
kind = "telegram"
url_env = "TELEGRAM_URL"
chat_id = "-100123"
backfill = 3

[[notify]]
name = "feishu"
kind = "feishu"
url_env = "FEISHU_URL"
secret_env = "FEISHU_SECRET"
backfill = 3

[[notify]]
name = "hook"
kind = "webhook"
url_env = "HOOK_URL"
secret_env = "HOOK_SECRET"
max_papers = 2
backfill = 3
"#;

fn chat_env(arxiv: &MockArxiv, chat: &MockChat) -> TestEnv {
    let mut env = TestEnv::new();
    let topics = "[[topic]]\nname = \"edge\"\nquery = \"seed:edge\"\nfilter = false\n";
    env.write(
        "paperwatch.toml",
        &(mock_config(&arxiv.url(), "", topics) + DESTINATIONS),
    );
    env.set_env("SLACK_URL", &chat.url("/slack"));
    env.set_env("DISCORD_URL", &chat.url("/discord"));
    env.set_env("TELEGRAM_URL", &chat.url("/botSECRET-TOKEN-123"));
    env.set_env("FEISHU_URL", &chat.url("/feishu"));
    env.set_env("FEISHU_SECRET", "feishu-signing-key");
    env.set_env("HOOK_URL", &chat.url("/hook"));
    env.set_env("HOOK_SECRET", "hook-signing-key");
    env
}

fn papers_in(got: &[Got]) -> Vec<String> {
    got.iter()
        .flat_map(|g| g.body["papers"].as_array().cloned().unwrap_or_default())
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn chat_services_get_their_own_formats_signed_and_each_paper_once() {
    let (arxiv, chat, ids) = services();
    let mut env = chat_env(&arxiv, &chat);
    chat.judge("/discord", discord_limits);
    chat.judge("/feishu", |body| {
        (body.to_string().len() > 20 * 1024)
            .then(|| (200, r#"{"code":9499,"msg":"Bad Request"}"#.to_string()))
    });
    // Slack first asks to wait a second; the webhook fails once.
    chat.script("/slack", &[(429, Some("1"))]);
    chat.script("/hook", &[(500, None)]);

    let run = env.run(&["update"]);
    assert_eq!(
        run.code, 1,
        "a failed delivery fails the run: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("notify hook: HTTP 500"),
        "{}",
        run.stderr
    );
    assert!(
        env.path("README.md").exists(),
        "the README is written anyway"
    );
    assert_each_service_got_its_own_format(&chat);
    // Nothing reached the webhook yet; the papers wait.
    assert!(chat.got("/hook").is_empty());
    // No secret in anything printed.
    for secret in ["SECRET-TOKEN-123", "hook-signing-key", "feishu-signing-key"] {
        assert!(!run.stderr.contains(secret) && !run.stdout.contains(secret));
    }

    // The database is lost (a CI cache miss): it is rebuilt from the text snapshot, with what
    // was sent and what waits. The next run: the webhook gets its 3 queued papers (2 a
    // message), signed; the others get nothing again.
    assert!(
        env.read("data/deliveries.jsonl")
            .contains("\"state\":\"queued\"")
    );
    std::fs::remove_file(env.path("paperwatch.db")).unwrap();
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hook = chat.got("/hook");
    assert_eq!(hook.len(), 2, "max_papers = 2: 3 papers in 2 messages");
    for g in &hook {
        let sig = &g.headers["x-paperwatch-signature"];
        assert_eq!(
            sig,
            &paperwatch::notify::send::hmac_hex("hook-signing-key", &g.raw)
        );
        // Standard Webhooks: an id to dedupe on, a timestamp to refuse replays, and the
        // signature over both with the body.
        let (id, ts) = (&g.headers["webhook-id"], &g.headers["webhook-timestamp"]);
        assert!(id.starts_with("msg_") && id.len() == 36, "{id}");
        let body = String::from_utf8(g.raw.clone()).unwrap();
        assert_eq!(
            g.headers["webhook-signature"],
            format!(
                "v1,{}",
                paperwatch::notify::send::standard_signature("hook-signing-key", id, ts, &body)
            )
        );
        let p = &g.body["papers"][0];
        for key in [
            "id", "title", "authors", "topics", "url", "pdf", "code", "summary",
        ] {
            assert!(p.get(key).is_some(), "{key} in {p}");
        }
    }
    assert_eq!(chat.got("/slack").len(), 1, "nothing new for slack");

    // A new paper: each destination gets exactly it, once.
    arxiv.add_search("seed:edge", ids.clone());
    env.set_env("SOURCE_DATE_EPOCH", "1770552000");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let delivered = papers_in(&chat.got("/hook"));
    assert_eq!(delivered.len(), 4, "{delivered:?}");
    let unique: std::collections::HashSet<&String> = delivered.iter().collect();
    assert_eq!(unique.len(), 4, "each paper exactly once: {delivered:?}");
    assert!(delivered.contains(&ids[0]));
    assert_eq!(chat.got("/slack").len(), 2);
    let run = env.run(&["-v", "update"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        papers_in(&chat.got("/hook")).len(),
        4,
        "a quiet run sends nothing"
    );
    let took = run
        .stderr
        .lines()
        .find(|l| l.contains("notify took"))
        .unwrap();
    assert!(
        took.contains("for 5 destinations (0 papers sent)"),
        "{took}"
    );
    eprintln!("{took}");

    dry_runs_and_tests_send_no_news(&mut env, &chat);
}

/// Discord's documented limits: 10 embeds, a title of 256 characters, a description of 4,096,
/// 6,000 in all the embeds, 2,000 in `content`; more is HTTP 400 "Invalid Form Body".
fn discord_limits(body: &serde_json::Value) -> Option<(u16, String)> {
    let len = |v: &serde_json::Value| v.as_str().map_or(0, |s| s.chars().count());
    let embeds = body["embeds"].as_array()?;
    let total: usize = embeds
        .iter()
        .map(|e| len(&e["title"]) + len(&e["description"]) + len(&e["footer"]["text"]))
        .sum();
    let too_long = embeds.len() > 10
        || total > 6000
        || len(&body["content"]) > 2000
        || embeds
            .iter()
            .any(|e| len(&e["title"]) > 256 || len(&e["description"]) > 4096);
    too_long.then(|| {
        (
            400,
            r#"{"message": "Invalid Form Body", "code": 50035}"#.to_string(),
        )
    })
}

/// The first delivery of `chat_services_get_their_own_formats_signed_and_each_paper_once`: the
/// backfill of each new destination, its best 3 papers once, in the service's own format.
fn assert_each_service_got_its_own_format(chat: &MockChat) {
    // The backfill of a new destination: its best 3 papers, once.
    let slack = chat.got("/slack");
    assert_eq!(slack.len(), 1);
    let blocks = slack[0].body["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(blocks.len(), 4);
    assert!(
        blocks[1]["text"]["text"]
            .as_str()
            .unwrap()
            .starts_with("*<https://arxiv.org/abs/")
    );
    let all = slack[0].raw.clone();
    assert!(!String::from_utf8_lossy(&all).contains("<script>"));

    let discord = chat.got("/discord");
    assert_eq!(discord[0].body["embeds"].as_array().unwrap().len(), 3);
    assert_eq!(
        discord[0].body["allowed_mentions"]["parse"],
        serde_json::json!([])
    );

    let telegram = chat.got("/botSECRET-TOKEN-123/sendMessage");
    assert_eq!(telegram.len(), 1);
    assert_eq!(telegram[0].body["parse_mode"], "HTML");
    assert_eq!(telegram[0].body["chat_id"], "-100123");
    let text = telegram[0].body["text"].as_str().unwrap();
    assert!(text.chars().count() <= 4096);

    let feishu = chat.got("/feishu");
    assert_eq!(feishu[0].body["msg_type"], "interactive");
    let ts = feishu[0].body["timestamp"].as_str().unwrap();
    assert_eq!(
        feishu[0].body["sign"].as_str().unwrap(),
        paperwatch::notify::send::feishu_sign(ts, "feishu-signing-key")
    );

    for (name, got) in [
        ("slack", &slack),
        ("discord", &discord),
        ("telegram", &telegram),
        ("feishu", &feishu),
    ] {
        eprintln!("{name}: 3 papers in {} bytes", got[0].raw.len());
    }
}

/// `--dry-run` prints and sends nothing; `--test` sends one sample; a missing secret names its
/// variable.
fn dry_runs_and_tests_send_no_news(env: &mut TestEnv, chat: &MockChat) {
    let before = chat.got("/slack").len();
    let run = env.run(&["notify", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(chat.got("/slack").len(), before);
    assert_eq!(env.run(&["notify", "--test", "slack"]).code, 0);
    assert_eq!(chat.got("/slack").len(), before + 1);
    assert_eq!(env.run(&["notify", "--test", "nobody"]).code, 2);
    // A missing secret names its variable, not a value.
    env.remove_env("SLACK_URL");
    let run = env.run(&["notify", "--test", "slack"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("SLACK_URL"), "{}", run.stderr);
}

#[test]
fn an_email_digest_reaches_a_real_smtp_server() {
    let Some(smtp) = Smtp::start() else { return };
    let (rows, ids) = corpus();
    let arxiv = MockArxiv::start(rows);
    // The hostile paper (ids[1]) arrives later, alone.
    arxiv.add_search("seed:edge", ids[2..].to_vec());
    let mut env = TestEnv::new();
    // A topic named in Chinese: the subject is encoded (RFC 2047) and reads back whole.
    let topics = "[[topic]]\nname = \"端侧推理 edge\"\nquery = \"seed:edge\"\nfilter = false\n";
    let dest = "\n[[notify]]\nname = \"me\"\nkind = \"email\"\nurl_env = \"SMTP_URL\"\nfrom = \"paperwatch <bot@example.org>\"\nto = [\"me@example.org\"]\nbackfill = 5\n";
    env.write(
        "paperwatch.toml",
        &(mock_config(&arxiv.url(), "", topics) + dest),
    );
    // A server that refuses the login: the error never shows the password.
    env.set_env(
        "SMTP_URL",
        &format!("smtp://user:hunter2@127.0.0.1:{}", smtp.port),
    );
    let run = env.run(&["update"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("notify me: SMTP delivery failed"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"));
    assert!(smtp.messages().is_empty());
    env.set_env("SMTP_URL", &format!("smtp://127.0.0.1:{}", smtp.port));
    let run = env.run(&["notify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mail = smtp.messages();
    assert_eq!(mail.len(), 1, "one digest");
    let parsed = mail_parser::MessageParser::default()
        .parse(&mail[0])
        .unwrap();
    assert_eq!(
        parsed.subject().unwrap(),
        "paperwatch: 5 new papers in 端侧推理 edge"
    );
    let raw = String::from_utf8_lossy(&mail[0]);
    let subject = raw.lines().find(|l| l.starts_with("Subject:")).unwrap();
    assert!(
        subject.is_ascii() && subject.contains("=?utf-8?"),
        "{subject}"
    );
    assert_eq!(
        parsed.from().unwrap().first().unwrap().address().unwrap(),
        "bot@example.org"
    );
    // An id a mail server and a reader can dedupe on (Gmail refuses mail without one), and a
    // list id to filter on.
    let message_id = parsed.message_id().unwrap().to_string();
    assert!(message_id.ends_with(".me@example.org"), "{message_id}");
    assert_eq!(message_id.len(), 32 + ".me@example.org".len());
    assert_eq!(
        parsed.header_raw("List-Id").map(str::trim),
        Some("paperwatch me <me.paperwatch.example.org>")
    );
    let text = parsed.body_text(0).unwrap();
    let html = parsed.body_html(0).unwrap();
    assert!(text.contains("https://arxiv.org/abs/"), "{text}");
    assert!(html.contains("<a href=\"https://arxiv.org/abs/"), "{html}");
    assert!(!html.contains("<script"), "no script in the HTML part");
    // Sent once: a quiet run sends nothing; a new paper is sent alone.
    assert_eq!(env.run(&["update"]).code, 0);
    assert_eq!(smtp.messages().len(), 1);
    arxiv.add_search("seed:edge", ids[1..].to_vec());
    env.set_env("SOURCE_DATE_EPOCH", "1770552000");
    assert_eq!(env.run(&["update"]).code, 0);
    let mail = smtp.messages();
    assert_eq!(mail.len(), 2);
    let parsed = mail_parser::MessageParser::default()
        .parse(&mail[1])
        .unwrap();
    assert_eq!(
        parsed.subject().unwrap(),
        "paperwatch: 1 new paper in 端侧推理 edge"
    );
    let text = parsed.body_text(0).unwrap();
    let html = parsed.body_html(0).unwrap();
    // A hostile title: plain in the text part, escaped in the HTML part.
    assert!(
        text.contains("<script>alert(1)</script> Fast & small: x<y LLMs"),
        "{text}"
    );
    assert!(!html.contains("<script>"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Fast &amp; small: x&lt;y LLMs"),
        "{html}"
    );
    assert!(text.contains(&ids[1]));
}

/// A tracker of the `edge` topic with `[summarize]` on (plus `settings`) against the mock chat's
/// `/v1` endpoint, delivering to a webhook with a backfill of 2.
fn summaries_env(arxiv: &MockArxiv, chat: &MockChat, settings: &str) -> TestEnv {
    let mut env = TestEnv::new();
    let topics = "[[topic]]\nname = \"edge\"\nquery = \"seed:edge\"\nfilter = false\n";
    let extra = format!(
        "\n[summarize]\nenabled = true\nbase_url = \"{}\"\n{settings}\n\n[[notify]]\nname = \"hook\"\nkind = \"webhook\"\nurl_env = \"HOOK_URL\"\nbackfill = 2\n",
        chat.url("/v1")
    );
    // The summarize section must come before the topics' array of tables in TOML.
    env.write(
        "paperwatch.toml",
        &mock_config(&arxiv.url(), "", &(extra + topics)),
    );
    env.set_env("HOOK_URL", &chat.url("/hook"));
    env
}

#[test]
fn summaries_come_from_an_openai_compatible_endpoint_once_and_never_block() {
    let (arxiv, chat, ids) = services();
    let mut env = summaries_env(
        &arxiv,
        &chat,
        "model = \"tiny\"\napi_key_env = \"LLM_KEY\"\nlanguage = \"zh\"",
    );
    env.set_env("LLM_KEY", "sk-very-secret");
    // The first delivery fails: the summaries are asked once and cached.
    chat.script("/hook", &[(500, None)]);
    let run = env.run(&["update"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let asked = chat.got("/v1/chat/completions");
    assert_eq!(asked.len(), 2, "one request per queued paper");
    let body = &asked[0].body;
    assert_eq!(body["model"], "tiny");
    assert_eq!(body["temperature"], 0);
    assert_eq!(body["messages"][0]["role"], "system");
    assert!(
        body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("Answer in zh")
    );
    assert!(
        body["messages"][1]["content"]
            .as_str()
            .unwrap()
            .starts_with("Title: ")
    );
    assert_eq!(asked[0].headers["authorization"], "Bearer sk-very-secret");
    assert!(!run.stderr.contains("sk-very-secret"));
    // The retry sends them with their summaries, asking nothing again.
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(chat.got("/v1/chat/completions").len(), 2, "cached");
    let sent = chat.got("/hook");
    let summaries: Vec<&str> = sent[0].body["papers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries.iter().all(|s| s.starts_with("Summary number ")),
        "{summaries:?}"
    );
    // A failing endpoint does not fail the run: the new paper goes out with its abstract.
    chat.script("/v1/chat/completions", &[(500, None)]);
    arxiv.add_search("seed:edge", ids.clone());
    env.set_env("SOURCE_DATE_EPOCH", "1770552000");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("summaries: the endpoint answered HTTP 500"),
        "{}",
        run.stderr
    );
    let sent = chat.got("/hook");
    let last = &sent.last().unwrap().body["papers"][0];
    assert_eq!(last["id"], ids[0].as_str());
    assert!(
        !last["summary"]
            .as_str()
            .unwrap()
            .starts_with("Summary number ")
    );
}

#[test]
fn a_dry_run_after_the_default_update_prints_the_digest() {
    let (env, _arxiv) = {
        let arxiv = MockArxiv::seed_engine();
        let mut env = TestEnv::new();
        env.write(
            "paperwatch.toml",
            &format!(
                "{}\n[[notify]]\nname = \"me\"\nkind = \"email\"\nurl_env = \"PAPERWATCH_TEST_SMTP\"\nfrom = \"paperwatch <bot@example.org>\"\nto = [\"me@example.org\"]\nbackfill = 5\n",
                paperwatch::config::DEFAULT_CONFIG
            ),
        );
        env.set_env("PAPERWATCH_ARXIV_API_URL", &arxiv.url());
        env.set_env("PAPERWATCH_ARXIV_DELAY_SECONDS", "0");
        env.set_env("PAPERWATCH_LINKS_HUGGINGFACE", "false");
        (env, arxiv)
    };
    // No secret set yet: the delivery fails, says which variable, and the papers wait.
    let run = env.run(&["-v", "update"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the environment variable PAPERWATCH_TEST_SMTP (notify.url_env) is not set"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("5 papers stay queued"),
        "{}",
        run.stderr
    );
    let run = env.run(&["notify", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("notify_dry_run_default", run.stdout);
    // Nothing was sent or marked: the queue is the same.
    let again = env.run(&["notify", "--dry-run"]);
    assert_eq!(again.stdout, run.stdout);
}

/// Feishu says no with HTTP 200 and a `code` (here 19021, its answer to a bad signature or a
/// timestamp more than an hour off): the papers stay queued, the run fails naming the service's
/// answer, and the next run delivers them, signed with the real clock's time.
#[test]
fn a_feishu_refusal_with_http_200_keeps_the_papers_queued() {
    let (arxiv, chat, _) = services();
    let mut env = chat_env(&arxiv, &chat);
    chat.say(
        "/feishu",
        &[(
            200,
            r#"{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}"#,
        )],
    );
    let run = env.run(&["update"]);
    assert_eq!(run.code, 1, "a refusal fails the run: {}", run.stderr);
    assert!(
        run.stderr.contains(
            "notify feishu: the service refused the message: code 19021 (sign match fail"
        ),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("feishu-signing-key") && !run.stderr.contains(&chat.url("/feishu"))
    );
    let queued = env
        .read("data/deliveries.jsonl")
        .lines()
        .filter(|l| l.contains("\"destination\":\"feishu\"") && l.contains("\"state\":\"queued\""))
        .count();
    assert_eq!(queued, 3, "the backfill of 3 stays queued");
    assert_eq!(
        chat.got("/slack").len(),
        1,
        "the other destinations were served"
    );

    env.set_env("SOURCE_DATE_EPOCH", "1770552000");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let feishu = chat.got("/feishu");
    assert_eq!(feishu.len(), 2, "refused once, then delivered");
    let ts: i64 = feishu[1].body["timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = jiff::Timestamp::now().as_second();
    assert!(
        (now - ts).abs() < 600,
        "signed with the real clock: {ts} vs {now}"
    );
    assert!(
        !env.read("data/deliveries.jsonl")
            .lines()
            .any(|l| l.contains("\"destination\":\"feishu\"") && l.contains("\"state\":\"queued\"")),
        "nothing left queued for feishu"
    );
}

/// Chat URLs hold their secret in the path (Telegram's `bot<TOKEN>`, Slack's and Discord's
/// hook ids): even at `PAPERWATCH_LOG=trace` no log line names a request's path, and a config
/// error about `url_env` does not echo the value pasted there.
#[test]
fn no_log_level_and_no_config_error_shows_a_secret() {
    let (arxiv, chat, _) = services();
    let mut env = chat_env(&arxiv, &chat);
    env.set_env("PAPERWATCH_LOG", "trace");
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(chat.got("/botSECRET-TOKEN-123/sendMessage").len(), 1);
    assert!(
        run.stderr.contains("read the corpus from SQLite"),
        "trace logging is on: {}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("SECRET-TOKEN-123"),
        "a request path in the log: {}",
        run.stderr
    );
    let pasted = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX";
    env.write(
        "paperwatch.toml",
        &format!(
            "[[topic]]\nname = \"a\"\nquery = \"x\"\n[[notify]]\nname = \"me\"\nkind = \"slack\"\nurl_env = \"{pasted}\"\n"
        ),
    );
    let run = env.run(&["render"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("notify.url_env"), "{}", run.stderr);
    assert!(!run.stderr.contains("XXXXSECRETXXXX"), "{}", run.stderr);
}

/// An endpoint that refuses `max_tokens`/`temperature` (as OpenAI's reasoning models do) is
/// asked once more with `max_completion_tokens`, and so is every later paper; an answer that
/// carries a link or an @-mention (what an abstract's injected instructions would want) is not
/// used: the paper goes out with its abstract's first sentences.
#[test]
fn summaries_adapt_to_reasoning_models_and_drop_injected_links() {
    let (arxiv, chat, _) = services();
    let env = summaries_env(&arxiv, &chat, "model = \"o-mini\"\nmax_tokens = 120");
    chat.say(
        "/v1/chat/completions",
        &[
            (
                400,
                r#"{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}"#,
            ),
            (200, r#"{"choices":[{"message":{"role":"assistant","content":"Great paper, details at https://evil.example and ping @everyone"}}]}"#),
        ],
    );
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let asked = chat.got("/v1/chat/completions");
    assert_eq!(
        asked.len(),
        3,
        "refused, asked again, then the second paper"
    );
    assert_eq!(asked[0].body["max_tokens"], 120);
    assert_eq!(asked[0].body["temperature"], 0);
    for later in &asked[1..] {
        assert_eq!(later.body["max_completion_tokens"], 120);
        assert!(later.body.get("max_tokens").is_none() && later.body.get("temperature").is_none());
    }
    assert!(
        run.stderr.contains("holds a link or an @-mention"),
        "{}",
        run.stderr
    );
    let papers = chat.got("/hook")[0].body["papers"].clone();
    let summaries: Vec<&str> = papers
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["summary"].as_str().unwrap())
        .collect();
    assert!(
        summaries
            .iter()
            .all(|s| !s.contains("evil.example") && !s.contains("@everyone")),
        "{summaries:?}"
    );
    assert!(
        summaries.iter().any(|s| s.starts_with("Summary number ")),
        "{summaries:?}"
    );
}

mod feedback;
mod queue;
