//! The README in the exact format of the cv-arxiv-daily / bansky-cl lineage (the seed):
//! badges, intro, `## Updated on YYYY.MM.DD`, the trend image, one table per topic with rows by
//! id descending, back-to-top links and the badge link definitions.
//!
//! Every deviation from the seed generator is deliberate and invisible on the seed: `|` is
//! escaped in every cell (the generator escaped it only in abstracts).

use std::fmt::Write as _;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use std::collections::HashMap;

use crate::model::{ArxivId, Paper};

/// What surrounds the tables.
#[derive(Debug, Clone)]
pub struct ReadmeOptions<'a> {
    /// GitHub `owner/repo` for the four badges and the eight footer definitions.
    pub badges: Option<&'a str>,
    /// A Markdown line under the badges.
    pub intro: Option<&'a str>,
    /// Path of the trend image for the `![Monthly Trend](…)` line.
    pub trend_image: Option<&'a str>,
    /// The date in `## Updated on`.
    pub date: Date,
    /// Code links by paper; a paper without one shows ` null`.
    pub code_links: Option<&'a HashMap<ArxivId, String>>,
}

/// One topic's table.
#[derive(Debug, Clone)]
pub struct Section<'a> {
    /// The heading, the topic's name as configured.
    pub name: &'a str,
    /// The papers to list.
    pub papers: &'a [Paper],
    /// Sort rows by id, newest first (the seed's order); otherwise keep the given order.
    pub by_id: bool,
}

const BADGES: &str = "[![Contributors][contributors-shield]][contributors-url]
[![Forks][forks-shield]][forks-url]
[![Stargazers][stars-shield]][stars-url]
[![Issues][issues-shield]][issues-url]
";

/// Renders the whole README. Sections without papers are left out.
pub fn readme(options: &ReadmeOptions, sections: &[Section]) -> String {
    render(options, sections, None)
}

/// Where archive pages go, relative to the README and back.
#[derive(Debug, Clone)]
pub struct ArchiveOptions<'a> {
    /// The README's size cap in bytes.
    pub max_bytes: usize,
    /// The archive folder as linked from the README (`docs/archive`).
    pub dir_link: &'a str,
    /// The README as linked from an archive page (`../../README.md`).
    pub readme_link: &'a str,
}

/// A README that respects its size cap, and the archive pages it links to.
#[derive(Debug, Clone, PartialEq)]
pub struct CappedReadme {
    /// The README.
    pub readme: String,
    /// `(YYYY-MM, page)` for each archived month, newest first.
    pub archives: Vec<(String, String)>,
}

/// The month (`YYYY-MM`, UTC) of a paper's first version: what archive pages group by.
pub fn archive_month(paper: &Paper) -> String {
    paper
        .published
        .to_zoned(TimeZone::UTC)
        .date()
        .strftime("%Y-%m")
        .to_string()
}

/// Renders the README under `archive.max_bytes`: the newest months stay, whole older months
/// move to one archive page each (same tables), linked from an `## Archive` section. Without
/// a cap, or when everything fits, this is [`readme`] with no archive pages.
pub fn readme_capped(
    options: &ReadmeOptions,
    sections: &[Section],
    archive: Option<&ArchiveOptions>,
) -> CappedReadme {
    let full = render(options, sections, None);
    let Some(archive) = archive.filter(|a| full.len() > a.max_bytes) else {
        return CappedReadme {
            readme: full,
            archives: Vec::new(),
        };
    };
    let mut months: Vec<String> = sections
        .iter()
        .flat_map(|s| s.papers.iter().map(archive_month))
        .collect();
    months.sort_unstable_by(|a, b| b.cmp(a));
    months.dedup();
    // Keep the newest `kept` months; the size shrinks as `kept` does, so search for the most
    // that fit.
    let render_keeping = |kept: usize| {
        let keep = &months[..kept];
        let filtered: Vec<Vec<Paper>> = sections
            .iter()
            .map(|s| {
                s.papers
                    .iter()
                    .filter(|p| keep.contains(&archive_month(p)))
                    .cloned()
                    .collect()
            })
            .collect();
        let kept_sections: Vec<Section> = sections
            .iter()
            .zip(&filtered)
            .map(|(s, papers)| Section {
                name: s.name,
                papers,
                by_id: s.by_id,
            })
            .collect();
        render(
            options,
            &kept_sections,
            Some((archive.dir_link, &months[kept..])),
        )
    };
    let (mut low, mut high) = (0, months.len());
    while low < high {
        let mid = (low + high).div_ceil(2);
        if render_keeping(mid).len() <= archive.max_bytes {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    let readme = render_keeping(low);
    let archives = months[low..]
        .iter()
        .map(|month| {
            (
                month.clone(),
                archive_page(options, month, archive.readme_link, sections),
            )
        })
        .collect();
    CappedReadme { readme, archives }
}

/// One archive page: the month's papers in the README's table format.
fn code_of<'a>(options: &'a ReadmeOptions, paper: &Paper) -> Option<&'a str> {
    options
        .code_links
        .and_then(|m| m.get(&paper.id))
        .map(String::as_str)
}

