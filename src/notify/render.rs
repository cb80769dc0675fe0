//! A destination's queued papers as messages in its service's documented format, split to the
//! service's limits: e-mail (multipart text + HTML, inline CSS), Slack (Block Kit, `mrkdwn`,
//! 50 blocks and 3,000 characters a section), Discord (embeds: 10 a message, 6,000 characters in
//! all), Telegram (`sendMessage`, HTML parse mode, 4,096 characters), Feishu/Lark (interactive
//! card) and a generic JSON webhook. Every text from a paper is escaped for its format.

use serde_json::{Value, json};

use super::{Body, Item, Message};
use crate::config::{Notify, NotifyKind};
use crate::model::PaperVersion;
use crate::text::html_escape;

/// Slack: blocks per message (header included), characters per section.
const SLACK_BLOCKS: usize = 50;
const SLACK_SECTION: usize = 3000;
/// Discord: embeds per message, characters in all the embeds of a message.
const DISCORD_EMBEDS: usize = 10;
const DISCORD_TOTAL: usize = 6000;
/// Telegram: characters in a message's text.
const TELEGRAM_TEXT: usize = 4096;

/// The messages for `items` (best first within each topic) to `dest`.
pub fn messages(dest: &Notify, items: &[Item]) -> Vec<Message> {
    let per = match dest.kind {
        NotifyKind::Slack => dest.max_papers.min(SLACK_BLOCKS - 1),
        NotifyKind::Discord => dest.max_papers.min(DISCORD_EMBEDS),
        _ => dest.max_papers,
    };
    let chunks: Vec<&[Item]> = items.chunks(per.max(1)).collect();
    let parts = chunks.len();
    let mut out = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let part = (parts > 1).then_some((i + 1, parts));
        match dest.kind {
            NotifyKind::Email => out.push(message(chunk, email(chunk, part))),
            NotifyKind::Slack => out.push(message(chunk, slack(chunk, part))),
            NotifyKind::Discord => out.push(message(chunk, discord(chunk, part))),
            NotifyKind::Feishu => out.push(message(chunk, feishu(chunk, part))),
            NotifyKind::Webhook => out.push(message(chunk, webhook(chunk))),
            NotifyKind::Telegram => {
                let chat = dest.chat_id.clone().unwrap_or_default();
                out.extend(telegram(chunk, &chat));
            }
        }
    }
    out
}

fn message(items: &[Item], body: Body) -> Message {
    Message {
        papers: items
            .iter()
            .map(|i| PaperVersion {
                id: i.id.clone(),
                version: i.version,
            })
            .collect(),
        body,
    }
}

/// "7 new papers in npu_acceleration, edge_inference" (and "1 revised").
pub fn headline(items: &[Item], part: Option<(usize, usize)>) -> String {
    let revised = items.iter().filter(|i| i.revision).count();
    let new = items.len() - revised;
    let mut topics: Vec<&str> = Vec::new();
    for i in items {
        for t in &i.topics {
            if !topics.contains(&t.as_str()) {
                topics.push(t);
            }
        }
    }
    let mut counts = Vec::new();
    if new > 0 {
        counts.push(format!(
            "{new} new paper{}",
            if new == 1 { "" } else { "s" }
        ));
    }
    if revised > 0 {
        counts.push(format!("{revised} revised"));
    }
    let part = part.map_or(String::new(), |(i, n)| format!(" (part {i} of {n})"));
    format!("{} in {}{part}", counts.join(" and "), topics.join(", "))
}

fn authors_line(item: &Item) -> String {
    match item.authors.len() {
        0 => String::new(),
        1..=4 => item.authors.join(", "),
        n => format!(
            "{}, {} et al. ({n} authors)",
            item.authors[0], item.authors[1]
        ),
    }
}

fn links(item: &Item) -> Vec<(&'static str, &str)> {
    let mut l = vec![("abs", item.url.as_str()), ("PDF", item.pdf.as_str())];
    if let Some(code) = &item.code {
        l.push(("code", code.as_str()));
    }
    l
}

