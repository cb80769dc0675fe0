//! How a setting is declared once and read: the [`section!`] macro turns one line per key
//! (its doc line, typed field, raw type, default and check) into the section's struct, its rows
//! of the key table ([`Key`]: what the README reference, the environment variables and the
//! unknown-key errors are made from) and the code that reads it: the environment variable
//! `PAPERWATCH_<SECTION>_<KEY>`, else the file, else the default, each as its [`Raw`] type,
//! then checked into the field's type with errors pointing where the value came from.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use super::error::{ConfigError, Ctx};

/// One setting of a section, as the key table lists it.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The TOML section, e.g. `arxiv`.
    pub section: &'static str,
    /// The key in the section, e.g. `delay_seconds`.
    pub name: &'static str,
    /// Its default as the reference shows it (Markdown).
    pub default: fn() -> String,
    /// Its documentation (Markdown; the field's doc comment).
    pub doc: &'static str,
}

impl Key {
    /// `PAPERWATCH_<SECTION>_<KEY>`.
    pub fn env_var(&self) -> String {
        format!("PAPERWATCH_{}_{}", self.section, self.name).to_ascii_uppercase()
    }
}

/// A section of settings: its name, its heading in the reference, its keys.
#[derive(Debug, Clone, Copy)]
pub struct SectionDoc {
    /// The TOML section.
    pub name: &'static str,
    /// Its heading in the configuration reference.
    pub heading: &'static str,
    /// Its keys, in documentation order.
    pub keys: &'static [Key],
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Origin {
    /// The key's default.
    Default,
    /// The file, at this byte span.
    File(Range<usize>),
    /// This environment variable.
    Env(String),
}

/// Where each setting's value came from, by `(section, key)`: for checks across keys.
pub(super) type Origins = HashMap<(&'static str, &'static str), Origin>;

/// How a value is read from TOML and from an environment variable, before its check; and how
/// a default of the type is shown in the reference.
pub(super) trait Raw: Sized {
    /// Reads a TOML value; the message says what was expected.
    fn from_toml(value: &toml::Value) -> Result<Self, String>;
    /// Reads an environment variable's text.
    fn from_env(text: &str) -> Result<Self, String>;
    /// A default of this type as the reference shows it.
    fn show(&self) -> String;
}

/// What a TOML value is, in words: "the string \"x\"", "the number 3", "a list".
fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("the string {s:?}"),
        toml::Value::Integer(i) => format!("the number {i}"),
        toml::Value::Float(f) => format!("the number {f}"),
        toml::Value::Boolean(b) => format!("{b}"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "a list".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

/// "expected {what}, got {value}".
pub(super) fn expected(what: &str, value: &toml::Value) -> String {
    format!("expected {what}, got {}", describe(value))
}

/// "expected {what}, got \"{text}\"" for an environment variable.
fn expected_env(what: &str, text: &str) -> String {
    format!("expected {what}, got {text:?}")
}

/// A number of seconds (integer or fraction).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Seconds(pub f64);

/// A date `YYYY-MM-DD` as written (a TOML date or a string), checked by its key.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DateText(pub String);

impl Raw for String {
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| expected("a string", value))
    }
    fn from_env(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
    fn show(&self) -> String {
        format!("`{self:?}`")
    }
}

impl Raw for Option<String> {
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        String::from_toml(value).map(Some)
    }
    fn from_env(text: &str) -> Result<Self, String> {
        Ok((!text.is_empty()).then(|| text.to_string()))
    }
    fn show(&self) -> String {
        self.as_ref().map_or(String::new(), String::show)
    }
}

impl Raw for bool {
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        value
            .as_bool()
            .ok_or_else(|| expected("true or false", value))
    }
    fn from_env(text: &str) -> Result<Self, String> {
        match text.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(expected_env("true or false", text)),
        }
    }
    fn show(&self) -> String {
        format!("`{self}`")
    }
}

impl Raw for i64 {
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        value
            .as_integer()
            .ok_or_else(|| expected("a whole number", value))
    }
    fn from_env(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map_err(|_| expected_env("a whole number", text))
    }
    fn show(&self) -> String {
        format!("`{self}`")
    }
}

impl Raw for Option<i64> {
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        i64::from_toml(value).map(Some)
    }
    fn from_env(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        i64::from_env(text).map(Some)
    }
    fn show(&self) -> String {
        self.map_or(String::new(), |i| i.show())
    }
}