fn archive_page(
    options: &ReadmeOptions,
    month: &str,
    readme_link: &str,
    sections: &[Section],
) -> String {
    let mut out = format!(
        "# Papers of {month}\n\nPapers whose first version appeared in {month}, moved here to keep the \
         [README]({readme_link}) under its size limit.\n\n"
    );
    for section in sections {
        let mut papers: Vec<&Paper> = section
            .papers
            .iter()
            .filter(|p| archive_month(p) == month)
            .collect();
        if papers.is_empty() {
            continue;
        }
        if section.by_id {
            papers.sort_by(|a, b| b.id.as_str().cmp(a.id.as_str()));
        }
        let _ = write!(
            out,
            "## {}\n\n|Date|Title|label|Abstract|PDF|Code|\n|---|---|---|---|---|---|\n",
            heading(section.name)
        );
        for paper in papers {
            row(&mut out, paper, code_of(options, paper));
        }
        out.push('\n');
    }
    out
}

fn render(
    options: &ReadmeOptions,
    sections: &[Section],
    archived: Option<(&str, &[String])>,
) -> String {
    let mut out = String::with_capacity(
        4096 + sections
            .iter()
            .map(|s| s.papers.len() * 1800)
            .sum::<usize>(),
    );
    if options.badges.is_some() {
        out.push_str(BADGES);
        out.push('\n');
    }
    if let Some(intro) = options.intro {
        out.push_str(intro);
        out.push_str("\n\n");
    }
    let date = options.date;
    let _ = write!(out, "## Updated on {}\n\n", date.strftime("%Y.%m.%d"));
    if let Some(image) = options.trend_image {
        let _ = write!(out, "![Monthly Trend]({image})\n\n");
    }
    let anchor = format!("#Updated-on-{}", date.strftime("%Y%m%d"));
    for section in sections.iter().filter(|s| !s.papers.is_empty()) {
        let _ = write!(
            out,
            "## {}\n\n|Date|Title|label|Abstract|PDF|Code|\n|---|---|---|---|---|---|\n",
            heading(section.name)
        );
        let mut papers: Vec<&Paper> = section.papers.iter().collect();
        if section.by_id {
            papers.sort_by(|a, b| b.id.as_str().cmp(a.id.as_str()));
        }
        for paper in papers {
            row(&mut out, paper, code_of(options, paper));
        }
        let _ = write!(
            out,
            "\n<p align=right>(<a href={anchor}>back to top</a>)</p>\n\n"
        );
    }
    if let Some((dir, months)) = archived.filter(|(_, m)| !m.is_empty()) {
        let links: Vec<String> = months
            .iter()
            .map(|m| format!("[{m}]({dir}/{m}.md)"))
            .collect();
        let _ = write!(
            out,
            "## Archive\n\nOlder papers, by month of first version: {}\n\n",
            links.join(", ")
        );
    }
    if let Some(slug) = options.badges {
        let _ = write!(
            out,
            "[contributors-shield]: https://img.shields.io/github/contributors/{slug}.svg?style=for-the-badge
[contributors-url]: https://github.com/{slug}/graphs/contributors
[forks-shield]: https://img.shields.io/github/forks/{slug}.svg?style=for-the-badge
[forks-url]: https://github.com/{slug}/network/members
[stars-shield]: https://img.shields.io/github/stars/{slug}.svg?style=for-the-badge
[stars-url]: https://github.com/{slug}/stargazers
[issues-shield]: https://img.shields.io/github/issues/{slug}.svg?style=for-the-badge
[issues-url]: https://github.com/{slug}/issues

"
        );
    }
    out
}

/// One table row without its line end, exactly as the README shows it (the row format of
/// cv-arxiv-daily's JSON database).
pub fn row_line(paper: &Paper, code: Option<&str>) -> String {
    let mut s = String::new();
    row(&mut s, paper, code);
    s.pop();
    s
}

