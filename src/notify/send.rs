//! Delivering a message: SMTP (`lettre`: `smtps://` implicit TLS, `smtp://…?tls=required`
//! STARTTLS, plain `smtp://` to a loopback host only) or an HTTPS POST (`ureq`), with the
//! signature each service wants (HMAC-SHA256 of the body for the generic webhook, Feishu's
//! signed timestamp) and `429` + `Retry-After` honoured. The URL and secrets come from the
//! environment; no error, log line or output contains them.

use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use super::{Body, Message};
use crate::config::{Notify, NotifyKind};

/// The longest `Retry-After` waited for; a service asking for more fails the delivery.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// Attempts per message when the service answers 429.
const ATTEMPTS: u32 = 3;

/// Why a message was not delivered. The text never holds a URL or a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{destination}: {message}")]
pub struct SendError {
    /// The destination's name.
    pub destination: String,
    /// What went wrong.
    pub message: String,
    /// The service refused this message's content (HTTP 400, 413 or 422, or a refusal in its
    /// answer that is not about the destination itself): a smaller or plainer message may
    /// pass. Otherwise (unreachable, 429, 5xx, a bad token or signature, a missing variable)
    /// nothing sent to this destination now would pass.
    pub content: bool,
}

/// A service's refusal, before it is tied to a destination.
#[derive(Debug, PartialEq, Eq)]
struct Refused {
    message: String,
    content: bool,
}

impl Refused {
    /// A refusal that is not about the message's content.
    fn stop(message: String) -> Self {
        Refused {
            message,
            content: false,
        }
    }
}

/// Where the secrets come from (the process environment, or a map in tests).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// How to wait (a real sleep, or a recorded one in tests).
pub type Sleep<'a> = &'a dyn Fn(Duration);

/// Delivers one message to `dest`.
pub fn deliver(dest: &Notify, message: &Message, env: Env, sleep: Sleep) -> Result<(), SendError> {
    let refused = |r: Refused| SendError {
        destination: dest.name.clone(),
        message: r.message,
        content: r.content,
    };
    let fail = |message: String| refused(Refused::stop(message));
    let url = env(&dest.url_env)
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| {
            fail(format!(
                "the environment variable {} (notify.url_env) is not set",
                dest.url_env
            ))
        })?;
    let secret = match &dest.secret_env {
        Some(var) => Some(env(var).filter(|s| !s.is_empty()).ok_or_else(|| {
            fail(format!(
                "the environment variable {var} (notify.secret_env) is not set"
            ))
        })?),
        None => None,
    };
    match &message.body {
        Body::Email {
            subject,
            text,
            html,
        } => email(dest, &url, &message.id(&dest.name), subject, (text, html)).map_err(fail),
        Body::Json(value) => {
            let mut value = value.clone();
            if let (NotifyKind::Feishu, Some(key)) = (dest.kind, &secret) {
                // Feishu refuses a timestamp more than an hour from its own clock: the real
                // one, never the run's `now` (which `SOURCE_DATE_EPOCH` may fix in the past).
                let ts = jiff::Timestamp::now().as_second().to_string();
                value["timestamp"] = Value::String(ts.clone());
                value["sign"] = Value::String(feishu_sign(&ts, key));
            }
            let body = value.to_string();
            let mut headers: Vec<(&str, String)> = Vec::new();
            if dest.kind == NotifyKind::Webhook {
                let id = format!("msg_{}", message.id(&dest.name));
                let timestamp = jiff::Timestamp::now().as_second().to_string();
                if let Some(key) = &secret {
                    headers.push(("X-Paperwatch-Signature", hmac_hex(key, body.as_bytes())));
                    let signed = standard_signature(key, &id, &timestamp, &body);
                    headers.push(("webhook-signature", format!("v1,{signed}")));
                }
                headers.push(("webhook-id", id));
                headers.push(("webhook-timestamp", timestamp));
            }
            let url = match dest.kind {
                NotifyKind::Telegram => format!("{}/sendMessage", url.trim_end_matches('/')),
                _ => url,
            };
            post(dest.kind, &url, &body, &headers, sleep).map_err(refused)
        }
    }
}

