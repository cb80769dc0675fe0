//! What a configuration error says and where it points: the file with line and column and
//! the key, or the environment variable ([`ConfigError`]); serde's type names in plain words.

use std::path::PathBuf;

/// A configuration that cannot be used. The process exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why (printed in the message, so not a `source`: each cause is printed once).
        error: std::io::Error,
    },
    /// A problem at a place in the file.
    #[error("{source_name}:{line}:{column}: {message}")]
    At {
        /// The file.
        source_name: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, naming the key.
        message: String,
    },
    /// A problem not tied to one place.
    #[error("{source_name}: {message}")]
    Invalid {
        /// The file.
        source_name: String,
        /// What is wrong, naming the key.
        message: String,
    },
    /// An environment override that cannot be used.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable.
        var: String,
        /// What is wrong.
        message: String,
    },
    /// `SOURCE_DATE_EPOCH` is not a number of seconds.
    #[error("SOURCE_DATE_EPOCH={0:?} is not a Unix timestamp in seconds")]
    SourceDateEpoch(String),
}

/// The text being read and its name, for errors that point into it.
pub(super) struct Ctx<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

impl Ctx<'_> {
    /// An error at a byte offset of the file.
    pub(super) fn at(&self, span: std::ops::Range<usize>, message: String) -> ConfigError {
        let (line, column) = line_col(self.text, span.start);
        ConfigError::At {
            source_name: self.name.to_string(),
            line,
            column,
            message,
        }
    }
}

/// 1-based line and column of a byte offset.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// serde's type names in a message as a user reads them: "invalid type: string \"ten\",
/// expected i64" becomes "expected a whole number, got the string \"ten\"".
fn plain_words(message: &str) -> String {
    const TYPES: [(&str, &str); 14] = [
        ("i8", "a whole number"),
        ("i16", "a whole number"),
        ("i32", "a whole number"),
        ("i64", "a whole number"),
        ("u8", "a whole number"),
        ("u16", "a whole number"),
        ("u32", "a whole number"),
        ("u64", "a whole number"),
        ("usize", "a whole number"),
        ("f32", "a number"),
        ("f64", "a number"),
        ("a boolean", "true or false"),
        ("a sequence", "a list"),
        ("a string", "a string in quotes"),
    ];
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_string();
    };
    let Some((got, wanted)) = rest.split_once(", expected ") else {
        return message.to_string();
    };
    let wanted = TYPES
        .iter()
        .find(|(t, _)| *t == wanted)
        .map_or(wanted, |(_, plain)| plain);
    let got = match got.split_once(' ') {
        Some((kind, value)) => format!("the {kind} {value}"),
        None => format!(
            "{} {got}",
            if got.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            }
        ),
    };
    format!("expected {wanted}, got {got}")
}

/// A TOML syntax or shape error, with the line, column and the key on that line.
pub(super) fn toml_error(name: &str, text: &str, error: &toml::de::Error) -> ConfigError {
    let message = plain_words(error.message().trim());
    match error.span() {
        Some(span) => {
            let (line, column) = line_col(text, span.start);
            let line_text = text.lines().nth(line - 1).unwrap_or("").trim();
            let key = line_text
                .split_once('=')
                .map(|(k, _)| k.trim())
                .filter(|k| !k.is_empty() && !message.contains(&format!("`{k}`")));
            let message = match key {
                Some(key) => format!("key `{key}`: {message}"),
                None => message,
            };
            ConfigError::At {
                source_name: name.to_string(),
                line,
                column,
                message: format!("{message}\n    | {line_text}"),
            }
        }
        None => ConfigError::Invalid {
            source_name: name.to_string(),
            message,
        },
    }
}
