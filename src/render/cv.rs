//! The three files of Vincentqyw/cv-arxiv-daily's generator (`json_to_md`), byte for byte as it
//! writes them from the same rows: the README (`## Updated on`, a usage line, a table of
//! contents, `|Publish Date|Title|Authors|PDF|Code|` tables with rows by id descending,
//! back-to-top links, the badge link definitions), the web page `docs/index.md` (front matter,
//! web-style tables, no contents, no back-to-top links) and the wechat list.
//!
//! A paper migrated from a fork is shown by its row as the fork's JSON held it, with `$…$`
//! spaced as the generator's `pretty_math` does (code cells too: the generator's weekly link
//! job no longer fills them since Papers with Code closed, and a row of one topic may say
//! `null` where another topic's row of the same paper has a link); any other paper gets the
//! row the generator would write for it: its latest version's date, title, first author
//! `et.al.`, the version-less id and link, and the code link paperwatch found.

use std::collections::HashMap;
use std::fmt::Write as _;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::readme::{
    ArchiveOptions, CappedReadme, Section, archive_line, badge_footer, key_of_month, month_key,
    month_name, most_that_fit, ordered, papers_in_months, with_papers,
};
use crate::model::{ArxivId, CvRows, Paper};
use crate::text::{markdown_cell, markdown_heading};

/// Which of the generator's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CvFile {
    /// `README.md`.
    Readme,
    /// `docs/index.md`, for GitHub Pages.
    Gitpage,
    /// `docs/wechat.md`.
    Wechat,
}

impl CvFile {
    /// The name migrated rows are kept under.
    pub fn kind(self) -> &'static str {
        match self {
            CvFile::Readme => "readme",
            CvFile::Gitpage => "gitpage",
            CvFile::Wechat => "wechat",
        }
    }
}

/// What the rows are rendered with.
#[derive(Debug, Clone, Copy)]
pub struct CvOptions<'a> {
    /// The date in `Updated on`.
    pub date: Date,
    /// GitHub `owner/repo` of the badge link definitions at the end (`show_badge`).
    pub badges: Option<&'a str>,
    /// Code links by paper.
    pub code_links: Option<&'a HashMap<ArxivId, String>>,
    /// Rows migrated from the fork.
    pub migrated: Option<&'a CvRows>,
}

const USAGE: &str = "> Usage instructions: [here](./docs/README.md#usage)\n\n";

/// The whole file. Sections without papers are left out, as the generator leaves out topics
/// without rows.
pub fn cv_file(file: CvFile, options: &CvOptions, sections: &[Section]) -> String {
    render(file, options, sections, None)
}

/// The file under `archive.max_bytes`: the newest months stay, whole older months move to
/// archive pages ([`cv_archive_page`]) linked from an `## Archive` section. Without a cap, or
/// when everything fits, this is [`cv_file`].
pub fn cv_capped(
    file: CvFile,
    options: &CvOptions,
    sections: &[Section],
    archive: Option<&ArchiveOptions>,
) -> CappedReadme {
    let whole = render(file, options, sections, None);
    let Some(archive) = archive.filter(|a| whole.len() > a.max_bytes) else {
        return CappedReadme {
            readme: whole,
            archived: Vec::new(),
        };
    };
    let months: Vec<u32> = sections
        .iter()
        .flat_map(|s| s.papers.iter().map(|p| month_key(p)))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .rev()
        .collect();
    let names: Vec<String> = months.iter().map(|&k| month_name(k)).collect();
    let kept = |n: usize| {
        let papers = papers_in_months(sections, months[..n].iter().copied());
        let kept = with_papers(sections, &papers);
        render(file, options, &kept, Some((archive.dir_link, &names[n..])))
    };
    // A few renders of a file of a few megabytes at most.
    let low = most_that_fit(months.len(), |n| kept(n).len() <= archive.max_bytes);
    CappedReadme {
        readme: kept(low),
        archived: names[low..].to_vec(),
    }
}

