//! Each section's settings built from the key table's values, and checked: one function per
//! section. An error points where the bad value came from (file line, variable or default).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{
    ArxivSettings, BUILTIN_EXAMPLES, ChartSettings, ConfigError, ExampleSource, Layout,
    LinksSettings, Read, ReadmeSettings, RelevanceSettings, SiteSettings, SnapshotSettings,
    SummarizeSettings, UpdatedOn, is_arxiv_host,
};
use crate::model::Bucket;

fn is_http(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

/// An http(s) URL with a host (and a port, when it has a colon).
fn check_url(v: &Read, section: &'static str, key: &'static str) -> Result<String, ConfigError> {
    let url = v.str(section, key);
    let authority = url.split_once("://").map_or("", |(_, rest)| {
        rest.split(['/', '?', '#']).next().unwrap_or("")
    });
    let host_ok = match authority.rsplit_once(':') {
        Some((host, port)) if !authority.ends_with(']') => {
            !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0)
        }
        _ => !authority.is_empty(),
    };
    if !is_http(&url) || !host_ok {
        return Err(v.invalid(
            section,
            key,
            format!("{section}.{key} must be an http(s) URL with a host, got {url:?}"),
        ));
    }
    Ok(url)
}

/// A whole number within `range`.
fn int_in(
    v: &Read,
    section: &'static str,
    key: &'static str,
    range: std::ops::RangeInclusive<i64>,
    why: &str,
) -> Result<i64, ConfigError> {
    let n = v.int(section, key).unwrap_or(0);
    if !range.contains(&n) {
        return Err(v.invalid(
            section,
            key,
            format!(
                "{section}.{key} must be between {} and {}{why}, got {n}",
                range.start(),
                range.end()
            ),
        ));
    }
    Ok(n)
}

/// Seconds, zero or more (`positive`: more than zero).
fn seconds(
    v: &Read,
    section: &'static str,
    key: &'static str,
    positive: bool,
) -> Result<Duration, ConfigError> {
    let s = v.float(section, key);
    let ok = s.is_finite() && if positive { s > 0.0 } else { s >= 0.0 };
    if !ok {
        let bound = if positive {
            "more than zero"
        } else {
            "zero or more"
        };
        return Err(v.invalid(
            section,
            key,
            format!("{section}.{key} must be {bound}, got {s}"),
        ));
    }
    Ok(Duration::from_secs_f64(s))
}

/// A path that must not be empty, resolved against the config's folder.
fn path(
    v: &Read,
    section: &'static str,
    key: &'static str,
    base: &Path,
) -> Result<PathBuf, ConfigError> {
    let p = v.str(section, key);
    if p.trim().is_empty() {
        return Err(v.invalid(section, key, format!("{section}.{key} must not be empty")));
    }
    Ok(base.join(p))
}

/// `[arxiv]`.
pub(super) fn arxiv(v: &Read) -> Result<ArxivSettings, ConfigError> {
    let api_url = check_url(v, "arxiv", "api_url")?;
    let oai_url = check_url(v, "arxiv", "oai_url")?;
    let delay = seconds(v, "arxiv", "delay_seconds", false)?;
    if is_arxiv_host(&api_url) && delay < Duration::from_secs(3) {
        return Err(v.invalid(
            "arxiv",
            "delay_seconds",
            format!(
                "arxiv.delay_seconds = {} is below arXiv's limit of one request every 3 seconds",
                delay.as_secs_f64()
            ),
        ));
    }
    let limit = " (arXiv's limit)";
    Ok(ArxivSettings {
        api_url,
        oai_url,
        delay,
        page_size: int_in(v, "arxiv", "page_size", 1..=2000, limit)? as usize,
        max_results: match v.int("arxiv", "max_results") {
            None => None,
            Some(_) => Some(int_in(v, "arxiv", "max_results", 1..=10_000_000, "")? as usize),
        },
        since: since(v)?,
        retries: int_in(v, "arxiv", "retries", 0..=20, "")? as u32,
        timeout: seconds(v, "arxiv", "timeout_seconds", true)?,
    })
}

/// `[arxiv] since`: a calendar date.
fn since(v: &Read) -> Result<Option<jiff::civil::Date>, ConfigError> {
    let Some(text) = v.opt_str("arxiv", "since") else {
        return Ok(None);
    };
    let date: jiff::civil::Date = text.trim().parse().map_err(|_| {
        v.invalid(
            "arxiv",
            "since",
            format!("arxiv.since must be a date YYYY-MM-DD, got {text:?}"),
        )
    })?;
    if date.year() < 1991 {
        return Err(v.invalid(
            "arxiv",
            "since",
            format!("arxiv.since must be 1991-01-01 or later (arXiv's start), got {date}"),
        ));
    }
    Ok(Some(date))
}

/// `[database] path`, not yet resolved.
pub(super) fn database(v: &Read) -> Result<(PathBuf, Duration), ConfigError> {
    Ok((
        path(v, "database", "path", Path::new(""))?,
        seconds(v, "database", "lock_wait_seconds", false)?,
    ))
}

