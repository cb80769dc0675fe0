//! The mock arXiv's reading of a search query, written from arXiv's documented behaviour
//! (`../shared/docs/arxiv-api.md` §1.2) and not from paperwatch's parser: terms lower-cased and
//! Porter/Snowball-stemmed, a hyphen a space; a quoted phrase's words adjacent and in order, each
//! still stemmed; `*` and `?` wildcards on whole words (never the first character); `cat:` and
//! `au:` unstemmed; `ti:(a b)` scopes words to a field; a space between terms means OR; `AND`,
//! `OR`, `ANDNOT` upper-case, `AND`/`ANDNOT` binding tighter than `OR`.

use rust_stemmers::{Algorithm, Stemmer};

/// A paper as the mock serves it.
pub struct Text<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub categories: &'a [String],
    pub authors: &'a [String],
}

#[derive(Debug)]
enum Query {
    /// Words in a field (`ti`, `abs`, `all`, `cat`, `au`, …), adjacent and in order.
    Term(String, Vec<String>),
    And(Box<Query>, Box<Query>),
    Or(Box<Query>, Box<Query>),
    AndNot(Box<Query>, Box<Query>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Op(&'static str),
    /// A field prefix directly followed by `(` or `"`.
    Field(String),
    Word(String, String),
    Phrase(String),
}

fn tokens(query: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut rest = query;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else {
            return Some(out);
        };
        match c {
            '(' => {
                out.push(Token::Open);
                rest = &rest[1..];
            }
            ')' => {
                out.push(Token::Close);
                rest = &rest[1..];
            }
            '"' => {
                let end = rest[1..].find('"')?;
                out.push(Token::Phrase(rest[1..1 + end].to_string()));
                rest = &rest[end + 2..];
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"'))
                    .unwrap_or(rest.len());
                let word = &rest[..end];
                rest = &rest[end..];
                out.push(match word {
                    "AND" => Token::Op("AND"),
                    "OR" => Token::Op("OR"),
                    "ANDNOT" => Token::Op("ANDNOT"),
                    _ => match word.split_once(':') {
                        Some((field, "")) => Token::Field(field.to_lowercase()),
                        Some((field, w)) => Token::Word(field.to_lowercase(), w.to_string()),
                        None => Token::Word("all".into(), word.to_string()),
                    },
                });
            }
        }
    }
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self, field: &str) -> Option<Query> {
        let mut left = self.and(field)?;
        loop {
            match self.peek() {
                Some(Token::Op("OR")) => self.at += 1,
                // A space between terms means OR.
                Some(Token::Open | Token::Field(_) | Token::Word(..) | Token::Phrase(_)) => {}
                _ => return Some(left),
            }
            let right = self.and(field)?;
            left = Query::Or(Box::new(left), Box::new(right));
        }
    }

    fn and(&mut self, field: &str) -> Option<Query> {
        let mut left = self.atom(field)?;
        while let Some(Token::Op(op @ ("AND" | "ANDNOT"))) = self.peek().cloned() {
            self.at += 1;
            let right = self.atom(field)?;
            left = if op == "AND" {
                Query::And(Box::new(left), Box::new(right))
            } else {
                Query::AndNot(Box::new(left), Box::new(right))
            };
        }
        Some(left)
    }

    fn atom(&mut self, field: &str) -> Option<Query> {
        let token = self.peek()?.clone();
        self.at += 1;
        match token {
            Token::Open => {
                let inner = self.or(field)?;
                (self.peek() == Some(&Token::Close)).then(|| self.at += 1)?;
                Some(inner)
            }
            Token::Field(f) => match self.peek()?.clone() {
                Token::Phrase(p) => {
                    self.at += 1;
                    Some(Query::Term(f, vec![p]))
                }
                Token::Open => self.atom(&f),
                _ => None,
            },
            // A bare word inside `ti:( … )` takes the group's field.
            Token::Word(f, w) if f == "all" => Some(Query::Term(field.to_string(), vec![w])),
            Token::Word(f, w) => Some(Query::Term(f, vec![w])),
            Token::Phrase(p) => Some(Query::Term(field.to_string(), vec![p])),
            Token::Close | Token::Op(_) => None,
        }
    }
}

/// Words as arXiv's engine sees them: letters and digits, lower-cased (a hyphen splits).
fn split(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `*` any run, `?` one character, never at the start.
fn wildcard(pattern: &str, word: &str) -> bool {
    fn go(p: &[char], w: &[char]) -> bool {
        match (p.first(), w.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], w) || (!w.is_empty() && go(p, &w[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &w[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &w[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let w: Vec<char> = word.chars().collect();
    !matches!(p.first(), Some('*' | '?')) && go(&p, &w)
}

/// Whether the phrase `words` occurs in `text` adjacent and in order, stemmed or not.
fn phrase_in(words: &str, text: &str, stemmer: Option<&Stemmer>) -> bool {
    let stem = |w: &str| match stemmer {
        Some(s) => s.stem(w).into_owned(),
        None => w.to_string(),
    };
    let pattern: Vec<String> = words
        .split(|c: char| !(c.is_alphanumeric() || c == '*' || c == '?'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let raw = split(text);
    let stems: Vec<String> = raw.iter().map(|w| stem(w)).collect();
    let n = pattern.len();
    n > 0
        && raw.len() >= n
        && (0..=raw.len() - n).any(|start| {
            pattern.iter().enumerate().all(|(k, p)| {
                if p.contains(['*', '?']) {
                    wildcard(p, &raw[start + k])
                } else {
                    stems[start + k] == stem(p)
                }
            })
        })
}

fn eval(q: &Query, paper: &Text, stemmer: &Stemmer) -> bool {
    match q {
        Query::Term(field, words) => {
            let words = &words[0];
            let text = |t: &str| phrase_in(words, t, Some(stemmer));
            match field.as_str() {
                "ti" => text(paper.title),
                "abs" => text(paper.summary),
                "all" => text(paper.title) || text(paper.summary),
                "cat" => paper.categories.iter().any(|c| {
                    c.eq_ignore_ascii_case(words)
                        || wildcard(&words.to_lowercase(), &c.to_lowercase())
                }),
                "au" => paper.authors.iter().any(|a| phrase_in(words, a, None)),
                _ => false,
            }
        }
        Query::And(a, b) => eval(a, paper, stemmer) && eval(b, paper, stemmer),
        Query::Or(a, b) => eval(a, paper, stemmer) || eval(b, paper, stemmer),
        Query::AndNot(a, b) => eval(a, paper, stemmer) && !eval(b, paper, stemmer),
    }
}

/// Whether arXiv's search would return `paper` for `query` (`None`: arXiv could not read it).
pub fn arxiv_matches(query: &str, paper: &Text) -> Option<bool> {
    let mut parser = Parser {
        tokens: tokens(query)?,
        at: 0,
    };
    let q = parser.or("all")?;
    if parser.at != parser.tokens.len() {
        return None;
    }
    Some(eval(&q, paper, &Stemmer::create(Algorithm::English)))
}
