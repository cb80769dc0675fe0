//! The publish stage: the trend chart, the README (with its archive pages when capped) and,
//! when enabled, the site and feeds, all from the decided corpus.

use std::path::{Path, PathBuf};

use anyhow::Context;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::run::{CodeLinks, Run, summaries};
use crate::config::{Layout, Settings, Sort, Topic, UpdatedOn};
use crate::model::{Corpus, CvRows, Paper};
use crate::output::{Ui, write_atomic};
use crate::render::chart::{ChartOptions, svg_to_png, trend_svg};
use crate::render::cv::{CvFile, CvOptions, cv_archive_page, cv_capped, cv_file};
use crate::render::{Archive, ArchiveOptions, ReadmeOptions, Section, readme_capped};

/// Whether a README is one paperwatch (or a cv-arxiv-daily script it replaces) wrote: it has
/// the `## Updated on` line every such README has.
pub(super) fn is_tracker_readme(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("## Updated on "))
}

/// Stops before any work when `[readme] path` holds a README paperwatch did not write (a
/// project's own README, say), unless `force`.
pub fn check_readme(settings: &Settings, force: bool) -> anyhow::Result<()> {
    let path = &settings.readme.path;
    if force {
        return Ok(());
    }
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if is_tracker_readme(&text) {
        return Ok(());
    }
    Err(crate::output::UsageError(format!(
        "{} exists and paperwatch did not write it (it has no `## Updated on` line), so it is left \
         as it is: run paperwatch in a folder of its own, set `[readme] path` to another file, or \
         pass --force to replace it",
        path.display()
    ))
    .into())
}

/// The publish stage: writes every output from a corpus whose verdicts are current.
pub(super) fn publish(run: &Run) -> anyhow::Result<()> {
    let (settings, corpus, code, now, ui) = (run.settings, &run.corpus, &run.code, run.now, run.ui);
    let summaries = &summaries(settings, run.store)?;
    let papers: Vec<Vec<&Paper>> = settings
        .topics
        .iter()
        .map(|t| shown_papers(corpus, t))
        .collect();
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
    let svg = write_chart(settings, &sections, ui)?;
    // Dated by their content, outputs stay byte for byte the same on a day without news.
    let last_news = corpus.last_news();
    let readme_day = match settings.readme.updated_on {
        UpdatedOn::Run => now,
        UpdatedOn::News => last_news.unwrap_or(now),
    };
    // The site and the README read the same corpus and write different files: side by side.
    let site = std::thread::scope(|scope| {
        let site = settings.site.enabled.then(|| {
            scope.spawn(|| {
                super::site::site(
                    settings,
                    &corpus.papers,
                    code,
                    summaries,
                    svg.as_deref(),
                    last_news.unwrap_or(now),
                )
            })
        });
        let migrated = &corpus.cv_rows;
        let readme = write_readme(settings, &sections, code, migrated, readme_day, ui)
            .and_then(|()| write_cv_extras(settings, &sections, code, migrated, readme_day, ui));
        let site = site.map(|h| h.join().expect("the site's thread panicked"));
        readme.and(site.transpose())
    })?;
    if let Some(said) = site {
        ui.say(&said);
    }
    Ok(())
}

/// A topic's shown papers in README order: newest id first, or best score first.
fn shown_papers<'c>(corpus: &'c Corpus, topic: &Topic) -> Vec<&'c Paper> {
    let mut shown: Vec<(&Paper, f64)> = corpus
        .papers
        .iter()
        .rev()
        .filter_map(|s| {
            let m = s.topics.iter().find(|m| m.name == topic.name && m.shown)?;
            Some((&s.paper, m.score.unwrap_or(0.0)))
        })
        .collect();
    if topic.sort == Sort::Score {
        shown.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| b.0.id.cmp(&a.0.id)));
    }
    shown.into_iter().map(|(p, _)| p).collect()
}

/// Writes the trend chart (PNG and SVG) when there is a trend image; returns the SVG.
fn write_chart(
    settings: &Settings,
    sections: &[Section],
    ui: Ui,
) -> anyhow::Result<Option<String>> {
    let Some(image) = chart_path(settings) else {
        return Ok(None);
    };
    let svg = trend_svg(
        &ChartOptions {
            title: &settings.chart.title,
            bucket: settings.chart.bucket,
            per_topic: settings.chart.per_topic,
        },
        sections,
    );
    let png = svg_to_png(&svg)?;
    write_atomic(&image.with_extension("svg"), svg.as_bytes())?;
    write_atomic(&image, &png)?;
    ui.say(&format!(
        "wrote {} and {}",
        image.display(),
        image.with_extension("svg").display()
    ));
    Ok(Some(svg))
}

