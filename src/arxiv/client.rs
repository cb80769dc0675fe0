//! The polite HTTP client: one request at a time, a minimum pause between the end of one request
//! and the start of the next, bounded retries with exponential backoff and jitter, `Retry-After`
//! honoured, and arXiv's failure modes (error feeds, spurious empty pages, truncated XML)
//! classified in one place.
//!
//! Time is injected through [`Clock`], so tests can check every pause without waiting for it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tracing::{info, warn};

use super::error::Error;
use super::parse::{Feed, parse_feed};
use super::query::{Order, id_list_url, search_url_by};
use crate::model::ArxivId;

/// The longest `Retry-After` we wait for; a server asking for more fails the request instead.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);
/// The longest backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// The shortest first backoff, whatever `delay_seconds` is: retries never burn in a burst.
const MIN_BACKOFF: Duration = Duration::from_secs(1);
/// Retries of a request whose host cannot be reached (DNS, refused, TLS), at most.
const UNREACHABLE_RETRIES: u32 = 1;
/// Largest body read from one response.
const BODY_LIMIT: u64 = 256 * 1024 * 1024;

/// Where the client gets the time and how it waits.
pub trait Clock: Send + Sync {
    /// A monotonic instant.
    fn now(&self) -> Instant;
    /// Wall-clock time, for `Retry-After` given as an HTTP date.
    fn wall(&self) -> Timestamp;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration);
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn wall(&self) -> Timestamp {
        Timestamp::now()
    }
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// A clock that never waits: `sleep` records the duration and moves virtual time forward.
///
/// For tests and simulations; cloning shares the record.
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    start: Instant,
    wall_start: Timestamp,
    elapsed: Duration,
    sleeps: Vec<Duration>,
}

impl ManualClock {
    /// A clock whose wall time starts at `wall_start`.
    pub fn new(wall_start: Timestamp) -> Self {
        ManualClock {
            inner: Arc::new(Mutex::new(ManualState {
                start: Instant::now(),
                wall_start,
                elapsed: Duration::ZERO,
                sleeps: Vec::new(),
            })),
        }
    }

    /// Every sleep asked for so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let s = self.lock();
        s.start + s.elapsed
    }
    fn wall(&self) -> Timestamp {
        let s = self.lock();
        s.wall_start + s.elapsed
    }
    fn sleep(&self, duration: Duration) {
        let mut s = self.lock();
        s.elapsed += duration;
        s.sleeps.push(duration);
    }
}

/// How the client talks to arXiv.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The query endpoint, e.g. `https://export.arxiv.org/api/query`.
    pub api_url: String,
    /// Minimum pause between the end of one request and the start of the next.
    pub delay: Duration,
    /// Retries after the first attempt.
    pub retries: u32,
    /// Time limit for one whole request.
    pub timeout: Duration,
    /// The User-Agent header.
    pub user_agent: String,
}

/// A sequential, rate-limited export-API client.
pub struct Client {
    agent: ureq::Agent,
    config: ClientConfig,
    clock: Arc<dyn Clock>,
    last_end: Option<Instant>,
    requests: u64,
    timing: Timing,
    /// Hosts found unreachable in this run, with why: later requests to them fail at once.
    down: Vec<(String, String)>,
}

/// Where a client's time went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Timing {
    /// Sleeping between requests (the polite pause, backoff and `Retry-After`), on the
    /// client's clock.
    pub paused: Duration,
    /// From sending each request to having its whole body, in real time.
    pub waiting: Duration,
    /// Parsing the bodies, in real time.
    pub parsing: Duration,
}

/// A failed attempt, with the server's `Retry-After` if it sent one.
struct Failure {
    error: Error,
    retry_after: Option<Duration>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

impl Client {
    /// A client on the real clock.
    pub fn new(config: ClientConfig) -> Self {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// A client on the given clock.
    pub fn with_clock(config: ClientConfig, clock: Arc<dyn Clock>) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(config.timeout))
            .user_agent(config.user_agent.as_str())
            .max_idle_connections(1)
            .max_idle_connections_per_host(1)
            .build()
            .into();
        Client {
            agent,
            config,
            clock,
            last_end: None,
            requests: 0,
            timing: Timing::default(),
            down: Vec::new(),
        }
    }