impl Raw for Seconds {
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Integer(i) => Ok(Seconds(*i as f64)),
            toml::Value::Float(f) => Ok(Seconds(*f)),
            other => Err(expected("a number of seconds", other)),
        }
    }
    fn from_env(text: &str) -> Result<Self, String> {
        text.trim()
            .parse()
            .map(Seconds)
            .map_err(|_| expected_env("a number of seconds", text))
    }
    fn show(&self) -> String {
        format!("`{}`", self.0)
    }
}

impl Raw for Option<f64> {
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::Integer(i) => Ok(Some(*i as f64)),
            toml::Value::Float(f) => Ok(Some(*f)),
            other => Err(expected("a number", other)),
        }
    }
    fn from_env(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse()
            .map(Some)
            .map_err(|_| expected_env("a number", text))
    }
    fn show(&self) -> String {
        self.map_or(String::new(), |f| format!("`{f}`"))
    }
}

impl Raw for Option<DateText> {
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        match value {
            toml::Value::String(s) => Ok(Some(DateText(s.clone()))),
            toml::Value::Datetime(d) if d.date.is_some() && d.time.is_none() => {
                Ok(Some(DateText(d.to_string())))
            }
            other => Err(expected("a date YYYY-MM-DD", other)),
        }
    }
    fn from_env(text: &str) -> Result<Self, String> {
        let t = text.trim();
        Ok((!t.is_empty()).then(|| DateText(t.to_string())))
    }
    fn show(&self) -> String {
        self.as_ref()
            .map_or(String::new(), |d| format!("`{}`", d.0))
    }
}

impl Raw for Vec<String> {
    fn from_toml(value: &toml::Value) -> Result<Self, String> {
        let Some(items) = value.as_array() else {
            return Err(expected("a list of strings", value));
        };
        items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| "expected a list of strings".to_string())
    }
    fn from_env(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(Vec::new());
        }
        Ok(t.split(',').map(|s| s.trim().to_string()).collect())
    }
    fn show(&self) -> String {
        format!("`{self:?}`")
    }
}

/// A variable name: letters, digits and `_`, not starting with a digit.
pub(super) fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// "a, b or c".
pub(super) fn one_of(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// Makes an enum a setting whose values are the documented names of its variants:
/// `choices!(Layout { Seed = "seed", Cv = "cv" })`.
macro_rules! choices {
    ($ty:ty { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The names a config may give, in documentation order.
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            /// The name a config gives this value.
            pub fn name(self) -> &'static str {
                match self {
                    $(<$ty>::$variant => $name,)+
                }
            }

            fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(<$ty>::$variant),)+
                    _ => None,
                }
            }
        }

        impl $crate::config::raw::Raw for $ty {
            fn from_toml(value: &toml::Value) -> Result<Self, String> {
                value
                    .as_str()
                    .and_then(Self::from_name)
                    .ok_or_else(|| $crate::config::raw::expected(
                        &$crate::config::raw::one_of(Self::NAMES), value))
            }
            fn from_env(text: &str) -> Result<Self, String> {
                Self::from_name(text.trim()).ok_or_else(|| {
                    format!("expected {}, got {text:?}", $crate::config::raw::one_of(Self::NAMES))
                })
            }
            fn show(&self) -> String {
                format!("`{:?}`", self.name())
            }
        }
    };
}
pub(super) use choices;

/// A default: `[none "what none means"]` (the type's empty value, the text shown) or
/// `[value]`.
macro_rules! default_value {
    (none $text:literal) => {
        Default::default()
    };
    ($value:expr) => {
        $value
    };
}
pub(super) use default_value;

/// How a default is shown in the reference.
macro_rules! default_text {
    ($raw:ty; none $text:literal) => {
        || String::from($text)
    };
    ($raw:ty; $value:expr) => {
        || <$raw as $crate::config::raw::Raw>::show(&$value)
    };
}
pub(super) use default_text;

