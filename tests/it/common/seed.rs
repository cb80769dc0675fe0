//! The seed README as test data: its sections and rows, parsed back into paper fields, and
//! Atom entries rebuilt from them in the current export API's format.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The seed README's path (a verbatim copy under tests/fixtures).
pub fn seed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed/seed-readme.md")
}

/// The seed README's text.
pub fn seed_text() -> String {
    std::fs::read_to_string(seed_path()).expect("the seed README is in tests/fixtures")
}

/// One table row of the seed.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedRow {
    /// Version-less id.
    pub id: String,
    /// Version number.
    pub version: u32,
    /// `YYYY-MM-DD` shown in the row.
    pub date: String,
    pub title: String,
    pub categories: Vec<String>,
    /// The abstract as the cell shows it.
    pub summary: String,
    /// The row's text.
    pub line: String,
}

/// The seed: sections in order, each with its rows in order.
pub struct Seed {
    pub sections: Vec<(String, Vec<SeedRow>)>,
}

impl Seed {
    pub fn load() -> Seed {
        let mut sections: Vec<(String, Vec<SeedRow>)> = Vec::new();
        for line in seed_text().lines() {
            if let Some(name) = line.strip_prefix("## ") {
                if !name.starts_with("Updated on") {
                    sections.push((name.to_string(), Vec::new()));
                }
            } else if line.starts_with("|**") {
                let row = parse_row(line).unwrap_or_else(|| panic!("unparsable seed row: {line}"));
                sections
                    .last_mut()
                    .expect("rows follow a heading")
                    .1
                    .push(row);
            }
        }
        Seed { sections }
    }

    /// Each paper once, as it first appears (the date of its first appearance).
    pub fn papers(&self) -> BTreeMap<String, SeedRow> {
        let mut out = BTreeMap::new();
        for (_, rows) in &self.sections {
            for row in rows {
                out.entry(row.id.clone()).or_insert_with(|| row.clone());
            }
        }
        out
    }

    pub fn section(&self, name: &str) -> &[SeedRow] {
        &self
            .sections
            .iter()
            .find(|(n, _)| n == name)
            .expect("section exists")
            .1
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<(&'a str, &'a str)> {
    let rest = s.strip_prefix(start)?;
    let pos = rest.find(end)?;
    Some((&rest[..pos], &rest[pos + end.len()..]))
}

fn parse_row(line: &str) -> Option<SeedRow> {
    let (date, rest) = between(line, "|**", "**|**")?;
    let (title, rest) = rest.split_once("**|")?;
    let (labels, rest) = rest.split_once("| <details><summary>Full Abstract</summary>")?;
    let (summary, rest) = rest.split_once("</details>|[")?;
    let (vid, _) = rest.split_once("](")?;
    let vpos = vid.rfind('v')?;
    Some(SeedRow {
        id: vid[..vpos].to_string(),
        version: vid[vpos + 1..].parse().ok()?,
        date: date.to_string(),
        title: title.to_string(),
        categories: labels.split(", ").map(str::to_string).collect(),
        summary: summary.replace("\\|", "|"),
        line: line.to_string(),
    })
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One `<entry>` in the current API's element order. Runs of three spaces in the cell were a
/// `\n  ` paragraph break in arXiv's text (the seed generator replaced `\n` by a space), so they
/// are turned back into one.
pub fn atom_entry(row: &SeedRow) -> String {
    let vid = format!("{}v{}", row.id, row.version);
    let time = format!("{}T17:30:00Z", row.date);
    let categories: String = row
        .categories
        .iter()
        .map(|c| format!("    <category term=\"{c}\" scheme=\"http://arxiv.org/schemas/atom\"/>\n"))
        .collect();
    format!(
        "  <entry>
    <id>http://arxiv.org/abs/{vid}</id>
    <title>{title}</title>
    <updated>{time}</updated>
    <link href=\"https://arxiv.org/abs/{vid}\" rel=\"alternate\" type=\"text/html\"/>
    <link href=\"https://arxiv.org/pdf/{vid}\" rel=\"related\" type=\"application/pdf\" title=\"pdf\"/>
    <summary>{summary}</summary>
{categories}    <published>{time}</published>
    <arxiv:primary_category term=\"{primary}\"/>
    <author>
      <name>Seed Author</name>
    </author>
  </entry>
",
        title = xml_escape(&row.title),
        summary = xml_escape(&row.summary.replace("   ", "\n  ")),
        primary = row.categories[0],
    )
}

/// A whole feed around `entries`.
pub fn atom_feed(entries: &[String], total: usize, start: usize, per_page: usize) -> String {
    format!(
        "<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\" xmlns:arxiv=\"http://arxiv.org/schemas/atom\" xmlns=\"http://www.w3.org/2005/Atom\">
  <id>https://arxiv.org/api/mock</id>
  <title>arXiv Query: mock</title>
  <updated>2026-02-07T12:00:00Z</updated>
  <link href=\"https://arxiv.org/api/query\" type=\"application/atom+xml\"/>
  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
{}</feed>
",
        entries.concat()
    )
}