/// One table row, e.g.
/// `|**2025-12-17**|**Title**|cs.CL, cs.AI| <details><summary>Full Abstract</summary>…</details>|[2510.15312v4](http://arxiv.org/abs/2510.15312v4)| null|`
fn row(out: &mut String, paper: &Paper, code: Option<&str>) {
    let date = paper.updated.to_zoned(TimeZone::UTC).date();
    let code = match code {
        Some(url) => format!(" **[code]({})**", url.replace(['(', ')', ' ', '|'], "")),
        None => " null".to_string(),
    };
    let _ = writeln!(
        out,
        "|**{}**|**{}**|{}| <details><summary>Full Abstract</summary>{}</details>|[{}]({})|{code}|",
        date.strftime("%Y-%m-%d"),
        cell(&paper.title),
        cell(&paper.categories.join(", ")),
        cell(&paper.summary.replace('\n', " ")),
        paper.versioned_id(),
        paper.abs_url(),
    );
}

/// A topic's name as a `##` heading: on one line, and a `<` that would open an HTML tag shown
/// as text (`|` needs no escape outside a table).
pub fn heading(name: &str) -> String {
    cell(name).replace("\\|", "|")
}

/// Makes text safe inside a table cell: `|` escaped, line breaks as spaces, and a `<` that
/// would open an HTML tag (`<script>`, `</b>`, `<!--`) written as `&lt;` so it shows as text.
/// Inside `$…$` math (when the dollars pair up) and for other `<` (`<1B`, `< 0.3%`) the text is
/// left as the seed generator wrote it.
pub fn cell(text: &str) -> String {
    let math = text.matches('$').count().is_multiple_of(2);
    let mut in_math = false;
    let mut s = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => s.push_str("\\|"),
            '\n' | '\r' | '\t' => s.push(' '),
            c if crate::model::is_unwanted_char(c) => {}
            '$' if math => {
                in_math = !in_math;
                s.push('$');
            }
            '<' if !in_math
                && chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                s.push_str("&lt;");
            }
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArxivId;

    fn paper(id: &str, version: u32, title: &str, updated: &str) -> Paper {
        Paper {
            id: ArxivId::parse(id).unwrap(),
            version,
            title: title.into(),
            authors: vec!["A".into()],
            summary: "First line.\n  Second | part with $x$.".into(),
            categories: vec!["cs.DC".into(), "cs.AI".into()],
            primary_category: "cs.DC".into(),
            published: "2025-01-01T00:00:00Z".parse().unwrap(),
            updated: updated.parse().unwrap(),
            comment: None,
            journal_ref: None,
            doi: None,
        }
    }

    #[test]
    fn cells_show_markup_as_text() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(
            cell("<script>alert(1)</script>"),
            "&lt;script>alert(1)&lt;/script>"
        );
        assert_eq!(
            cell("models (<1B) < 0.3% $T<L$"),
            "models (<1B) < 0.3% $T<L$"
        );
        assert_eq!(cell("costs $5 <b>"), "costs $5 &lt;b>");
        assert_eq!(cell("line\nbreak"), "line break");
    }

    #[test]
    fn full_layout_with_badges() {
        let papers = [
            paper("2501.00001", 1, "Older", "2025-01-01T23:30:00Z"),
            paper("2512.00002", 3, "A | B", "2025-12-17T10:00:00Z"),
        ];
        let out = readme(
            &ReadmeOptions {
                badges: Some("me/repo"),
                intro: Some("Intro line."),
                trend_image: Some("imgs/trend.png"),
                date: Date::constant(2026, 2, 7),
                code_links: None,
            },
            &[
                Section {
                    name: "empty",
                    papers: &[],
                    by_id: true,
                },
                Section {
                    name: "topic_a",
                    papers: &papers,
                    by_id: true,
                },
            ],
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn minimal_layout_without_options() {
        let papers = [paper(
            "hep-th/9901001",
            1,
            "Old style",
            "1999-01-05T00:00:00Z",
        )];
        let out = readme(
            &ReadmeOptions {
                badges: None,
                intro: None,
                trend_image: None,
                date: Date::constant(2026, 11, 21),
                code_links: None,
            },
            &[Section {
                name: "t",
                papers: &papers,
                by_id: true,
            }],
        );
        insta::assert_snapshot!(out);
    }
}
