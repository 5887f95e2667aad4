//! A database that SQLite says is damaged (not a database at all, or a page that cannot be
//! read) is never emptied in place: it is kept aside under another name, a new one is
//! started, and every job that can still be read from the old one is brought over. The person
//! is told where the old file is. Damage found at start is handled at once; damage found
//! while working (a page no start needed) is marked, and handled at the next start.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use super::{db_error, put_row, Put, Store};
use crate::jobs::record::Row;
use crate::Error;

pub fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn marker(path: &Path) -> PathBuf {
    with_suffix(path, ".damaged")
}

/// Notes that the database was found damaged while working.
pub fn mark(path: &Path) {
    if let Err(e) = std::fs::write(marker(path), b"Deckhand found this job database damaged; it is set aside at the next start.\n") {
        tracing::warn!(error = %e, "could not mark the job database as damaged");
    }
}

pub fn is_marked(path: &Path) -> bool {
    marker(path).exists()
}

fn aside_path(dir: &Path, now_ms: u64) -> PathBuf {
    (0..)
        .map(|n| if n == 0 { format!("jobs.damaged-{now_ms}.sqlite3") } else { format!("jobs.damaged-{now_ms}-{n}.sqlite3") })
        .map(|name| dir.join(name))
        .find(|p| !p.exists())
        .expect("an unused name")
}

/// Keeps the damaged database aside, starts a new one and brings over what can be read.
pub fn start_over(dir: &Path, path: &Path, now_ms: u64) -> Result<(Store, String), Error> {
    let aside = aside_path(dir, now_ms);
    std::fs::rename(path, &aside).map_err(|e| {
        Error::journal(format!("Deckhand's list of decks ({}) is damaged and could not be set aside ({e}).", path.display()))
    })?;
    // Its write-ahead log belongs to it: it goes along, so the kept copy is whole.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::rename(with_suffix(path, suffix), with_suffix(&aside, suffix));
    }
    let _ = std::fs::remove_file(marker(path));
    tracing::warn!(file = %aside.display(), "damaged job database set aside");
    let store = Store::connect(path).map_err(|e| db_error(path, e))?;
    let recovered = bring_over(&aside, &store);
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

/// Reads `table` by rowid from both ends, each way up to its first unreadable page: a bad
/// page in the middle costs only the rows on it.
fn read_both_ways<T>(
    old: &Connection,
    columns: &str,
    table: &str,
    row: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> HashMap<i64, T> {
    let mut found = HashMap::new();
    for order in ["ASC", "DESC"] {
        let read = (|| -> rusqlite::Result<()> {
            let mut stmt = old.prepare(&format!("SELECT rowid, {columns} FROM {table} ORDER BY rowid {order}"))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let rowid: i64 = r.get(0)?;
                if found.contains_key(&rowid) {
                    break;
                }
                found.insert(rowid, row(r)?);
            }
            Ok(())
        })();
        if let Err(e) = read {
            tracing::warn!(error = %e, table, order, "stopped reading the damaged job database");
        }
    }
    found
}

/// Copies every job row that can be read; how many.
fn bring_over(aside: &Path, into: &Store) -> usize {
    // Read only: the kept copy stays exactly as it was found.
    let Ok(old) = Connection::open_with_flags(aside, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX) else { return 0 };
    let jobs = read_both_ways(
        &old,
        "id, provider, state, active, created_ms, updated_ms, title, topic, search, claim, version, record",
        "jobs",
        |r| {
            Ok(Row {
                id: r.get(1)?,
                provider: r.get(2)?,
                state: r.get(3)?,
                active: r.get(4)?,
                created_ms: r.get(5)?,
                updated_ms: r.get(6)?,
                title: r.get(7)?,
                topic: r.get(8)?,
                search: r.get(9)?,
                claim: r.get(10)?,
                version: r.get(11)?,
                record: r.get(12)?,
                notes: "{}".into(),
            })
        },
    );
    let notes: HashMap<String, String> =
        read_both_ways(&old, "id, notes", "job_notes", |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?))).into_values().collect();
    let mut w = super::lock(&into.write);
    let copied = (|| -> rusqlite::Result<usize> {
        let tx = w.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut n = 0;
        for mut row in jobs.into_values() {
            // Notes that could not be read are lost from the list, not from the kept copy.
            if let Some(text) = notes.get(&row.id) {
                row.notes = text.clone();
            }
            n += usize::from(put_row(&tx, &row, Put::IfNewer)?);
        }
        tx.commit()?;
        Ok(n)
    })();
    copied.unwrap_or(0)
}
