//! `paperwatch init [DIR]`: scaffold a tracker that runs every day on GitHub Actions. The
//! choices (topics, site, Pages, digests) come from flags, or from questions when stdin is a
//! terminal (the `ask` module).

mod ask;
mod choices;

pub(super) use choices::{Choices, pages_url};

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::Context;

use crate::cli::{InitArgs, InitNotify};
use crate::config::DEFAULT_CONFIG;
use crate::output::{Ui, write_atomic};

const WORKFLOW: &str = include_str!("templates/workflow.yml");
/// The steps that install paperwatch, shared by the workflow's jobs.
const INSTALL_STEPS: &str = include_str!("templates/install-steps.yml");
const GITIGNORE: &str = include_str!("templates/gitignore");
const GUIDE: &str = include_str!("templates/guide.md");

/// `owner/repo` of a GitHub remote URL (https or ssh), if it is one.
pub(super) fn github_slug(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("http://github.com/"))
        .or_else(|| url.strip_prefix("git@github.com:"))
        .or_else(|| url.strip_prefix("ssh://git@github.com/"))?;
    let rest = rest.trim_end_matches('/').trim_end_matches(".git");
    let (owner, repo) = rest.split_once('/')?;
    (!owner.is_empty() && !repo.is_empty() && !repo.contains('/'))
        .then(|| format!("{owner}/{repo}"))
}

fn remote_slug(dir: &Path) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["remote", "get-url", "origin"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| github_slug(&String::from_utf8_lossy(&out.stdout)))
        .flatten()
}

/// The workflow file: installs paperwatch `version` (prebuilt from `install_from`'s GitHub
/// releases when it is on GitHub, else built from it), publishes the site when `pages`, and
/// passes the secrets of the `notify` destinations.
pub(super) fn workflow(install_from: &str, pages: bool, notify: &[InitNotify]) -> String {
    let releases = match github_slug(install_from) {
        Some(slug) => format!("https://github.com/{slug}/releases"),
        None => format!("{}/releases", install_from.trim_end_matches(".git")),
    };
    let wanted: Vec<&str> = notify
        .iter()
        .flat_map(|n| n.secrets().iter().copied())
        .collect();
    let mut secrets = String::new();
    if !wanted.is_empty() {
        secrets.push_str("        env:\n");
        for var in &wanted {
            secrets.push_str(&format!("          {var}: ${{{{ secrets.{var} }}}}\n"));
        }
    }
    let all = InitNotify::ALL.iter().flat_map(|n| n.secrets().iter());
    for var in all.chain(&["OPENAI_API_KEY"]) {
        if !wanted.contains(var) {
            secrets.push_str(&format!("        #   {var}: ${{{{ secrets.{var} }}}}\n"));
        }
    }
    WORKFLOW
        .replace("{{install}}\n", INSTALL_STEPS)
        .replace("{{install_from}}", install_from)
        .replace("{{releases}}", &releases)
        .replace("{{version}}", env!("CARGO_PKG_VERSION"))
        .replace("{{pages}}", if pages { "true" } else { "false" })
        .replace("{{secrets}}\n", &secrets)
        .replace("        # env:\n        env:\n", "        env:\n")
}

/// Sets `key = value` in `[section]` of a TOML text: replaces the key's line when the section
/// has one, else adds it under the section's header (adding the section when it is missing).
fn set_key(text: &str, section: &str, key: &str, value: &str) -> String {
    let header = format!("[{section}]");
    let line = format!("{key} = {value}");
    let mut out: Vec<String> = Vec::new();
    let (mut inside, mut done, mut header_at) = (false, false, None);
    for l in text.lines() {
        let t = l.trim_start();
        if t.starts_with('[') {
            inside = t.trim_end() == header;
            if inside {
                header_at = Some(out.len());
            }
        } else if inside && !done && t.split_once('=').is_some_and(|(k, _)| k.trim() == key) {
            out.push(line.clone());
            done = true;
            continue;
        }
        out.push(l.to_string());
    }
    if !done {
        match header_at {
            Some(i) => out.insert(i + 1, line),
            None => out.extend([String::new(), header, line]),
        }
    }
    out.join("\n") + "\n"
}

