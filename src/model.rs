//! Plain domain types shared by every module: arXiv identifiers, papers and topic membership.
//!
//! This module owns no I/O and depends on nothing else in the crate. Parsing an identifier
//! from the forms people paste (`arXiv:2407.05858v2`, abs/pdf URLs, old-style `hep-th/9901001`)
//! lives here so that the client, the store and the command line agree on one canonical form;
//! so does the one whitespace form of titles, names and comments from every source.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A version-less arXiv identifier in canonical form: `2407.05858` or `hep-th/9901001`.
///
/// Old-style identifiers lose their subject class (`math.CA/0611800` becomes `math/0611800`),
/// which is arXiv's own preferred external form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ArxivId(String);

/// Why a string is not an arXiv identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an arXiv identifier (expected e.g. `2407.05858`, `2407.05858v2` or `hep-th/9901001`)"
)]
pub struct IdError(pub String);

impl ArxivId {
    /// Parses any common form of an identifier and returns it with the version, if one was given.
    ///
    /// Accepted: `2407.05858`, `2407.05858v2`, `arXiv:2407.05858`, `0704.0001`,
    /// `hep-th/9901001v1`, `math.CA/0611800`, and `http(s)://arxiv.org/abs/…` or `/pdf/….pdf` URLs.
    pub fn parse_versioned(input: &str) -> Result<(ArxivId, Option<u32>), IdError> {
        let err = || IdError(input.to_string());
        let mut s = input.trim();
        for scheme in ["https://", "http://"] {
            if let Some(rest) = s.strip_prefix(scheme) {
                s = rest;
            }
        }
        for host in ["export.arxiv.org/", "www.arxiv.org/", "arxiv.org/"] {
            if let Some(rest) = s.strip_prefix(host) {
                s = rest;
                for kind in ["abs/", "pdf/"] {
                    if let Some(rest) = s.strip_prefix(kind) {
                        s = rest;
                    }
                }
            }
        }
        s = s.strip_suffix(".pdf").unwrap_or(s);
        if s.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("arxiv:")) && s.len() > 6 {
            s = &s[6..];
        }
        let (body, version) = split_version(s).ok_or_else(err)?;
        if is_new_style(body) {
            return Ok((ArxivId(body.to_string()), version));
        }
        let (archive, number) = body.split_once('/').ok_or_else(err)?;
        let archive = archive.split_once('.').map_or(archive, |(a, _)| a);
        let archive_ok =
            !archive.is_empty() && archive.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        let number_ok = number.len() == 7 && number.bytes().all(|b| b.is_ascii_digit());
        if archive_ok && number_ok {
            Ok((ArxivId(format!("{archive}/{number}")), version))
        } else {
            Err(err())
        }
    }

    /// Parses an identifier and rejects a version suffix.
    pub fn parse(input: &str) -> Result<ArxivId, IdError> {
        match Self::parse_versioned(input)? {
            (id, None) => Ok(id),
            (_, Some(_)) => Err(IdError(input.to_string())),
        }
    }

    /// The canonical version-less text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The `(year, month)` encoded in the identifier (`2407.05858` → 2024-07, `hep-th/9901001` → 1999-01).
    pub fn yymm(&self) -> Option<(i16, i8)> {
        let digits = match self.0.split_once('/') {
            Some((_, number)) => number,
            None => &self.0,
        };
        let yy: i16 = digits.get(0..2)?.parse().ok()?;
        let mm: i8 = digits.get(2..4)?.parse().ok()?;
        let year = if yy >= 91 { 1900 + yy } else { 2000 + yy };
        Some((year, mm))
    }
}

/// Splits a trailing `vN`; `None` when the suffix is malformed (`v`, `v0x`).
fn split_version(s: &str) -> Option<(&str, Option<u32>)> {
    match s.rfind('v') {
        Some(pos) if pos > 0 && s[pos + 1..].bytes().all(|b| b.is_ascii_digit()) => {
            let digits = &s[pos + 1..];
            let version: u32 = digits.parse().ok()?;
            if version == 0 {
                return None;
            }
            Some((&s[..pos], Some(version)))
        }
        _ => Some((s, None)),
    }
}

