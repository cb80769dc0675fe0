//! Strict local matching: a topic's own query (arXiv syntax) evaluated on the paper's text with
//! whole words, phrases as phrases, case-insensitive, and no stemming unless a term asks for it
//! with a wildcard (`accelerat*`). arXiv's own search stems (`mobile` finds "mobility"); this is
//! the check that takes such papers back out.
//!
//! Supported syntax: `field:term`, `field:"a phrase"`, `field:(a b)`, bare terms and phrases,
//! `AND`, `OR`, `ANDNOT`, parentheses, adjacency as `OR` (as arXiv does), `*`/`?` wildcards.
//! Fields: `ti` title, `abs` abstract, `all` title and abstract, `co` comment, `cat` categories
//! (`cs.*`), `au` authors, `jr` journal reference; `rn` and `id` are accepted and always match.

use crate::model::Paper;

/// Which part of a paper a term looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `ti:`
    Title,
    /// `abs:`
    Abstract,
    /// `all:` or no prefix: title and abstract.
    All,
    /// `co:`
    Comment,
    /// `cat:`
    Category,
    /// `au:`
    Author,
    /// `jr:`
    JournalRef,
    /// `rn:`, `id:`: not checked locally.
    Unchecked,
}

impl Field {
    fn parse(prefix: &str) -> Option<Field> {
        Some(match prefix {
            "ti" => Field::Title,
            "abs" => Field::Abstract,
            "all" => Field::All,
            "co" => Field::Comment,
            "cat" => Field::Category,
            "au" => Field::Author,
            "jr" => Field::JournalRef,
            "rn" | "id" => Field::Unchecked,
            _ => return None,
        })
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A word or phrase (lower-cased words, possibly with wildcards) in a field.
    Term {
        /// Where to look.
        field: Field,
        /// The words, in order.
        words: Vec<String>,
        /// The term as written, for explanations.
        text: String,
    },
    /// Both.
    And(Box<Expr>, Box<Expr>),
    /// Either.
    Or(Box<Expr>, Box<Expr>),
    /// The left without the right.
    AndNot(Box<Expr>, Box<Expr>),
}

/// A query that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at character {position} of {query:?}")]
pub struct QueryError {
    /// The query.
    pub query: String,
    /// 1-based character position.
    pub position: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    AndNot,
    /// `field:` directly followed by `(` or `"`.
    Prefix(Field),
    Word(Option<Field>, String),
    Phrase(String),
}

fn lex(query: &str) -> Result<Vec<(usize, Token)>, QueryError> {
    let chars: Vec<char> = query.chars().collect();
    let err = |position: usize, message: &str| QueryError {
        query: query.to_string(),
        position: position + 1,
        message: message.to_string(),
    };
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            tokens.push((i, Token::Open));
            i += 1;
        } else if c == ')' {
            tokens.push((i, Token::Close));
            i += 1;
        } else if c == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|&d| d == '"')
                .ok_or_else(|| err(i, "unclosed quote"))?;
            let text: String = chars[i + 1..i + 1 + end].iter().collect();
            tokens.push((i, Token::Phrase(text)));
            i += end + 2;
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '(' | ')' | '"')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let token = match word.as_str() {
                "AND" => Token::And,
                "OR" => Token::Or,
                "ANDNOT" => Token::AndNot,
                _ => match word.split_once(':') {
                    Some((prefix, rest)) => {
                        let field = Field::parse(&prefix.to_ascii_lowercase())
                            .ok_or_else(|| err(start, &format!("unknown field `{prefix}:`")))?;
                        if rest.is_empty() {
                            Token::Prefix(field)
                        } else {
                            Token::Word(Some(field), rest.to_string())
                        }
                    }
                    None => Token::Word(None, word),
                },
            };
            tokens.push((start, token));
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    query: &'a str,
    tokens: Vec<(usize, Token)>,
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> QueryError {
        let position = self
            .tokens
            .get(self.pos)
            .map_or(self.query.chars().count(), |t| t.0);
        QueryError {
            query: self.query.to_string(),
            position: position + 1,
            message: message.to_string(),
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|t| &t.1)
    }

    fn or(&mut self, field: Field) -> Result<Expr, QueryError> {
        let mut left = self.and(field)?;
        loop {
            match self.peek() {
                Some(Token::Or) => {
                    self.pos += 1;
                    let right = self.and(field)?;
                    left = Expr::Or(Box::new(left), Box::new(right));
                }
                Some(Token::Close) | None => return Ok(left),
                Some(Token::And | Token::AndNot) => return Err(self.err("misplaced operator")),
                // Adjacent terms: arXiv reads them as OR.
                Some(_) => {
                    let right = self.and(field)?;
                    left = Expr::Or(Box::new(left), Box::new(right));
                }
            }
        }
    }

    fn and(&mut self, field: Field) -> Result<Expr, QueryError> {
        let mut left = self.unary(field)?;
        loop {
            match self.peek() {
                Some(Token::And) => {
                    self.pos += 1;
                    left = Expr::And(Box::new(left), Box::new(self.unary(field)?));
                }
                Some(Token::AndNot) => {
                    self.pos += 1;
                    left = Expr::AndNot(Box::new(left), Box::new(self.unary(field)?));
                }
                _ => return Ok(left),
            }
        }
    }

    fn unary(&mut self, field: Field) -> Result<Expr, QueryError> {
        let token = self
            .peek()
            .cloned()
            .ok_or_else(|| self.err("a term is missing"))?;
        self.pos += 1;
        match token {
            Token::Open => {
                let inner = self.or(field)?;
                if self.peek() != Some(&Token::Close) {
                    return Err(self.err("unbalanced parenthesis"));
                }
                self.pos += 1;
                Ok(inner)
            }
            Token::Prefix(f) => self.unary(f),
            Token::Word(f, text) => Ok(term(f.unwrap_or(field), &text)),
            Token::Phrase(text) => Ok(term(field, &text)),
            Token::Close => {
                self.pos -= 1;
                Err(self.err("unbalanced parenthesis"))
            }
            Token::And | Token::Or | Token::AndNot => {
                self.pos -= 1;
                Err(self.err("misplaced operator"))
            }
        }
    }
}

