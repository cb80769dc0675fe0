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

    /// A status line on stderr, unless quiet. A stderr that cannot be written (a full disk
    /// under a log file) loses the line, never the run.
    pub fn say(&self, message: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{message}");
        }
    }
}

/// Whether to colour what goes to a stream: `CLICOLOR_FORCE` (set, not `0`) forces colour,
/// `NO_COLOR` (set, not empty) turns it off, and otherwise only a terminal gets it (a file, a
/// pipe or a CI log viewer gets plain text).
pub fn colour(is_terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    if env("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
        return true;
    }
    if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    is_terminal
}

/// [`colour`] for stderr or stdout, from the process's environment.
pub fn colour_stream(is_terminal: bool) -> bool {
    colour(is_terminal, |k| std::env::var(k).ok())
}

/// `5412` → `5,412`: counts as status lines print them.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Stderr for the log: a write that fails (a full disk under a redirected log) is dropped
/// instead of reported, since reporting it would need stderr too, and the run goes on.
pub struct LossyStderr;

impl Write for LossyStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().lock().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}

/// Writes a file atomically: a temporary file in the same folder, then a rename, so readers see
/// the old file or the new one, never a part. The file is readable by everyone (`0644`, as a
/// plain write would leave it under the usual umask; a web server serves the site), keeping any
/// further bits of the file it replaces (files paperwatch wrote `0600` before become `0644`).
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
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777 | 0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("cannot set the mode of {}", path.display()))?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// A mistake in the command line that clap cannot see (e.g. an unknown `--topic`). Exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_unless_forced_or_refused() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(colour(true, env(&[])));
        assert!(!colour(false, env(&[])), "a pipe or a file gets no colour");
        assert!(!colour(true, env(&[("NO_COLOR", "1")])));
        assert!(
            colour(true, env(&[("NO_COLOR", "")])),
            "an empty NO_COLOR is unset"
        );
        assert!(colour(
            false,
            env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])
        ));
        assert!(!colour(false, env(&[("CLICOLOR_FORCE", "0")])));
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_readable_by_everyone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site/index.html");
        write_atomic(&path, b"one").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(
            mode(&path),
            0o644,
            "a file written 0600 before becomes readable"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_atomic(&path, b"three").unwrap();
        assert_eq!(mode(&path), 0o755, "other bits are kept");
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
    }
}
