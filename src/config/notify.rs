//! `[[notify]]` blocks: where digests of new papers go. Read with serde (spans kept for
//! errors), then checked one by one. Secrets are never in the file: a destination names the
//! environment variables that hold them (`url_env`, `secret_env`).

use std::collections::HashSet;

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Ctx};
use super::raw::is_env_name;

/// `[[notify]]` keys: `(name, doc)`.
#[rustfmt::skip]
pub(super) const NOTIFY_KEYS: &[(&str, &str)] = &[
    ("name", "Required, unique: letters, digits, `-`, `_`. Used by `notify --to`/`--test` and in the delivery records."),
    ("kind", "Required: `\"email\"`, `\"slack\"`, `\"discord\"`, `\"telegram\"`, `\"feishu\"` or `\"webhook\"`."),
    ("url_env", "Required: the **name** of the environment variable holding the secret URL: `smtps://user:password@host:465` (implicit TLS), `smtp://user:password@host:587?tls=required` (STARTTLS) or plain `smtp://host:port` to a loopback host only (e-mail); the incoming-webhook URL (Slack, Discord, Feishu, webhook); `https://api.telegram.org/bot<TOKEN>` (Telegram)."),
    ("secret_env", "The name of the variable holding a signing key: the webhook's body is signed with HMAC-SHA256 (hex, header `X-Paperwatch-Signature`, and the Standard Webhooks `webhook-signature` over id, timestamp and body); Feishu/Lark's `timestamp` and `sign` are added."),
    ("from", "E-mail: the sender, `\"paperwatch <bot@example.org>\"` (required for e-mail)."),
    ("to", "E-mail: the recipients (at least one)."),
    ("chat_id", "Telegram: the chat, channel (`\"@name\"`) or group id (required for Telegram)."),
    ("topics", "Only papers shown in these topics (default: all)."),
    ("min_score", "0–1: only papers scoring at least this."),
    ("max_papers", "Papers per message (default 20); longer digests are split, and each service's own limits are kept (Slack 50 blocks and 3,000 characters a section, Discord 10 embeds, 4,096 characters a description and 6,000 in all, Telegram 4,096 characters, Feishu 20 KB)."),
    ("schedule", "`\"run\"` (default: after every run with news), `\"daily\"` or `\"weekly\"` (papers wait in the queue until then)."),
    ("revisions", "`true`: a new version of a paper already sent is announced once, as a revision (default `false`)."),
    ("backfill", "When the destination starts (its first run, re-added after the config dropped it, or its `topics`/`min_score` widened), also send the best N of the papers it brings in (default 0: it starts from now, and older papers are history)."),
    ("published", "`true` (default): when a paper sent here gains a journal reference or DOI on arXiv, say so once (\"now published: …\" with the DOI link). `false`: never."),
];

/// Where a digest is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotifyKind {
    /// An e-mail over SMTP.
    Email,
    /// A Slack incoming webhook (Block Kit).
    Slack,
    /// A Discord webhook (embeds).
    Discord,
    /// A Telegram bot's `sendMessage` (HTML).
    Telegram,
    /// A Feishu/Lark bot webhook (interactive card, signed).
    Feishu,
    /// Any URL: JSON, signed with HMAC-SHA256.
    Webhook,
}

impl NotifyKind {
    /// The kind's name in the config.
    pub fn name(self) -> &'static str {
        match self {
            NotifyKind::Email => "email",
            NotifyKind::Slack => "slack",
            NotifyKind::Discord => "discord",
            NotifyKind::Telegram => "telegram",
            NotifyKind::Feishu => "feishu",
            NotifyKind::Webhook => "webhook",
        }
    }
}

/// How often a destination gets a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Schedule {
    /// After every run that has something new.
    #[default]
    Run,
    /// At most once a day.
    Daily,
    /// At most once a week.
    Weekly,
}