fn term(field: Field, text: &str) -> Expr {
    let words = if field == Field::Category {
        vec![text.trim().to_lowercase()]
    } else {
        pattern_words(text)
    };
    Expr::Term {
        field,
        words,
        text: text.to_string(),
    }
}

/// Lower-cased words of a pattern, keeping `*` and `?`.
fn pattern_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '?'))
        .filter(|w| !w.is_empty() && w.chars().any(char::is_alphanumeric))
        .map(str::to_lowercase)
        .collect()
}

/// Lower-cased words of a text: runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    pieces(text).map(str::to_lowercase).collect()
}

/// The words of `text` as they stand: runs of letters and digits.
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

impl Expr {
    /// Parses a query in arXiv syntax.
    pub fn parse(query: &str) -> Result<Expr, QueryError> {
        let mut parser = Parser {
            query,
            tokens: lex(query)?,
            pos: 0,
        };
        if parser.tokens.is_empty() {
            return Err(parser.err("empty query"));
        }
        let expr = parser.or(Field::All)?;
        if parser.pos < parser.tokens.len() {
            return Err(parser.err("unbalanced parenthesis"));
        }
        Ok(expr)
    }

    /// An `exclude` or keyword entry: a phrase, unless it uses query syntax (a field prefix,
    /// quotes, parentheses or an operator), in which case it is parsed as a query.
    pub fn phrase_or_query(entry: &str) -> Result<Expr, QueryError> {
        let syntax = entry.contains([':', '"', '(', ')'])
            || entry
                .split_whitespace()
                .any(|w| matches!(w, "AND" | "OR" | "ANDNOT"));
        if syntax {
            return Expr::parse(entry);
        }
        match term(Field::All, entry) {
            Expr::Term { words, .. } if words.is_empty() => Err(QueryError {
                query: entry.to_string(),
                position: 1,
                message: "no words".into(),
            }),
            t => Ok(t),
        }
    }

    /// A keyword list as a query: any keyword, each a phrase in title or abstract.
    pub fn any_of(keywords: &[String]) -> Option<Expr> {
        keywords
            .iter()
            .map(|k| term(Field::All, k))
            .filter(|t| matches!(t, Expr::Term { words, .. } if !words.is_empty()))
            .reduce(|a, b| Expr::Or(Box::new(a), Box::new(b)))
    }

    /// Whether the document satisfies the query.
    pub fn matches(&self, doc: &Doc) -> bool {
        match self {
            Expr::Term { field, words, .. } => doc.has(*field, words),
            Expr::And(a, b) => a.matches(doc) && b.matches(doc),
            Expr::Or(a, b) => a.matches(doc) || b.matches(doc),
            Expr::AndNot(a, b) => a.matches(doc) && !b.matches(doc),
        }
    }

