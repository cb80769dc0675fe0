//! One run at a time per database: an advisory lock on `<database>.lock` (the operating
//! system's file lock, released when the process ends, however it ends), holding the pid of
//! the run that has it. A second run waits a bounded time, then gives up with [`Busy`].

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Held for as long as the run uses the database.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// Another run held the lock for longer than the wait.
#[derive(Debug, thiserror::Error)]
#[error(
    "another paperwatch run (pid {pid}) is using {}; waited {} s: try again when it has finished",
    database.display(),
    waited.as_secs()
)]
pub struct Busy {
    /// The other run's pid, as it wrote it (`unknown` when it could not be read).
    pub pid: String,
    /// The database.
    pub database: PathBuf,
    /// How long this run waited.
    pub waited: Duration,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run has it.
    #[error(transparent)]
    Busy(#[from] Busy),
    /// The lock file could not be opened or locked.
    #[error("cannot lock {}: {error}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// What failed.
        error: std::io::Error,
    },
}

/// The lock file of a database.
pub fn lock_path(database: &Path) -> PathBuf {
    PathBuf::from(format!("{}.lock", database.display()))
}

/// Takes the database's lock, waiting at most `wait` for another run to release it;
/// `waiting(pid)` is called once when the lock is busy.
pub fn acquire(
    database: &Path,
    wait: Duration,
    waiting: impl FnOnce(&str),
) -> Result<RunLock, LockError> {
    let path = lock_path(database);
    let io = |error| LockError::Io {
        path: path.clone(),
        error,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    let started = Instant::now();
    let mut waiting = Some(waiting);
    loop {
        match file.try_lock() {
            Ok(()) => {
                file.set_len(0).map_err(io)?;
                file.rewind().map_err(io)?;
                write!(file, "{}", std::process::id()).map_err(io)?;
                return Ok(RunLock { _file: file });
            }
            Err(TryLockError::WouldBlock) => {
                let pid = holder(&mut file);
                if let Some(tell) = waiting.take() {
                    tell(&pid);
                }
                if started.elapsed() >= wait {
                    return Err(Busy {
                        pid,
                        database: database.to_path_buf(),
                        waited: started.elapsed(),
                    }
                    .into());
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
    }
}

/// The pid the holder wrote.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let read = file.rewind().and_then(|()| file.read_to_string(&mut text));
    match read {
        Ok(_) if !text.trim().is_empty() => text.trim().to_string(),
        _ => "unknown".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_then_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        let held = acquire(&db, Duration::ZERO, |_| panic!("free")).unwrap();
        let mut told = None;
        let err = acquire(&db, Duration::from_millis(250), |pid| {
            told = Some(pid.to_string())
        })
        .unwrap_err();
        let me = std::process::id().to_string();
        assert_eq!(told.as_deref(), Some(me.as_str()));
        let LockError::Busy(busy) = err else {
            panic!("{err}")
        };
        assert_eq!(busy.pid, me);
        assert!(busy.waited >= Duration::from_millis(250));
        drop(held);
        acquire(&db, Duration::ZERO, |_| panic!("released")).unwrap();
    }
}
