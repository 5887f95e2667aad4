//! One Deckhand at a time drives the jobs of a data folder. The job store is SQLite, which
//! keeps two processes' transactions apart but not their work: two drivers would each resume
//! the same queued deck and both submit it (paid twice), or both download one file. So
//! whoever drives the jobs holds this OS file lock for as long as it does (a killed process
//! releases it at once); beside it, a note says who holds it, so the one kept waiting can tell
//! the person what it is waiting for. Reading needs no lock: `deckhand-cli list` reads the
//! store while the app works (WAL readers see only whole transactions).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use crate::Error;

pub const LOCK_FILE: &str = "journal.lock";
/// Who holds the lock: `app <pid>` or `cli <pid>`. Only a hint for messages (it may be a
/// moment out of date); the lock itself is the truth.
pub const HOLDER_FILE: &str = "journal.lock.holder";

/// Which face of Deckhand holds the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// The desktop app, for as long as it runs.
    App,
    /// `deckhand-cli`, for one command.
    Cli,
}

impl Holder {
    fn as_str(self) -> &'static str {
        match self {
            Holder::App => "app",
            Holder::Cli => "cli",
        }
    }

    fn parse(s: &str) -> Option<Holder> {
        match s.split_whitespace().next()? {
            "app" => Some(Holder::App),
            "cli" => Some(Holder::Cli),
            _ => None,
        }
    }
}

/// Held for as long as the value lives.
#[derive(Debug)]
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

fn lock_error(e: std::io::Error) -> Error {
    Error::journal(format!("Deckhand could not lock its list of decks: {e}."))
}

impl DataLock {
    /// Takes the lock now as `me`, or `None` if another process holds it ([`DataLock::holder`]
    /// says who).
    pub fn try_acquire(dir: &Path, me: Holder) -> Result<Option<DataLock>, Error> {
        let file = open(dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(DataLock::held(dir, file, me))),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(lock_error(e)),
        }
    }

    /// Waits for the lock; when it is taken, `waiting` is told once who holds it, before the
    /// wait. Blocks the thread: call it where blocking is fine.
    pub fn acquire(dir: &Path, me: Holder, waiting: impl FnOnce(Option<Holder>)) -> Result<DataLock, Error> {
        if let Some(l) = Self::try_acquire(dir, me)? {
            return Ok(l);
        }
        waiting(Self::holder(dir));
        let file = open(dir)?;
        file.lock().map_err(lock_error)?;
        Ok(DataLock::held(dir, file, me))
    }

    /// Who holds (or last held) the lock, as its note says.
    pub fn holder(dir: &Path) -> Option<Holder> {
        std::fs::read_to_string(dir.join(HOLDER_FILE)).ok().as_deref().and_then(Holder::parse)
    }

    fn held(dir: &Path, file: File, me: Holder) -> DataLock {
        // Best effort: without the note, a waiting process just says less. Written like every
        // other file Deckhand replaces, so a symlink planted under its name redirects nothing.
        let note = dir.join(HOLDER_FILE);
        crate::atomic_file::remove_leftovers(&note);
        let _ = crate::atomic_file::write(&note, format!("{} {}\n", me.as_str(), std::process::id()).as_bytes());
        DataLock { _file: file }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go_and_knows_who_it_was() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(DataLock::holder(dir.path()), None);
        let first = DataLock::try_acquire(dir.path(), Holder::App).unwrap().unwrap();
        assert!(DataLock::try_acquire(dir.path(), Holder::Cli).unwrap().is_none());
        assert_eq!(DataLock::holder(dir.path()), Some(Holder::App));
        drop(first);
        let second = DataLock::try_acquire(dir.path(), Holder::Cli).unwrap();
        assert!(second.is_some());
        assert_eq!(DataLock::holder(dir.path()), Some(Holder::Cli));
    }

    #[test]
    fn a_waiter_is_told_who_it_waits_for_then_gets_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataLock::try_acquire(dir.path(), Holder::Cli).unwrap().unwrap();
        let path = dir.path().to_path_buf();
        let (told_tx, told_rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || DataLock::acquire(&path, Holder::App, |h| told_tx.send(h).unwrap()).map(|_| ()));
        assert_eq!(told_rx.recv().unwrap(), Some(Holder::Cli));
        drop(first);
        waiter.join().unwrap().unwrap();
        assert_eq!(DataLock::holder(dir.path()), Some(Holder::App));
        assert!(Holder::parse("someday 12").is_none() && Holder::parse("").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_planted_as_the_holder_note_writes_nothing_through_it() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join(HOLDER_FILE)).unwrap();
        let _lock = DataLock::try_acquire(dir.path(), Holder::Cli).unwrap().unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(DataLock::holder(dir.path()), Some(Holder::Cli));
    }
}