/// Declares a section of settings, each key once:
///
/// ```text
/// section! {
///     /// `[arxiv]`.
///     ArxivSettings, "arxiv", "`[arxiv]`: asking arXiv" {
///         /// Minimum pause between requests, across topics.
///         delay_seconds: Duration = Seconds [Seconds(3.0)] => seconds;
///     }
/// }
/// ```
///
/// gives the struct with a `delay_seconds: Duration` field, its row of the key table (name,
/// default, doc line, and so the environment variable `PAPERWATCH_ARXIV_DELAY_SECONDS`) and
/// its reading: the raw [`Seconds`] from the environment, the file or the default, then the
/// check `seconds` into a `Duration`.
macro_rules! section {
    (
        $(#[$meta:meta])*
        $name:ident, $section:literal, $heading:literal {
            $(
                $(#[doc = $doc:literal])+
                $field:ident: $ty:ty = $raw:ty [$($default:tt)+] => $check:expr;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $(
                $(#[doc = $doc])+
                pub $field: $ty,
            )+
        }

        impl $name {
            /// The section's keys, in documentation order.
            pub const KEYS: &'static [$crate::config::raw::Key] = &[$(
                $crate::config::raw::Key {
                    section: $section,
                    name: stringify!($field),
                    default: $crate::config::raw::default_text!($raw; $($default)+),
                    doc: concat!($($doc),+),
                },
            )+];

            /// The section as the reference lists it.
            pub const SECTION: $crate::config::raw::SectionDoc = $crate::config::raw::SectionDoc {
                name: $section,
                heading: $heading,
                keys: Self::KEYS,
            };

            /// Reads and checks every key of the section, noting where each value came from.
            pub(super) fn read(
                sources: &$crate::config::raw::Sources,
                origins: &mut $crate::config::raw::Origins,
            ) -> Result<Self, $crate::config::error::ConfigError> {
                let mut keys = Self::KEYS.iter();
                Ok($name {
                    $(
                        $field: {
                            let key = keys.next().expect("one key per field");
                            let default: $raw = $crate::config::raw::default_value!($($default)+);
                            let (raw, origin) = sources.raw(key, default)?;
                            let check = $crate::config::raw::Check {
                                sources,
                                key,
                                origin: &origin,
                            };
                            let value: $ty = ($check)(raw, &check)?;
                            origins.insert((key.section, key.name), origin);
                            value
                        },
                    )+
                })
            }
        }
    };
}
pub(super) use section;

/// Where values are read from: the environment, the file's sections (with their spans), the
/// config's folder.
pub(super) struct Sources<'a> {
    pub ctx: &'a Ctx<'a>,
    pub table: &'a toml::Table,
    pub spans: &'a toml::de::DeTable<'a>,
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub base: &'a Path,
}

impl Sources<'_> {
    /// A key's raw value and where it came from: its environment variable, else the file,
    /// else `default`. A value of the wrong type is an error at its variable or line.
    pub(super) fn raw<R: Raw>(
        &self,
        key: &'static Key,
        default: R,
    ) -> Result<(R, Origin), ConfigError> {
        let var = key.env_var();
        if let Some(text) = (self.env)(&var) {
            let value = R::from_env(&text).map_err(|message| ConfigError::Env {
                var: var.clone(),
                message,
            })?;
            return Ok((value, Origin::Env(var)));
        }
        let in_file = self
            .table
            .get(key.section)
            .and_then(toml::Value::as_table)
            .and_then(|t| t.get(key.name));
        let Some(value) = in_file else {
            return Ok((default, Origin::Default));
        };
        let span = value_span(self.spans, key.section, key.name);
        let read = R::from_toml(value).map_err(|message| {
            self.ctx.at(
                span.clone(),
                format!("key `{}` in [{}]: {message}", key.name, key.section),
            )
        })?;
        Ok((read, Origin::File(span)))
    }

    /// An error about a setting, pointing where its value came from: the line in the file,
    /// the environment variable, or the file as a whole for a default.
    pub(super) fn invalid(&self, origin: &Origin, message: String) -> ConfigError {
        match origin {
            Origin::File(span) => self.ctx.at(span.clone(), message),
            Origin::Env(var) => ConfigError::Invalid {
                source_name: self.ctx.name.to_string(),
                message: format!("environment variable {var}: {message}"),
            },
            Origin::Default => ConfigError::Invalid {
                source_name: self.ctx.name.to_string(),
                message,
            },
        }
    }
}

/// The span of `section.name`'s value in the file.
fn value_span(spans: &toml::de::DeTable, section: &str, name: &str) -> Range<usize> {
    let Some((_, table)) = spans.iter().find(|(k, _)| k.get_ref().as_ref() == section) else {
        return Range::default();
    };
    let Some(table) = table.get_ref().as_table() else {
        return Range::default();
    };
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == name)
        .map(|(_, v)| v.span())
        .unwrap_or_default()
}

/// What a key's check knows: the key, where its value came from, the config's folder.
pub(super) struct Check<'a> {
    pub sources: &'a Sources<'a>,
    pub key: &'static Key,
    pub origin: &'a Origin,
}

impl Check<'_> {
    /// An error about this key's value, pointing where it came from.
    pub(super) fn invalid(&self, message: String) -> ConfigError {
        self.sources.invalid(self.origin, message)
    }

    /// `section.key`, as messages name it.
    pub(super) fn name(&self) -> String {
        format!("{}.{}", self.key.section, self.key.name)
    }

    /// The config's folder, which relative paths are resolved against.
    pub(super) fn base(&self) -> &Path {
        self.sources.base
    }
}