/// `[readme]`.
pub(super) fn readme(v: &Read, base: &Path) -> Result<ReadmeSettings, ConfigError> {
    let badges = v.opt_str("readme", "badges");
    if let Some(slug) = &badges {
        let ok = slug
            .split_once('/')
            .is_some_and(|(o, r)| !o.is_empty() && !r.is_empty() && !r.contains('/'));
        if !ok {
            return Err(v.invalid(
                "readme",
                "badges",
                format!("readme.badges must be a GitHub owner/repo, got {slug:?}"),
            ));
        }
    }
    let max_bytes = v.int("readme", "max_bytes").filter(|&m| m != 0);
    if let Some(max) = max_bytes
        && max < 10_000
    {
        return Err(v.invalid(
            "readme",
            "max_bytes",
            format!(
                "readme.max_bytes must be at least 10000 (GitHub shows 512000), or 0 for no cap, got {max}"
            ),
        ));
    }
    Ok(ReadmeSettings {
        path: path(v, "readme", "path", base)?,
        intro: v.opt_str("readme", "intro"),
        badges,
        trend_image: v.opt_str("readme", "trend_image"),
        max_bytes: max_bytes.map(|m| m as usize),
        archive_dir: path(v, "readme", "archive_dir", base)?,
        updated_on: match v.str("readme", "updated_on").as_str() {
            "news" => UpdatedOn::News,
            _ => UpdatedOn::Run,
        },
        layout: match v.str("readme", "layout").as_str() {
            "cv" => Layout::Cv,
            _ => Layout::Seed,
        },
        gitpage_path: v.opt_str("readme", "gitpage_path").map(|p| base.join(p)),
        wechat_path: v.opt_str("readme", "wechat_path").map(|p| base.join(p)),
    })
}

/// `[site]`.
pub(super) fn site(v: &Read, base: &Path) -> Result<SiteSettings, ConfigError> {
    Ok(SiteSettings {
        enabled: v.bool("site", "enabled"),
        path: path(v, "site", "path", base)?,
        title: v.str("site", "title"),
        url: v
            .opt_str("site", "url")
            .map(|u| u.trim_end_matches('/').to_string()),
    })
}

/// `[snapshot]`.
pub(super) fn snapshot(v: &Read, base: &Path) -> SnapshotSettings {
    SnapshotSettings {
        enabled: v.bool("snapshot", "enabled"),
        path: base.join(v.str("snapshot", "path")),
    }
}

/// `[links]`.
pub(super) fn links(v: &Read) -> Result<LinksSettings, ConfigError> {
    Ok(LinksSettings {
        from_text: v.bool("links", "from_text"),
        huggingface: v.bool("links", "huggingface"),
        huggingface_url: check_url(v, "links", "huggingface_url")?
            .trim_end_matches('/')
            .to_string(),
        huggingface_delay: seconds(v, "links", "huggingface_delay_seconds", false)?,
        huggingface_concurrency: int_in(v, "links", "huggingface_concurrency", 1..=16, "")?
            as usize,
        huggingface_budget: int_in(v, "links", "huggingface_budget", 0..=100_000, "")? as usize,
        timeout: seconds(v, "links", "timeout_seconds", true)?,
    })
}

/// `[chart]`.
pub(super) fn chart(v: &Read) -> ChartSettings {
    let bucket = match v.str("chart", "bucket").as_str() {
        "updated" => Bucket::Updated,
        "id" => Bucket::Id,
        _ => Bucket::Published,
    };
    ChartSettings {
        title: v.str("chart", "title"),
        bucket,
        per_topic: v.bool("chart", "per_topic"),
    }
}

/// `[relevance]`.
pub(super) fn relevance(v: &Read, base: &Path) -> Result<RelevanceSettings, ConfigError> {
    let mut examples = Vec::new();
    for item in v.list("relevance", "examples") {
        let item = item.trim();
        if item.is_empty() {
            return Err(v.invalid(
                "relevance",
                "examples",
                "relevance.examples must not hold an empty path".to_string(),
            ));
        }
        match item.strip_prefix("builtin:") {
            Some(name) if BUILTIN_EXAMPLES.iter().any(|(n, _)| *n == name) => {
                examples.push(ExampleSource::Builtin(name.to_string()));
            }
            Some(name) => {
                let known: Vec<&str> = BUILTIN_EXAMPLES.iter().map(|(n, _)| *n).collect();
                return Err(v.invalid(
                    "relevance",
                    "examples",
                    format!(
                        "relevance.examples: no built-in set {name:?} (built in: {})",
                        known.join(", ")
                    ),
                ));
            }
            None => examples.push(ExampleSource::File(base.join(item))),
        }
    }
    let threshold = v.opt_float("relevance", "threshold");
    if let Some(t) = threshold
        && !(0.0..=1.0).contains(&t)
    {
        return Err(v.invalid(
            "relevance",
            "threshold",
            format!("relevance.threshold must be between 0 and 1, got {t}"),
        ));
    }
    Ok(RelevanceSettings {
        examples,
        threshold,
    })
}

/// `[summarize]`.
pub(super) fn summarize(v: &Read) -> Result<SummarizeSettings, ConfigError> {
    let language = v.str("summarize", "language");
    if language.trim().is_empty() || language.len() > 32 {
        return Err(v.invalid(
            "summarize",
            "language",
            format!("summarize.language must be a language name or code, got {language:?}"),
        ));
    }
    Ok(SummarizeSettings {
        enabled: v.bool("summarize", "enabled"),
        base_url: check_url(v, "summarize", "base_url")?
            .trim_end_matches('/')
            .to_string(),
        model: v.str("summarize", "model"),
        api_key_env: v.str("summarize", "api_key_env"),
        language,
        max_per_run: int_in(v, "summarize", "max_per_run", 0..=10_000, "")? as usize,
        timeout: seconds(v, "summarize", "timeout_seconds", true)?,
    })
}
