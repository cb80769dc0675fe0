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
use crate::text::{markdown_cell, markdown_heading};

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
    pub papers: &'a [&'a Paper],
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

/// A README that respects its size cap, and the months moved to archive pages.
#[derive(Debug, Clone, PartialEq)]
pub struct CappedReadme {
    /// The README.
    pub readme: String,
    /// The archived months (`YYYY-MM`), newest first; [`Archive::page`] renders each.
    pub archived: Vec<String>,
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

/// A month as a sortable number, `YYYYMM`.
pub(super) fn month_key(paper: &Paper) -> u32 {
    let d = paper.published.to_zoned(TimeZone::UTC).date();
    d.year() as u32 * 100 + d.month() as u32
}

pub(super) fn month_name(key: u32) -> String {
    format!("{:04}-{:02}", key / 100, key % 100)
}

/// One section's papers in README order (by id, newest first, when the section asks).
pub(super) fn ordered<'p>(section: &Section<'p>) -> Vec<&'p Paper> {
    let mut papers: Vec<&Paper> = section.papers.to_vec();
    if section.by_id {
        papers.sort_by(|a, b| b.id.as_str().cmp(a.id.as_str()));
    }
    papers
}

/// Renders the README under `archive.max_bytes`: the newest months stay, whole older months
/// move to one archive page each (same tables), linked from an `## Archive` section. Without
/// a cap, or when everything fits, this is [`readme`] with no archive pages.
///
/// Scales with the papers, not with the size of the whole README: each row is measured once,
/// the size of any choice of kept months is summed from those measures, and only the README
/// that fits is rendered.
pub fn readme_capped(
    options: &ReadmeOptions,
    sections: &[Section],
    archive: Option<&ArchiveOptions>,
) -> CappedReadme {
    let Some(archive) = archive else {
        return CappedReadme {
            readme: render(options, sections, None),
            archived: Vec::new(),
        };
    };
    // Per month (newest first): row bytes, and which sections have rows in it.
    let mut by_month: std::collections::BTreeMap<u32, (usize, Vec<bool>)> = Default::default();
    let mut scratch = String::new();
    for (i, section) in sections.iter().enumerate() {
        for paper in section.papers {
            scratch.clear();
            row(&mut scratch, paper, code_of(options, paper));
            let entry = by_month
                .entry(month_key(paper))
                .or_insert_with(|| (0, vec![false; sections.len()]));
            entry.0 += scratch.len();
            entry.1[i] = true;
        }
    }
    let months: Vec<(u32, (usize, Vec<bool>))> = by_month.into_iter().rev().collect();
    let names: Vec<String> = months.iter().map(|(k, _)| month_name(*k)).collect();
    let fixed = render(options, &[], None).len();
    let table_overhead: Vec<usize> = sections
        .iter()
        .map(|s| section_head(s.name).len() + back_to_top(options).len())
        .collect();
    let size = |kept: usize| {
        let rows: usize = months[..kept].iter().map(|(_, (bytes, _))| bytes).sum();
        let tables: usize = (0..sections.len())
            .filter(|&i| months[..kept].iter().any(|(_, (_, has))| has[i]))
            .map(|i| table_overhead[i])
            .sum();
        fixed + rows + tables + archive_line(archive.dir_link, &names[kept..]).len()
    };
    let low = most_that_fit(months.len(), |kept| size(kept) <= archive.max_bytes);
    let kept = papers_in_months(sections, months[..low].iter().map(|(k, _)| *k));
    let kept_sections = with_papers(sections, &kept);
    let archived = names[low..].to_vec();
    let readme = render(options, &kept_sections, Some((archive.dir_link, &archived)));
    debug_assert_eq!(
        readme.len(),
        size(low),
        "the measured size is the rendered size"
    );
    CappedReadme { readme, archived }
}

/// The most of `months` (newest first) that fit, when keeping more never makes a README
/// smaller: a binary search over how many are kept.
pub(super) fn most_that_fit(months: usize, fits: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, months);
    while low < high {
        let mid = (low + high).div_ceil(2);
        if fits(mid) {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    low
}

/// Each section's papers whose month ([`month_key`]) is one of `months`, in section order.
pub(super) fn papers_in_months<'p>(
    sections: &[Section<'p>],
    months: impl IntoIterator<Item = u32>,
) -> Vec<Vec<&'p Paper>> {
    let keep: std::collections::HashSet<u32> = months.into_iter().collect();
    sections
        .iter()
        .map(|s| {
            s.papers
                .iter()
                .filter(|p| keep.contains(&month_key(p)))
                .copied()
                .collect()
        })
        .collect()
}

/// `sections` with other papers (one list per section, in order).
pub(super) fn with_papers<'a>(
    sections: &[Section<'a>],
    papers: &'a [Vec<&'a Paper>],
) -> Vec<Section<'a>> {
    sections
        .iter()
        .zip(papers)
        .map(|(s, papers)| Section {
            name: s.name,
            papers,
            by_id: s.by_id,
        })
        .collect()
}

/// A month name (`YYYY-MM`) as its [`month_key`]; 0 for anything else.
pub(super) fn key_of_month(month: &str) -> u32 {
    month
        .split_once('-')
        .and_then(|(y, m)| Some(y.parse::<u32>().ok()? * 100 + m.parse::<u32>().ok()?))
        .unwrap_or(0)
}

