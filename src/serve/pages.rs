//! The inbox's HTML: one layout, a paper card, and a page per view (unread queue, topic, paper,
//! search, starred). Every text is escaped; readable without JavaScript, and every button is
//! a form that works without it (the page's script only keeps you on the page). Pure.

use std::fmt::Write as _;

use crate::model::Paper;
use crate::relevance::Decision;
use crate::text::html_escape as esc;

/// A paper as a card shows it.
pub(super) struct Card<'a> {
    /// The paper.
    pub(super) paper: &'a Paper,
    /// The topic the buttons speak for (the page's, else the paper's first shown topic).
    pub(super) topic: Option<&'a str>,
    /// Its score in that topic.
    pub(super) score: Option<f64>,
    /// A code link, when known.
    pub(super) code: Option<&'a str>,
    /// A short summary, when there is one.
    pub(super) tldr: Option<&'a str>,
    /// Whether it is starred.
    pub(super) starred: bool,
    /// The reader's label in `topic`, if any.
    pub(super) label: Option<bool>,
}

/// One topic's part of a list page.
pub(super) struct Group<'a> {
    /// The topic.
    pub(super) topic: &'a str,
    /// How many papers the topic has for this view (the cards may be fewer).
    pub(super) total: usize,
    /// The cards shown.
    pub(super) cards: Vec<Card<'a>>,
}

