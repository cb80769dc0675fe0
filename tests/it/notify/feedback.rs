//! The reader talks back through GitHub: every digest kind carries "👍 more like this" and
//! "👎 not for me" per paper (`[feedback] mode = "github"`: pre-filled issues on the tracker's
//! repository); `paperwatch feedback` applies such an issue from the repository's owner, a
//! member or a collaborator (the label, the snapshot, an answer), and leaves anyone else's alone.

use super::smtp::Smtp;
use super::{chat_env, services};
use crate::common::TestEnv;

/// Adds an e-mail destination sending to `smtp`.
fn with_email(env: &mut TestEnv, smtp: &Smtp) {
    let config = env.read("paperwatch.toml");
    env.write(
        "paperwatch.toml",
        &format!(
            "{config}\n[[notify]]\nname = \"mail\"\nkind = \"email\"\nurl_env = \"SMTP_URL\"\nfrom = \"bot@example.org\"\nto = [\"me@example.org\"]\nbackfill = 3\n"
        ),
    );
    env.set_env("SMTP_URL", &format!("smtp://127.0.0.1:{}", smtp.port));
}

/// The text and HTML parts of the one e-mail `smtp` received.
fn email_parts(smtp: &Smtp) -> (String, String) {
    let mail = smtp.messages();
    assert_eq!(mail.len(), 1, "one digest");
    let parsed = mail_parser::MessageParser::default()
        .parse(&mail[0])
        .unwrap();
    (
        parsed.body_text(0).unwrap().into_owned(),
        parsed.body_html(0).unwrap().into_owned(),
    )
}

const FEEDBACK: &str = "[feedback]\nmode = \"github\"\nrepository = \"octo/papers\"\n\n";

fn with_feedback(env: &TestEnv) {
    let config = env.read("paperwatch.toml");
    env.write("paperwatch.toml", &(FEEDBACK.to_string() + &config));
}

/// The `issues` event GitHub sends when `author` (`author_association`) opens `title`.
fn event(env: &TestEnv, title: &str, association: &str) -> String {
    let event = serde_json::json!({
        "action": "opened",
        "issue": {
            "number": 7,
            "title": title,
            "user": {"login": "reader"},
            "author_association": association,
        },
        "repository": {"full_name": "octo/papers"},
    });
    env.write("event.json", &event.to_string());
    env.path("event.json").display().to_string()
}

