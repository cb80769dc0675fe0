//! One arXiv metadata record in the shape the Kaggle "arxiv-metadata-oai-snapshot" JSON lines and
//! OAI-PMH's `arXivRaw` format share (the snapshot is made from it) → a [`Paper`] with its
//! version history, in the same shape as the export API gives: title on one line, abstract
//! unwrapped with paragraph breaks kept as `\n  `, names from `authors_parsed` when present.
//! Pure.

use jiff::Timestamp;
use serde::Deserialize;

use crate::model::{ArxivId, Paper, collapse_whitespace};

/// A record's fields as the source gives them, before any cleaning.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawRecord {
    /// `0704.0001` or `hep-th/9901001`.
    pub id: String,
    /// The title, hard-wrapped.
    pub title: Option<String>,
    /// The abstract, hard-wrapped.
    #[serde(rename = "abstract")]
    pub summary: Option<String>,
    /// `A, B and C`.
    pub authors: Option<String>,
    /// `[[last, first, suffix], …]` (Kaggle only).
    pub authors_parsed: Option<Vec<Vec<String>>>,
    /// Space-separated, primary first.
    pub categories: Option<String>,
    /// The author's comment.
    pub comments: Option<String>,
    /// The journal reference.
    #[serde(rename = "journal-ref")]
    pub journal_ref: Option<String>,
    /// The DOI.
    pub doi: Option<String>,
    /// Every version with its submission date.
    #[serde(default)]
    pub versions: Vec<RawVersion>,
}

/// One version of a [`RawRecord`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawVersion {
    /// `v1`.
    pub version: String,
    /// `Mon, 2 Apr 2007 19:18:42 GMT` (the day zero-padded or not).
    pub created: String,
}

/// A record as paperwatch stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The paper at its latest version.
    pub paper: Paper,
    /// `(version, submitted)` of every version.
    pub versions: Vec<(u32, Timestamp)>,
    /// Version dates whose weekday disagrees with the date (`Tue, 2 Apr 2007`): kept, dated
    /// by the date.
    pub wrong_weekdays: usize,
}

/// Undoes the hard wraps of Kaggle/OAI abstracts the way the export API does: a line break
/// followed by two spaces is a paragraph break and stays as `\n  `; other line breaks are
/// spaces; leading and trailing white space goes.
pub fn unwrap_abstract(text: &str) -> String {
    text.trim()
        .replace("\n  ", "\u{0}")
        .replace('\n', " ")
        .replace('\u{0}', "\n  ")
}

/// `Mon, 2 Apr 2007 19:18:42 GMT`, and whether its weekday had to be ignored because it
/// disagrees with the date (some records have one; the date is what counts).
fn created(text: &str) -> Option<(Timestamp, bool)> {
    let text = text.trim();
    if let Ok(z) = jiff::fmt::rfc2822::parse(text) {
        return Some((z.timestamp(), false));
    }
    let (_, rest) = text.split_once(", ")?;
    jiff::fmt::rfc2822::parse(rest.trim())
        .ok()
        .map(|z| (z.timestamp(), true))
}

/// Parses one line of the Kaggle snapshot; the error says what is wrong with it.
pub fn parse_line(line: &str) -> Result<Record, String> {
    let l: RawRecord = serde_json::from_str(line).map_err(|e| format!("not a JSON record: {e}"))?;
    l.into_record()
}