/// One archive page of a capped file (`month` as `YYYY-MM`): the month's papers in the file's
/// own tables (or list).
pub fn cv_archive_page(
    file: CvFile,
    options: &CvOptions,
    sections: &[Section],
    month: &str,
    readme_link: &str,
) -> String {
    let mut out = format!(
        "# Papers of {month}\n\nPapers whose first version appeared in {month}, moved here to keep the \
         [README]({readme_link}) under its size limit.\n\n"
    );
    let key = key_of_month(month);
    for section in sections {
        let papers: Vec<&Paper> = ordered(section)
            .into_iter()
            .filter(|p| month_key(p) == key)
            .collect();
        if papers.is_empty() {
            continue;
        }
        out.push_str(&section_head(file, section.name));
        for paper in papers {
            out.push_str(&pretty_math(&row(file, options, section.name, paper)));
        }
        out.push('\n');
    }
    out
}

fn render(
    file: CvFile,
    options: &CvOptions,
    sections: &[Section],
    archived: Option<(&str, &[String])>,
) -> String {
    let mut out =
        String::with_capacity(4096 + sections.iter().map(|s| s.papers.len() * 200).sum::<usize>());
    let date = options.date.strftime("%Y.%m.%d");
    if file == CvFile::Gitpage {
        out.push_str("---\nlayout: default\n---\n\n");
    }
    if file == CvFile::Wechat {
        let _ = writeln!(out, "> Updated on {date}");
    } else {
        let _ = writeln!(out, "## Updated on {date}");
    }
    out.push_str(USAGE);
    let shown: Vec<&Section> = sections.iter().filter(|s| !s.papers.is_empty()).collect();
    if file != CvFile::Gitpage {
        out.push_str("<details>\n  <summary>Table of Contents</summary>\n  <ol>\n");
        for s in &shown {
            let anchor = s.name.replace(' ', "-").to_lowercase();
            let _ = writeln!(
                out,
                "    <li><a href=#{}>{}</a></li>",
                markdown_heading(&anchor),
                markdown_heading(s.name)
            );
        }
        out.push_str("  </ol>\n</details>\n\n");
    }
    for section in shown {
        out.push_str(&section_head(file, section.name));
        for paper in ordered(section) {
            out.push_str(&pretty_math(&row(file, options, section.name, paper)));
        }
        out.push('\n');
        if file != CvFile::Gitpage {
            let _ = write!(
                out,
                "<p align=right>(<a href=#updated-on-{}>back to top</a>)</p>\n\n",
                options.date.strftime("%Y%m%d")
            );
        }
    }
    if let Some((dir, months)) = archived {
        out.push_str(&archive_line(dir, months));
    }
    if let Some(slug) = options.badges {
        out.push_str(&badge_footer(slug));
    }
    out
}

/// A section's heading and its table's header rows (none for the list).
fn section_head(file: CvFile, name: &str) -> String {
    let header = match file {
        CvFile::Readme => "|Publish Date|Title|Authors|PDF|Code|\n|---|---|---|---|---|\n",
        CvFile::Gitpage => {
            "| Publish Date | Title | Authors | PDF | Code |\n|:---------|:-----------------------|:---------|:------|:------|\n"
        }
        CvFile::Wechat => "",
    };
    format!("## {}\n\n{header}", markdown_heading(name))
}

/// A paper's row (with its line end): the migrated one when there is one, else the one the
/// generator would write.
fn row(file: CvFile, options: &CvOptions, topic: &str, paper: &Paper) -> String {
    let code = options
        .code_links
        .and_then(|m| m.get(&paper.id))
        .map(|url| url.replace(['(', ')', ' ', '|'], ""));
    let migrated = options
        .migrated
        .and_then(|m| m.get(&(topic.to_string(), paper.id.clone())))
        .and_then(|rows| match file {
            CvFile::Readme => rows.get("readme").or_else(|| rows.get("gitpage")),
            CvFile::Gitpage => rows.get("gitpage").or_else(|| rows.get("readme")),
            CvFile::Wechat => rows.get("wechat"),
        });
    if let Some(raw) = migrated {
        return raw.clone();
    }
    let date = paper.updated.to_zoned(TimeZone::UTC).date();
    let author = paper
        .authors
        .first()
        .map_or(String::new(), |a| markdown_cell(a));
    let key = paper.id.as_str();
    let url = crate::text::legacy_abs_url(key);
    match file {
        CvFile::Wechat => format!(
            "- {}, **{}**, {author} et.al., Paper: [{url}]({url})\n",
            date.strftime("%Y-%m-%d"),
            markdown_cell(&paper.title),
        ),
        CvFile::Readme | CvFile::Gitpage => format!(
            "|**{}**|**{}**|{author} et.al.|[{key}]({url})|{}|\n",
            date.strftime("%Y-%m-%d"),
            markdown_cell(&paper.title),
            code.map_or("null".to_string(), |url| format!("**[link]({url})**")),
        ),
    }
}