/// Escapes text for Slack's `mrkdwn` (its three control characters).
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes Markdown's special characters (Discord, Feishu's `lark_md`).
fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '(' | ')' | '<' | '>' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn email(items: &[Item], part: Option<(usize, usize)>) -> Body {
    let headline = headline(items, part);
    let mut text = format!("paperwatch: {headline}\n");
    let mut html = format!(
        "<!DOCTYPE html><html><body style=\"font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;max-width:720px;margin:0 auto;padding:16px;line-height:1.45\">\n<h1 style=\"font-size:20px;margin:0 0 12px\">{}</h1>\n",
        html_escape(&headline)
    );
    let mut current: Option<&str> = None;
    for item in items {
        let topic = item.topics.first().map_or("", String::as_str);
        if current != Some(topic) {
            current = Some(topic);
            text.push_str(&format!("\n== {topic}\n"));
            html.push_str(&format!(
                "<h2 style=\"font-size:16px;margin:20px 0 8px;border-bottom:1px solid #d0d7de\">{}</h2>\n",
                html_escape(topic)
            ));
        }
        let revised = if item.revision { " [revised]" } else { "" };
        let link_text: Vec<String> = links(item)
            .iter()
            .map(|(k, u)| format!("{k}: {u}"))
            .collect();
        text.push_str(&format!(
            "\n{}{revised}\n  {} · {}\n  {}\n  {}\n  why: {}\n",
            item.title,
            authors_line(item),
            item.date,
            link_text.join(" · "),
            item.summary,
            item.why
        ));
        let link_html: Vec<String> = links(item)
            .iter()
            .map(|(k, u)| {
                format!(
                    "<a href=\"{}\" style=\"color:#0969da\">{k}</a>",
                    html_escape(u)
                )
            })
            .collect();
        html.push_str(&format!(
            "<div style=\"margin:0 0 16px\"><a href=\"{}\" style=\"font-weight:600;color:#0969da;text-decoration:none\">{}</a>{}<br>\n<span style=\"color:#59636e;font-size:13px\">{} · {}</span><br>\n<span style=\"font-size:13px\">{}</span>\n<p style=\"margin:6px 0\">{}</p>\n<span style=\"color:#59636e;font-size:12px\">why: {}</span></div>\n",
            html_escape(&item.url),
            html_escape(&item.title),
            if item.revision { " <em>(revised)</em>" } else { "" },
            html_escape(&authors_line(item)),
            html_escape(&item.date),
            link_html.join(" · "),
            html_escape(&item.summary),
            html_escape(&item.why)
        ));
    }
    html.push_str(
        "<p style=\"color:#59636e;font-size:12px\">Sent by paperwatch.</p></body></html>\n",
    );
    Body::Email {
        subject: format!("paperwatch: {headline}"),
        text,
        html,
    }
}

fn slack(items: &[Item], part: Option<(usize, usize)>) -> Body {
    let headline = headline(items, part);
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": cut(&headline, 150)}
    })];
    for item in items {
        let links: Vec<String> = links(item)
            .iter()
            .map(|(k, u)| format!("<{}|{k}>", slack_escape(u)))
            .collect();
        let text = format!(
            "*<{}|{}>*{}\n{} · {} · _{}_\n{}\n{}",
            slack_escape(&item.url),
            slack_escape(&item.title),
            if item.revision { " (revised)" } else { "" },
            slack_escape(&authors_line(item)),
            item.date,
            slack_escape(&item.topics.join(", ")),
            links.join(" · "),
            slack_escape(&item.summary)
        );
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": cut(&text, SLACK_SECTION)}
        }));
    }
    Body::Json(json!({"text": headline, "blocks": blocks}))
}

fn discord(items: &[Item], part: Option<(usize, usize)>) -> Body {
    let headline = headline(items, part);
    // Leave room for titles and fields within the 6,000 characters of all embeds.
    let budget = (DISCORD_TOTAL - 200) / items.len().max(1);
    let embeds: Vec<Value> = items
        .iter()
        .map(|item| {
            let title = cut(&item.title, 250);
            let links: Vec<String> = links(item)
                .iter()
                .map(|(k, u)| format!("[{k}]({u})"))
                .collect();
            let head = format!(
                "{} · {}\n{}\n",
                markdown_escape(&authors_line(item)),
                item.date,
                links.join(" · ")
            );
            let room = budget.saturating_sub(title.chars().count() + head.chars().count() + 40);
            json!({
                "title": title,
                "url": item.url,
                "description": format!("{head}{}", cut(&markdown_escape(&item.summary), room)),
                "footer": {"text": cut(&item.topics.join(", "), 30)},
            })
        })
        .collect();
    Body::Json(json!({"content": headline, "embeds": embeds, "allowed_mentions": {"parse": []}}))
}

