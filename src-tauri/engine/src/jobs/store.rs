//! The job history on disk: an SQLite database in the data folder, one row per job. A change
//! to a job is one small transaction that rewrites that job's row (never the notes, never the
//! other jobs), so its cost does not grow with the history. WAL mode: a reader (`deckhand-cli
//! list` while the app works) always sees whole transactions, and never waits for a writer.
//!
//! Durability: every commit survives Deckhand being killed at any instant. A commit the next
//! step depends on ([`Durability::Promise`]: "the submit is about to be sent", "this file name
//! is being claimed") also survives the machine losing power, as it is synced before the
//! commit returns (`synchronous=FULL`); progress words are not worth a sync (`NORMAL`).
//!
//! The methods block (disk I/O): the job table calls the writes off the async runtime.

mod damaged;
mod import;
mod queries;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::jobs::history::{DurationHistory, DurationSample, MAX_PER_BUCKET};
use crate::jobs::listing::{CheckedQuery, HistoryPage, JobCounts};
use crate::jobs::record::{self, Row, Stored};
use crate::jobs::Job;
use crate::providers::ProviderKind;
use crate::Error;

pub use schema::SCHEMA_VERSION;

/// The database in the data folder (with its `-wal` and `-shm` companions while open).
pub const DB_FILE: &str = "jobs.sqlite3";

/// How hard a commit holds on (see the module's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Promise,
    Relaxed,
}

impl Durability {
    fn pragma(self) -> &'static str {
        match self {
            Durability::Promise => "FULL",
            Durability::Relaxed => "NORMAL",
        }
    }
}

struct Writer {
    conn: Connection,
    sync: Durability,
}

pub struct Store {
    path: PathBuf,
    identity: Option<FileId>,
    write: Mutex<Writer>,
    /// Lists and lookups read here, so they never wait for a commit's sync.
    read: Mutex<Connection>,
}

/// What opening found.
pub struct Opened {
    pub store: Store,
    /// For the person: a damaged list kept aside, an old list imported or not.
    pub notices: Vec<String>,
    /// Jobs to resume, oldest first (records of a newer Deckhand are left alone).
    pub active: Vec<Job>,
    /// File names jobs are claiming: (job id, path).
    pub claims: Vec<(String, PathBuf)>,
    pub durations: DurationHistory,
}

/// What a start needs, read without touching the rest of the history.
struct Startup {
    active: Vec<Job>,
    claims: Vec<(String, PathBuf)>,
    durations: DurationHistory,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The person's words for a database error.
pub(crate) fn db_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::journal(format!(
        "Deckhand could not read or save its list of decks ({}): {e}. Check that the disk is not full and the folder is writable.",
        path.display()
    ))
}

