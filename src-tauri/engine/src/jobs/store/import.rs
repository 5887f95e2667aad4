//! The first start after an update: the `journal.json` of an earlier Deckhand is imported in
//! one transaction, then renamed `journal.json.imported-<time>` (kept, in case). An import
//! that fails changes nothing: the file stays as it was, the person is told, and the next
//! start tries again. Importing twice is harmless: a job already stored is replaced only by a
//! newer record of itself.

use std::path::Path;

use super::{add_duration, put_row, Durability, Put, Store};
use crate::jobs::journal::{self, Legacy};
use crate::jobs::record::{self, Row};
use crate::Error;

pub struct Imported {
    /// Whether jobs were written (the start must read them).
    pub imported: bool,
    pub notice: Option<String>,
}

fn left_as_it_was(path: &Path, why: &str) -> Imported {
    tracing::warn!(reason = %why, "the old job list was not imported");
    Imported {
        imported: false,
        notice: Some(format!(
            "Deckhand could not bring over your earlier list of decks ({why}). It was left as it was, in {}; files already downloaded are untouched.",
            path.display()
        )),
    }
}

/// Imports `journal.json` if there is one.
pub fn import_journal(store: &Store, dir: &Path, now_ms: u64) -> Option<Imported> {
    let path = dir.join(journal::FILE_NAME);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(left_as_it_was(&path, &format!("it could not be read: {e}"))),
    };
    let legacy = match serde_json::from_slice(&bytes).map_err(|e| format!("it is not valid: {e}")).and_then(journal::migrate) {
        Ok(l) => l,
        Err(why) => return Some(left_as_it_was(&path, &why)),
    };
    let newer = legacy.unreadable.len();
    if let Err(e) = write(store, legacy, now_ms) {
        return Some(left_as_it_was(&path, e.message().trim_end_matches('.')));
    }
    let kept = dir.join(format!("{}.imported-{now_ms}", journal::FILE_NAME));
    let renamed = std::fs::rename(&path, &kept);
    crate::atomic_file::sync_dir(dir);
    let mut notice = match renamed {
        Ok(()) => None,
        // Imported all the same; a later start imports it again, which changes nothing.
        Err(e) => {
            Some(format!("Your earlier list of decks was brought over, but its old file ({}) could not be renamed: {e}.", path.display()))
        }
    };
    if newer > 0 {
        let said =
            if newer == 1 { "One deck in your earlier list was".to_string() } else { format!("{newer} decks in your earlier list were") };
        notice = Some(
            [notice.unwrap_or_default(), format!("{said} made by a newer Deckhand: they are listed, and can be worked on only there.")]
                .join(" ")
                .trim()
                .to_string(),
        );
    }
    Some(Imported { imported: true, notice })
}

fn write(store: &Store, legacy: Legacy, now_ms: u64) -> Result<(), Error> {
    let mut rows: Vec<Row> = legacy.jobs.iter().map(record::to_row).collect::<Result<_, _>>()?;
    rows.extend(legacy.unreadable.into_iter().enumerate().map(|(i, raw)| record::raw_row(raw, format!("imported-{now_ms}-{i}"))));
    store.write(Durability::Promise, |tx| {
        for row in &rows {
            put_row(tx, row, Put::IfNewer)?;
        }
        for sample in &legacy.durations.samples {
            add_duration(tx, sample)?;
        }
        Ok(())
    })?;
    // The import's pages are in the log now; move them home and give the space back.
    let w = super::lock(&store.write);
    let _ = w.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    Ok(())
}