    /// The terms (as written) of the query that occur in the document, excluding the
    /// negated side of `ANDNOT`.
    pub fn matched_terms(&self, doc: &Doc) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut |field, words, text| {
            if doc.has(field, words) && !out.iter().any(|t| t == text) {
                out.push(text.to_string());
            }
        });
        out
    }

    /// Every positive term's words (not under the right side of `ANDNOT`, not categories).
    pub fn positive_terms(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        self.collect(&mut |field, words, _| {
            if !matches!(field, Field::Category | Field::Author | Field::Unchecked) {
                out.push(words.to_vec());
            }
        });
        out
    }

    fn collect(&self, f: &mut impl FnMut(Field, &[String], &str)) {
        match self {
            Expr::Term { field, words, text } => f(*field, words, text),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.collect(f);
                b.collect(f);
            }
            Expr::AndNot(a, _) => a.collect(f),
        }
    }
}

/// One field's words, lower-cased into one buffer, with a sorted (hash, position) index so a
/// term is a binary search rather than a scan. Built for every paper of a bulk import, so it
/// allocates three buffers per field, not one string per word.
#[derive(Debug, Clone, Default)]
struct Words {
    text: String,
    /// `(start, end)` of each word in `text`.
    spans: Vec<(u32, u32)>,
    /// `(hash of the word, position)`, sorted.
    index: Vec<(u64, u32)>,
}

/// FNV-1a: words are short and the index is rebuilt per paper, so a cheap hash wins.
fn word_hash(word: &str) -> u64 {
    word.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Words {
    /// Splits `parts` into lower-cased words (the same words as [`words`]).
    fn new<'a>(parts: impl IntoIterator<Item = &'a str>) -> Words {
        let mut text = String::new();
        let mut spans = Vec::new();
        for part in parts {
            for w in pieces(part) {
                let start = text.len() as u32;
                if w.is_ascii() {
                    text.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                } else {
                    text.push_str(&w.to_lowercase());
                }
                spans.push((start, text.len() as u32));
            }
        }
        let mut index: Vec<(u64, u32)> = spans
            .iter()
            .enumerate()
            .map(|(i, &(s, e))| (word_hash(&text[s as usize..e as usize]), i as u32))
            .collect();
        index.sort_unstable();
        Words { text, spans, index }
    }

    fn word(&self, i: usize) -> &str {
        let (s, e) = self.spans[i];
        &self.text[s as usize..e as usize]
    }

    /// Positions of `word` (exact).
    fn positions<'s>(&'s self, word: &'s str) -> impl Iterator<Item = u32> + 's {
        let h = word_hash(word);
        let from = self.index.partition_point(|&(x, _)| x < h);
        self.index[from..]
            .iter()
            .take_while(move |&&(x, _)| x == h)
            .map(|&(_, p)| p)
            .filter(move |&p| self.word(p as usize) == word)
    }

    /// Whether `pattern` occurs as consecutive words.
    fn contains(&self, pattern: &[String]) -> bool {
        let Some(first) = pattern.first() else {
            return false;
        };
        let rest_matches = |start: u32| {
            let start = start as usize;
            start + pattern.len() <= self.spans.len()
                && pattern[1..]
                    .iter()
                    .enumerate()
                    .all(|(k, p)| glob(p, self.word(start + 1 + k)))
        };
        if first.contains(['*', '?']) {
            (0..self.spans.len() as u32)
                .any(|p| glob(first, self.word(p as usize)) && rest_matches(p))
        } else {
            self.positions(first).any(rest_matches)
        }
    }
}

/// A paper's text, split into words once for matching.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    title: Words,
    summary: Words,
    comment: Words,
    journal_ref: Words,
    authors: Words,
    categories: Vec<String>,
}

impl Doc {
    /// Splits a paper's fields into words.
    pub fn new(paper: &Paper) -> Doc {
        Doc {
            title: Words::new([paper.title.as_str()]),
            summary: Words::new([paper.summary.as_str()]),
            comment: Words::new(paper.comment.as_deref()),
            journal_ref: Words::new(paper.journal_ref.as_deref()),
            authors: Words::new(paper.authors.iter().map(String::as_str)),
            categories: paper.categories.iter().map(|c| c.to_lowercase()).collect(),
        }
    }

    fn has(&self, field: Field, words: &[String]) -> bool {
        if words.is_empty() {
            return false;
        }
        match field {
            Field::Title => self.title.contains(words),
            Field::Abstract => self.summary.contains(words),
            Field::All => self.title.contains(words) || self.summary.contains(words),
            Field::Comment => self.comment.contains(words),
            Field::JournalRef => self.journal_ref.contains(words),
            Field::Author => self.authors.contains(words),
            Field::Category => self.categories.iter().any(|c| glob(&words[0], c)),
            Field::Unchecked => true,
        }
    }
}