/// One `[[notify]]` destination.
#[derive(Debug, Clone, PartialEq)]
pub struct Notify {
    /// `name`: used by `--to` and in the delivery records.
    pub name: String,
    /// `kind`.
    pub kind: NotifyKind,
    /// `url_env`: the variable holding the SMTP URL, webhook URL or bot URL.
    pub url_env: String,
    /// `secret_env`: the variable holding a signing key (webhook, Feishu).
    pub secret_env: Option<String>,
    /// `from` (e-mail).
    pub from: Option<String>,
    /// `to` (e-mail).
    pub to: Vec<String>,
    /// `chat_id` (Telegram).
    pub chat_id: Option<String>,
    /// `topics`: only these (default: all).
    pub topics: Vec<String>,
    /// `min_score`: only papers scoring at least this.
    pub min_score: Option<f64>,
    /// `max_papers`: papers per message (longer digests are split).
    pub max_papers: usize,
    /// `schedule`.
    pub schedule: Schedule,
    /// `revisions`: announce a new version of a delivered paper once, as such.
    pub revisions: bool,
    /// `backfill`: when the destination starts, send the best N papers already stored.
    pub backfill: usize,
    /// `published`: announce once when a paper sent here gains a journal reference or DOI.
    pub published: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNotify {
    name: Spanned<String>,
    kind: Spanned<NotifyKind>,
    url_env: Spanned<String>,
    #[serde(default)]
    secret_env: Option<Spanned<String>>,
    #[serde(default)]
    from: Option<Spanned<String>>,
    #[serde(default)]
    to: Vec<Spanned<String>>,
    #[serde(default)]
    chat_id: Option<String>,
    #[serde(default)]
    topics: Vec<Spanned<String>>,
    #[serde(default)]
    min_score: Option<Spanned<f64>>,
    #[serde(default)]
    max_papers: Option<Spanned<i64>>,
    #[serde(default)]
    schedule: Schedule,
    #[serde(default)]
    revisions: bool,
    #[serde(default)]
    backfill: Option<Spanned<i64>>,
    #[serde(default = "yes")]
    published: bool,
}

fn yes() -> bool {
    true
}

/// Whether `name` can name a destination: letters, digits, `-`, `_`.
pub fn is_destination_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A destination's name: letters, digits, `-`, `_`; unique.
fn check_name(
    ctx: &Ctx,
    name: &str,
    span: std::ops::Range<usize>,
    names: &mut HashSet<String>,
) -> Result<(), ConfigError> {
    if !is_destination_name(name) {
        return Err(ctx.at(
            span,
            format!("notify.name {name:?} must be letters, digits, `-` or `_`"),
        ));
    }
    if !names.insert(name.to_string()) {
        return Err(ctx.at(
            span,
            format!("notify.name {name:?} is used by another [[notify]]"),
        ));
    }
    Ok(())
}

/// Checks every destination against the topics' names; errors point at the offending value.
pub(super) fn notify(
    ctx: &Ctx,
    raw: Vec<RawNotify>,
    topics: &[String],
) -> Result<Vec<Notify>, ConfigError> {
    let mut out: Vec<Notify> = Vec::with_capacity(raw.len());
    let mut names = HashSet::new();
    for n in raw {
        let span = n.name.span();
        let name = n.name.into_inner();
        check_name(ctx, &name, span.clone(), &mut names)?;
        let kind = *n.kind.get_ref();
        let env_var = |v: Spanned<String>, key: &str| -> Result<String, ConfigError> {
            if is_env_name(v.get_ref()) {
                Ok(v.into_inner())
            } else {
                Err(ctx.at(
                    v.span(),
                    format!(
                        "notify.{key} in {name:?} must name an environment variable (the secret itself never goes in the file); the value given is not shown, in case it is the secret"
                    ),
                ))
            }
        };
        let url_env = env_var(n.url_env, "url_env")?;
        let secret_env = n.secret_env.map(|v| env_var(v, "secret_env")).transpose()?;
        let from = n.from.map(Spanned::into_inner);
        let to: Vec<String> = n.to.into_iter().map(Spanned::into_inner).collect();
        if kind == NotifyKind::Email && (from.is_none() || to.is_empty()) {
            return Err(ctx.at(
                span,
                format!("notify {name:?} (email) needs `from` and at least one `to`"),
            ));
        }
        if kind == NotifyKind::Telegram && n.chat_id.is_none() {
            return Err(ctx.at(span, format!("notify {name:?} (telegram) needs `chat_id`")));
        }
        let mut chosen = Vec::with_capacity(n.topics.len());
        for t in n.topics {
            if !topics.contains(t.get_ref()) {
                return Err(ctx.at(
                    t.span(),
                    format!(
                        "notify.topics in {name:?}: no topic named {:?} (topics: {})",
                        t.get_ref(),
                        topics.join(", ")
                    ),
                ));
            }
            chosen.push(t.into_inner());
        }
        let min_score = match n.min_score {
            Some(m) if !(0.0..=1.0).contains(m.get_ref()) => {
                return Err(ctx.at(
                    m.span(),
                    format!("notify.min_score in {name:?} must be between 0 and 1"),
                ));
            }
            m => m.map(Spanned::into_inner),
        };
        let count = |v: Option<Spanned<i64>>, key: &str, default: i64, min: i64| match v {
            Some(v) if *v.get_ref() < min || *v.get_ref() > 10_000 => Err(ctx.at(
                v.span(),
                format!("notify.{key} in {name:?} must be between {min} and 10000"),
            )),
            Some(v) => Ok(v.into_inner() as usize),
            None => Ok(default as usize),
        };
        out.push(Notify {
            kind,
            url_env,
            secret_env,
            from,
            to,
            chat_id: n.chat_id,
            topics: chosen,
            min_score,
            max_papers: count(n.max_papers, "max_papers", 20, 1)?,
            schedule: n.schedule,
            revisions: n.revisions,
            backfill: count(n.backfill, "backfill", 0, 0)?,
            published: n.published,
            name,
        });
    }
    Ok(out)
}
