//! paperwatch keeps researchers on top of a field on arXiv: it asks the export API politely for
//! each topic's papers, keeps every paper in an embedded SQLite database and publishes a README
//! in the format of the cv-arxiv-daily family of trackers.
//!
//! Modules, with dependencies pointing one way (CONTRIBUTING.md has the map and the daily run
//! drawn; `tests/it/layering.rs` enforces both, file by file):
//! - [`model`], [`text`], [`output`]: plain domain types; escaping, hashing and arXiv URLs;
//!   status lines and atomic writes.
//! - [`query`]: the topic query language.
//! - [`config`]: each setting declared once; defaults ← TOML ← environment, validated into
//!   [`config::Settings`].
//! - [`arxiv`], [`store`], [`render`], [`relevance`], [`links`], [`cv`], [`notify`],
//!   [`summarize`], [`zotero`], [`feedback`]: the API client and arXiv's formats, the database,
//!   the renderers, the relevance engine, code links, cv-arxiv-daily formats, digests,
//!   summaries, Zotero's Web API, the 👍/👎/⭐ links; the first three never import each other.
//! - [`tracker`]: the daily pipeline behind one facade (fetch → decide → links → publish →
//!   deliver → snapshot); [`import`]: bulk and cv-arxiv-daily imports.
//! - [`serve`]: the local inbox (`paperwatch serve`), an HTTP server over the tracker's facade.
//! - [`commands`]: one thin file per subcommand; [`cli`]: clap types only.

#![warn(unreachable_pub)]

pub mod arxiv;
pub mod cli;
pub mod commands;
pub mod config;
pub mod cv;
pub mod feedback;
pub mod import;
pub mod links;
pub mod model;
pub mod notify;
pub mod output;
pub mod query;
pub mod relevance;
pub mod render;
pub mod serve;
pub mod store;
pub mod summarize;
pub mod text;
pub mod tracker;
pub mod zotero;
