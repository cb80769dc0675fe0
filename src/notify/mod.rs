//! Digests of new papers for the reader's inbox and chats: each destination's queued papers
//! become messages in the format its service documents ([`render`]: e-mail as multipart text and
//! HTML, Slack Block Kit, Discord embeds, Telegram HTML, a Feishu/Lark card, a signed JSON
//! webhook), split to each service's limits, and are delivered ([`send`]: SMTP with `lettre`,
//! HTTPS with `ureq`, 429 + `Retry-After` honoured). Secrets are read from the environment
//! at delivery time and never printed: errors name the variable and the destination, never a
//! URL. Depends on [`crate::model`] and [`crate::config`].

pub mod render;
pub mod send;

use crate::model::{ArxivId, PaperVersion};

/// One paper in a digest.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Item {
    /// Version-less id.
    pub id: ArxivId,
    /// The version announced.
    pub version: u32,
    /// Title (clean text; each renderer escapes it for its format).
    pub title: String,
    /// Authors, in order.
    pub authors: Vec<String>,
    /// `YYYY-MM-DD` of the first version.
    pub date: String,
    /// The destination's topics it is shown in, in config order.
    pub topics: Vec<String>,
    /// Its best score over those topics.
    pub score: Option<f64>,
    /// The abstract page.
    pub url: String,
    /// The PDF.
    pub pdf: String,
    /// The code repository, when known.
    pub code: Option<String>,
    /// A short summary: the abstract's first sentences.
    pub summary: String,
    /// Why it is shown, in one line.
    pub why: String,
    /// A new version of a paper delivered before.
    pub revision: bool,
    /// Publication news: the paper, delivered before, now has a journal reference or DOI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Published>,
    /// "👍 more like this" and "👎 not for me" for its first topic (`[feedback] mode`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feedback: Option<crate::feedback::Links>,
}

/// Where a paper was published, as arXiv's metadata now says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Published {
    /// The journal reference, else the DOI.
    pub venue: String,
    /// The DOI's link, when there is a DOI.
    pub url: Option<String>,
}

/// A message ready to deliver, and the papers it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// `(id, version)` of each paper it announces.
    pub papers: Vec<PaperVersion>,
    /// Papers whose publication it announces.
    pub published: Vec<ArxivId>,
    /// What goes over the wire.
    pub body: Body,
}

/// A message's content for its service.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// An e-mail.
    Email {
        /// The subject line.
        subject: String,
        /// The text/plain part.
        text: String,
        /// The text/html part (inline CSS, no scripts).
        html: String,
    },
    /// A JSON document POSTed to the destination's URL.
    Json(serde_json::Value),
}

impl Message {
    /// A deterministic id for this message at `destination`: the same papers (id and version)
    /// to the same destination give the same id, so a receiver can drop a message it already
    /// has (a run resent after a failed push, a retry after a timeout the service survived).
    /// 32 hex digits of SHA-256.
    pub fn id(&self, destination: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        hash.update(destination.as_bytes());
        for p in &self.papers {
            hash.update(format!("\0{}v{}", p.id, p.version).as_bytes());
        }
        for id in &self.published {
            hash.update(format!("\0published:{id}").as_bytes());
        }
        hash.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl Body {
    /// The message as a person reads it in `notify --dry-run`.
    pub fn preview(&self) -> String {
        match self {
            Body::Email { subject, text, .. } => format!("Subject: {subject}\n\n{text}"),
            Body::Json(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
        }
    }

    /// The size in bytes of what goes over the wire.
    pub fn size(&self) -> usize {
        match self {
            Body::Email { text, html, .. } => text.len() + html.len(),
            Body::Json(v) => v.to_string().len(),
        }
    }
}

/// The first sentences of an abstract, at most about `max` characters, whitespace collapsed.
pub fn short_summary(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for w in words {
        if out.chars().count() + w.chars().count() + 1 > max {
            if out.is_empty() {
                out = w.chars().take(max).collect();
            }
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
        let sentence_end = w.ends_with('.') && out.chars().count() > max / 2;
        if sentence_end {
            return out;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_stop_at_a_sentence_or_the_limit() {
        assert_eq!(short_summary("One.  Two three.", 100), "One. Two three.");
        assert_eq!(
            short_summary("A long first sentence here. Then more.", 30),
            "A long first sentence here."
        );
        assert_eq!(short_summary("aaaa bbbb cccc dddd", 10), "aaaa bbbb…");
    }

    fn message(papers: &[(&str, u32)]) -> Message {
        Message {
            papers: papers
                .iter()
                .map(|(id, version)| PaperVersion {
                    id: ArxivId::parse(id).unwrap(),
                    version: *version,
                })
                .collect(),
            published: Vec::new(),
            body: Body::Json(serde_json::json!({})),
        }
    }

    #[test]
    fn a_message_id_depends_on_the_destination_and_each_paper_version() {
        let m = message(&[("2407.05858", 1), ("2501.00001", 2)]);
        let id = m.id("team");
        assert_eq!(id.len(), 32);
        assert_eq!(
            id,
            message(&[("2407.05858", 1), ("2501.00001", 2)]).id("team")
        );
        assert_ne!(id, m.id("me"));
        assert_ne!(
            id,
            message(&[("2407.05858", 2), ("2501.00001", 2)]).id("team")
        );
        assert_ne!(id, message(&[("2407.05858", 1)]).id("team"));
    }
}