/// Writes the README in its layout, and its archive pages when capped.
fn write_readme(
    settings: &Settings,
    sections: &[Section],
    code: &CodeLinks,
    migrated: &CvRows,
    day: Timestamp,
    ui: Ui,
) -> anyhow::Result<()> {
    let r = &settings.readme;
    let readme_dir = r.path.parent().unwrap_or(Path::new(""));
    let dir_link = relative_link(readme_dir, &r.archive_dir);
    let readme_link = relative_link(&r.archive_dir, &r.path);
    let archive = r.max_bytes.map(|max_bytes| ArchiveOptions {
        max_bytes,
        dir_link: &dir_link,
        readme_link: &readme_link,
    });
    let (capped, layout) = match r.layout {
        Layout::Seed => {
            let options = ReadmeOptions {
                badges: r.badges.as_deref(),
                intro: r.intro.as_deref(),
                trend_image: r.trend_image.as_deref(),
                date: day.to_zoned(TimeZone::UTC).date(),
                code_links: Some(code),
            };
            let capped = readme_capped(&options, sections, archive.as_ref());
            let pages = Archive::new(&options, sections, &readme_link);
            write_archives(&r.archive_dir, &capped.archived, |month| pages.page(month))?;
            (capped, "")
        }
        Layout::Cv => {
            let options = cv_options(settings, code, migrated, day);
            let capped = cv_capped(CvFile::Readme, &options, sections, archive.as_ref());
            write_archives(&r.archive_dir, &capped.archived, |month| {
                cv_archive_page(CvFile::Readme, &options, sections, month, &readme_link)
            })?;
            (capped, ", cv layout")
        }
    };
    write_atomic(&r.path, capped.readme.as_bytes())?;
    let rows = capped.readme.matches("\n|**").count();
    ui.say(&format!(
        "wrote {} ({} rows, {} bytes{layout}{})",
        r.path.display(),
        rows,
        capped.readme.len(),
        if capped.archived.is_empty() {
            String::new()
        } else {
            format!(", {} archive pages", capped.archived.len())
        }
    ));
    Ok(())
}

/// What the cv layout's files are rendered with.
fn cv_options<'a>(
    settings: &'a Settings,
    code: &'a CodeLinks,
    migrated: &'a CvRows,
    day: Timestamp,
) -> CvOptions<'a> {
    CvOptions {
        date: day.to_zoned(TimeZone::UTC).date(),
        badges: settings.readme.badges.as_deref(),
        code_links: Some(code),
        migrated: Some(migrated),
    }
}

/// Writes cv-arxiv-daily's web page and wechat list, when `[readme]` names them.
fn write_cv_extras(
    settings: &Settings,
    sections: &[Section],
    code: &CodeLinks,
    migrated: &CvRows,
    day: Timestamp,
    ui: Ui,
) -> anyhow::Result<()> {
    let r = &settings.readme;
    let options = cv_options(settings, code, migrated, day);
    for (file, path) in [
        (CvFile::Gitpage, &r.gitpage_path),
        (CvFile::Wechat, &r.wechat_path),
    ] {
        if let Some(path) = path {
            let text = cv_file(file, &options, sections);
            write_atomic(path, text.as_bytes())?;
            ui.say(&format!("wrote {} ({} bytes)", path.display(), text.len()));
        }
    }
    Ok(())
}

/// Writes the archive pages and removes month pages that are no longer archived.
fn write_archives(
    dir: &Path,
    months: &[String],
    page: impl Fn(&str) -> String,
) -> anyhow::Result<()> {
    for month in months {
        write_atomic(&dir.join(format!("{month}.md")), page(month).as_bytes())?;
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
            if is_month && !months.iter().any(|m| format!("{m}.md") == name) {
                std::fs::remove_file(entry.path())
                    .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            }
        }
    }
    Ok(())
}

/// A relative link (with `/`) from folder `from` to `to`, for Markdown.
pub(super) fn relative_link(from: &Path, to: &Path) -> String {
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
pub(super) fn chart_path(settings: &Settings) -> Option<PathBuf> {
    let image = settings.readme.trend_image.as_deref()?;
    if image.contains("://") {
        return None;
    }
    let folder = settings.readme.path.parent().unwrap_or(Path::new(""));
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
