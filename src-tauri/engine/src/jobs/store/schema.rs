//! The tables. One row per job with the columns lists need (the record and the notes apart),
//! learned durations, and a little about the file itself. `PRAGMA user_version` says which
//! schema a file has; later schemas may only add (tables, columns, indexes), so an older
//! Deckhand can still read and write a newer file.

use rusqlite::Connection;

/// This Deckhand's schema.
pub const SCHEMA_VERSION: i64 = 1;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    state TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    title TEXT,
    topic TEXT NOT NULL,
    search TEXT NOT NULL,
    claim TEXT,
    version INTEGER NOT NULL,
    record TEXT NOT NULL
);
-- Newest first, a page at a time.
CREATE INDEX IF NOT EXISTS jobs_newest ON jobs (created_ms DESC, id DESC);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_provider ON jobs (provider);
-- What a start resumes, and the file names being claimed: found without reading the rest.
CREATE INDEX IF NOT EXISTS jobs_active ON jobs (id) WHERE active = 1;
CREATE INDEX IF NOT EXISTS jobs_claims ON jobs (claim) WHERE claim IS NOT NULL;
-- The notes, written once: a state change never rewrites them.
CREATE TABLE IF NOT EXISTS job_notes (
    id TEXT PRIMARY KEY NOT NULL,
    notes TEXT NOT NULL
);
-- Learned generation times (jobs::history), at most a few dozen per service and size.
CREATE TABLE IF NOT EXISTS durations (
    provider TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    secs REAL NOT NULL,
    at_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS durations_bucket ON durations (provider, bucket, at_ms);
";

/// Creates what is missing. A newer schema is left as it is (it only ever adds).
pub fn prepare(conn: &Connection) -> rusqlite::Result<i64> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found < SCHEMA_VERSION {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(CREATE)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
    }
    Ok(found)
}
