//! The query language's types: a parsed query ([`Expr`]), the field a term looks at
//! ([`Field`]) and a query that cannot be parsed ([`QueryError`]). Plain data: parsing is
//! `parse.rs`'s, matching the parent module's.

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
    pub(super) fn from_prefix(prefix: &str) -> Option<Field> {
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
