//! A database that SQLite says is damaged (not a database at all, or a malformed page) is
//! never emptied in place: it is kept aside under another name, a new one is started, and
//! every job that can still be read from the old one is copied over. The person is told
//! where the old file is.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use super::{db_error, put_row, Put, Store};
use crate::jobs::record::Row;
use crate::Error;

pub fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
}

fn aside_path(dir: &Path, now_ms: u64) -> PathBuf {
    (0..)
        .map(|n| if n == 0 { format!("jobs.damaged-{now_ms}.sqlite3") } else { format!("jobs.damaged-{now_ms}-{n}.sqlite3") })
        .map(|name| dir.join(name))
        .find(|p| !p.exists())
        .expect("an unused name")
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Keeps the damaged database aside, starts a new one and copies what can be read.
pub fn start_over(dir: &Path, path: &Path, now_ms: u64) -> Result<(Store, String), Error> {
    let aside = aside_path(dir, now_ms);
    std::fs::rename(path, &aside).map_err(|e| {
        Error::journal(format!("Deckhand's list of decks ({}) is damaged and could not be set aside ({e}).", path.display()))
    })?;
    // Its write-ahead log belongs to it: it goes along, so the kept copy is whole.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::rename(with_suffix(path, suffix), with_suffix(&aside, suffix));
    }
    tracing::warn!(file = %aside.display(), "damaged job database set aside");
    let store = Store::connect(path).map_err(|e| db_error(path, e))?;
    let recovered = copy_readable(&aside, &store);
    let name = aside.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let recovered = match recovered {
        0 => String::new(),
        1 => " with the one deck that could still be read".to_string(),
        n => format!(" with the {n} decks that could still be read"),
    };
    Ok((
        store,
        format!(
            "Deckhand's list of decks was damaged. It was kept as {name} in {} and a new list was started{recovered}. Files already downloaded are untouched.",
            dir.display()
        ),
    ))
}

/// Copies every job row that can be read, up to the first unreadable part; how many.
fn copy_readable(aside: &Path, into: &Store) -> usize {
    // Read only: the kept copy stays exactly as it was found.
    let Ok(old) = Connection::open_with_flags(aside, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX) else { return 0 };
    let mut rows = Vec::new();
    let read = (|| -> rusqlite::Result<()> {
        let mut stmt = old.prepare(
            "SELECT j.id, j.provider, j.state, j.active, j.created_ms, j.updated_ms, j.title, j.topic, j.search, j.claim, j.version,
                    j.record, n.notes FROM jobs j LEFT JOIN job_notes n ON n.id = j.id",
        )?;
        let mut found = stmt.query([])?;
        while let Some(r) = found.next()? {
            rows.push(Row {
                id: r.get(0)?,
                provider: r.get(1)?,
                state: r.get(2)?,
                active: r.get(3)?,
                created_ms: r.get(4)?,
                updated_ms: r.get(5)?,
                title: r.get(6)?,
                topic: r.get(7)?,
                search: r.get(8)?,
                claim: r.get(9)?,
                version: r.get(10)?,
                record: r.get(11)?,
                notes: r.get::<_, Option<String>>(12)?.unwrap_or_else(|| "{}".into()),
            });
        }
        Ok(())
    })();
    if let Err(e) = read {
        tracing::warn!(error = %e, kept = rows.len(), "stopped reading the damaged job database");
    }
    let mut w = super::lock(&into.write);
    let copied = (|| -> rusqlite::Result<usize> {
        let tx = w.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut n = 0;
        for row in &rows {
            n += usize::from(put_row(&tx, row, Put::IfNewer)?);
        }
        tx.commit()?;
        Ok(n)
    })();
    copied.unwrap_or(0)
}