/// The scaffold's config: `base`'s topics, a README size cap, quiet days that change no file,
/// badges for `slug`, the site as chosen, and the digest destinations.
pub(super) fn config(base: &str, slug: Option<&str>, choices: &Choices) -> String {
    let mut text = base.replace(
        "# This file is also the embedded default: `paperwatch` uses it, as it is, when no\n# `paperwatch.toml` exists and no `--config` / PAPERWATCH_CONFIG is given.\n# Copy it to `paperwatch.toml` and adjust. Unknown keys are errors.",
        "# Written by `paperwatch init`; docs/PAPERWATCH.md says how to adjust the topics.\n# Unknown keys are errors.",
    );
    // GitHub shows only the first 512,000 bytes of a README: older months move to docs/archive/.
    text = set_key(&text, "readme", "max_bytes", "500000");
    // A day without news changes no file, so the workflow commits nothing.
    text = set_key(&text, "readme", "updated_on", "\"news\"");
    text = set_key(
        &text,
        "readme",
        "intro",
        "\"Papers tracked daily by paperwatch; see [how to adjust the topics](docs/PAPERWATCH.md).\"",
    );
    if let Some(slug) = slug {
        text = set_key(&text, "readme", "badges", &format!("\"{slug}\""));
        // 👍/👎 in digests open issues on the tracker's repository; its workflow applies them.
        text = set_key(&text, "feedback", "mode", "\"github\"");
    }
    if !choices.site {
        text = set_key(&text, "site", "enabled", "false");
    } else if let Some(url) = &choices.site_url {
        text = set_key(&text, "site", "url", &format!("{url:?}"));
    }
    for kind in &choices.notify {
        text.push('\n');
        text.push_str(kind.block());
    }
    text
}

/// Runs `init`.
pub(super) fn run(args: &InitArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir)?;
    let slug = remote_slug(&dir);
    let mut choices = Choices {
        cv_config: args.cv_config.clone(),
        site: !args.no_site,
        pages: args.pages,
        site_url: args.site_url.clone(),
        notify: args.notify.clone(),
    };
    if !args.no_input && std::io::stdin().is_terminal() {
        let found = Some(dir.join("config.yaml")).filter(|p| p.exists());
        choices = ask::ask(
            &mut std::io::stdin().lock(),
            &mut std::io::stderr(),
            choices,
            slug.as_deref(),
            found.as_deref(),
        )?;
    }
    if choices.pages && choices.site_url.is_none() {
        choices.site_url = slug.as_deref().map(pages_url);
    }
    let base = match &choices.cv_config {
        Some(path) => {
            let yaml = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let cv = crate::cv::parse_config(&yaml)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            crate::cv::toml_from_config(&cv)
        }
        None => DEFAULT_CONFIG.to_string(),
    };
    let files: [(&str, String); 4] = [
        ("paperwatch.toml", config(&base, slug.as_deref(), &choices)),
        (
            ".github/workflows/paperwatch.yml",
            workflow(&args.install_from, choices.pages, &choices.notify),
        ),
        (".gitignore", GITIGNORE.to_string()),
        ("docs/PAPERWATCH.md", GUIDE.to_string()),
    ];
    let mut kept = 0;
    for (rel, text) in &files {
        let path = dir.join(rel);
        if path.exists() && !args.force {
            kept += 1;
            ui.say(&format!(
                "kept the existing {} (--force replaces it)",
                path.display()
            ));
            continue;
        }
        write_atomic(&path, text.as_bytes())?;
        ui.say(&format!("wrote {}", path.display()));
    }
    if let Some(slug) = &slug {
        ui.say(&format!("badges point at github.com/{slug}"));
    }
    if kept > 0 && !args.force {
        ui.say("existing files were not changed");
    }
    for line in next_steps(&choices) {
        ui.say(&line);
    }
    Ok(ExitCode::SUCCESS)
}