#[test]
fn every_digest_kind_carries_both_links_per_paper_and_an_owner_issue_teaches_the_tracker() {
    let (arxiv, chat, ids) = services();
    let env = chat_env(&arxiv, &chat);
    with_feedback(&env);
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let more = "https://github.com/octo/papers/issues/new?title=paperwatch%3A+relevant+";
    let less = "https://github.com/octo/papers/issues/new?title=paperwatch%3A+irrelevant+";
    for path in [
        "/slack",
        "/discord",
        "/botSECRET-TOKEN-123/sendMessage",
        "/feishu",
    ] {
        let got = chat.got(path);
        assert!(!got.is_empty(), "{path}");
        // Every message to this destination (a long digest may come in parts).
        let body: String = got
            .iter()
            .map(|g| String::from_utf8_lossy(&g.raw).into_owned())
            .collect();
        // Telegram's HTML escapes `&` in the link.
        let body = body.replace("&amp;", "&");
        assert_eq!(
            body.matches(more).count(),
            3,
            "{path}: one 👍 per paper: {body}"
        );
        assert_eq!(body.matches(less).count(), 3, "{path}: one 👎 per paper");
    }
    let hook = &chat.got("/hook")[0].body["papers"][0];
    assert!(hook["feedback"]["more"].as_str().unwrap().starts_with(more));

    // The reader clicks 👎 on a shown paper and submits the issue: the workflow runs this.
    let id = ids[2].as_str();
    assert!(env.read("README.md").contains(id));
    let title = format!("paperwatch: irrelevant {id} in edge");
    let path = event(&env, &title, "OWNER");
    let run = env.run(&["feedback", "--github-event", &path, "--answer", "answer.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let answer = env.read("answer.md");
    assert!(
        answer.starts_with(&format!(
            "{id} is now marked irrelevant for `edge`: hidden there."
        )),
        "{answer}"
    );
    let line = env
        .read("data/papers.jsonl")
        .lines()
        .find(|l| l.contains(&format!("\"id\":\"{id}\"")))
        .unwrap()
        .to_string();
    assert!(
        line.contains("\"labels\":[[\"edge\",false,"),
        "the label is in the snapshot: {line}"
    );
    assert_eq!(env.run(&["render"]).code, 0);
    assert!(
        !env.read("README.md").contains(id),
        "hidden on the next render"
    );

    // `explain` of another paper names the label nearest it.
    let other = ids[3].as_str();
    let explain = env.run(&["explain", other, "--topic", "edge"]);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
    assert!(
        explain
            .stdout
            .contains(&format!("  nearest labels: 👎 {id} (")),
        "{}",
        explain.stdout
    );

    // `labels` lists it; `mark --clear` takes it back and the paper shows again.
    let labels = env.run(&["labels", "--json"]);
    let l: serde_json::Value = serde_json::from_str(&labels.stdout).unwrap();
    assert_eq!(l.as_array().unwrap().len(), 1, "{l:#}");
    assert_eq!(l[0]["topic"], "edge");
    assert_eq!(l[0]["id"], id);
    assert_eq!(l[0]["label"], "irrelevant");
    let run = env.run(&["mark", id, "--topic", "edge", "--clear"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("cleared the label"), "{}", run.stderr);
    assert_eq!(env.run(&["labels", "--json"]).stdout.trim(), "[]");
    assert_eq!(env.run(&["render"]).code, 0);
    assert!(env.read("README.md").contains(id), "shown again");
}

#[test]
fn an_issue_from_anyone_else_changes_nothing() {
    let (arxiv, chat, ids) = services();
    let env = chat_env(&arxiv, &chat);
    with_feedback(&env);
    assert_eq!(env.run(&["update"]).code, 0);
    let before = env.read("data/papers.jsonl");
    let title = format!("paperwatch: irrelevant {} in edge", ids[2]);
    for association in ["NONE", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR"] {
        let path = event(&env, &title, association);
        let run = env.run(&["feedback", "--github-event", &path, "--answer", "answer.md"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "issue #7 by reader left alone: its author_association is {association}"
            )),
            "{}",
            run.stderr
        );
        assert!(!env.path("answer.md").exists(), "no answer to post");
        assert_eq!(env.read("data/papers.jsonl"), before);
    }
    // Not a feedback title: left alone too.
    let path = event(&env, "The README is empty", "OWNER");
    let run = env.run(&["feedback", "--github-event", &path]);
    assert!(
        run.stderr.contains("is not a paperwatch feedback issue"),
        "{}",
        run.stderr
    );
}

#[test]
fn serve_mode_links_open_the_paper_in_the_local_inbox_from_every_digest_and_the_site() {
    let (arxiv, chat, _ids) = services();
    let mut env = chat_env(&arxiv, &chat);
    let config = env.read("paperwatch.toml");
    env.write(
        "paperwatch.toml",
        &format!("[feedback]\nmode = \"serve\"\n\n[serve]\nport = 8765\n\n{config}"),
    );
    let smtp = Smtp::start();
    if let Some(smtp) = &smtp {
        with_email(&mut env, smtp);
    }
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    if let Some(smtp) = &smtp {
        // The e-mail's text and HTML parts carry the same links.
        let (text, html) = email_parts(smtp);
        for (part, body) in [("text", text), ("html", html.replace("&amp;", "&"))] {
            for verdict in ["relevant", "irrelevant"] {
                let n = body
                    .matches(&format!("?topic=edge&verdict={verdict}"))
                    .count();
                assert_eq!(n, 3, "{part}: one {verdict} link per paper: {body}");
            }
        }
    }
    for path in [
        "/slack",
        "/discord",
        "/botSECRET-TOKEN-123/sendMessage",
        "/feishu",
    ] {
        let body = String::from_utf8_lossy(&chat.got(path)[0].raw).replace("&amp;", "&");
        assert_eq!(
            body.matches("http://127.0.0.1:8765/paper/").count(),
            9,
            "{path}: three links per paper (👍, 👎, ⭐): {body}"
        );
        for verdict in ["relevant", "irrelevant"] {
            let links = body
                .matches(&format!("?topic=edge&verdict={verdict}"))
                .count();
            assert_eq!(links, 3, "{path}: one {verdict} link per paper: {body}");
        }
        assert!(!body.contains("github.com/octo"), "{path}");
    }
    let index = env.read("site/data/index.js");
    assert!(
        index.contains("\"inbox\":\"http://127.0.0.1:8765\""),
        "{index}"
    );
}

#[test]
fn a_digests_star_link_opens_an_issue_that_stars_the_paper_for_the_owner_only() {
    let (arxiv, chat, ids) = services();
    let mut env = chat_env(&arxiv, &chat);
    with_feedback(&env);
    let smtp = Smtp::start();
    if let Some(smtp) = &smtp {
        with_email(&mut env, smtp);
    }
    let run = env.run(&["update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let star = "https://github.com/octo/papers/issues/new?title=paperwatch%3A+star+";
    if let Some(smtp) = &smtp {
        // GitHub mode in the e-mail: 👍, 👎 and ⭐ per paper, in both parts.
        let (text, html) = email_parts(smtp);
        for (part, body) in [("text", text), ("html", html.replace("&amp;", "&"))] {
            for word in ["relevant+", "irrelevant+", "star+"] {
                let n = body
                    .matches(&format!(
                        "https://github.com/octo/papers/issues/new?title=paperwatch%3A+{word}"
                    ))
                    .count();
                assert_eq!(n, 3, "{part}: one {word} link per paper: {body}");
            }
        }
    }
    let body = String::from_utf8_lossy(&chat.got("/slack")[0].raw).replace("&amp;", "&");
    assert_eq!(body.matches(star).count(), 3, "one ⭐ per paper: {body}");
    assert!(body.contains("&labels=paperwatch"));
    let id = ids[2].as_str();
    let title = format!("paperwatch: star {id}");
    let path = event(&env, &title, "NONE");
    let run = env.run(&["feedback", "--github-event", &path]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let starred = env.run(&["export", "--starred", "--format", "csv"]);
    assert_eq!(
        starred.stdout.lines().count(),
        1,
        "a stranger stars nothing"
    );
    let path = event(&env, &title, "MEMBER");
    let run = env.run(&["feedback", "--github-event", &path, "--answer", "answer.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        env.read("answer.md")
            .starts_with(&format!("{id} is starred"))
    );
    let starred = env.run(&["export", "--starred", "--format", "csv"]);
    assert!(starred.stdout.contains(id), "{}", starred.stdout);
    assert!(
        env.read("data/papers.jsonl").contains("\"starred\":"),
        "kept in the snapshot"
    );
}
