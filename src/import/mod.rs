//! Filling the store from elsewhere than the daily search: arXiv's bulk metadata (the Kaggle
//! snapshot, an OAI-PMH harvest) and a cv-arxiv-daily fork's JSON. Each ends as the daily
//! pipeline does: the corpus decided again and the snapshot written ([`crate::tracker`]).

pub mod bulk;
pub mod cv;