/// The archive pages of a capped README: the papers grouped by month once, each page
/// rendered when asked for, so a large archive is never all in memory.
pub struct Archive<'a> {
    options: &'a ReadmeOptions<'a>,
    readme_link: &'a str,
    /// Per month: `(section, paper)` in README order.
    months: HashMap<u32, Vec<(usize, &'a Paper)>>,
    sections: &'a [Section<'a>],
}

impl<'a> Archive<'a> {
    /// Groups `sections`' papers by month of first version.
    pub fn new(
        options: &'a ReadmeOptions<'a>,
        sections: &'a [Section<'a>],
        readme_link: &'a str,
    ) -> Archive<'a> {
        let mut months: HashMap<u32, Vec<(usize, &Paper)>> = HashMap::new();
        for (i, section) in sections.iter().enumerate() {
            for paper in ordered(section) {
                months.entry(month_key(paper)).or_default().push((i, paper));
            }
        }
        Archive {
            options,
            readme_link,
            months,
            sections,
        }
    }

    /// One archive page (`month` as `YYYY-MM`): the month's papers in the README's table format.
    pub fn page(&self, month: &str) -> String {
        let key = key_of_month(month);
        let readme_link = self.readme_link;
        let mut out = format!(
            "# Papers of {month}\n\nPapers whose first version appeared in {month}, moved here to keep the \
             [README]({readme_link}) under its size limit.\n\n"
        );
        let papers = self.months.get(&key).map_or(&[][..], Vec::as_slice);
        for (i, section) in self.sections.iter().enumerate() {
            let mut rows = papers.iter().filter(|(s, _)| *s == i).peekable();
            if rows.peek().is_none() {
                continue;
            }
            out.push_str(&section_head(section.name));
            for (_, paper) in rows {
                row(&mut out, paper, code_of(self.options, paper));
            }
            out.push('\n');
        }
        out
    }
}

fn code_of<'a>(options: &'a ReadmeOptions, paper: &Paper) -> Option<&'a str> {
    options
        .code_links
        .and_then(|m| m.get(&paper.id))
        .map(String::as_str)
}

/// A table's heading and header rows.
fn section_head(name: &str) -> String {
    format!(
        "## {}\n\n|Date|Title|label|Abstract|PDF|Code|\n|---|---|---|---|---|---|\n",
        markdown_heading(name)
    )
}

/// The back-to-top line after a table.
fn back_to_top(options: &ReadmeOptions) -> String {
    let anchor = format!("#Updated-on-{}", options.date.strftime("%Y%m%d"));
    format!("\n<p align=right>(<a href={anchor}>back to top</a>)</p>\n\n")
}

/// The `## Archive` section linking the archived months; empty when none are.
pub(super) fn archive_line(dir: &str, months: &[String]) -> String {
    if months.is_empty() {
        return String::new();
    }
    let links: Vec<String> = months
        .iter()
        .map(|m| format!("[{m}]({dir}/{m}.md)"))
        .collect();
    format!(
        "## Archive\n\nOlder papers, by month of first version: {}\n\n",
        links.join(", ")
    )
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
    for section in sections.iter().filter(|s| !s.papers.is_empty()) {
        out.push_str(&section_head(section.name));
        for paper in ordered(section) {
            row(&mut out, paper, code_of(options, paper));
        }
        out.push_str(&back_to_top(options));
    }
    if let Some((dir, months)) = archived {
        out.push_str(&archive_line(dir, months));
    }
    if let Some(slug) = options.badges {
        out.push_str(&badge_footer(slug));
    }
    out
}

/// The eight badge link definitions at the end of a README, for GitHub `owner/repo`.
pub(super) fn badge_footer(slug: &str) -> String {
    format!(
        "[contributors-shield]: https://img.shields.io/github/contributors/{slug}.svg?style=for-the-badge
[contributors-url]: https://github.com/{slug}/graphs/contributors
[forks-shield]: https://img.shields.io/github/forks/{slug}.svg?style=for-the-badge
[forks-url]: https://github.com/{slug}/network/members
[stars-shield]: https://img.shields.io/github/stars/{slug}.svg?style=for-the-badge
[stars-url]: https://github.com/{slug}/stargazers
[issues-shield]: https://img.shields.io/github/issues/{slug}.svg?style=for-the-badge
[issues-url]: https://github.com/{slug}/issues

"
    )
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
        markdown_cell(&paper.title),
        markdown_cell(&paper.categories.join(", ")),
        markdown_cell(&paper.summary.replace('\n', " ")),
        paper.versioned_id(),
        crate::text::legacy_abs_url(paper.versioned_id()),
    );
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
        assert_eq!(markdown_cell("a | b"), "a \\| b");
        assert_eq!(
            markdown_cell("<script>alert(1)</script>"),
            "&lt;script>alert(1)&lt;/script>"
        );
        assert_eq!(
            markdown_cell("models (<1B) < 0.3% $T<L$"),
            "models (<1B) < 0.3% $T<L$"
        );
        assert_eq!(markdown_cell("costs $5 <b>"), "costs $5 &lt;b>");
        assert_eq!(markdown_cell("line\nbreak"), "line break");
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
                    papers: &papers.iter().collect::<Vec<_>>(),
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
                papers: &papers.iter().collect::<Vec<_>>(),
                by_id: true,
            }],
        );
        insta::assert_snapshot!(out);
    }
}
