//! Everything about talking to arXiv's export API: query and URL building ([`query`]), the
//! polite rate-limited client ([`client`]), Atom parsing ([`parse`]) and their errors.
//!
//! Depends only on [`crate::model`]; never on the store or the renderers.

pub mod client;
pub mod error;
pub mod kaggle;
pub mod listing;
pub mod oai;
pub mod parse;
pub mod query;
mod xml;

pub use client::{Client, ClientConfig, Clock, ManualClock, SystemClock, Timing};
pub use error::Error;
pub use parse::{Feed, ParseError, parse_feed};
pub use query::{Order, id_list_url, keywords_query, search_url, search_url_by};
