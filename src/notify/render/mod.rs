//! A destination's queued papers as messages in its service's documented format, packed to the
//! service's limits: e-mail (multipart text + HTML, inline CSS), Slack (Block Kit, `mrkdwn`,
//! 50 blocks, 3,000 characters a section), Discord (embeds: 10 a message, 4,096 characters a
//! description, 6,000 in all), Telegram (`sendMessage`, HTML parse mode, 4,096 characters),
//! Feishu/Lark (interactive card, 20 KB of JSON) and a generic JSON webhook. Every text from a
//! paper is escaped for its format.

use serde_json::{Value, json};

use super::{Body, Item, Message};
use crate::config::{Notify, NotifyKind};
use crate::model::PaperVersion;
use crate::text::html_escape;

/// Slack: blocks per message (header included), characters per section and in the header.
const SLACK_BLOCKS: usize = 50;
const SLACK_SECTION: usize = 3000;
const SLACK_HEADER: usize = 150;
/// Discord: embeds per message; characters in an embed's title, description and footer, and
/// in all the embeds of a message together.
const DISCORD_EMBEDS: usize = 10;
const DISCORD_TITLE: usize = 256;
const DISCORD_DESCRIPTION: usize = 4096;
const DISCORD_TOTAL: usize = 6000;
/// Telegram: characters in a message's text.
const TELEGRAM_TEXT: usize = 4096;
/// Feishu/Lark: bytes of a custom bot's request body (20 KB), less room for the `timestamp`
/// and `sign` fields added when it is signed.
const FEISHU_BYTES: usize = 20 * 1024 - 256;

