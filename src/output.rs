//! How paperwatch speaks and writes: status lines on stderr ([`Ui`]) and files replaced
//! atomically ([`write_atomic`]). Every file paperwatch publishes goes through here.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// How the run talks to the person at the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// Print only errors.
    pub quiet: bool,
    /// Draw progress bars (stderr is a terminal and not quiet).
    pub progress: bool,
}

impl Ui {
    /// A quiet UI without progress bars, for tests.
    pub fn silent() -> Self {
        Ui {
            quiet: true,
            progress: false,
        }
    }

    /// A status line on stderr, unless quiet.
    pub fn say(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }
}

/// Writes a file atomically: a temporary file in the same folder, then a rename, so readers see
/// the old file or the new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create folder {}", parent.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".paperwatch-")
        .tempfile_in(parent)
        .with_context(|| format!("cannot create a temporary file in {}", parent.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// A mistake in the command line that clap cannot see (e.g. an unknown `--topic`). Exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