/// `*` matches any run (also empty), `?` one character; everything else literally.
pub fn glob(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern == text;
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ArxivId;

    fn doc(title: &str, summary: &str) -> Doc {
        Doc::new(&Paper {
            id: ArxivId::parse("2501.00001").unwrap(),
            version: 1,
            title: title.into(),
            authors: vec!["Jane Doe".into()],
            summary: summary.into(),
            categories: vec!["cs.CL".into(), "cs.AI".into()],
            primary_category: "cs.CL".into(),
            published: "2025-01-01T00:00:00Z".parse().unwrap(),
            updated: "2025-01-01T00:00:00Z".parse().unwrap(),
            comment: Some("Code: github".into()),
            journal_ref: None,
            doi: None,
        })
    }

    fn q(s: &str) -> Expr {
        Expr::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn whole_words_no_stemming() {
        let mobility = doc(
            "Urban Air Mobility with LLMs",
            "We plan mobility-on-demand.",
        );
        assert!(!q("mobile").matches(&mobility), "mobile is not mobility");
        assert!(q("mobil*").matches(&mobility), "a wildcard asks for it");
        assert!(!q("LLM").matches(&mobility), "LLM is not LLMs");
        assert!(q("LLM*").matches(&mobility));
    }

    #[test]
    fn phrases_are_phrases_and_hyphens_are_spaces() {
        let d = doc("Fast On-device Large Language Model Inference", "x");
        assert!(q(r#""large language model""#).matches(&d));
        assert!(q(r#""on device""#).matches(&d));
        assert!(q(r#"ti:"on-device""#).matches(&d));
        assert!(!q(r#""language large""#).matches(&d));
        assert!(!q(r#"abs:"on-device""#).matches(&d));
    }

    #[test]
    fn boolean_structure_fields_and_categories() {
        let d = doc("NPU offloading for LLM inference", "We use a smartphone.");
        assert!(q("abs:smartphone AND ti:(NPU GPU)").matches(&d));
        assert!(!q("ti:smartphone").matches(&d));
        assert!(q("ti:NPU ANDNOT ti:GPU").matches(&d));
        assert!(!q("ti:NPU ANDNOT abs:smartphone").matches(&d));
        assert!(q("cat:cs.* AND au:doe").matches(&d));
        assert!(!q("cat:math.*").matches(&d));
        assert!(q("ti:GPU OR ti:NPU AND abs:smartphone").matches(&d));
        assert!(q("co:github").matches(&d));
        assert_eq!(
            q("(ti:NPU OR ti:TPU) AND abs:smartphone ANDNOT ti:GPU").matched_terms(&d),
            ["NPU", "smartphone"]
        );
    }

    #[test]
    fn plain_entries_are_phrases() {
        let d = doc(
            "A particle accelerator beam study",
            "An accelerator for LLMs.",
        );
        let phrase = Expr::phrase_or_query("particle accelerator").unwrap();
        assert!(phrase.matches(&d));
        let other = doc("An accelerator for LLMs", "Hardware.");
        assert!(
            !phrase.matches(&other),
            "one word of the phrase is not enough"
        );
        assert!(
            Expr::phrase_or_query("ti:beam OR ti:LLMs")
                .unwrap()
                .matches(&other)
        );
        assert!(Expr::phrase_or_query(" - ").is_err());
    }

    #[test]
    fn parse_errors_point_at_the_problem() {
        let e = Expr::parse("(ti:a OR b").unwrap_err();
        assert_eq!(e.message, "unbalanced parenthesis");
        let e = Expr::parse("ti:a AND").unwrap_err();
        assert_eq!(e.message, "a term is missing");
        let e = Expr::parse("foo:bar").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.position),
            ("unknown field `foo:`", 1)
        );
        assert!(Expr::parse("\"open").is_err());
        assert!(Expr::parse("a)").is_err());
        assert!(Expr::parse("  ").is_err());
    }

    #[test]
    fn globs() {
        assert!(glob("accelerat*", "accelerating"));
        assert!(glob("accelerat*", "accelerat"));
        assert!(!glob("accelerat*", "accelera"));
        assert!(glob("l?m", "llm"));
        assert!(glob("*", ""));
        assert!(!glob("npu", "npus"));
    }
}
