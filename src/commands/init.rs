//! `paperwatch init [DIR]`: scaffold a tracker that runs every day on GitHub Actions.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::cli::InitArgs;
use crate::config::DEFAULT_CONFIG;
use crate::output::{Ui, write_atomic};

const WORKFLOW: &str = include_str!("templates/workflow.yml");
const GITIGNORE: &str = include_str!("templates/gitignore");
const GUIDE: &str = include_str!("templates/guide.md");

/// The workflow file for a given install source.
pub fn workflow(install_from: &str) -> String {
    WORKFLOW.replace("{{install_from}}", install_from)
}

/// `owner/repo` of a GitHub remote URL (https or ssh), if it is one.
pub fn github_slug(url: &str) -> Option<String> {
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

/// The scaffold's config: the default topics, a README size cap, badges for `slug`.
pub fn config(slug: Option<&str>) -> String {
    let mut text = DEFAULT_CONFIG.replace(
        "# This file is also the embedded default: `paperwatch` uses it, as it is, when no\n# `paperwatch.toml` exists and no `--config` / PAPERWATCH_CONFIG is given.\n# Copy it to `paperwatch.toml` and adjust. Unknown keys are errors.",
        "# Written by `paperwatch init`; docs/PAPERWATCH.md says how to adjust the topics.\n# Unknown keys are errors.",
    );
    let mut readme = String::from(
        "path = \"README.md\"\n# GitHub shows only the first 512,000 bytes of a README: older months move to\n# docs/archive/ above this size.\nmax_bytes = 500000\nintro = \"Papers tracked daily by paperwatch; see [how to adjust the topics](docs/PAPERWATCH.md).\"\n",
    );
    if let Some(slug) = slug {
        readme.push_str(&format!("badges = \"{slug}\"\n"));
    }
    text = text.replacen("path = \"README.md\"\n", &readme, 1);
    text
}

/// Runs `init`.
pub fn run(args: &InitArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir)?;
    let slug = remote_slug(&dir);
    let files: [(&str, String); 4] = [
        ("paperwatch.toml", config(slug.as_deref())),
        (
            ".github/workflows/paperwatch.yml",
            workflow(&args.install_from),
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
    ui.say("next: `paperwatch update`, then commit and push; enable Actions in the repository settings");
    Ok(ExitCode::SUCCESS)
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
    }

    #[test]
    fn the_scaffold_config_is_valid() {
        let s = crate::config::from_str(
            &config(Some("me/t")),
            crate::config::Source::Embedded,
            &|_| None,
        )
        .unwrap();
        assert_eq!(s.readme.max_bytes, Some(500_000));
        assert_eq!(s.readme.badges.as_deref(), Some("me/t"));
        assert_eq!(s.topics.len(), 6);
    }
}