    /// HTTP requests sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.requests
    }

    /// Where the time went so far.
    pub fn timing(&self) -> Timing {
        self.timing
    }

    /// One page of a search, newest submissions first. An empty page while `totalResults`
    /// says more exist is retried like a server error.
    pub fn search(&mut self, query: &str, start: usize, max_results: usize) -> Result<Feed, Error> {
        self.search_by(query, start, max_results, Order::Submitted)
    }

    /// One page of a search ordered by `order`, newest first. A query too long for a URL is
    /// sent as a form (`POST`), which the export API accepts with the same parameters.
    pub fn search_by(
        &mut self,
        query: &str,
        start: usize,
        max_results: usize,
        order: Order,
    ) -> Result<Feed, Error> {
        let url = search_url_by(&self.config.api_url, query, start, max_results, order);
        self.get(&url, Some(start))
    }

    /// The latest versions of `ids` (ids arXiv does not know are silently absent).
    pub fn fetch_ids(&mut self, ids: &[ArxivId]) -> Result<Feed, Error> {
        let url = id_list_url(&self.config.api_url, ids);
        self.get(&url, None)
    }

    fn get(&mut self, url: &str, paged_from: Option<usize>) -> Result<Feed, Error> {
        self.get_with(url, |status, body| read_feed(url, status, body, paged_from))
    }

    /// A polite GET of another arXiv interface (OAI-PMH): the same pause, retries, backoff and
    /// `Retry-After` as the export API's requests. A status other than 200 is an
    /// [`Error::Http`] (retried when 429 or 5xx); `read` turns a 200 body into a value or says
    /// why it cannot ([`Error::Unreadable`] is retried, [`Error::Api`] is not).
    pub fn get_text<T>(
        &mut self,
        url: &str,
        read: impl Fn(&str) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.get_with(url, |status, body| {
            if status == 200 {
                read(body)
            } else {
                Err(Error::Http {
                    status,
                    url: url.to_string(),
                    detail: snippet(body),
                })
            }
        })
    }

    fn get_with<T>(
        &mut self,
        url: &str,
        read: impl Fn(u16, &str) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let host = host_of(url);
        if let Some((_, message)) = self.down.iter().find(|(h, _)| *h == host) {
            return Err(Error::Unreachable {
                url: url.to_string(),
                message: format!("{message} (earlier in this run; not asked again)"),
            });
        }
        info!(
            "{} {url}",
            if posted(url).is_some() { "POST" } else { "GET" }
        );
        let mut attempt: u32 = 0;
        let mut wait = Duration::ZERO;
        loop {
            self.pause(wait);
            let result = self.attempt(url, &read);
            self.last_end = Some(self.clock.now());
            self.requests += 1;
            let failure = match result {
                Ok(feed) => return Ok(feed),
                Err(failure) => failure,
            };
            if !failure.error.is_retryable() {
                return Err(failure.error);
            }
            if let Some(after) = failure.retry_after
                && after > MAX_RETRY_AFTER
            {
                return Err(Error::RetryAfterTooLong {
                    seconds: after.as_secs(),
                    last: Box::new(failure.error),
                });
            }
            let retries = match &failure.error {
                Error::Unreachable { .. } => self.config.retries.min(UNREACHABLE_RETRIES),
                _ => self.config.retries,
            };
            if attempt >= retries {
                if let Error::Unreachable { message, .. } = &failure.error {
                    self.down.push((host, message.clone()));
                }
                return Err(Error::GaveUp {
                    attempts: attempt + 1,
                    last: Box::new(failure.error),
                });
            }
            let backoff = self.backoff(attempt);
            wait = failure
                .retry_after
                .map_or(backoff, |after| after.max(backoff));
            attempt += 1;
            warn!(
                "{}; retrying in {:.1} s (attempt {} of {})",
                failure.error,
                wait.as_secs_f64(),
                attempt + 1,
                retries + 1
            );
        }
    }

    /// Waits until `delay` has passed since the last request ended, and at least `at_least`.
    fn pause(&mut self, at_least: Duration) {
        let gate = match self.last_end {
            Some(end) => (end + self.config.delay).saturating_duration_since(self.clock.now()),
            None => Duration::ZERO,
        };
        let wait = gate.max(at_least);
        if !wait.is_zero() {
            self.clock.sleep(wait);
            self.timing.paused += wait;
        }
    }

    /// `max(delay, 1 s) × 2^attempt`, plus up to 25 % jitter, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self
            .config
            .delay
            .max(MIN_BACKOFF)
            .saturating_mul(1u32 << attempt.min(16));
        let jitter = base.mul_f64(fastrand::f64() * 0.25);
        (base + jitter).min(MAX_BACKOFF)
    }

    fn attempt<T>(
        &mut self,
        url: &str,
        read: &impl Fn(u16, &str) -> Result<T, Error>,
    ) -> Result<T, Failure> {
        let sent = Instant::now();
        let response = match posted(url) {
            Some((base, form)) => self
                .agent
                .post(base)
                .content_type("application/x-www-form-urlencoded")
                .send(form),
            None => self.agent.get(url).call(),
        };
        let mut response = response.map_err(|e| transport(url, e))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, self.clock.wall()));
        let body = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_string()
            .map_err(|e| transport(url, e));
        self.timing.waiting += sent.elapsed();
        let body = body?;
        let parsing = Instant::now();
        let value = read(status, &body);
        self.timing.parsing += parsing.elapsed();
        // Retry-After belongs to error statuses only.
        value.map_err(|error| Failure {
            error,
            retry_after: retry_after.filter(|_| status != 200),
        })
    }
}

