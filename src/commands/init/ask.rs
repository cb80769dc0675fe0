//! `init`'s questions on a terminal: topics, site, Pages and its URL, digests. Each answer
//! defaults to what the flags said (Enter keeps it); reading and writing go through the given
//! streams so the questions are tested with scripted answers.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use super::choices::{Choices, pages_url};
use crate::cli::InitNotify;

/// Asks each question, starting from `flags`; `slug` is the `origin` remote's `owner/repo`,
/// `found` a cv-arxiv-daily config.yaml in the current folder.
pub(super) fn ask(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    flags: Choices,
    slug: Option<&str>,
    found: Option<&Path>,
) -> anyhow::Result<Choices> {
    let mut c = flags;
    let cv_default = c.cv_config.clone().or_else(|| found.map(Path::to_path_buf));
    let shown = cv_default
        .as_ref()
        .map_or("default".to_string(), |p| p.display().to_string());
    let answer = line(
        input,
        out,
        &format!(
            "Topics: \"default\" (the six topics on LLMs on mobile NPUs) or a cv-arxiv-daily config.yaml to start from [{shown}]: "
        ),
    )?;
    c.cv_config = match answer.as_str() {
        "" => cv_default,
        "default" => None,
        path => Some(PathBuf::from(path)),
    };
    c.site = yes_no(input, out, "Write a static site with feeds?", c.site)?;
    if c.site {
        c.pages = yes_no(
            input,
            out,
            "Publish it on GitHub Pages?",
            c.pages || slug.is_some(),
        )?;
        let default = c.site_url.clone().or_else(|| slug.map(pages_url));
        let prompt = format!(
            "The site's URL, for absolute links in the feeds [{}]: ",
            default.as_deref().unwrap_or("none")
        );
        let url = line(input, out, &prompt)?;
        c.site_url = match url.as_str() {
            "" => default,
            "none" => None,
            url => Some(url.trim_end_matches('/').to_string()),
        };
    } else {
        c.pages = false;
        c.site_url = None;
    }
    let kinds: Vec<String> = InitNotify::ALL
        .iter()
        .filter_map(|k| k.to_possible_value().map(|v| v.get_name().to_string()))
        .collect();
    let default = if c.notify.is_empty() {
        "none".to_string()
    } else {
        c.notify
            .iter()
            .filter_map(|k| k.to_possible_value().map(|v| v.get_name().to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    loop {
        let prompt = format!(
            "Send digests of new papers? none, or any of {} [{default}]: ",
            kinds.join(", ")
        );
        let answer = line(input, out, &prompt)?;
        let answer = if answer.is_empty() {
            default.clone()
        } else {
            answer
        };
        if answer == "none" {
            c.notify.clear();
            break;
        }
        let parsed: Result<Vec<InitNotify>, String> = answer
            .split([' ', ','])
            .filter(|w| !w.is_empty())
            .map(|w| InitNotify::from_str(w, true))
            .collect();
        match parsed {
            Ok(kinds) => {
                c.notify = kinds;
                break;
            }
            Err(e) => writeln!(out, "{e}")?,
        }
    }
    Ok(c)
}

/// One trimmed answer; the end of input counts as Enter.
fn line(input: &mut dyn BufRead, out: &mut dyn Write, prompt: &str) -> anyhow::Result<String> {
    write!(out, "{prompt}")?;
    out.flush()?;
    let mut s = String::new();
    input.read_line(&mut s)?;
    Ok(s.trim().to_string())
}

fn yes_no(
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    question: &str,
    default: bool,
) -> anyhow::Result<bool> {
    loop {
        let hint = if default { "Y/n" } else { "y/N" };
        match line(input, out, &format!("{question} [{hint}]: "))?
            .to_ascii_lowercase()
            .as_str()
        {
            "" => return Ok(default),
            "y" | "yes" => return Ok(true),
            "n" | "no" => return Ok(false),
            _ => writeln!(out, "answer y or n")?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(answers: &str, flags: Choices, slug: Option<&str>) -> (Choices, String) {
        let mut out = Vec::new();
        let c = ask(&mut answers.as_bytes(), &mut out, flags, slug, None).unwrap();
        (c, String::from_utf8(out).unwrap())
    }

    fn site_on() -> Choices {
        Choices {
            site: true,
            ..Choices::default()
        }
    }

    #[test]
    fn enter_everywhere_keeps_the_defaults_and_the_remote_gives_the_url() {
        let (c, out) = run("\n\n\n\n\n", site_on(), Some("me/tracker"));
        assert_eq!(c.cv_config, None);
        assert!(c.site && c.pages);
        assert_eq!(c.site_url.as_deref(), Some("https://me.github.io/tracker"));
        assert!(c.notify.is_empty());
        assert!(out.contains("[https://me.github.io/tracker]"), "{out}");
    }

    #[test]
    fn answers_choose_topics_site_and_digests() {
        let (c, out) = run(
            "config.yaml\nyes\nmaybe\nn\nhttps://example.org/papers/\nsms\nemail, slack\n",
            site_on(),
            None,
        );
        assert_eq!(c.cv_config.as_deref(), Some(Path::new("config.yaml")));
        assert!(c.site && !c.pages);
        assert_eq!(c.site_url.as_deref(), Some("https://example.org/papers"));
        assert_eq!(c.notify, vec![InitNotify::Email, InitNotify::Slack]);
        assert!(out.contains("answer y or n"), "{out}");
        assert!(out.contains("invalid variant: sms"), "{out}");
    }

    #[test]
    fn no_site_asks_nothing_about_pages() {
        let (c, out) = run("default\nn\nnone\n", site_on(), Some("me/t"));
        assert!(!c.site && !c.pages && c.site_url.is_none());
        assert!(!out.contains("Pages"), "{out}");
    }
}