impl Store {
    /// Opens (or creates) the history in `dir`: a damaged database is kept aside and a new one
    /// started (recovering what can be read), and a `journal.json` of an earlier Deckhand is
    /// imported. Call it holding the data folder's lock (`jobs::lock`).
    pub fn open(dir: &Path, now_ms: u64) -> Result<Opened, Error> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::journal(format!("Deckhand could not create its data folder {}: {e}. Check that it is writable.", dir.display()))
        })?;
        let path = dir.join(DB_FILE);
        let mut notices = Vec::new();
        let opened = match damaged::is_marked(&path) {
            // Damage was found while working: start over now, as for damage found here.
            true => Err(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT), None)),
            false => Store::connect(&path).and_then(|s| s.startup().map(|st| (s, st))),
        };
        let (store, mut startup) = match opened {
            Ok(opened) => opened,
            Err(e) if damaged::is_damage(&e) => {
                let (store, notice) = damaged::start_over(dir, &path, now_ms)?;
                notices.push(notice);
                let startup = store.startup().map_err(|e| db_error(&path, e))?;
                (store, startup)
            }
            Err(e) => return Err(Store::open_error(&path, e)),
        };
        if let Some(outcome) = import::import_journal(&store, dir, now_ms) {
            if outcome.imported {
                startup = store.startup().map_err(|e| db_error(&path, e))?;
            }
            notices.extend(outcome.notice);
        }
        Ok(Opened { store, notices, active: startup.active, claims: startup.claims, durations: startup.durations })
    }

    fn open_error(path: &Path, e: rusqlite::Error) -> Error {
        let newer = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)))
            .is_ok_and(|v| v > SCHEMA_VERSION);
        if newer {
            Error::journal("Your list of decks was last used by a newer Deckhand, which changed it in a way this one cannot read. Install the newer Deckhand again.")
        } else {
            db_error(path, e)
        }
    }

    /// Opens the history for reading only, for a process that does not hold the data folder's
    /// lock (`deckhand-cli list` while the app works); `None` when there is none yet.
    pub fn open_reader(dir: &Path) -> Result<Option<Store>, Error> {
        let path = dir.join(DB_FILE);
        if !path.exists() {
            return Ok(None);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open = || -> rusqlite::Result<Connection> {
            let c = Connection::open_with_flags(&path, flags)?;
            c.busy_timeout(Duration::from_secs(5))?;
            c.pragma_update(None, "query_only", true)?;
            Ok(c)
        };
        let (write, read) = open().and_then(|w| Ok((w, open()?))).map_err(|e| db_error(&path, e))?;
        // Created a moment ago and its tables not yet committed: nothing to read yet.
        let schema: i64 = read.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| db_error(&path, e))?;
        if schema == 0 {
            return Ok(None);
        }
        Ok(Some(Store {
            identity: FileId::of(&path),
            path,
            write: Mutex::new(Writer { conn: write, sync: Durability::Relaxed }),
            read: Mutex::new(read),
        }))
    }

    fn connect(path: &Path) -> rusqlite::Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let write = Connection::open_with_flags(path, flags)?;
        write.busy_timeout(Duration::from_secs(5))?;
        write.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
        write.pragma_update(None, "synchronous", Durability::Relaxed.pragma())?;
        // Bounds the WAL left on disk after a big transaction (the import).
        write.pragma_update_and_check(None, "journal_size_limit", 4 * 1024 * 1024, |r| r.get::<_, i64>(0))?;
        schema::prepare(&write)?;
        let read = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        read.busy_timeout(Duration::from_secs(5))?;
        read.pragma_update(None, "query_only", true)?;
        Ok(Store {
            identity: FileId::of(path),
            path: path.to_path_buf(),
            write: Mutex::new(Writer { conn: write, sync: Durability::Relaxed }),
            read: Mutex::new(read),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// An error while working: damage found now (a page that could not be read at start) is
    /// marked, so the next start keeps the damaged file aside and brings back what it can.
    fn failed(&self, e: rusqlite::Error) -> Error {
        if !damaged::is_damage(&e) {
            return db_error(&self.path, e);
        }
        damaged::mark(&self.path);
        tracing::warn!(error = %e, "the job database is damaged");
        Error::journal(
            "Deckhand's list of decks is damaged. Close Deckhand and open it again: it will keep the damaged list aside and bring back every deck it can still read.",
        )
    }

    fn startup(&self) -> rusqlite::Result<Startup> {
        let w = lock(&self.write);
        let mut active = Vec::new();
        let mut stmt = w.conn.prepare(
            "SELECT j.version, j.record, n.notes FROM jobs j LEFT JOIN job_notes n ON n.id = j.id WHERE j.active = 1 ORDER BY j.id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?;
        for row in rows {
            let (version, rec, notes) = row?;
            if let Stored::Known(job) = record::read(version, &rec, notes.as_deref()) {
                active.push(*job);
            }
        }
        let mut stmt = w.conn.prepare("SELECT id, claim FROM jobs WHERE claim IS NOT NULL")?;
        let claims = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, PathBuf::from(r.get::<_, String>(1)?))))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut durations = DurationHistory::default();
        let mut stmt = w.conn.prepare("SELECT provider, bucket, secs, at_ms FROM durations ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, f64>(2)?, r.get::<_, i64>(3)?)))?;
        for row in rows {
            let (provider, bucket, secs, at_ms) = row?;
            // Another service's samples (a newer Deckhand's) teach this one nothing.
            if let (Some(provider), Ok(bucket)) = (ProviderKind::parse(&provider), u8::try_from(bucket)) {
                durations.samples.push(DurationSample { provider, bucket, secs, at_ms: at_ms.max(0) as u64 });
            }
        }
        Ok(Startup { active, claims, durations })
    }

    /// The database must still be the file opened: if the data folder was moved or deleted,
    /// writing on into a file nobody will open again would lose every change silently.
    fn check_in_place(&self) -> Result<(), Error> {
        let gone = |why: String| {
            Error::journal(format!(
                "Deckhand's list of decks ({}) was moved or deleted while Deckhand was using it ({why}), so this change could not be saved. Restart Deckhand.",
                self.path.display()
            ))
        };
        let now = std::fs::metadata(&self.path).map_err(|e| gone(e.to_string()))?;
        match (&self.identity, FileId::from_meta(&now)) {
            (Some(was), Some(is)) if *was != is => Err(gone("another file is in its place".into())),
            _ => Ok(()),
        }
    }

    /// One transaction on the writing connection.
    fn write<T>(&self, durability: Durability, f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>) -> Result<T, Error> {
        self.check_in_place()?;
        let mut w = lock(&self.write);
        let run = |w: &mut Writer| -> rusqlite::Result<T> {
            if w.sync != durability {
                w.conn.pragma_update(None, "synchronous", durability.pragma())?;
                w.sync = durability;
            }
            let tx = w.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        };
        run(&mut w).map_err(|e| self.failed(e))
    }

    /// Records a new job, durably.
    pub fn insert(&self, job: &Job) -> Result<(), Error> {
        let row = record::to_row(job)?;
        self.write(Durability::Promise, |tx| put_row(tx, &row, Put::New).map(|_| ()))
    }

    /// Records a job's change (`before` is what is stored now), with a duration learned in the
    /// same transaction.
    pub fn update(&self, before: &Job, after: &Job, learned: Option<&DurationSample>, durability: Durability) -> Result<(), Error> {
        let row = record::to_row(after)?;
        let columns_changed = record::columns_differ(before, after);
        let notes_changed = before.request.content != after.request.content || before.request.instructions != after.request.instructions;
        self.write(durability, |tx| {
            let changed = if columns_changed {
                tx.prepare_cached(
                    "UPDATE jobs SET provider = ?2, state = ?3, active = ?4, updated_ms = ?5, title = ?6, topic = ?7, search = ?8,
                     claim = ?9, version = ?10, record = ?11 WHERE id = ?1",
                )?
                .execute(params![
                    row.id,
                    row.provider,
                    row.state,
                    row.active,
                    row.updated_ms,
                    row.title,
                    row.topic,
                    row.search,
                    row.claim,
                    row.version,
                    row.record
                ])?
            } else {
                // Progress and the like: the indexed columns stay, so their indexes are not touched.
                tx.prepare_cached("UPDATE jobs SET updated_ms = ?2, version = ?3, record = ?4 WHERE id = ?1")?.execute(params![
                    row.id,
                    row.updated_ms,
                    row.version,
                    row.record
                ])?
            };
            if changed != 1 {
                return Err(rusqlite::Error::QueryReturnedNoRows);
            }
            if notes_changed {
                tx.prepare_cached("INSERT OR REPLACE INTO job_notes (id, notes) VALUES (?1, ?2)")?.execute(params![row.id, row.notes])?;
            }
            if let Some(sample) = learned {
                add_duration(tx, sample)?;
            }
            Ok(())
        })
    }

    /// Forgets a job.
    pub fn delete(&self, id: &str) -> Result<(), Error> {
        self.write(Durability::Promise, |tx| {
            tx.prepare_cached("DELETE FROM jobs WHERE id = ?1")?.execute([id])?;
            tx.prepare_cached("DELETE FROM job_notes WHERE id = ?1")?.execute([id])?;
            Ok(())
        })
    }

    /// One job's full record.
    pub fn get(&self, id: &str) -> Result<Option<Stored>, Error> {
        let r = lock(&self.read);
        let found = r
            .prepare_cached("SELECT j.version, j.record, n.notes FROM jobs j LEFT JOIN job_notes n ON n.id = j.id WHERE j.id = ?1")
            .and_then(|mut s| {
                s.query_row([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?))).optional()
            })
            .map_err(|e| self.failed(e))?;
        Ok(found.map(|(version, rec, notes)| record::read(version, &rec, notes.as_deref())))
    }

    /// Every job's full record, oldest first. Reads the whole history: for tests and tools,
    /// never for a list a person looks at (see [`Store::list`]).
    pub fn all(&self) -> Result<Vec<Stored>, Error> {
        let r = lock(&self.read);
        let read = || -> rusqlite::Result<Vec<Stored>> {
            let mut stmt = r.prepare(
                "SELECT j.version, j.record, n.notes FROM jobs j LEFT JOIN job_notes n ON n.id = j.id ORDER BY j.created_ms, j.id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?;
            rows.map(|row| row.map(|(v, rec, notes)| record::read(v, &rec, notes.as_deref()))).collect()
        };
        read().map_err(|e| self.failed(e))
    }

    /// A page of the history, newest first.
    pub fn list(&self, query: &CheckedQuery) -> Result<HistoryPage, Error> {
        queries::list(&lock(&self.read), query).map_err(|e| self.failed(e))
    }

    /// How many jobs in each state and for each service.
    pub fn counts(&self) -> Result<JobCounts, Error> {
        queries::counts(&lock(&self.read)).map_err(|e| self.failed(e))
    }
}