fn telegram(items: &[Item], chat: &str) -> Vec<Message> {
    let blocks: Vec<String> = items
        .iter()
        .map(|item| {
            let links: Vec<String> = links(item)
                .iter()
                .map(|(k, u)| format!("<a href=\"{}\">{k}</a>", html_escape(u)))
                .collect();
            let block = format!(
                "<b>{}</b>{}\n{} · {} · <i>{}</i>\n{}\n{}\n\n",
                html_escape(&item.title),
                if item.revision { " (revised)" } else { "" },
                html_escape(&authors_line(item)),
                item.date,
                html_escape(&item.topics.join(", ")),
                links.join(" · "),
                html_escape(&item.summary)
            );
            if block.chars().count() > TELEGRAM_TEXT - 200 {
                format!(
                    "<b>{}</b>\n{}\n\n",
                    html_escape(&cut(&item.title, 300)),
                    links.join(" · ")
                )
            } else {
                block
            }
        })
        .collect();
    // Pack whole paper blocks under the limit, each message with its own headline.
    let mut out = Vec::new();
    let mut start = 0;
    while start < items.len() {
        let mut end = start;
        let mut len = 0;
        while end < items.len() && len + blocks[end].chars().count() + 200 <= TELEGRAM_TEXT {
            len += blocks[end].chars().count();
            end += 1;
        }
        let end = end.max(start + 1);
        let head = html_escape(&headline(&items[start..end], None));
        let text = format!(
            "<b>paperwatch: {head}</b>\n\n{}",
            blocks[start..end].concat()
        );
        out.push(message(
            &items[start..end],
            Body::Json(json!({
                "chat_id": chat,
                "text": text.trim_end(),
                "parse_mode": "HTML",
                "link_preview_options": {"is_disabled": true},
            })),
        ));
        start = end;
    }
    out
}

fn feishu(items: &[Item], part: Option<(usize, usize)>) -> Body {
    let mut elements: Vec<Value> = Vec::new();
    for item in items {
        let links: Vec<String> = links(item)
            .iter()
            .map(|(k, u)| format!("[{k}]({u})"))
            .collect();
        elements.push(json!({
            "tag": "div",
            "text": {
                "tag": "lark_md",
                "content": format!(
                    "**[{}]({})**{}\n{} · {} · {}\n{}\n{}",
                    markdown_escape(&item.title),
                    item.url,
                    if item.revision { " (revised)" } else { "" },
                    markdown_escape(&authors_line(item)),
                    item.date,
                    markdown_escape(&item.topics.join(", ")),
                    links.join(" · "),
                    markdown_escape(&item.summary)
                ),
            }
        }));
        elements.push(json!({"tag": "hr"}));
    }
    elements.pop();
    Body::Json(json!({
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": true},
            "header": {"title": {"tag": "plain_text", "content": format!("paperwatch: {}", headline(items, part))}},
            "elements": elements,
        }
    }))
}

fn webhook(items: &[Item]) -> Body {
    Body::Json(json!({ "papers": items }))
}

#[cfg(test)]
mod tests {
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
        }
    }

    #[test]
    fn hostile_text_is_escaped_for_each_format() {
        let items = [item(1, "<script>alert(1)</script> & a<b")];
        let Body::Email { html, text, .. } = email(&items, None) else {
            unreachable!()
        };
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
        assert!(html.contains("a&lt;b") && text.contains("a<b"));
        let Body::Json(s) = slack(&items, None) else {
            unreachable!()
        };
        assert!(!s.to_string().contains("<script>"));
        let t = telegram(&items, "42");
        assert!(!t[0].body.preview().contains("<script>"));
    }

    #[test]
    fn long_digests_are_split_to_each_services_limits() {
        let items: Vec<Item> = (1..=60).map(|n| item(n, "On NPUs")).collect();
        let dest = |kind| Notify {
            name: "d".into(),
            kind,
            url_env: "U".into(),
            secret_env: None,
            from: None,
            to: vec![],
            chat_id: Some("42".into()),
            topics: vec![],
            min_score: None,
            max_papers: 100,
            schedule: crate::config::Schedule::Run,
            revisions: false,
            backfill: 0,
        };
        let slack = messages(&dest(NotifyKind::Slack), &items);
        assert_eq!(slack.len(), 2);
        for m in &slack {
            let Body::Json(v) = &m.body else {
                unreachable!()
            };
            assert!(v["blocks"].as_array().unwrap().len() <= SLACK_BLOCKS);
        }
        let discord = messages(&dest(NotifyKind::Discord), &items);
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
        let telegram = messages(&dest(NotifyKind::Telegram), &items);
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
}
