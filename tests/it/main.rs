//! Integration tests: one binary (see Cargo.toml `[[test]]`), one module per area.

mod browser;
mod bulk;
mod cli;
mod codelinks;
mod common;
mod daily;
mod faults;
mod find;
mod fuzz;
mod golden;
mod history;
mod hostile;
mod layering;
mod layouts;
mod listing;
mod mcp;
mod notify;
mod oai;
mod parser;
mod properties;
mod publish;
mod relevance;
mod requests;
mod routing;
mod serve;
#[path = "../../benches/support/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;
mod workflow;
mod zotero;