/// `hex(HMAC-SHA256(key, body))`.
pub fn hmac_hex(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The Standard Webhooks signature (standardwebhooks.com): base64 of HMAC-SHA256 over
/// `id.timestamp.body`, keyed by the secret (a `whsec_` secret is base64 after its prefix, as
/// the specification writes keys; any other is used as its bytes).
pub fn standard_signature(secret: &str, id: &str, timestamp: &str, body: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = secret
        .strip_prefix("whsec_")
        .and_then(|k| b64.decode(k).ok())
        .unwrap_or_else(|| secret.as_bytes().to_vec());
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    b64.encode(mac.finalize().into_bytes())
}

/// Feishu/Lark's signature: base64 of HMAC-SHA256 keyed by `timestamp + "\n" + secret` over
/// nothing.
pub fn feishu_sign(timestamp: &str, secret: &str) -> String {
    let key = format!("{timestamp}\n{secret}");
    let mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key");
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn post(
    kind: NotifyKind,
    url: &str,
    body: &str,
    headers: &[(&str, String)],
    sleep: Sleep,
) -> Result<(), Refused> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .user_agent(crate::model::user_agent().as_str())
        .build()
        .into();
    for attempt in 1..=ATTEMPTS {
        let mut request = agent
            .post(url)
            .header("Content-Type", "application/json; charset=utf-8");
        for (k, v) in headers {
            request = request.header(*k, v.as_str());
        }
        // ureq's errors name the URL, which holds the secret: keep only their kind.
        let mut response = request
            .send(body.as_bytes())
            .map_err(|e| Refused::stop(format!("cannot reach the service ({})", describe(&e))))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        match status {
            200..=299 => return accepted(kind, status, &text),
            429 if attempt < ATTEMPTS => {
                let header = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok());
                let wait = retry_after(header, &text);
                if wait > MAX_RETRY_AFTER {
                    return Err(Refused::stop(format!(
                        "HTTP 429: the service asks to wait {} s; the papers stay queued",
                        wait.as_secs()
                    )));
                }
                tracing::warn!("HTTP 429; retrying in {} s", wait.as_secs());
                sleep(wait);
            }
            _ => {
                return Err(Refused {
                    message: format!("HTTP {status}: {}", snippet(&text)),
                    content: matches!(status, 400 | 413 | 422) && !about_destination(&text),
                });
            }
        }
    }
    Err(Refused::stop(
        "HTTP 429 after 3 attempts; the papers stay queued".into(),
    ))
}

/// How long a 429 asks to wait: the `Retry-After` header (seconds), else Telegram's
/// `parameters.retry_after` in the body, else 5 s.
fn retry_after(header: Option<&str>, body: &str) -> Duration {
    let from_body = || {
        serde_json::from_str::<Value>(body)
            .ok()?
            .pointer("/parameters/retry_after")?
            .as_u64()
    };
    header
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or_else(from_body)
        .map_or(Duration::from_secs(5), Duration::from_secs)
}