impl RawRecord {
    /// The cleaned record; the error says what is wrong with it.
    pub fn into_record(self) -> Result<Record, String> {
        let l = self;
        let id = ArxivId::parse(l.id.trim()).map_err(|e| e.to_string())?;
        let title = collapse_whitespace(l.title.as_deref().unwrap_or(""));
        if title.is_empty() {
            return Err(format!("{id}: no title"));
        }
        let mut wrong_weekdays = 0;
        let mut versions: Vec<(u32, Timestamp)> = l
            .versions
            .iter()
            .filter_map(|v| {
                let n: u32 = v.version.trim().trim_start_matches('v').parse().ok()?;
                let (when, wrong_weekday) = created(&v.created)?;
                wrong_weekdays += usize::from(wrong_weekday);
                Some((n, when))
            })
            .collect();
        versions.sort_by_key(|v| v.0);
        let (Some(first), Some(last)) = (versions.first().copied(), versions.last().copied())
        else {
            return Err(format!("{id}: no readable version dates"));
        };
        let authors: Vec<String> = match &l.authors_parsed {
            Some(parsed) if !parsed.is_empty() => parsed
                .iter()
                .map(|parts| {
                    let get = |i: usize| parts.get(i).map(|s| s.trim()).unwrap_or("");
                    collapse_whitespace(&format!("{} {} {}", get(1), get(0), get(2)))
                })
                .filter(|n| !n.is_empty())
                .collect(),
            _ => l
                .authors
                .as_deref()
                .unwrap_or("")
                .replace(" and ", ", ")
                .split(',')
                .map(collapse_whitespace)
                .filter(|n| !n.is_empty())
                .collect(),
        };
        let categories: Vec<String> = l
            .categories
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let optional =
            |s: Option<String>| s.map(|s| collapse_whitespace(&s)).filter(|s| !s.is_empty());
        Ok(Record {
            paper: Paper {
                id,
                version: last.0,
                title,
                authors,
                summary: unwrap_abstract(l.summary.as_deref().unwrap_or("")),
                primary_category: categories.first().cloned().unwrap_or_default(),
                categories,
                published: first.1,
                updated: last.1,
                comment: optional(l.comments),
                journal_ref: optional(l.journal_ref),
                doi: optional(l.doi),
            }
            .cleaned(),
            versions,
            wrong_weekdays,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abstracts_unwrap_like_the_api() {
        assert_eq!(
            unwrap_abstract("  First line\nsecond line.\n  New paragraph\nends.\n"),
            "First line second line.\n  New paragraph ends."
        );
    }

    #[test]
    fn a_line_with_every_field() {
        let line = r#"{"id":"0704.0001","submitter":"P","authors":"C. Bal\\'azs and E. Berger","title":"Calculation of prompt\n  diphoton","comments":"37 pages","journal-ref":"Phys.Rev.D76:013009,2007","doi":"10.1103/PhysRevD.76.013009","report-no":"x","categories":"hep-ph math.CA","license":null,"abstract":"  A fully\ndifferential.\n","versions":[{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"},{"version":"v2","created":"Tue, 24 Jul 2007 20:10:27 GMT"}],"update_date":"2008-11-13","authors_parsed":[["Balázs","C.",""],["Berger","E.",""]]}"#;
        let r = parse_line(line).unwrap();
        let p = &r.paper;
        assert_eq!(p.id.as_str(), "0704.0001");
        assert_eq!(p.version, 2);
        assert_eq!(p.title, "Calculation of prompt diphoton");
        assert_eq!(p.authors, ["C. Balázs", "E. Berger"]);
        assert_eq!(p.summary, "A fully differential.");
        assert_eq!(p.categories, ["hep-ph", "math.CA"]);
        assert_eq!(p.primary_category, "hep-ph");
        assert_eq!(p.published.to_string(), "2007-04-02T19:18:42Z");
        assert_eq!(p.updated.to_string(), "2007-07-24T20:10:27Z");
        assert_eq!(p.journal_ref.as_deref(), Some("Phys.Rev.D76:013009,2007"));
        assert_eq!(r.versions.len(), 2);
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(
            parse_line("{")
                .unwrap_err()
                .starts_with("not a JSON record")
        );
        assert!(parse_line(r#"{"id":"bad id","title":"t","versions":[]}"#).is_err());
        assert_eq!(
            parse_line(r#"{"id":"0704.0001","title":"t","versions":[]}"#).unwrap_err(),
            "0704.0001: no readable version dates"
        );
    }
}