/// `YYMM.NNNN` (2007–2014) or `YYMM.NNNNN` (2015 on).
fn is_new_style(s: &str) -> bool {
    let Some((yymm, number)) = s.split_once('.') else {
        return false;
    };
    yymm.len() == 4
        && yymm.bytes().all(|b| b.is_ascii_digit())
        && (number.len() == 4 || number.len() == 5)
        && number.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for ArxivId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ArxivId {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ArxivId::parse(&value)
    }
}

impl From<ArxivId> for String {
    fn from(value: ArxivId) -> Self {
        value.0
    }
}

/// One paper at its latest known version, with every field the export API gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paper {
    /// Version-less identifier.
    pub id: ArxivId,
    /// The version these fields describe (1 for `v1`).
    pub version: u32,
    /// Title with whitespace runs collapsed to single spaces.
    pub title: String,
    /// Author names in order.
    pub authors: Vec<String>,
    /// Abstract as arXiv sent it, trimmed; internal line breaks are kept.
    #[serde(rename = "abstract")]
    pub summary: String,
    /// Every arXiv category, in the API's order (primary first in practice).
    pub categories: Vec<String>,
    /// The primary category.
    pub primary_category: String,
    /// When version 1 was submitted.
    pub published: Timestamp,
    /// When this version was submitted.
    pub updated: Timestamp,
    /// Author comment (`arxiv:comment`).
    pub comment: Option<String>,
    /// Journal reference (`arxiv:journal_ref`).
    pub journal_ref: Option<String>,
    /// DOI (`arxiv:doi`).
    pub doi: Option<String>,
}

impl Paper {
    /// The paper with [`clean_text`] applied to every text field: what each reader (Atom,
    /// OAI-PMH, Kaggle, cv-arxiv-daily rows) does once, where papers enter.
    pub fn cleaned(mut self) -> Paper {
        fn clean(s: &mut String) {
            if let std::borrow::Cow::Owned(c) = clean_text(s) {
                *s = c;
            }
        }
        clean(&mut self.title);
        clean(&mut self.summary);
        clean(&mut self.primary_category);
        self.authors.iter_mut().for_each(clean);
        self.categories.iter_mut().for_each(clean);
        [&mut self.comment, &mut self.journal_ref, &mut self.doi]
            .into_iter()
            .flatten()
            .for_each(clean);
        self
    }

    /// `2510.15312v4`.
    pub fn versioned_id(&self) -> String {
        format!("{}v{}", self.id, self.version)
    }
}

/// Which date puts a paper in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    /// The first version's submission (`published`).
    #[default]
    Published,
    /// The latest version's submission (`updated`).
    Updated,
    /// The month in the arXiv id (`2407.…` → 2024-07), as the seed's generator did.
    Id,
}

/// A paper's place in one topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// The topic's name.
    pub name: String,
    /// Whether outputs show the paper under this topic.
    pub shown: bool,
    /// Relevance score, 0–1, once computed.
    pub score: Option<f64>,
    /// Why the paper is hidden, when it is.
    pub reason: Option<String>,
    /// When the paper joined the topic.
    pub first_seen: Timestamp,
}

/// A paper with every topic it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPaper {
    /// The paper.
    pub paper: Paper,
    /// Its topics, in name order.
    pub topics: Vec<Membership>,
    /// When paperwatch first stored the paper.
    pub first_seen: Timestamp,
}

