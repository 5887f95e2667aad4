//! One Deckhand command line at a time per data folder: two processes holding the same
//! journal in memory would each write over the other's changes. An OS file lock, so a
//! killed process releases it at once.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use deckhand_engine::Error;

pub const LOCK_FILE: &str = "cli.lock";

/// Held for as long as the value lives.
pub struct DataLock {
    _file: File,
}

fn open(dir: &Path) -> Result<File, Error> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::journal(format!("Deckhand could not create its data folder {}: {e}.", dir.display())))?;
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .map_err(|e| Error::journal(format!("Deckhand could not open {}: {e}.", dir.join(LOCK_FILE).display())))
}

impl DataLock {
    /// Takes the lock now, or `None` if another process holds it.
    pub fn try_acquire(dir: &Path) -> Result<Option<DataLock>, Error> {
        let file = open(dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(DataLock { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(Error::journal(format!("Deckhand could not lock its job list: {e}."))),
        }
    }

    /// Waits for the lock, saying why once.
    pub fn acquire(dir: &Path, quiet: bool) -> Result<DataLock, Error> {
        if let Some(l) = Self::try_acquire(dir)? {
            return Ok(l);
        }
        if !quiet {
            eprintln!("Waiting for another deckhand-cli working on the same jobs to finish…");
        }
        let file = open(dir)?;
        file.lock().map_err(|e| Error::journal(format!("Deckhand could not lock its job list: {e}.")))?;
        Ok(DataLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataLock::try_acquire(dir.path()).unwrap().unwrap();
        assert!(DataLock::try_acquire(dir.path()).unwrap().is_none());
        drop(first);
        assert!(DataLock::try_acquire(dir.path()).unwrap().is_some());
    }
}