/// URLs longer than this are sent as a form: some servers and proxies refuse longer request
/// lines (a combined query of six topics is about 10 kB).
pub const MAX_GET_URL: usize = 4000;

/// `(address, form)` when `url` is too long for a GET.
fn posted(url: &str) -> Option<(&str, &str)> {
    if url.len() <= MAX_GET_URL {
        return None;
    }
    url.split_once('?')
}

/// The feed of an export-API response, or why it is not one.
fn read_feed(url: &str, status: u16, body: &str, paged_from: Option<usize>) -> Result<Feed, Error> {
    if status != 200 {
        // An error feed explains a 400; anything else is reported by status.
        let message = parse_feed(body).ok().and_then(|f| f.error);
        let error = match (status, message) {
            (400..=499, Some(message)) if status != 429 => Error::Api { status, message },
            _ => Error::Http {
                status,
                url: url.to_string(),
                detail: snippet(body),
            },
        };
        return Err(error);
    }
    let feed = parse_feed(body).map_err(|error| Error::Parse {
        url: url.to_string(),
        error,
    })?;
    if let Some(message) = feed.error.clone() {
        return Err(Error::Api { status, message });
    }
    if let Some(start) = paged_from {
        let total = feed.total_results.unwrap_or(0);
        if feed.entries.is_empty() && feed.skipped.is_empty() && total > start as u64 {
            return Err(Error::EmptyPage { start, total });
        }
    }
    Ok(feed)
}

fn transport(url: &str, error: ureq::Error) -> Failure {
    let timed_out = match &error {
        ureq::Error::Timeout(_) => true,
        ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::TimedOut,
        _ => false,
    };
    let unreachable = match &error {
        ureq::Error::HostNotFound
        | ureq::Error::ConnectionFailed
        | ureq::Error::BadUri(_)
        | ureq::Error::Tls(_)
        | ureq::Error::TlsRequired
        | ureq::Error::Rustls(_)
        | ureq::Error::Pem(_) => true,
        ureq::Error::Io(io) => {
            use std::io::ErrorKind as K;
            matches!(
                io.kind(),
                K::ConnectionRefused
                    | K::HostUnreachable
                    | K::NetworkUnreachable
                    | K::AddrNotAvailable
            ) || io.to_string().contains("failed to lookup address")
        }
        _ => false,
    };
    let error = if timed_out {
        Error::Timeout {
            url: url.to_string(),
        }
    } else if unreachable {
        Error::Unreachable {
            url: url.to_string(),
            message: error.to_string(),
        }
    } else {
        Error::Transport {
            url: url.to_string(),
            message: error.to_string(),
        }
    };
    error.into()
}

/// `scheme://host:port` of a URL: what "unreachable" is remembered for.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    url[..url.len() - rest.len() + end].to_string()
}

/// The first line of a body, shortened, for error messages ("Rate exceeded").
fn snippet(body: &str) -> String {
    crate::model::first_line(body, 120)
}

/// `Retry-After` as delta-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let span = when.duration_since(now);
    Some(Duration::try_from(span).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now: Timestamp = "2026-02-07T12:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Sat, 07 Feb 2026 12:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Sat, 07 Feb 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        let client = Client::new(ClientConfig {
            api_url: "http://127.0.0.1:9/".into(),
            delay: Duration::from_secs(3),
            retries: 5,
            timeout: Duration::from_secs(1),
            user_agent: crate::model::user_agent(),
        });
        for attempt in 0..5 {
            let base = 3.0 * f64::from(1u32 << attempt);
            let got = client.backoff(attempt).as_secs_f64();
            assert!(got >= base && got <= base * 1.25 + 1e-9, "{attempt}: {got}");
        }
        assert_eq!(client.backoff(20), MAX_BACKOFF);
        // `delay_seconds = 0` does not make retries burn in a burst: the floor is 1 s.
        let eager = Client::new(ClientConfig {
            delay: Duration::ZERO,
            ..client.config
        });
        assert!(eager.backoff(0) >= MIN_BACKOFF);
        assert!(eager.backoff(2) >= MIN_BACKOFF * 4);
    }

    #[test]
    fn snippet_is_short_and_first_line() {
        assert_eq!(snippet("\n  Rate exceeded\nmore"), "Rate exceeded");
        assert_eq!(snippet(&"x".repeat(200)).chars().count(), 121);
    }
}