/// The messages for `items` (best first within each topic) to `dest`: papers packed in order
/// while a message stays within `max_papers` and its service's limits. A paper too large for a
/// message of its own goes as [`plain`] renders it. `note` (what arXiv's listing said this run)
/// closes the last message.
pub fn messages(dest: &Notify, items: &[Item], note: Option<&str>) -> Vec<Message> {
    let per = match dest.kind {
        NotifyKind::Slack => dest.max_papers.min(SLACK_BLOCKS - 1),
        NotifyKind::Discord => dest.max_papers.min(DISCORD_EMBEDS),
        _ => dest.max_papers,
    }
    .max(1);
    // Measured with the longest headline any part could have.
    let widest = Some((items.len(), items.len()));
    let mut chunks: Vec<Vec<Item>> = Vec::new();
    let mut current: Vec<Item> = Vec::new();
    for item in items {
        let mut item = item.clone();
        if !fits(
            dest.kind,
            &body(dest, std::slice::from_ref(&item), widest, note),
        ) {
            item = minimal(item);
        }
        current.push(item);
        if current.len() > 1
            && (current.len() > per || !fits(dest.kind, &body(dest, &current, widest, note)))
        {
            let last = current.pop().expect("just pushed");
            chunks.push(std::mem::replace(&mut current, vec![last]));
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    let parts = chunks.len();
    chunks
        .iter()
        .enumerate()
        .map(|(i, chunk)| {
            let part = (parts > 1).then_some((i + 1, parts));
            let note = note.filter(|_| i + 1 == parts);
            message(chunk, body(dest, chunk, part, note))
        })
        .collect()
}

/// One paper as plainly as its service takes it: its title (cut short), first author and
/// links, no summary. What is tried when a message holding only this paper was refused.
pub fn plain(dest: &Notify, item: &Item) -> Message {
    let item = minimal(item.clone());
    let items = std::slice::from_ref(&item);
    message(items, body(dest, items, None, None))
}

/// `item` reduced to what every service takes.
fn minimal(mut item: Item) -> Item {
    item.title = cut(&item.title, 200);
    item.authors.truncate(1);
    item.topics.truncate(1);
    item.summary.clear();
    item.why.clear();
    item
}

/// `items` as one message body to `dest`, closed by `note` when given.
fn body(dest: &Notify, items: &[Item], part: Option<(usize, usize)>, note: Option<&str>) -> Body {
    match dest.kind {
        NotifyKind::Email => email(items, part, note),
        NotifyKind::Slack => slack(items, part, note),
        NotifyKind::Discord => discord(items, part, note),
        NotifyKind::Feishu => feishu(items, part, note),
        NotifyKind::Webhook => webhook(items, note),
        NotifyKind::Telegram => telegram(items, part, note, dest.chat_id.as_deref().unwrap_or("")),
    }
}

/// Length as the chat services count it (UTF-16 code units, as JavaScript does): never less
/// than the number of characters.
fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Whether a body is within its service's limits (e-mail and the generic webhook have none).
fn fits(kind: NotifyKind, body: &Body) -> bool {
    let Body::Json(v) = body else {
        return true;
    };
    let text = |v: &Value| v.as_str().map_or(0, units);
    match kind {
        NotifyKind::Feishu => v.to_string().len() <= FEISHU_BYTES,
        NotifyKind::Telegram => text(&v["text"]) <= TELEGRAM_TEXT,
        NotifyKind::Slack => v["blocks"]
            .as_array()
            .is_some_and(|b| b.len() <= SLACK_BLOCKS),
        NotifyKind::Discord => {
            let embeds = v["embeds"].as_array().map_or(&[][..], Vec::as_slice);
            let total: usize = embeds
                .iter()
                .map(|e| text(&e["title"]) + text(&e["description"]) + text(&e["footer"]["text"]))
                .sum();
            embeds.len() <= DISCORD_EMBEDS && total <= DISCORD_TOTAL
        }
        NotifyKind::Email | NotifyKind::Webhook => true,
    }
}

fn message(items: &[Item], body: Body) -> Message {
    let version = |i: &Item| PaperVersion {
        id: i.id.clone(),
        version: i.version,
    };
    Message {
        papers: items
            .iter()
            .filter(|i| i.published.is_none())
            .map(version)
            .collect(),
        published: items
            .iter()
            .filter(|i| i.published.is_some())
            .map(|i| i.id.clone())
            .collect(),
        body,
    }
}

/// "7 new papers in npu_acceleration, edge_inference" (and "1 revised", "1 now published").
pub fn headline(items: &[Item], part: Option<(usize, usize)>) -> String {
    let published = items.iter().filter(|i| i.published.is_some()).count();
    let revised = items
        .iter()
        .filter(|i| i.revision && i.published.is_none())
        .count();
    let new = items.len() - revised - published;
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
    if published > 0 {
        counts.push(format!("{published} now published"));
    }
    let counts = match counts.len() {
        0..=2 => counts.join(" and "),
        _ => format!("{}, {} and {}", counts[0], counts[1], counts[2]),
    };
    let part = part.map_or(String::new(), |(i, n)| format!(" (part {i} of {n})"));
    format!("{counts} in {}{part}", topics.join(", "))
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
    if let Some(url) = item.published.as_ref().and_then(|p| p.url.as_deref()) {
        l.push(("DOI", url));
    }
    if let Some(f) = &item.feedback {
        l.push(("👍 more like this", f.more.as_str()));
        l.push(("👎 not for me", f.less.as_str()));
        l.push(("⭐ keep", f.star.as_str()));
    }
    l
}

/// What follows a title: " (revised)", " (now published)" or nothing.
fn tag(item: &Item) -> &'static str {
    match (&item.published, item.revision) {
        (Some(_), _) => " (now published)",
        (None, true) => " (revised)",
        (None, false) => "",
    }
}

/// The line under the links: "now published: <venue>" for publication news, else the
/// summary (empty in a plain rendering).
fn note(item: &Item) -> String {
    match &item.published {
        Some(p) => format!("now published: {}", p.venue),
        None => item.summary.clone(),
    }
}

/// `lines` joined by newlines, the empty ones left out.
fn lines<const N: usize>(lines: [String; N]) -> String {
    lines
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes text for Slack's `mrkdwn` (its three control characters).
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes Markdown's special characters with a backslash (Discord).
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

/// Escapes text for Feishu's `lark_md` the way Feishu documents it: HTML entities (`&lt;`,
/// `&#42;` for `*`…), not backslashes, which it shows as they are.
fn lark_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' | '_' | '~' | '`' | '[' | ']' | '(' | ')' | '#' | '\\' | '|' => {
                out.push_str(&format!("&#{};", u32::from(c)));
            }
            c => out.push(c),
        }
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

fn email(items: &[Item], part: Option<(usize, usize)>, listing: Option<&str>) -> Body {
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
        let link_text: Vec<String> = links(item)
            .iter()
            .map(|(k, u)| format!("{k}: {u}"))
            .collect();
        let why = if item.why.is_empty() {
            String::new()
        } else {
            format!("why: {}", item.why)
        };
        let block = lines([
            format!(
                "{}{}",
                item.title,
                tag(item).replace(" (", " [").replace(')', "]")
            ),
            format!("  {} · {}", authors_line(item), item.date),
            format!("  {}", link_text.join(" · ")),
            format!("  {}", note(item)).trim_end().to_string(),
            if why.is_empty() {
                why.clone()
            } else {
                format!("  {why}")
            },
        ]);
        text.push_str(&format!("\n{block}\n"));
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
            "<div style=\"margin:0 0 16px\"><a href=\"{}\" style=\"font-weight:600;color:#0969da;text-decoration:none\">{}</a>{}<br>\n<span style=\"color:#59636e;font-size:13px\">{} · {}</span><br>\n<span style=\"font-size:13px\">{}</span>\n<p style=\"margin:6px 0\">{}</p>\n<span style=\"color:#59636e;font-size:12px\">{}</span></div>\n",
            html_escape(&item.url),
            html_escape(&item.title),
            match tag(item) {
                "" => String::new(),
                t => format!(" <em>{}</em>", t.trim()),
            },
            html_escape(&authors_line(item)),
            html_escape(&item.date),
            link_html.join(" · "),
            html_escape(&note(item)),
            html_escape(&why)
        ));
    }
    if let Some(listing) = listing {
        text.push_str(&format!("\n{listing}\n"));
        html.push_str(&format!(
            "<p style=\"color:#59636e;font-size:12px\">{}</p>\n",
            html_escape(listing)
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

fn slack(items: &[Item], part: Option<(usize, usize)>, listing: Option<&str>) -> Body {
    let headline = headline(items, part);
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": cut(&headline, SLACK_HEADER)}
    })];
    for item in items {
        let links: Vec<String> = links(item)
            .iter()
            .map(|(k, u)| format!("<{}|{k}>", slack_escape(u)))
            .collect();
        let text = lines([
            format!(
                "*<{}|{}>*{}",
                slack_escape(&item.url),
                slack_escape(&item.title),
                tag(item)
            ),
            format!(
                "{} · {} · _{}_",
                slack_escape(&authors_line(item)),
                item.date,
                slack_escape(&item.topics.join(", "))
            ),
            links.join(" · "),
            slack_escape(&note(item)),
        ]);
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": cut(&text, SLACK_SECTION)}
        }));
    }
    if let Some(listing) = listing {
        blocks.push(json!({
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": cut(&slack_escape(listing), SLACK_SECTION)}]
        }));
    }
    // `text` is the notification's fallback, read as `mrkdwn` too.
    Body::Json(json!({"text": slack_escape(&headline), "blocks": blocks}))
}

fn discord(items: &[Item], part: Option<(usize, usize)>, listing: Option<&str>) -> Body {
    let headline = match listing {
        Some(l) => cut(
            &format!("{}\n{}", headline(items, part), markdown_escape(l)),
            2000,
        ),
        None => headline(items, part),
    };
    let embeds: Vec<Value> = items
        .iter()
        .map(|item| {
            let links: Vec<String> = links(item)
                .iter()
                .map(|(k, u)| format!("[{k}]({u})"))
                .collect();
            let head = lines([
                format!("{} · {}", markdown_escape(&authors_line(item)), item.date),
                links.join(" · "),
            ]);
            let room = DISCORD_DESCRIPTION.saturating_sub(units(&head) + 1);
            let note = cut(&markdown_escape(&note(item)), room);
            // `cut` counts characters; a summary outside the Basic Multilingual Plane can
            // still be too long in UTF-16 units: shorten it until it is not.
            let mut note = note;
            while units(&head) + 1 + units(&note) > DISCORD_DESCRIPTION {
                let n = note.chars().count();
                note = cut(&note, n.saturating_sub(16));
            }
            json!({
                "title": cut(&format!("{}{}", item.title, tag(item)), DISCORD_TITLE),
                "url": item.url,
                "description": lines([head, note]),
                "footer": {"text": cut(&item.topics.join(", "), 30)},
            })
        })
        .collect();
    Body::Json(json!({"content": headline, "embeds": embeds, "allowed_mentions": {"parse": []}}))
}

fn telegram(
    items: &[Item],
    part: Option<(usize, usize)>,
    listing: Option<&str>,
    chat: &str,
) -> Body {
    let blocks: Vec<String> = items
        .iter()
        .map(|item| {
            let links: Vec<String> = links(item)
                .iter()
                .map(|(k, u)| format!("<a href=\"{}\">{k}</a>", html_escape(u)))
                .collect();
            lines([
                format!("<b>{}</b>{}", html_escape(&item.title), tag(item)),
                format!(
                    "{} · {} · <i>{}</i>",
                    html_escape(&authors_line(item)),
                    item.date,
                    html_escape(&item.topics.join(", "))
                ),
                links.join(" · "),
                html_escape(&note(item)),
            ])
        })
        .collect();
    let mut text = format!(
        "<b>paperwatch: {}</b>\n\n{}",
        html_escape(&headline(items, part)),
        blocks.join("\n\n")
    );
    if let Some(listing) = listing {
        text.push_str(&format!("\n\n<i>{}</i>", html_escape(listing)));
    }
    Body::Json(json!({
        "chat_id": chat,
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": true},
    }))
}

fn feishu(items: &[Item], part: Option<(usize, usize)>, listing: Option<&str>) -> Body {
    let mut elements: Vec<Value> = Vec::new();
    for item in items {
        let links: Vec<String> = links(item)
            .iter()
            .map(|(k, u)| format!("[{k}]({u})"))
            .collect();
        let content = lines([
            format!(
                "**[{}]({})**{}",
                lark_escape(&item.title),
                item.url,
                tag(item)
            ),
            format!(
                "{} · {} · {}",
                lark_escape(&authors_line(item)),
                item.date,
                lark_escape(&item.topics.join(", "))
            ),
            links.join(" · "),
            lark_escape(&note(item)),
        ]);
        elements.push(json!({"tag": "div", "text": {"tag": "lark_md", "content": content}}));
        elements.push(json!({"tag": "hr"}));
    }
    elements.pop();
    if let Some(listing) = listing {
        elements
            .push(json!({"tag": "note", "elements": [{"tag": "plain_text", "content": listing}]}));
    }
    Body::Json(json!({
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": true},
            "header": {"title": {"tag": "plain_text", "content": format!("paperwatch: {}", headline(items, part))}},
            "elements": elements,
        }
    }))
}

fn webhook(items: &[Item], listing: Option<&str>) -> Body {
    match listing {
        Some(listing) => Body::Json(json!({ "papers": items, "listing": listing })),
        None => Body::Json(json!({ "papers": items })),
    }
}

#[cfg(test)]
mod tests;
