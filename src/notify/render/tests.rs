//! The renderers against each service's limits and escaping.
use super::*;
use crate::model::ArxivId;

fn item(n: u32, title: &str) -> Item {
    Item {
        id: ArxivId::parse(&format!("2501.{n:05}")).unwrap(),
        version: 1,
        title: title.into(),
        authors: vec!["A. One".into(), "B. Two".into()],
        date: "2025-01-02".into(),
        topics: vec!["npu".into()],
        score: Some(0.9),
        url: format!("https://arxiv.org/abs/2501.{n:05}"),
        pdf: format!("https://arxiv.org/pdf/2501.{n:05}"),
        code: None,
        summary: "x < y & z. ".repeat(40),
        why: "matched NPU".into(),
        revision: false,
        published: None,
        feedback: None,
    }
}

#[test]
fn hostile_text_is_escaped_for_each_format() {
    let items = [item(1, "<script>alert(1)</script> & a<b")];
    let Body::Email { html, text, .. } = email(&items, None, None) else {
        unreachable!()
    };
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
    assert!(html.contains("a&lt;b") && text.contains("a<b"));
    let Body::Json(s) = slack(&items, None, None) else {
        unreachable!()
    };
    assert!(!s.to_string().contains("<script>"));
    let t = telegram(&items, None, None, "42");
    assert!(!t.preview().contains("<script>"));
    let Body::Json(f) = feishu(&items, None, None) else {
        unreachable!()
    };
    let card = f.to_string();
    assert!(!card.contains("<script>") && card.contains("&lt;script&gt;"));
    assert!(
        !card.contains("\\\\"),
        "Feishu takes entities, not backslashes: {card}"
    );
}

#[test]
fn long_digests_are_split_to_each_services_limits() {
    let items: Vec<Item> = (1..=60).map(|n| item(n, "On NPUs")).collect();
    let slack = messages(&dest(NotifyKind::Slack, 100), &items, None);
    assert_eq!(slack.len(), 2);
    for m in &slack {
        let Body::Json(v) = &m.body else {
            unreachable!()
        };
        assert!(v["blocks"].as_array().unwrap().len() <= SLACK_BLOCKS);
    }
    let discord = messages(&dest(NotifyKind::Discord, 100), &items, None);
    assert_eq!(discord.len(), 6);
    for m in &discord {
        let Body::Json(v) = &m.body else {
            unreachable!()
        };
        let total: usize = v["embeds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["title"].as_str().unwrap().chars().count()
                    + e["description"].as_str().unwrap().chars().count()
                    + e["footer"]["text"].as_str().unwrap().chars().count()
            })
            .sum();
        assert!(total <= DISCORD_TOTAL, "{total}");
    }
    let telegram = messages(&dest(NotifyKind::Telegram, 100), &items, None);
    assert!(telegram.len() > 1);
    let mut seen = 0;
    for m in &telegram {
        let Body::Json(v) = &m.body else {
            unreachable!()
        };
        assert!(v["text"].as_str().unwrap().chars().count() <= TELEGRAM_TEXT);
        seen += m.papers.len();
    }
    assert_eq!(seen, 60, "every paper in exactly one message");
}

fn dest(kind: NotifyKind, max_papers: usize) -> Notify {
    Notify {
        name: "d".into(),
        kind,
        url_env: "U".into(),
        secret_env: None,
        from: None,
        to: vec![],
        chat_id: Some("42".into()),
        topics: vec![],
        min_score: None,
        max_papers,
        schedule: crate::config::Schedule::Run,
        revisions: false,
        backfill: 0,
        published: true,
    }
}

/// Each paper in exactly one message, in order.
fn carried(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .flat_map(|m| m.papers.iter().map(|p| p.id.to_string()))
        .collect()
}