/// What the paper page shows beyond its card.
pub(super) struct PaperPage<'a> {
    /// The paper's card (the topic: the one a link asked about, else its first).
    pub(super) card: Card<'a>,
    /// Each topic the paper is in: name, the decision with its reasons, the reader's label.
    pub(super) topics: Vec<(&'a str, Decision, Option<bool>)>,
    /// The learned model's terms that moved its score most.
    pub(super) top_terms: &'a [(String, f32)],
    /// The stored papers most like it, with their cosine.
    pub(super) similar: Vec<(&'a Paper, f32)>,
    /// A verdict a digest link asks to confirm: `(topic, relevant)`.
    pub(super) confirm: Option<(&'a str, bool)>,
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:0 auto;padding:1rem;color:#1f2328}\
a{color:#0969da}nav a{margin-right:1rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}\
ol.papers{list-style:none;padding:0}li.paper{margin:0 0 1.2rem}.meta{color:#59636e;font-size:.9em}\
form.act{display:inline}button{font:inherit;margin:.2rem .3rem .2rem 0;cursor:pointer}\
.done{color:#1a7f37;margin-left:.5rem}.confirm{border:2px solid #0969da;padding:.8rem;border-radius:6px}\
mark{background:#fff8c5}";

/// Submits the buttons' forms in the background with the token header and says what changed;
/// without it the forms post and come back to the page.
const SCRIPT: &str = r#"document.addEventListener("submit",function(e){var f=e.target;if(!f.classList.contains("act"))return;e.preventDefault();var b=new URLSearchParams(new FormData(f));if(e.submitter&&e.submitter.name)b.set(e.submitter.name,e.submitter.value);var t=document.querySelector('meta[name="paperwatch-token"]').content;fetch(f.action,{method:"POST",headers:{"X-Paperwatch-Token":t},body:b}).then(function(r){return r.json()}).then(function(j){var s=f.querySelector(".done");if(!s){s=document.createElement("span");s.className="done";f.appendChild(s)}s.textContent=j.message||j.error})});"#;

/// A whole page: `title`, the token in its `<meta>`, the navigation, `body`.
pub(super) fn layout(title: &str, token: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"paperwatch-token\" content=\"{}\"><title>{} · paperwatch</title>\
         <style>{STYLE}</style></head><body>\n<nav><a href=\"/\">Unread</a><a href=\"/starred\">⭐ Starred</a>\
         <form action=\"/search\" style=\"display:inline\"><input name=\"q\" placeholder=\"Search\" aria-label=\"Search\"></form></nav>\n\
         {body}\n<script>{SCRIPT}</script></body></html>\n",
        esc(token),
        esc(title)
    )
}

/// The hidden fields every form carries.
fn hidden(token: &str, id: &str, back: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"token\" value=\"{}\"><input type=\"hidden\" name=\"id\" value=\"{}\">\
         <input type=\"hidden\" name=\"back\" value=\"{}\">",
        esc(token),
        esc(id),
        esc(back)
    )
}

/// The 👍/👎 form for `topic` and the ⭐ form of a paper.
fn buttons(out: &mut String, card: &Card, token: &str, back: &str) {
    let id = card.paper.id.as_str();
    if let Some(topic) = card.topic {
        let said = match card.label {
            Some(true) => "<span class=\"done\">👍 you said more like this</span>",
            Some(false) => "<span class=\"done\">👎 you said not for me</span>",
            None => "",
        };
        let _ = write!(
            out,
            "<form class=\"act\" method=\"post\" action=\"/api/mark\">{}<input type=\"hidden\" name=\"topic\" value=\"{}\">\
             <button name=\"label\" value=\"relevant\">👍 more like this</button>\
             <button name=\"label\" value=\"irrelevant\">👎 not for me</button>{said}</form>",
            hidden(token, id, back),
            esc(topic)
        );
    }
    let (value, text) = if card.starred {
        ("false", "★ starred (remove)")
    } else {
        ("true", "⭐ keep to read")
    };
    let _ = write!(
        out,
        "<form class=\"act\" method=\"post\" action=\"/api/star\">{}<button name=\"starred\" value=\"{value}\">{text}</button></form>",
        hidden(token, id, back)
    );
}

/// One paper as a list item.
fn card(out: &mut String, c: &Card, token: &str, back: &str) {
    let p = c.paper;
    let id = p.id.as_str();
    let authors = match p.authors.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [first, ..] => format!("{first} et al."),
    };
    let _ = write!(
        out,
        "<li class=\"paper\" id=\"p-{}\"><a class=\"title\" href=\"/paper/{}\">{}</a><br><span class=\"meta\">{} · {} · <a href=\"https://arxiv.org/abs/{}\">arXiv {}</a>",
        esc(id),
        esc(id),
        esc(&p.title),
        esc(&authors),
        p.updated.to_zoned(jiff::tz::TimeZone::UTC).date(),
        esc(&p.versioned_id()),
        esc(&p.versioned_id()),
    );
    if let Some(code) = c.code {
        let _ = write!(out, " · <a href=\"{}\">code</a>", esc(code));
    }
    if let Some(score) = c.score {
        let _ = write!(out, " · score {score:.2}");
    }
    out.push_str("</span>");
    if let Some(tldr) = c.tldr {
        let _ = write!(out, "<p class=\"tldr\">{}</p>", esc(tldr));
    }
    out.push_str("<br>");
    buttons(out, c, token, back);
    out.push_str("</li>\n");
}

fn cards(out: &mut String, cards: &[Card], token: &str, back: &str) {
    out.push_str("<ol class=\"papers\">\n");
    for c in cards {
        card(out, c, token, back);
    }
    out.push_str("</ol>\n");
}

/// The unread queue: per topic, best first, with a button that marks the page read.
pub(super) fn inbox(groups: &[Group], days: u32, token: &str) -> String {
    let total: usize = groups.iter().map(|g| g.total).sum();
    let mut body = format!(
        "<h1>Unread</h1><p class=\"meta\">{total} papers joined your topics in the last {days} days and are not marked read.</p>\n"
    );
    for g in groups.iter().filter(|g| g.total > 0) {
        let _ = writeln!(
            body,
            "<h2><a href=\"/topic?name={}\">{}</a> <span class=\"meta\">{} unread</span></h2>",
            crate::text::percent_encode(g.topic),
            esc(g.topic),
            g.total
        );
        cards(&mut body, &g.cards, token, "/");
        if g.total > g.cards.len() {
            let _ = writeln!(
                body,
                "<p class=\"meta\">{} more: <a href=\"/topic?name={}\">the topic's page</a></p>",
                g.total - g.cards.len(),
                crate::text::percent_encode(g.topic)
            );
        }
    }
    if total > 0 {
        let ids: Vec<&str> = groups
            .iter()
            .flat_map(|g| g.cards.iter().map(|c| c.paper.id.as_str()))
            .collect();
        let _ = writeln!(
            body,
            "<form method=\"post\" action=\"/api/read\"><input type=\"hidden\" name=\"token\" value=\"{}\">\
             <input type=\"hidden\" name=\"ids\" value=\"{}\"><input type=\"hidden\" name=\"back\" value=\"/\">\
             <button>Mark these {} read</button></form>",
            esc(token),
            ids.join(" "),
            ids.len()
        );
    } else {
        body.push_str("<p>Nothing new. 🎉</p>\n");
    }
    layout("Unread", token, &body)
}

/// A topic's shown papers, best first, one page of them.
pub(super) fn topic(group: &Group, page: usize, per_page: usize, token: &str) -> String {
    let mut body = format!(
        "<h1>{}</h1><p class=\"meta\">{} papers shown, best first.</p>\n",
        esc(group.topic),
        group.total
    );
    let back = format!(
        "/topic?name={}&page={page}",
        crate::text::percent_encode(group.topic)
    );
    cards(&mut body, &group.cards, token, &back);
    let pages = group.total.div_ceil(per_page).max(1);
    if pages > 1 {
        let link = |n: usize, text: &str| {
            format!(
                "<a href=\"/topic?name={}&amp;page={n}\">{text}</a>",
                crate::text::percent_encode(group.topic)
            )
        };
        let _ = write!(body, "<p>page {page} of {pages} ");
        if page > 1 {
            body.push_str(&link(page - 1, "← newer scores"));
            body.push(' ');
        }
        if page < pages {
            body.push_str(&link(page + 1, "more →"));
        }
        body.push_str("</p>\n");
    }
    layout(group.topic, token, &body)
}

fn verdict(d: &Decision) -> String {
    match (&d.reason, d.pinned, &d.author) {
        (None, true, _) => "shown (pinned)".into(),
        (None, false, Some(a)) => format!("shown (by {a}, a followed author)"),
        (None, false, None) => "shown".into(),
        (Some(r), _, _) => format!("hidden: {r}"),
    }
}

/// One paper: abstract, links, the confirmation a digest link asks for, why it is shown or
/// hidden in each topic, and the papers most like it.
pub(super) fn paper(view: &PaperPage, token: &str) -> String {
    let p = view.card.paper;
    let back = format!("/paper/{}", p.id);
    let mut body = format!("<h1>{}</h1>\n", esc(&p.title));
    let _ = writeln!(body, "<p class=\"meta\">{}</p>", esc(&p.authors.join(", ")));
    if let Some((topic, relevant)) = view.confirm {
        let (value, text) = if relevant {
            ("relevant", "👍 Yes: more like this")
        } else {
            ("irrelevant", "👎 Yes: not for me")
        };
        let _ = writeln!(
            body,
            "<div class=\"confirm\"><p>Tell the tracker this paper is {} for <b>{}</b>?</p>\
             <form class=\"act\" method=\"post\" action=\"/api/mark\">{}<input type=\"hidden\" name=\"topic\" value=\"{}\">\
             <button name=\"label\" value=\"{value}\">{text}</button></form></div>",
            if relevant {
                "what you want more of"
            } else {
                "not for you"
            },
            esc(topic),
            hidden(token, p.id.as_str(), &back),
            esc(topic)
        );
    }
    body.push_str("<ol class=\"papers\">\n");
    card(&mut body, &view.card, token, &back);
    body.push_str("</ol>\n");
    let _ = writeln!(body, "<h2>Abstract</h2><p>{}</p>", esc(&p.summary));
    for (topic, d, label) in &view.topics {
        let _ = write!(
            body,
            "<h2>{}</h2><p>{}</p><ul><li>matched terms: {}</li><li>excluded terms: {}</li>",
            esc(topic),
            esc(&verdict(d)),
            esc(&list(&d.matched)),
            esc(&list(&d.excluded)),
        );
        if let Some(s) = d.score {
            let _ = write!(body, "<li>score {s:.3}");
            if let Some(m) = d.model_score {
                let _ = write!(body, " (learned model {m:.3}");
                if let Some(f) = d.feedback_score {
                    let _ = write!(body, ", your labels' model {f:.3}");
                }
                body.push(')');
            }
            body.push_str("</li>");
        }
        let _ = writeln!(
            body,
            "<li>your label: {}</li></ul>",
            match label {
                Some(true) => "👍 more like this",
                Some(false) => "👎 not for me",
                None => "none",
            }
        );
    }
    if !view.top_terms.is_empty() {
        let terms: Vec<String> = view
            .top_terms
            .iter()
            .map(|(t, c)| format!("{t} ({c:+.2})"))
            .collect();
        let _ = writeln!(
            body,
            "<p class=\"meta\">The learned model's top terms: {}</p>",
            esc(&terms.join(", "))
        );
    }
    body.push_str("<h2>Similar papers</h2>\n<ol>\n");
    for (q, cosine) in &view.similar {
        let _ = writeln!(
            body,
            "<li><a href=\"/paper/{}\">{}</a> <span class=\"meta\">{cosine:.2}</span></li>",
            esc(q.id.as_str()),
            esc(&q.title)
        );
    }
    body.push_str("</ol>\n");
    layout(&p.title, token, &body)
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// The marks search results carry around matched words, turned into `<mark>` after escaping.
pub(super) const MARKS: (&str, &str) = ("\u{e000}", "\u{e001}");

fn marked(text: &str) -> String {
    esc(text)
        .replace(MARKS.0, "<mark>")
        .replace(MARKS.1, "</mark>")
}

/// Search results: each hit's highlighted title and snippet.
pub(super) fn search(
    query: &str,
    hits: &[(Card, String, String)],
    error: Option<&str>,
    token: &str,
) -> String {
    let mut body = format!(
        "<h1>Search</h1><form action=\"/search\"><input name=\"q\" value=\"{}\" size=\"40\" aria-label=\"Search\"> <button>Search</button></form>\n",
        esc(query)
    );
    if let Some(e) = error {
        let _ = writeln!(body, "<p>{}</p>", esc(e));
    } else if !query.is_empty() {
        let _ = writeln!(
            body,
            "<p class=\"meta\">{} papers, best first.</p>",
            hits.len()
        );
    }
    body.push_str("<ol class=\"papers\">\n");
    let back = format!("/search?q={}", crate::text::percent_encode(query));
    for (c, title, snippet) in hits {
        let id = c.paper.id.as_str();
        let _ = write!(
            body,
            "<li class=\"paper\"><a class=\"title\" href=\"/paper/{}\">{}</a><br><span class=\"meta\">{}</span><br>",
            esc(id),
            marked(title),
            marked(snippet)
        );
        buttons(&mut body, c, token, &back);
        body.push_str("</li>\n");
    }
    body.push_str("</ol>\n");
    layout("Search", token, &body)
}

/// The starred papers, newest star first.
pub(super) fn starred(list: &[Card], token: &str) -> String {
    let mut body = format!(
        "<h1>⭐ Starred</h1><p class=\"meta\">{} papers kept to read; <code>paperwatch export --starred --format bibtex</code> lists them.</p>\n",
        list.len()
    );
    cards(&mut body, list, token, "/starred");
    layout("Starred", token, &body)
}

/// A short page for a request that went wrong.
pub(super) fn message(title: &str, text: &str, token: &str) -> String {
    layout(
        title,
        token,
        &format!("<h1>{}</h1><p>{}</p>", esc(title), esc(text)),
    )
}
