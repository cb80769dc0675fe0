//! Pure renderers: data in, bytes out. Nothing here reads the database, the network or the
//! file system; the daily pipeline decides where the output goes. Depends only on
//! [`crate::model`] and [`crate::text`].

pub mod chart;
pub mod cv;
pub mod export;
pub mod feed;
pub mod readme;
pub mod site;

pub use readme::{
    Archive, ArchiveOptions, CappedReadme, ReadmeOptions, Section, readme, readme_capped,
};
