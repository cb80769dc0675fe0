//! The query language's lexer and recursive-descent parser.

use super::ast::{Expr, Field, QueryError};

/// Parses a query in arXiv syntax.
pub(super) fn parse(query: &str) -> Result<Expr, QueryError> {
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
                        let field = Field::from_prefix(&prefix.to_ascii_lowercase())
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

pub(super) fn term(field: Field, text: &str) -> Expr {
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
