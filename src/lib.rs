//! paperwatch keeps researchers on top of a field on arXiv: it asks the export API politely for
//! each topic's papers, keeps every paper in an embedded SQLite database and publishes a README
//! in the format of the cv-arxiv-daily family of trackers.
//!
//! Modules, with dependencies pointing one way:
//! - [`model`]: plain domain types, no I/O.
//! - [`config`]: defaults ← TOML ← environment, validated into [`config::Settings`].
//! - [`arxiv`], [`store`], [`render`]: the API client, the database, the renderers; they never
//!   import each other.
//! - [`app`]: one file per subcommand, the only module that combines the others.
//! - [`cli`]: clap types only.

pub mod arxiv;
pub mod cli;
pub mod commands;
pub mod config;
pub mod cv;
pub mod import;
pub mod links;
pub mod model;
pub mod output;
pub mod query;
pub mod relevance;
pub mod render;
pub mod store;
pub mod tracker;
