//! One home for the text every writer shares: escaping for HTML (and XML), a Markdown table
//! cell and heading, LaTeX (BibTeX fields) and the terminal; the FNV-1a hash; arXiv's abstract
//! and PDF addresses. Used by `render`, `notify`, `relevance`, `query`, `tracker` and
//! `commands`; depends only on [`crate::model`]'s notion of an unwanted character.

use std::fmt::Display;

use crate::model::is_unwanted_char;

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            c if is_unwanted_char(c) => {}
            c => s.push(c),
        }
    }
    s
}

/// Makes text safe inside a table cell: `|` escaped, line breaks as spaces, and a `<` that
/// would open an HTML tag (`<script>`, `</b>`, `<!--`) written as `&lt;` so it shows as text.
/// Inside `$…$` math (when the dollars pair up) and for other `<` (`<1B`, `< 0.3%`) the text is
/// left as the seed generator wrote it.
pub fn markdown_cell(text: &str) -> String {
    let math = text.matches('$').count().is_multiple_of(2);
    let mut in_math = false;
    let mut s = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => s.push_str("\\|"),
            '\n' | '\r' | '\t' => s.push(' '),
            c if is_unwanted_char(c) => {}
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

/// A topic's name as a `##` heading: on one line, and a `<` that would open an HTML tag shown
/// as text (`|` needs no escape outside a table).
pub fn markdown_heading(name: &str) -> String {
    markdown_cell(name).replace("\\|", "|")
}

/// Escapes text for a BibTeX field: LaTeX specials outside `$…$` math are escaped; math is kept
/// as written when its dollars pair up, else the dollars are escaped too.
///
/// BibTeX readers (biber's btparse, bibtex) count braces even after a backslash, so a field
/// with unbalanced braces ends early or never: then every brace is written as a command without
/// braces of its own (`\textbraceleft{}`… outside math, `\lbrace` and `\rbrace` in math).
pub fn latex_escape(text: &str) -> String {
    let dollars = text.matches('$').count() - text.matches("\\$").count();
    let keep_math = dollars.is_multiple_of(2);
    let balanced = braces_balance(text);
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_math = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if is_unwanted_char(c) => {}
            '\\' if chars.peek() == Some(&'$') => {
                out.push_str("\\$");
                chars.next();
            }
            '$' if keep_math => {
                in_math = !in_math;
                out.push('$');
            }
            '{' if in_math && !balanced => out.push_str("\\lbrace "),
            '}' if in_math && !balanced => out.push_str("\\rbrace "),
            _ if in_math => out.push(c),
            '$' => out.push_str("\\$"),
            '&' | '%' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '{' if !balanced => out.push_str("\\textbraceleft{}"),
            '}' if !balanced => out.push_str("\\textbraceright{}"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Whether every `}` closes an earlier `{` and none is left open.
fn braces_balance(text: &str) -> bool {
    let mut depth: i64 = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

/// Removes control characters (escape sequences in a title must not reach the terminal).
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
        .collect()
}

/// FNV-1a, 64 bits: a cheap, stable hash of short byte strings (word indexes, hashed features,
/// folds, the snapshot's fingerprint).
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    /// Adds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash so far.
    pub fn finish(self) -> u64 {
        self.0
    }
}

/// FNV-1a of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::default();
    h.write(bytes);
    h.finish()
}

/// Whether a URL's host is this machine: `localhost`, 127.0.0.0/8 or ::1 (brackets allowed).
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `https://arxiv.org/abs/{id}`: a paper's abstract page (`id` with or without a version).
pub fn abs_url(id: impl Display) -> String {
    format!("https://arxiv.org/abs/{id}")
}

/// `https://arxiv.org/pdf/{id}`: a paper's PDF (`id` with or without a version).
pub fn pdf_url(id: impl Display) -> String {
    format!("https://arxiv.org/pdf/{id}")
}

/// `http://arxiv.org/abs/{id}`: the form the export API gives as an entry's id, which the
/// seed's and cv-arxiv-daily's READMEs link (kept byte for byte).
pub fn legacy_abs_url(id: impl Display) -> String {
    format!("http://arxiv.org/abs/{id}")
}

/// `text` encoded for a URL's query string (`application/x-www-form-urlencoded`: a space is `+`).
pub fn percent_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// 32 hex digits from the operating system's random source: tokens (the inbox's, Zotero's write
/// tokens).
pub fn random_hex() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