/// The first non-blank line of a service's answer, at most `max` characters (then `…`): what
/// error messages quote of a body ("Rate exceeded").
pub fn first_line(body: &str, max: usize) -> String {
    let line = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut s: String = line.chars().take(max).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

/// The `User-Agent` paperwatch sends to every service it asks (arXiv, Hugging Face).
pub fn user_agent() -> String {
    format!(
        "paperwatch/{} (arXiv paper tracker; one request at a time)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Whether a character has no place in stored text: C0 and C1 control characters other than
/// tab and line feed (an ANSI colour code's ESC, a bell, a NUL, a carriage return) and Unicode's
/// non-characters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF). (A Rust `String` holds no lone
/// surrogates: bytes decoded lossily already carry U+FFFD in their place.)
pub fn is_unwanted_char(c: char) -> bool {
    let u = c as u32;
    (c.is_control() && c != '\t' && c != '\n')
        || (0xFDD0..=0xFDEF).contains(&u)
        || (u & 0xFFFE) == 0xFFFE
}

/// Whether a byte may start (or be) an [`is_unwanted_char`]: an ASCII control other than tab
/// and line feed, DEL, or a lead byte of C1 controls (0xC2), of the non-characters (0xEF) or of
/// the supplementary planes (0xF0–0xF4).
fn suspect(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7F || b == 0xC2 || b == 0xEF || b >= 0xF0
}

/// Whether `s` holds an [`is_unwanted_char`]. Eight bytes at a time first: a word whose bytes
/// are all printable ASCII (0x20–0x7E) needs no closer look, and text with no [`suspect`] byte
/// (most of arXiv) needs no decoding. Parsing a page of abstracts spends its time here.
fn has_unwanted(s: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = s.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut suspicious = false;
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // Some byte below 0x20, or some byte above 0x7E (the classic "has less / has more"
        // word tests; exact as a yes/no for the whole word).
        let below = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        // Adding 1 to every byte carries 0x7F into the high bit.
        let above = (w.wrapping_add(ONES) | w) & HIGH;
        if (below | above) != 0 && chunk.iter().copied().any(suspect) {
            suspicious = true;
            break;
        }
    }
    if !suspicious {
        suspicious = chunks.remainder().iter().copied().any(suspect);
    }
    suspicious && s.chars().any(is_unwanted_char)
}

/// Text with every [`is_unwanted_char`] removed; borrowed when there is none.
pub fn clean_text(s: &str) -> std::borrow::Cow<'_, str> {
    if has_unwanted(s) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !is_unwanted_char(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Collapses every whitespace run to one space and trims, after removing unwanted characters
/// ([`clean_text`]).
pub fn collapse_whitespace(s: &str) -> String {
    let cleaned = clean_text(s);
    let s = cleaned.trim();
    // Most titles, names and comments are already collapsed: one copy, no scan per word.
    let bytes = s.as_bytes();
    let collapsed = s.is_ascii()
        && !bytes
            .windows(2)
            .any(|w| w[0].is_ascii_whitespace() && (w[0] != b' ' || w[1].is_ascii_whitespace()))
        && !bytes
            .last()
            .is_some_and(|b| b.is_ascii_whitespace() && *b != b' ');
    if collapsed {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Rows migrated from a cv-arxiv-daily fork, as its JSON databases held them: by `(topic,
/// paper)`, then by the file they render into (`readme`, `gitpage`, `wechat`).
pub type CvRows =
    std::collections::HashMap<(String, ArxivId), std::collections::HashMap<String, String>>;

/// Every paper that belongs to a topic, with its memberships: what the relevance model is fitted
/// on and what the outputs show. The tracker reads it from the store once per run and keeps its
/// verdicts current in memory as it stores them.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The papers, by id ascending.
    pub papers: Vec<StoredPaper>,
    /// Rows migrated from a cv-arxiv-daily fork, which the cv layout shows as they were.
    pub cv_rows: CvRows,
}

impl Corpus {
    /// When the outputs last had news: the latest time a shown paper was first seen, joined a
    /// topic it is shown in, or was revised. Outputs date themselves by it rather than by the
    /// clock, so a run that finds nothing new writes the same bytes.
    pub fn last_news(&self) -> Option<Timestamp> {
        last_news(&self.papers)
    }
}

/// [`Corpus::last_news`] of a slice of papers.
pub fn last_news(papers: &[StoredPaper]) -> Option<Timestamp> {
    papers
        .iter()
        .filter_map(|s| {
            s.topics
                .iter()
                .filter(|m| m.shown)
                .map(|m| m.first_seen)
                .max()
                .map(|joined| joined.max(s.first_seen).max(s.paper.updated))
        })
        .max()
}

/// One version of a paper: what a digest delivers and a delivery record names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaperVersion {
    /// The paper.
    pub id: ArxivId,
    /// Its version.
    pub version: u32,
}

/// The reader's label on a paper in a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The paper.
    pub id: ArxivId,
    /// Relevant (more like this) or not (not for me).
    pub relevant: bool,
}

/// A topic's verdict on one of its papers, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The paper.
    pub id: ArxivId,
    /// Shown in the topic.
    pub shown: bool,
    /// Its relevance score, when scored.
    pub score: Option<f64>,
    /// Why it is hidden.
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_finds_every_unwanted_character() {
        // Every class of unwanted character, alone and amid text, and wanted neighbours of
        // the same lead bytes.
        let unwanted = [
            '\0',
            '\r',
            '\x1b',
            '\x7f',
            '\u{80}',
            '\u{9f}',
            '\u{fdd0}',
            '\u{fdef}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{10ffff}',
        ];
        let wanted = [
            'a',
            '\t',
            '\n',
            '\u{a0}',
            'é',
            '\u{fdcf}',
            '\u{fdf0}',
            '\u{fffd}',
            '😀',
            '\u{10fffd}',
        ];
        for c in unwanted {
            for text in [c.to_string(), format!("ab{c}cd"), format!("é{c}😀")] {
                assert!(has_unwanted(&text), "{c:?}");
            }
        }
        for c in wanted {
            assert!(!has_unwanted(&format!("ab{c}cd")), "{c:?}");
        }
        // Agrees with decoding every character, on every character of the planes' edges.
        for u in (0..0x3000).chain(0xFD00..0x10000).chain(0x1FFF0..0x20010) {
            if let Some(c) = char::from_u32(u) {
                // At every offset of an eight-byte word, and in the tail after the last word.
                for pad in 0..17 {
                    let text = format!("{}{c}y", "x".repeat(pad));
                    assert_eq!(has_unwanted(&text), is_unwanted_char(c), "{u:#x} at {pad}");
                }
            }
        }
    }

    #[test]
    fn whitespace_collapses_like_split_whitespace() {
        for s in [
            "",
            " ",
            "a",
            "a b",
            " a  b ",
            "a\n  b",
            "a\tb",
            "a \n",
            "\u{a0}x\u{2003}y",
            "Ünïcode  words",
            "a\r\nb",
        ] {
            let expected = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(s), expected, "{s:?}");
        }
    }

    #[test]
    fn parses_every_identifier_form() {
        let cases = [
            ("2407.05858", "2407.05858", None),
            ("2407.05858v2", "2407.05858", Some(2)),
            ("arXiv:2407.05858", "2407.05858", None),
            ("arxiv:2407.05858v12", "2407.05858", Some(12)),
            ("http://arxiv.org/abs/2407.05858v2", "2407.05858", Some(2)),
            (
                "https://arxiv.org/pdf/2407.05858v2.pdf",
                "2407.05858",
                Some(2),
            ),
            ("https://export.arxiv.org/abs/0704.0001", "0704.0001", None),
            ("hep-th/9901001", "hep-th/9901001", None),
            ("hep-th/9901001v3", "hep-th/9901001", Some(3)),
            ("math.CA/0611800v2", "math/0611800", Some(2)),
            (
                "http://arxiv.org/abs/astro-ph/0601001v1",
                "astro-ph/0601001",
                Some(1),
            ),
            ("solv-int/9901001", "solv-int/9901001", None),
        ];
        for (input, id, version) in cases {
            let (got, v) = ArxivId::parse_versioned(input).unwrap();
            assert_eq!((got.as_str(), v), (id, version), "{input}");
        }
    }

    #[test]
    fn rejects_non_identifiers() {
        for bad in [
            "",
            "abc",
            "2407.058",
            "2407.05858v",
            "2407.05858v0",
            "24a7.05858",
            "hep-th/990100",
            "HEP/9901001",
            "1234.123456",
            // Found by the fuzzer: a multi-byte character across the `arXiv:` prefix's end.
            "2509\u{FFFD}.23324",
            "0704.\u{FFFD}0012",
            "http\u{FFFD}://arxiv.org/abs/1605.08386v1",
        ] {
            assert!(ArxivId::parse_versioned(bad).is_err(), "{bad:?} accepted");
        }
        assert!(ArxivId::parse("2407.05858v2").is_err());
    }

    #[test]
    fn id_month() {
        let id = |s| ArxivId::parse(s).unwrap();
        assert_eq!(id("2407.05858").yymm(), Some((2024, 7)));
        assert_eq!(id("0704.0001").yymm(), Some((2007, 4)));
        assert_eq!(id("hep-th/9901001").yymm(), Some((1999, 1)));
    }
}