/// What the user does next, given the choices.
fn next_steps(choices: &Choices) -> Vec<String> {
    let mut out = Vec::new();
    if choices.cv_config.is_some() {
        out.push(
            "next: `paperwatch import-cv --json docs/cv-arxiv-daily.json` brings in the papers the fork already lists"
                .to_string(),
        );
    }
    out.push("next: `paperwatch update`, then commit and push; enable Actions in the repository settings".into());
    if choices.pages {
        out.push("next: Settings → Pages → Source: \"GitHub Actions\", so the workflow can publish the site".into());
    }
    for kind in &choices.notify {
        out.push(format!(
            "next: add the repository secret{} {} (Settings → Secrets and variables → Actions) and edit the [[notify]] block",
            if kind.secrets().len() > 1 { "s" } else { "" },
            kind.secrets().join(" and ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_from_remotes() {
        assert_eq!(
            github_slug("https://github.com/me/tracker.git\n").as_deref(),
            Some("me/tracker")
        );
        assert_eq!(
            github_slug("git@github.com:me/tracker.git").as_deref(),
            Some("me/tracker")
        );
        assert_eq!(github_slug("https://gitlab.com/me/tracker"), None);
        assert_eq!(github_slug("https://github.com/me"), None);
        assert_eq!(pages_url("Me/tracker"), "https://me.github.io/tracker");
        assert_eq!(pages_url("me/me.github.io"), "https://me.github.io");
    }

    #[test]
    fn the_scaffold_config_is_valid() {
        let choices = Choices {
            site: true,
            pages: true,
            site_url: Some("https://me.github.io/t".into()),
            notify: vec![InitNotify::Email, InitNotify::Slack],
            ..Choices::default()
        };
        let text = config(DEFAULT_CONFIG, Some("me/t"), &choices);
        let s = crate::config::from_str(&text, crate::config::Source::Embedded, &|_| None).unwrap();
        assert_eq!(s.readme.max_bytes, Some(500_000));
        assert_eq!(s.readme.badges.as_deref(), Some("me/t"));
        assert_eq!(s.feedback.mode, crate::config::FeedbackMode::Github);
        assert_eq!(s.readme.updated_on, crate::config::UpdatedOn::News);
        assert_eq!(s.site.url.as_deref(), Some("https://me.github.io/t"));
        assert_eq!(s.notify.len(), 2);
        assert_eq!(s.topics.len(), 6);
        let off = config(DEFAULT_CONFIG, None, &Choices::default());
        let s = crate::config::from_str(&off, crate::config::Source::Embedded, &|_| None).unwrap();
        assert!(!s.site.enabled);
    }

    #[test]
    fn set_key_replaces_inserts_or_adds_a_section() {
        let t = "[a]\nx = 1\n\n[b]\ny = 2\n";
        assert_eq!(set_key(t, "a", "x", "3"), "[a]\nx = 3\n\n[b]\ny = 2\n");
        assert_eq!(
            set_key(t, "b", "x", "3"),
            "[a]\nx = 1\n\n[b]\nx = 3\ny = 2\n"
        );
        assert_eq!(
            set_key(t, "c", "z", "4"),
            "[a]\nx = 1\n\n[b]\ny = 2\n\n[c]\nz = 4\n"
        );
    }

    #[test]
    fn the_workflow_passes_the_chosen_destinations_secrets() {
        let w = workflow("https://github.com/o/p", true, &[InitNotify::Feishu]);
        assert!(w.contains("        env:\n          FEISHU_WEBHOOK_URL: ${{ secrets.FEISHU_WEBHOOK_URL }}\n          FEISHU_SECRET: ${{ secrets.FEISHU_SECRET }}\n"), "{w}");
        assert!(w.contains("        #   SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}\n"));
        assert!(w.contains("PAPERWATCH_RELEASES: \"https://github.com/o/p/releases\""));
        assert!(w.contains("PAPERWATCH_PAGES: \"true\""));
        let w = workflow("https://github.com/o/p", false, &[]);
        assert!(
            w.contains("        # env:\n        #   PAPERWATCH_SMTP_URL"),
            "{w}"
        );
        for placeholder in ["install_from", "releases", "version", "pages", "secrets"] {
            assert!(
                !w.contains(&format!("{{{{{placeholder}}}}}")),
                "{placeholder} filled"
            );
        }
    }
}
