//! The README in the exact format of the cv-arxiv-daily / bansky-cl lineage (the seed):
//! badges, intro, `## Updated on YYYY.MM.DD`, the trend image, one table per topic with rows by
//! id descending, back-to-top links and the badge link definitions.
//!
//! Every deviation from the seed generator is deliberate and invisible on the seed: `|` is
//! escaped in every cell (the generator escaped it only in abstracts).

use std::fmt::Write as _;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::model::Paper;

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
            section.name
        );
        let mut papers: Vec<&Paper> = section.papers.iter().collect();
        if section.by_id {
            papers.sort_by(|a, b| b.id.as_str().cmp(a.id.as_str()));
        }
        for paper in papers {
            row(&mut out, paper);
        }
        let _ = write!(
            out,
            "\n<p align=right>(<a href={anchor}>back to top</a>)</p>\n\n"
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

/// One table row, e.g.
/// `|**2025-12-17**|**Title**|cs.CL, cs.AI| <details><summary>Full Abstract</summary>…</details>|[2510.15312v4](http://arxiv.org/abs/2510.15312v4)| null|`
fn row(out: &mut String, paper: &Paper) {
    let date = paper.updated.to_zoned(TimeZone::UTC).date();
    let _ = writeln!(
        out,
        "|**{}**|**{}**|{}| <details><summary>Full Abstract</summary>{}</details>|[{}]({})| null|",
        date.strftime("%Y-%m-%d"),
        cell(&paper.title),
        cell(&paper.categories.join(", ")),
        cell(&paper.summary.replace('\n', " ")),
        paper.versioned_id(),
        paper.abs_url(),
    );
}

/// Makes text safe inside a table cell: `|` escaped, line breaks as spaces.
pub fn cell(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => s.push_str("\\|"),
            '\n' | '\r' => s.push(' '),
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
