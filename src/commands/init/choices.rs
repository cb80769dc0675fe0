//! What `init` scaffolds ([`Choices`]), each digest kind's secrets and `[[notify]]` block, and
//! where GitHub Pages publishes a repository: shared by the flags and the questions.

use std::path::PathBuf;

use crate::cli::InitNotify;

/// What the scaffold is made of.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Choices {
    /// A cv-arxiv-daily `config.yaml` whose topics replace the default ones.
    pub cv_config: Option<PathBuf>,
    /// Write the site at all.
    pub site: bool,
    /// Publish it on GitHub Pages from the workflow.
    pub pages: bool,
    /// `[site] url`.
    pub site_url: Option<String>,
    /// Digest destinations to add.
    pub notify: Vec<InitNotify>,
}

impl InitNotify {
    /// Every kind, in the order the workflow lists their secrets.
    pub const ALL: [InitNotify; 6] = [
        InitNotify::Email,
        InitNotify::Slack,
        InitNotify::Discord,
        InitNotify::Telegram,
        InitNotify::Feishu,
        InitNotify::Webhook,
    ];

    /// The environment variables its `[[notify]]` block names.
    pub fn secrets(self) -> &'static [&'static str] {
        match self {
            InitNotify::Email => &["PAPERWATCH_SMTP_URL"],
            InitNotify::Slack => &["SLACK_WEBHOOK_URL"],
            InitNotify::Discord => &["DISCORD_WEBHOOK_URL"],
            InitNotify::Telegram => &["TELEGRAM_BOT_URL"],
            InitNotify::Feishu => &["FEISHU_WEBHOOK_URL", "FEISHU_SECRET"],
            InitNotify::Webhook => &["WEBHOOK_URL", "WEBHOOK_SECRET"],
        }
    }

    /// Its `[[notify]]` block, to edit.
    pub fn block(self) -> &'static str {
        match self {
            InitNotify::Email => {
                "[[notify]]\nname = \"email\"\nkind = \"email\"\nurl_env = \"PAPERWATCH_SMTP_URL\"  # smtps://user:password@smtp.example.org:465\nfrom = \"paperwatch <bot@example.org>\"\nto = [\"me@example.org\"]\n"
            }
            InitNotify::Slack => {
                "[[notify]]\nname = \"slack\"\nkind = \"slack\"\nurl_env = \"SLACK_WEBHOOK_URL\"\n"
            }
            InitNotify::Discord => {
                "[[notify]]\nname = \"discord\"\nkind = \"discord\"\nurl_env = \"DISCORD_WEBHOOK_URL\"\n"
            }
            InitNotify::Telegram => {
                "[[notify]]\nname = \"telegram\"\nkind = \"telegram\"\nurl_env = \"TELEGRAM_BOT_URL\"  # https://api.telegram.org/bot<TOKEN>\nchat_id = \"@my_channel\"\n"
            }
            InitNotify::Feishu => {
                "[[notify]]\nname = \"feishu\"\nkind = \"feishu\"\nurl_env = \"FEISHU_WEBHOOK_URL\"\nsecret_env = \"FEISHU_SECRET\"\n"
            }
            InitNotify::Webhook => {
                "[[notify]]\nname = \"webhook\"\nkind = \"webhook\"\nurl_env = \"WEBHOOK_URL\"\nsecret_env = \"WEBHOOK_SECRET\"\n"
            }
        }
    }
}

/// Where GitHub Pages publishes `owner/repo`: `https://owner.github.io/repo`, or the user
/// site itself for a repository named `owner.github.io`.
pub(crate) fn pages_url(slug: &str) -> String {
    let (owner, repo) = slug.split_once('/').unwrap_or((slug, ""));
    let host = format!("{}.github.io", owner.to_ascii_lowercase());
    if repo.eq_ignore_ascii_case(&host) {
        format!("https://{host}")
    } else {
        format!("https://{host}/{repo}")
    }
}
