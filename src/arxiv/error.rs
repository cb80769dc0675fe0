//! Errors of the arXiv client, and which of them are worth another attempt. Each message
//! carries its cause, so none has a `source`: a report prints every cause once.

use super::parse::ParseError;

/// A request to the export API that did not give a usable feed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A status other than 200 without an arXiv error message.
    #[error("HTTP {status} {}{}", reason(*status), detail_suffix(detail))]
    Http {
        /// The HTTP status.
        status: u16,
        /// The request URL.
        url: String,
        /// The first line of the body.
        detail: String,
    },
    /// arXiv answered with an error feed (bad query, malformed id, …). Not retried.
    #[error("arXiv rejected the request (HTTP {status}): {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// arXiv's message, e.g. `incorrect id format for abc`.
        message: String,
    },
    /// The request did not finish within the timeout.
    #[error("timed out waiting for {}", short(url))]
    Timeout {
        /// The request URL.
        url: String,
    },
    /// The host cannot be reached at all: its name does not resolve, the connection is
    /// refused, TLS fails. Waiting rarely helps: retried once, then the host is given up for the
    /// run.
    #[error("could not reach {}: {message}", short(url))]
    Unreachable {
        /// The request URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// A connection reset, a body cut short.
    #[error("lost the connection to {}: {message}", short(url))]
    Transport {
        /// The request URL.
        url: String,
        /// What failed.
        message: String,
    },
    /// The body was not a readable Atom feed.
    #[error("unreadable response from {}: {error}", short(url))]
    Parse {
        /// The request URL.
        url: String,
        /// What was wrong with it.
        error: ParseError,
    },
    /// A 200 answer of another interface (OAI-PMH) that could not be read: retried.
    #[error("unreadable response from {}: {message}", short(url))]
    Unreadable {
        /// The request URL.
        url: String,
        /// What was wrong with it.
        message: String,
    },
    /// An empty page although `totalResults` says more exist (a known arXiv glitch).
    #[error("empty page at start={start} although arXiv reports {total} results")]
    EmptyPage {
        /// The requested offset.
        start: usize,
        /// `totalResults`.
        total: u64,
    },
    /// The server asked us to wait longer than we are willing to.
    #[error("{last}; arXiv asks to retry after {seconds} s, giving up for this run")]
    RetryAfterTooLong {
        /// The server's `Retry-After`.
        seconds: u64,
        /// The failure that came with it.
        last: Box<Error>,
    },
    /// Every attempt failed.
    #[error("{last}; gave up after {attempts} attempts")]
    GaveUp {
        /// How many requests were sent.
        attempts: u32,
        /// The last failure.
        last: Box<Error>,
    },
}

impl Error {
    /// Whether another attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Http { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            Error::Timeout { .. }
            | Error::Unreachable { .. }
            | Error::Transport { .. }
            | Error::Parse { .. }
            | Error::Unreadable { .. }
            | Error::EmptyPage { .. } => true,
            Error::Api { .. } | Error::RetryAfterTooLong { .. } | Error::GaveUp { .. } => false,
        }
    }
}

impl Error {
    /// Whether the host could not be reached at all (also behind a final give-up).
    pub fn is_unreachable(&self) -> bool {
        match self {
            Error::Unreachable { .. } => true,
            Error::GaveUp { last, .. } | Error::RetryAfterTooLong { last, .. } => {
                last.is_unreachable()
            }
            _ => false,
        }
    }
}

/// A URL as errors show it: without its query string, which for a topic's search can run to
/// 1,500 characters (`-v` logs each whole URL once).
pub fn short(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_string(),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        429 => "rate limited",
        500 => "internal server error",
        502 => "bad gateway",
        503 => "service unavailable",
        504 => "gateway timeout",
        403 => "forbidden",
        404 => "not found",
        406 => "not acceptable",
        _ => "unexpected status",
    }
}

fn detail_suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_names_each_cause_once() {
        let inner = Error::Http {
            status: 503,
            url: "u".into(),
            detail: String::new(),
        };
        let outer = Error::GaveUp {
            attempts: 3,
            last: Box::new(inner),
        };
        let report = format!("{:#}", anyhow::Error::new(outer));
        assert_eq!(
            report,
            "HTTP 503 service unavailable; gave up after 3 attempts"
        );
    }
}
