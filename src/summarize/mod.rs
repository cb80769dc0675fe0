//! Short summaries from a language model: one request per paper to an OpenAI-compatible
//! `chat/completions` endpoint (OpenAI, Ollama, vLLM, DeepSeek…), deterministic settings
//! (`temperature` 0), the answer cleaned to plain text. The API key comes from the environment
//! and appears in no error. Depends on [`crate::model`] and [`crate::config`].

use std::time::Duration;

use serde_json::{Value, json};

use crate::config::SummarizeSettings;
use crate::model::Paper;

/// The longest summary kept, in characters.
const MAX_CHARS: usize = 600;

/// Why a summary could not be had. The text never holds the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("summaries: {0}")]
pub struct Error(pub String);

/// A client of the endpoint.
pub struct Client {
    agent: ureq::Agent,
    settings: SummarizeSettings,
    key: Option<String>,
}

impl Client {
    /// A client for the settings, with the key read through `env`.
    pub fn new(settings: &SummarizeSettings, env: &dyn Fn(&str) -> Option<String>) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(settings.timeout_seconds))
            .user_agent(crate::model::user_agent().as_str())
            .build()
            .into();
        Client {
            agent,
            settings: settings.clone(),
            key: env(&settings.api_key_env).filter(|k| !k.is_empty()),
        }
    }

    /// The request body for a paper.
    pub fn request(&self, paper: &Paper) -> Value {
        json!({
            "model": self.settings.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": format!(
                    "You summarise research papers for busy researchers. Answer in {} with one or two plain sentences (at most 60 words): what the paper does and its main result. No preamble, no markdown.",
                    self.settings.language
                )},
                {"role": "user", "content": format!("Title: {}\n\nAbstract: {}", paper.title, paper.summary)},
            ],
        })
    }

    /// Asks for a paper's summary.
    pub fn summarize(&self, paper: &Paper) -> Result<String, Error> {
        let url = format!("{}/chat/completions", self.settings.base_url);
        let mut request = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json");
        if let Some(key) = &self.key {
            request = request.header("Authorization", format!("Bearer {key}").as_str());
        }
        let mut response = request
            .send(self.request(paper).to_string().as_bytes())
            .map_err(|e| {
                Error(match e {
                    ureq::Error::Timeout(_) => "the endpoint timed out".into(),
                    _ => "cannot reach the endpoint".into(),
                })
            })?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(1024 * 1024)
            .read_to_string()
            .map_err(|_| Error("unreadable answer".into()))?;
        if status != 200 {
            return Err(Error(format!("the endpoint answered HTTP {status}")));
        }
        let value: Value =
            serde_json::from_str(&body).map_err(|_| Error("the answer is not JSON".into()))?;
        let text = value["choices"][0]["message"]["content"]
            .as_str()
            .ok_or_else(|| Error("the answer has no choices[0].message.content".into()))?;
        let clean = clean(text);
        if clean.is_empty() {
            return Err(Error("the answer is empty".into()));
        }
        Ok(clean)
    }

    /// The settings' `(model, language)`: what a cached summary is keyed by.
    pub fn key(&self) -> (&str, &str) {
        (&self.settings.model, &self.settings.language)
    }

    /// The time limit of one request.
    pub fn timeout(&self) -> Duration {
        self.settings.timeout_seconds
    }
}

/// Plain text, one line, control characters dropped, at most 600 characters.
pub fn clean(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let trimmed = one_line.trim_matches(|c: char| c == '"' || c == '*' || c.is_whitespace());
    if trimmed.chars().count() <= MAX_CHARS {
        return trimmed.to_string();
    }
    let mut out: String = trimmed.chars().take(MAX_CHARS - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_cleaned_to_one_plain_line() {
        assert_eq!(
            clean("  \"A fast\n\u{1b}[31mNPU kernel.\"  "),
            "A fast [31mNPU kernel."
        );
        assert_eq!(clean(&"x".repeat(700)).chars().count(), 600);
    }
}