/// Whether a 2xx answer means the service took the message, as each documents it: Slack's
/// incoming webhook answers `ok`; Discord's 204 (or 200 with the message); Telegram's Bot API
/// `{"ok": true, …}`; Feishu/Lark `{"code": 0, …}` (rejections come as HTTP 200 with another
/// code: 19021 bad signature, 19024 keyword missing, 9499 bad request, 11232 rate limit); a
/// generic webhook, any 2xx. Anything else is a refusal that names what the service said.
fn accepted(kind: NotifyKind, status: u16, body: &str) -> Result<(), Refused> {
    let json = serde_json::from_str::<Value>(body).ok();
    let field = |name: &str| json.as_ref().and_then(|v| v.get(name)).cloned();
    let ok = match kind {
        NotifyKind::Slack => body.trim() == "ok" || field("ok") == Some(Value::Bool(true)),
        NotifyKind::Discord => matches!(status, 200 | 204),
        NotifyKind::Telegram => field("ok") == Some(Value::Bool(true)),
        NotifyKind::Feishu => {
            let code = field("code").or_else(|| field("StatusCode"));
            code.and_then(|c| c.as_i64()) == Some(0)
        }
        NotifyKind::Webhook | NotifyKind::Email => true,
    };
    if ok {
        return Ok(());
    }
    let said = match (kind, &json) {
        (NotifyKind::Feishu, Some(v)) => format!(
            "code {} ({})",
            v.get("code")
                .or_else(|| v.get("StatusCode"))
                .map_or("none".into(), Value::to_string),
            snippet(
                v.get("msg")
                    .or_else(|| v.get("StatusMessage"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
            )
        ),
        (NotifyKind::Telegram, Some(v)) => format!(
            "error {} ({})",
            v.get("error_code").map_or("none".into(), Value::to_string),
            snippet(v.get("description").and_then(Value::as_str).unwrap_or(""))
        ),
        _ => format!("HTTP {status}: {}", snippet(body)),
    };
    // Feishu's codes about the bot rather than the message: a bad signature or timestamp, an
    // IP not allowed, a required keyword missing, rate limits.
    let content = match (kind, field("code").and_then(|c| c.as_i64())) {
        (NotifyKind::Feishu, Some(19021 | 19022 | 19024 | 11232 | 11233)) => false,
        _ => !about_destination(body),
    };
    Err(Refused {
        message: format!("the service refused the message: {said}"),
        content,
    })
}

/// Whether a service's refusal is about the destination rather than the message (a chat that
/// does not exist or blocked the bot, a revoked token): nothing else would pass either.
fn about_destination(body: &str) -> bool {
    const SAYINGS: [&str; 7] = [
        "chat not found",
        "bot was blocked",
        "bot was kicked",
        "not enough rights",
        "unauthorized",
        "invalid_token",
        "channel_not_found",
    ];
    let body = body.to_ascii_lowercase();
    SAYINGS.iter().any(|s| body.contains(s))
}

fn describe(e: &ureq::Error) -> &'static str {
    match e {
        ureq::Error::Timeout(_) => "timed out",
        ureq::Error::HostNotFound => "host not found",
        ureq::Error::ConnectionFailed => "connection failed",
        ureq::Error::Io(_) => "network error",
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "TLS error",
        ureq::Error::BadUri(_) => "not a valid URL",
        _ => "request failed",
    }
}

/// The first line of a service's answer, short (services echo no secrets back).
fn snippet(body: &str) -> String {
    crate::model::first_line(body, 160)
}

/// Sends an e-mail digest with a `Message-ID` made from the message's id (so a resent digest
/// can be recognised) and a `List-Id` naming the destination (so it can be filtered).
fn email(
    dest: &Notify,
    url: &str,
    id: &str,
    subject: &str,
    (text, html): (&str, &str),
) -> Result<(), String> {
    use lettre::message::header::{ContentType, HeaderName, HeaderValue};
    use lettre::message::{Mailbox, MultiPart};
    use lettre::{Message as Mail, SmtpTransport, Transport};
    smtp_url_allowed(url)?;
    let from: Mailbox = dest
        .from
        .as_deref()
        .unwrap_or_default()
        .parse()
        .map_err(|e| format!("notify.from is not an address: {e}"))?;
    let domain = from.email.domain().to_string();
    let list_id = HeaderValue::new(
        HeaderName::new_from_ascii_str("List-Id"),
        format!(
            "paperwatch {} <{}.paperwatch.{domain}>",
            dest.name, dest.name
        ),
    );
    let mut builder = Mail::builder()
        .message_id(Some(format!("<{id}.{}@{domain}>", dest.name)))
        .raw_header(list_id)
        .from(from)
        .subject(subject);
    for to in &dest.to {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("notify.to {to:?} is not an address: {e}"))?;
        builder = builder.to(to);
    }
    let mail = builder
        .multipart(MultiPart::alternative_plain_html(
            text.to_string(),
            html.to_string(),
        ))
        .map_err(|e| format!("cannot build the e-mail: {e}"))?;
    let _ = ContentType::TEXT_PLAIN;
    // lettre's URL errors quote no credentials; its transport errors name no URL.
    let transport = SmtpTransport::from_url(url)
        .map_err(|_| "the SMTP URL cannot be read (expected smtps://user:pass@host or smtp://host?tls=required)".to_string())?
        .timeout(Some(Duration::from_secs(30)))
        .build();
    transport
        .send(&mail)
        .map(|_| ())
        .map_err(|e| format!("SMTP delivery failed: {}", smtp_error(&e)))
}

fn smtp_error(e: &lettre::transport::smtp::Error) -> String {
    if e.is_permanent() {
        "the server refused the message permanently".into()
    } else if e.is_transient() {
        "the server refused the message for now".into()
    } else if e.is_timeout() {
        "timed out".into()
    } else if e.is_tls() {
        "TLS error".into()
    } else {
        // lettre's own text names the server's answer or the I/O error, never the URL.
        format!("connection or protocol error ({e})")
    }
}

/// Whether an SMTP URL may carry a password: read as a URL (scheme, host and `tls` from the
/// parsed parts, never from the text), it is `smtps://` (implicit TLS), `smtp://…?tls=required`
/// (STARTTLS or nothing), or goes to a loopback host. `tls=opportunistic` falls back to plain
/// text when STARTTLS is stripped, so it counts as plain.
fn smtp_url_allowed(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url.trim()).map_err(|_| {
        "the SMTP URL cannot be read (expected smtps://user:pass@host or smtp://host?tls=required)"
            .to_string()
    })?;
    let tls = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let encrypted = match (parsed.scheme(), tls.as_deref()) {
        ("smtps", _) => true,
        ("smtp", Some("required")) => true,
        ("smtp", None | Some("opportunistic")) => false,
        ("smtp", Some(other)) => {
            return Err(format!(
                "the SMTP URL's tls={other:?} is neither required nor opportunistic"
            ));
        }
        (scheme, _) => {
            return Err(format!(
                "the SMTP URL must start with smtps:// or smtp://, not {scheme}://"
            ));
        }
    };
    if encrypted || parsed.host().is_some_and(is_loopback) {
        return Ok(());
    }
    Err(
        "plain smtp:// (no TLS, or tls=opportunistic) is allowed only to a loopback host; use smtps:// or smtp://…?tls=required"
            .into(),
    )
}

