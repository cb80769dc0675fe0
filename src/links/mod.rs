//! Where a paper's code lives: found in its own text ([`text`]) or asked of the Hugging Face
//! papers API ([`huggingface`]). Depends only on [`crate::model`].

pub mod huggingface;
pub mod text;