/// How [`put_row`] treats a job already stored under the same id.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Put {
    /// A new job: an id already there is an error.
    New,
    /// Imported: replaces only an older record of the same job.
    IfNewer,
}

/// Writes a row and its notes; false when an [`Put::IfNewer`] row was older than the stored one.
fn put_row(tx: &Transaction<'_>, row: &Row, put: Put) -> rusqlite::Result<bool> {
    let sql = match put {
        Put::New => {
            "INSERT INTO jobs (id, provider, state, active, created_ms, updated_ms, title, topic, search, claim, version, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        }
        Put::IfNewer => {
            "INSERT INTO jobs (id, provider, state, active, created_ms, updated_ms, title, topic, search, claim, version, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, state = excluded.state, active = excluded.active,
                 created_ms = excluded.created_ms, updated_ms = excluded.updated_ms, title = excluded.title, topic = excluded.topic,
                 search = excluded.search, claim = excluded.claim, version = excluded.version, record = excluded.record
             WHERE excluded.updated_ms > jobs.updated_ms"
        }
    };
    let written = tx.prepare_cached(sql)?.execute(params![
        row.id,
        row.provider,
        row.state,
        row.active,
        row.created_ms,
        row.updated_ms,
        row.title,
        row.topic,
        row.search,
        row.claim,
        row.version,
        row.record
    ])?;
    if written == 0 {
        return Ok(false);
    }
    tx.prepare_cached("INSERT OR REPLACE INTO job_notes (id, notes) VALUES (?1, ?2)")?.execute(params![row.id, row.notes])?;
    Ok(true)
}

/// Adds a learned duration and keeps only the newest [`MAX_PER_BUCKET`] of its kind, as
/// [`DurationHistory::add`] does in memory.
fn add_duration(tx: &Transaction<'_>, s: &DurationSample) -> rusqlite::Result<()> {
    let (provider, bucket) = (s.provider.as_str(), i64::from(s.bucket));
    tx.prepare_cached("INSERT INTO durations (provider, bucket, secs, at_ms) VALUES (?1, ?2, ?3, ?4)")?.execute(params![
        provider,
        bucket,
        s.secs,
        i64::try_from(s.at_ms).unwrap_or(i64::MAX)
    ])?;
    tx.prepare_cached(
        "DELETE FROM durations WHERE provider = ?1 AND bucket = ?2 AND rowid NOT IN
         (SELECT rowid FROM durations WHERE provider = ?1 AND bucket = ?2 ORDER BY rowid DESC LIMIT ?3)",
    )?
    .execute(params![provider, bucket, MAX_PER_BUCKET as i64])?;
    Ok(())
}

/// Which file a path is (device and inode), to notice it being replaced under us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId(u64, u64);

impl FileId {
    fn of(path: &Path) -> Option<FileId> {
        std::fs::metadata(path).ok().as_ref().and_then(FileId::from_meta)
    }

    #[cfg(unix)]
    fn from_meta(meta: &std::fs::Metadata) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        Some(FileId(meta.dev(), meta.ino()))
    }

    /// Elsewhere an open file cannot be deleted or replaced; its existence is checked.
    #[cfg(not(unix))]
    fn from_meta(_meta: &std::fs::Metadata) -> Option<FileId> {
        None
    }
}