/// 127.0.0.0/8, ::1 or `localhost`. (In a URL of a scheme the URL standard does not know, such
/// as `smtp`, an IP address is an opaque host name: it is read as an address too.)
fn is_loopback(host: url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => crate::text::is_loopback_host(d),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_known_values() {
        // RFC 4231 test case 2.
        assert_eq!(
            hmac_hex("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(feishu_sign("1599360473", "demo").len(), 44);
    }

    #[test]
    fn standard_webhooks_signature_matches_the_specification_example() {
        // The Standard Webhooks README's example (also checked with Python's hmac).
        assert_eq!(
            standard_signature(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "1614265330",
                r#"{"test": 2432232314}"#
            ),
            "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_429_says_how_long_to_wait_in_its_header_or_telegrams_body() {
        let telegram = r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#;
        assert_eq!(retry_after(None, telegram), Duration::from_secs(7));
        assert_eq!(retry_after(Some("3"), telegram), Duration::from_secs(3));
        assert_eq!(retry_after(None, "slow down"), Duration::from_secs(5));
    }

    #[test]
    fn feishu_signature_matches_its_documented_example() {
        assert_eq!(
            feishu_sign("1599360473", "demo"),
            "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="
        );
    }

    #[test]
    fn plain_smtp_only_to_loopback_read_from_the_parsed_url() {
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtp://user:pw@localhost:25/?x",
            "smtp://[::1]:25",
            "smtp://127.0.0.2:25",
            "smtps://user:pw@mail.example.org:465",
            "smtp://user:pw@mail.example.org:587?tls=required",
            " smtps://mail.example.org",
        ] {
            assert_eq!(smtp_url_allowed(ok), Ok(()), "{ok}");
        }
        for refused in [
            "smtp://mail.example.org:25",
            "smtp://user:pw@mail.example.org:587?tls=opportunistic",
            "SMTP://user:pw@mail.example.org:25",
            " smtp://user:pw@mail.example.org:25",
            "smtp://evil/x@127.0.0.1",
            "smtp://user:pw@mail.example.org:25?tls=none",
            "http://127.0.0.1:25",
        ] {
            let err = smtp_url_allowed(refused).unwrap_err();
            assert!(!err.contains("pw"), "no secret in {err}");
        }
    }

    #[test]
    fn a_2xx_is_accepted_only_as_each_service_documents() {
        use NotifyKind::*;
        assert_eq!(accepted(Slack, 200, "ok"), Ok(()));
        assert!(accepted(Slack, 200, "invalid_blocks").is_err());
        assert_eq!(accepted(Discord, 204, ""), Ok(()));
        assert!(accepted(Discord, 202, "").is_err());
        assert_eq!(
            accepted(Telegram, 200, r#"{"ok":true,"result":{}}"#),
            Ok(())
        );
        let no = accepted(
            Telegram,
            200,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#,
        );
        let no = no.unwrap_err();
        assert_eq!(
            no.message,
            "the service refused the message: error 400 (Bad Request: chat not found)"
        );
        assert!(!no.content, "a missing chat refuses every message alike");
        let long = accepted(
            Telegram,
            200,
            r#"{"ok":false,"error_code":400,"description":"Bad Request: message is too long"}"#,
        );
        assert!(long.unwrap_err().content, "a shorter message may pass");
        assert_eq!(
            accepted(Feishu, 200, r#"{"code":0,"msg":"success","data":{}}"#),
            Ok(())
        );
        assert_eq!(
            accepted(Feishu, 200, r#"{"StatusCode":0,"StatusMessage":"success"}"#),
            Ok(())
        );
        for (code, content) in [(19021, false), (19024, false), (9499, true), (11232, false)] {
            let body = format!(r#"{{"code":{code},"msg":"refused","data":{{}}}}"#);
            let err = accepted(Feishu, 200, &body).unwrap_err();
            assert!(err.message.contains(&format!("code {code}")), "{err:?}");
            assert_eq!(err.content, content, "{code}");
        }
        assert!(accepted(Feishu, 200, "ok").is_err());
        assert_eq!(accepted(Webhook, 202, ""), Ok(()));
    }
}