/// The generator's `pretty_math`: the span from the first `$` to the last `$` of the line (a
/// greedy `\$.*\$`) gets its inside trimmed and a space on each side unless one is there or
/// the neighbour is `*`. Only that one span; a line without two `$` is left as it is.
pub fn pretty_math(line: &str) -> String {
    // `.` does not match a line break: the span lies within the first line that has two `$`.
    let mut offset = 0;
    for piece in line.split_inclusive('\n') {
        let body = piece.trim_end_matches('\n');
        if let (Some(start), Some(end)) = (body.find('$'), body.rfind('$'))
            && end > start
        {
            let (s, e) = (offset + start, offset + end + 1);
            let before = line[..s].chars().next_back();
            let after = line[e..].chars().next();
            let pad = |c: Option<char>| match c {
                Some(' ' | '*') => "",
                _ => " ",
            };
            return format!(
                "{}{}${}${}{}",
                &line[..s],
                pad(before),
                line[s + 1..e - 1].trim(),
                pad(after),
                &line[e..]
            );
        }
        offset += piece.len();
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, title: &str) -> Paper {
        Paper {
            id: ArxivId::parse(id).unwrap(),
            version: 2,
            title: title.into(),
            authors: vec!["Jane Doe".into(), "John Roe".into()],
            summary: "An abstract.".into(),
            categories: vec!["cs.CV".into()],
            primary_category: "cs.CV".into(),
            published: "2022-11-29T10:00:00Z".parse().unwrap(),
            updated: "2022-11-30T10:00:00Z".parse().unwrap(),
            comment: None,
            journal_ref: None,
            doi: None,
        }
    }

    #[test]
    fn the_wechat_list_is_the_generators() {
        let new = paper("2211.16882", "A New Paper");
        let old = paper("2211.00001", "Migrated");
        let mut migrated = CvRows::new();
        migrated.entry(("SLAM".into(), old.id.clone())).or_default().insert(
            "wechat".into(),
            "- 2022-11-01, **Migrated**, Ada Lovelace et.al., Paper: [http://arxiv.org/abs/2211.00001v1](http://arxiv.org/abs/2211.00001v1)\n".into(),
        );
        let papers = [&new, &old];
        let sections = [
            Section {
                name: "SLAM",
                papers: &papers,
                by_id: true,
            },
            Section {
                name: "Empty Topic",
                papers: &[],
                by_id: true,
            },
        ];
        let options = CvOptions {
            date: jiff::civil::date(2022, 12, 1),
            badges: None,
            code_links: None,
            migrated: Some(&migrated),
        };
        assert_eq!(
            cv_file(CvFile::Wechat, &options, &sections),
            "> Updated on 2022.12.01
> Usage instructions: [here](./docs/README.md#usage)

<details>
  <summary>Table of Contents</summary>
  <ol>
    <li><a href=#slam>SLAM</a></li>
  </ol>
</details>

## SLAM

- 2022-11-30, **A New Paper**, Jane Doe et.al., Paper: [http://arxiv.org/abs/2211.16882](http://arxiv.org/abs/2211.16882)
- 2022-11-01, **Migrated**, Ada Lovelace et.al., Paper: [http://arxiv.org/abs/2211.00001v1](http://arxiv.org/abs/2211.00001v1)

<p align=right>(<a href=#updated-on-20221201>back to top</a>)</p>

"
        );
    }

    #[test]
    fn pretty_math_spaces_the_first_to_last_dollar_span() {
        assert_eq!(pretty_math("a$ x $b\n"), "a $x$ b\n");
        assert_eq!(pretty_math("**$x$**"), "**$x$**");
        assert_eq!(pretty_math("a $x$ and $y$ b"), "a $x$ and $y$ b");
        assert_eq!(pretty_math("a$x$and$y$b"), "a $x$and$y$ b");
        assert_eq!(pretty_math("cost $5 only"), "cost $5 only");
        assert_eq!(pretty_math("x$y$\n"), "x $y$ \n");
        assert_eq!(pretty_math("no math\n"), "no math\n");
    }
}
