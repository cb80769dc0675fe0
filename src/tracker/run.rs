//! The run context every stage works on: the settings, the open store, the corpus read from it,
//! the code links found for it, the run's clock and its output. `tracker::update` builds one and
//! hands it from stage to stage, so no stage threads the same six arguments by hand.

use std::collections::HashMap;

use anyhow::Context;
use jiff::Timestamp;
use tracing::debug;

use crate::arxiv;
use crate::config::Settings;
use crate::model::{ArxivId, Corpus};
use crate::output::Ui;
use crate::store::{self, Store};

/// The code link of each paper that has one.
pub type CodeLinks = HashMap<ArxivId, String>;

/// The short summary of each paper that has one (a language model's under the current
/// `[summarize]` model and language, else Hugging Face's).
pub type Summaries = HashMap<ArxivId, String>;

/// What one run works on, handed from stage to stage.
pub(super) struct Run<'r> {
    /// The validated settings.
    pub settings: &'r Settings,
    /// The open database.
    pub store: &'r mut Store,
    /// Every paper of the topics, with its verdicts (empty until [`Run::load_corpus`]).
    pub corpus: Corpus,
    /// The code links of the corpus (empty until the links stage).
    pub code: CodeLinks,
    /// "Now": the clock, or `SOURCE_DATE_EPOCH`.
    pub now: Timestamp,
    /// Where status lines go.
    pub ui: Ui,
    /// What arXiv's announcement listing said this run (the digests carry it), when checked.
    pub listing: Option<String>,
}

impl<'r> Run<'r> {
    /// A run on `store`, its corpus not read yet.
    pub(super) fn new(
        settings: &'r Settings,
        store: &'r mut Store,
        now: Timestamp,
        ui: Ui,
    ) -> Self {
        Run {
            settings,
            store,
            corpus: Corpus::default(),
            code: CodeLinks::new(),
            now,
            ui,
            listing: None,
        }
    }

    /// Reads the corpus from the store (again, after a fetch stored new papers).
    pub(super) fn load_corpus(&mut self) -> anyhow::Result<()> {
        self.corpus = load_corpus(self.store)?;
        Ok(())
    }
}

/// Reads the corpus from the store.
pub(super) fn load_corpus(store: &Store) -> anyhow::Result<Corpus> {
    let papers = store
        .member_papers()
        .context("cannot read the topics' papers")?;
    debug!("read the corpus from SQLite: {} papers", papers.len());
    let cv_rows = store.cv_rows().context("cannot read the migrated rows")?;
    Ok(Corpus { papers, cv_rows })
}

/// The summaries the outputs show.
pub(super) fn summaries(settings: &Settings, store: &Store) -> anyhow::Result<Summaries> {
    let s = &settings.summarize;
    Ok(store.summaries(s.enabled.then_some((s.model.as_str(), s.language.as_str())))?)
}

/// Why a topic's fetch stopped: arXiv (the topic fails, the others go on) or the database
/// (the run stops).
pub(super) enum TopicError {
    Arxiv(arxiv::Error),
    Store(store::Error),
}

impl From<arxiv::Error> for TopicError {
    fn from(e: arxiv::Error) -> Self {
        TopicError::Arxiv(e)
    }
}

impl From<store::Error> for TopicError {
    fn from(e: store::Error) -> Self {
        TopicError::Store(e)
    }
}
