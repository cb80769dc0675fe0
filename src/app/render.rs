//! `paperwatch render`: write the README from the database, no network.

use anyhow::Context;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{Ui, open_store, write_atomic};
use crate::config::{Settings, Sort};
use crate::render::chart::{ChartOptions, svg_to_png, trend_svg};
use crate::render::{ArchiveOptions, ReadmeOptions, Section, readme_capped};
use std::path::Path;

/// Renders the README of the configured topics, in config order, after deciding every topic's
/// papers again (the config may have changed since they were fetched).
pub fn run(settings: &Settings, now: Timestamp, ui: Ui) -> anyhow::Result<()> {
    let mut store = open_store(settings, false)?;
    super::classify::classify_all(settings, &mut store)?;
    publish(settings, &store, now, ui)
}

/// Writes every output from a store whose verdicts are current (`update` has just decided them).
pub fn publish(
    settings: &Settings,
    store: &crate::store::Store,
    now: Timestamp,
    ui: Ui,
) -> anyhow::Result<()> {
    let mut papers = Vec::with_capacity(settings.topics.len());
    for topic in &settings.topics {
        let mut shown = store
            .shown_papers(&topic.name)
            .with_context(|| format!("cannot read the papers of topic {}", topic.name))?;
        if topic.sort == Sort::Score {
            let scores = store.scores(&topic.name)?;
            let score = |p: &crate::model::Paper| scores.get(&p.id).copied().unwrap_or(0.0);
            shown.sort_by(|a, b| score(b).total_cmp(&score(a)).then_with(|| b.id.cmp(&a.id)));
        }
        papers.push(shown);
    }
    let sections: Vec<Section> = settings
        .topics
        .iter()
        .zip(&papers)
        .map(|(topic, papers)| Section {
            name: &topic.name,
            papers,
            by_id: topic.sort == Sort::Id,
        })
        .collect();
    let r = &settings.readme;
    let code = super::links::code_map(settings, store)?;
    if let Some(image) = chart_path(settings) {
        let svg = trend_svg(
            &ChartOptions {
                title: &settings.chart.title,
                bucket: settings.chart.bucket,
                per_topic: settings.chart.per_topic,
            },
            &sections,
        );
        let png = svg_to_png(&svg)?;
        write_atomic(&image.with_extension("svg"), svg.as_bytes())?;
        write_atomic(&image, &png)?;
        ui.say(&format!(
            "wrote {} and {}",
            image.display(),
            image.with_extension("svg").display()
        ));
    }
    let options = ReadmeOptions {
        badges: r.badges.as_deref(),
        intro: r.intro.as_deref(),
        trend_image: r.trend_image.as_deref(),
        date: now.to_zoned(TimeZone::UTC).date(),
        code_links: Some(&code),
    };
    let readme_dir = r.path.parent().unwrap_or(Path::new(""));
    let dir_link = relative_link(readme_dir, &r.archive_dir);
    let readme_link = relative_link(&r.archive_dir, &r.path);
    let archive = r.max_bytes.map(|max_bytes| ArchiveOptions {
        max_bytes,
        dir_link: &dir_link,
        readme_link: &readme_link,
    });
    let capped = readme_capped(&options, &sections, archive.as_ref());
    write_archives(&r.archive_dir, &capped.archives)?;
    write_atomic(&r.path, capped.readme.as_bytes())?;
    let rows = capped.readme.matches("\n|**").count();
    ui.say(&format!(
        "wrote {} ({} rows, {} bytes{})",
        r.path.display(),
        rows,
        capped.readme.len(),
        if capped.archives.is_empty() {
            String::new()
        } else {
            format!(", {} archive pages", capped.archives.len())
        }
    ));
    if settings.site.enabled {
        let all = store.member_papers()?;
        let svg = chart_path(settings)
            .map(|p| std::fs::read_to_string(p.with_extension("svg")))
            .transpose()
            .context("cannot read the trend chart for the site")?;
        super::publish::site(settings, &all, &code, svg.as_deref(), now, ui)?;
    }
    Ok(())
}

/// Writes the archive pages and removes month pages that are no longer archived.
fn write_archives(dir: &Path, archives: &[(String, String)]) -> anyhow::Result<()> {
    for (month, page) in archives {
        write_atomic(&dir.join(format!("{month}.md")), page.as_bytes())?;
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_month = name.len() == 10
                && name.ends_with(".md")
                && name[..7]
                    .chars()
                    .enumerate()
                    .all(|(i, c)| if i == 4 { c == '-' } else { c.is_ascii_digit() });
            if is_month && !archives.iter().any(|(m, _)| format!("{m}.md") == name) {
                std::fs::remove_file(entry.path())
                    .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            }
        }
    }
    Ok(())
}

/// A relative link (with `/`) from folder `from` to `to`, for Markdown.
pub fn relative_link(from: &Path, to: &Path) -> String {
    let absolute = |p: &Path| {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
    };
    let (from, to) = (absolute(from), absolute(to));
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// Where the trend PNG goes: `trend_image` relative to the README's folder; `None` when there is
/// no trend image or it is a URL.
pub fn chart_path(settings: &Settings) -> Option<std::path::PathBuf> {
    let image = settings.readme.trend_image.as_deref()?;
    if image.contains("://") {
        return None;
    }
    let folder = settings
        .readme
        .path
        .parent()
        .unwrap_or(std::path::Path::new(""));
    Some(folder.join(image))
}

#[cfg(test)]
mod tests {
    use super::relative_link;
    use std::path::Path;

    #[test]
    fn relative_links() {
        assert_eq!(
            relative_link(Path::new(""), Path::new("docs/archive")),
            "docs/archive"
        );
        assert_eq!(
            relative_link(Path::new("docs/archive"), Path::new("README.md")),
            "../../README.md"
        );
        assert_eq!(
            relative_link(Path::new("/a/b"), Path::new("/a/c/d.md")),
            "../c/d.md"
        );
        assert_eq!(relative_link(Path::new("/a"), Path::new("/a")), ".");
    }
}
