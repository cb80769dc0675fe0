//! The Hugging Face papers API as a source of code links: `GET {base}/api/papers/{id}` →
//! `githubRepo`. One client paces its own requests, with a short timeout; 404 (or an `error`
//! body) means "no repository", 429 comes back with its `Retry-After`. Failures are returned,
//! never retried here: the caller decides when to wait, retry or stop asking. Depends only on
//! [`crate::model`].

use std::time::{Duration, Instant};

use crate::model::ArxivId;

/// What the API said about a paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It knows a repository.
    Repo(String),
    /// It knows no repository (404, not indexed, or no `githubRepo`).
    NoRepo,
}

/// What else the API says of a paper: its AI-written summary and its upvotes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extra {
    /// `ai_summary`, one plain line.
    pub summary: Option<String>,
    /// `upvotes`.
    pub upvotes: Option<u32>,
}

/// A request that gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A status that says nothing about the paper (5xx, …).
    #[error("Hugging Face answered HTTP {0}")]
    Status(u16),
    /// HTTP 429: too many requests; `Retry-After` in seconds when it says.
    #[error("Hugging Face answered HTTP 429 (too many requests{})",
        .0.map_or(String::new(), |d| format!(", retry after {} s", d.as_secs())))]
    RateLimited(Option<Duration>),
    /// No answer in time, or no connection.
    #[error("Hugging Face unreachable: {0}")]
    Transport(String),
    /// A body that is not the expected JSON.
    #[error("unreadable answer from Hugging Face: {0}")]
    Body(String),
}

/// A paced client.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    pause: Duration,
    last: Option<Instant>,
    requests: u64,
}

impl Client {
    /// A client for `base` (e.g. `https://huggingface.co`), at most one request per `pause`.
    pub fn new(base: &str, timeout: Duration, pause: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(crate::model::user_agent().as_str())
            .build()
            .into();
        Client {
            agent,
            base: base.trim_end_matches('/').to_string(),
            pause,
            last: None,
            requests: 0,
        }
    }

    /// Requests sent so far.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Asks about one paper.
    pub fn paper(&mut self, id: &ArxivId) -> Result<Answer, Error> {
        self.paper_with_extra(id).map(|(answer, _)| answer)
    }

    /// Asks about one paper: its repository, and its summary and upvotes when the API has them.
    pub fn paper_with_extra(&mut self, id: &ArxivId) -> Result<(Answer, Extra), Error> {
        if let Some(last) = self.last {
            let next = last + self.pause;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
        self.last = Some(Instant::now());
        self.requests += 1;
        let url = format!("{}/api/papers/{}", self.base, id);
        let mut response = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| Error::Transport(e.to_string()))?;
        let status = response.status().as_u16();
        if status == 404 {
            return Ok((Answer::NoRepo, Extra::default()));
        }
        if status == 429 {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(Error::RateLimited(retry_after));
        }
        if status != 200 {
            return Err(Error::Status(status));
        }
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| Error::Transport(e.to_string()))?;
        Ok((parse(&body)?, extra(&body)))
    }
}

/// The `ai_summary` (control characters dropped, whitespace collapsed) and `upvotes` of a
/// paper object; nothing for a body that is not one.
pub fn extra(body: &str) -> Extra {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return Extra::default();
    };
    let summary = value
        .get("ai_summary")
        .and_then(|v| v.as_str())
        .map(|s| {
            s.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|s| !s.is_empty());
    let upvotes = value
        .get("upvotes")
        .and_then(|v| v.as_u64())
        .and_then(|n| u32::try_from(n).ok());
    Extra { summary, upvotes }
}

/// Reads a paper object: `githubRepo` when present, `error` means not indexed.
pub fn parse(body: &str) -> Result<Answer, Error> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| Error::Body(e.to_string()))?;
    if value.get("error").is_some() {
        return Ok(Answer::NoRepo);
    }
    Ok(match value.get("githubRepo").and_then(|v| v.as_str()) {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
            Answer::Repo(url.trim().trim_end_matches('/').to_string())
        }
        _ => Answer::NoRepo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers() {
        assert_eq!(
            parse(r#"{"id":"2407.05858","githubRepo":"https://github.com/a/b/","upvotes":3}"#)
                .unwrap(),
            Answer::Repo("https://github.com/a/b".into())
        );
        assert_eq!(
            parse(r#"{"id":"x","githubRepo":null}"#).unwrap(),
            Answer::NoRepo
        );
        assert_eq!(
            parse(r#"{"error":"Paper not found"}"#).unwrap(),
            Answer::NoRepo
        );
        assert!(parse("<html>").is_err());
    }

    #[test]
    fn summaries_and_upvotes() {
        assert_eq!(
            extra(r#"{"id":"x","ai_summary":" A fast\n NPU kernel. ","upvotes":12}"#),
            Extra {
                summary: Some("A fast NPU kernel.".into()),
                upvotes: Some(12)
            }
        );
        assert_eq!(extra(r#"{"error":"Paper not found"}"#), Extra::default());
        assert_eq!(extra("<html>"), Extra::default());
    }
}