#[test]
fn a_long_summary_keeps_discords_per_field_and_total_limits() {
    let mut items: Vec<Item> = (1..=10).map(|n| item(n, &"T".repeat(300))).collect();
    items[3].summary = "A long Hugging Face summary. ".repeat(200);
    let messages = messages(&dest(NotifyKind::Discord, 20), &items, None);
    assert_eq!(carried(&messages).len(), 10);
    for m in &messages {
        let Body::Json(v) = &m.body else {
            unreachable!()
        };
        let mut total = 0;
        for e in v["embeds"].as_array().unwrap() {
            let (t, d) = (
                e["title"].as_str().unwrap(),
                e["description"].as_str().unwrap(),
            );
            assert!(units(t) <= DISCORD_TITLE && units(d) <= DISCORD_DESCRIPTION);
            total += units(t) + units(d) + units(e["footer"]["text"].as_str().unwrap());
        }
        assert!(total <= DISCORD_TOTAL, "{total}");
    }
    assert!(
        messages.len() > 1,
        "10 papers of 300-character titles do not fit 6,000"
    );
}

#[test]
fn feishu_cards_stay_under_20_kb_with_chinese_summaries() {
    let mut items: Vec<Item> = (1..=20).map(|n| item(n, "端侧大模型推理")).collect();
    for i in &mut items {
        i.summary = "本文提出一种在移动端神经网络处理器上高效运行大语言模型的方法。".repeat(10);
    }
    let messages = messages(&dest(NotifyKind::Feishu, 20), &items, None);
    assert!(messages.len() > 1);
    let ids = carried(&messages);
    let want: Vec<String> = items.iter().map(|i| i.id.to_string()).collect();
    assert_eq!(ids, want, "every paper once, in order");
    for m in &messages {
        let Body::Json(v) = &m.body else {
            unreachable!()
        };
        assert!(
            v.to_string().len() <= FEISHU_BYTES,
            "{}",
            v.to_string().len()
        );
    }
}

#[test]
fn a_paper_too_large_alone_goes_plain() {
    let mut big = item(1, "On NPUs");
    big.summary = "x".repeat(5000);
    let m = messages(&dest(NotifyKind::Telegram, 20), &[big.clone()], None);
    assert_eq!(m.len(), 1);
    assert!(!m[0].body.preview().contains("xxxx"), "summary dropped");
    assert_eq!(m, vec![plain(&dest(NotifyKind::Telegram, 20), &big)]);
}

#[test]
fn what_the_listing_said_closes_the_last_message_of_every_kind() {
    let items: Vec<Item> = (1..=3).map(|n| item(n, "On NPUs")).collect();
    let note = "arXiv announced 412 papers in cs on 2026-02-06; 3 match your topics";
    for kind in [
        NotifyKind::Email,
        NotifyKind::Slack,
        NotifyKind::Discord,
        NotifyKind::Telegram,
        NotifyKind::Feishu,
        NotifyKind::Webhook,
    ] {
        let m = messages(&dest(kind, 2), &items, Some(note));
        assert_eq!(m.len(), 2, "{kind:?}");
        let shown = |b: &Body| match b {
            Body::Email { text, html, .. } => text.contains(note) && html.contains(note),
            Body::Json(v) => v.to_string().contains(note),
        };
        assert!(!shown(&m[0].body), "{kind:?}: only the last message");
        assert!(shown(&m[1].body), "{kind:?}");
    }
}

#[test]
fn an_email_carries_both_feedback_links_per_paper_in_text_and_html() {
    let mut items: Vec<Item> = (1..=2).map(|n| item(n, "On NPUs")).collect();
    for i in &mut items {
        i.feedback = Some(crate::feedback::links("octo/papers", &i.id, "npu"));
    }
    let Body::Email { text, html, .. } = email(&items, None, None) else {
        unreachable!()
    };
    for i in &items {
        let f = i.feedback.as_ref().unwrap();
        assert!(
            text.contains(&format!("👍 more like this: {}", f.more)),
            "{text}"
        );
        assert!(text.contains(&format!("👎 not for me: {}", f.less)));
        assert!(html.contains(&format!("<a href=\"{}\"", html_escape(&f.more))));
        assert!(html.contains(&format!("<a href=\"{}\"", html_escape(&f.less))));
    }
}

#[test]
fn headlines_count_new_and_revised_papers_and_name_topics() {
    let mut items = vec![item(1, "a"), item(2, "b")];
    items[1].revision = true;
    items[1].topics = vec!["edge".into()];
    assert_eq!(
        headline(&items, Some((1, 2))),
        "1 new paper and 1 revised in npu, edge (part 1 of 2)"
    );
}
