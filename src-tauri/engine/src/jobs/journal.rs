//! The journal: one durable file holding every job and the learned durations. It is replaced
//! atomically ([`crate::atomic_file`]), so a crash at any instant leaves either the old or the
//! new journal, both complete. A journal that cannot be read is
//! set aside under another name and reported, never silently emptied.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::atomic_file;
use crate::jobs::history::DurationHistory;
use crate::jobs::Job;
use crate::Error;

/// v1: `{version, jobs}`. v2: adds `durations` and each job's state `history`.
pub const JOURNAL_VERSION: u32 = 2;
pub const FILE_NAME: &str = "journal.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalData {
    pub version: u32,
    #[serde(default)]
    pub jobs: Vec<Job>,
    #[serde(default)]
    pub durations: DurationHistory,
}

impl Default for JournalData {
    fn default() -> Self {
        JournalData { version: JOURNAL_VERSION, jobs: Vec::new(), durations: DurationHistory::default() }
    }
}

/// What opening found: the data, and sentences for the person about anything set aside.
#[derive(Debug)]
pub struct Loaded {
    pub data: JournalData,
    pub notices: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Journal {
    dir: PathBuf,
}

impl Journal {
    /// Reads (and migrates) the journal in `dir`, creating the folder if needed.
    pub fn open(dir: &Path, now_ms: u64) -> Result<(Journal, Loaded), Error> {
        fs::create_dir_all(dir).map_err(|e| {
            Error::journal(format!("Deckhand could not create its data folder {}: {e}. Check that it is writable.", dir.display()))
        })?;
        let journal = Journal { dir: dir.to_path_buf() };
        // Opened under the data folder's lock, so no one else is writing it now.
        atomic_file::remove_leftovers(&journal.path());
        let loaded = journal.load(now_ms)?;
        Ok((journal, loaded))
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    fn load(&self, now_ms: u64) -> Result<Loaded, Error> {
        let path = self.path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded { data: JournalData::default(), notices: Vec::new() })
            }
            Err(e) => return Err(Error::journal(format!("Deckhand could not read its job list {}: {e}.", path.display()))),
        };
        let parsed = serde_json::from_slice::<Value>(&bytes).map_err(|e| e.to_string()).and_then(migrate);
        match parsed {
            Ok((data, 0)) => Ok(Loaded { data, notices: Vec::new() }),
            Ok((data, skipped)) => {
                let kept = self.copy_aside(&bytes, now_ms)?;
                let notice = format!(
                    "{skipped} saved job(s) could not be read and were left out. The original job list was kept as {}.",
                    kept.display()
                );
                Ok(Loaded { data, notices: vec![notice] })
            }
            Err(why) => {
                let aside = self.set_aside(now_ms)?;
                tracing::warn!(reason = %why, file = %aside.display(), "journal set aside");
                let notice = format!(
                    "Deckhand's job list could not be read, so it was set aside as {} and a new one was started. Files already downloaded are untouched.",
                    aside.display()
                );
                Ok(Loaded { data: JournalData::default(), notices: vec![notice] })
            }
        }
    }

    fn aside_path(&self, now_ms: u64) -> PathBuf {
        let mut n = 0;
        loop {
            let name = if n == 0 { format!("journal.corrupt-{now_ms}.json") } else { format!("journal.corrupt-{now_ms}-{n}.json") };
            let p = self.dir.join(name);
            if !p.exists() {
                return p;
            }
            n += 1;
        }
    }

    fn set_aside(&self, now_ms: u64) -> Result<PathBuf, Error> {
        let aside = self.aside_path(now_ms);
        fs::rename(self.path(), &aside)
            .map_err(|e| Error::journal(format!("Deckhand's job list is damaged and could not be set aside ({e}).")))?;
        atomic_file::sync_dir(&self.dir);
        Ok(aside)
    }

    fn copy_aside(&self, bytes: &[u8], now_ms: u64) -> Result<PathBuf, Error> {
        let aside = self.aside_path(now_ms);
        atomic_file::write_new(&aside, bytes).map_err(|e| journal_write_error(&self.dir, e))?;
        Ok(aside)
    }

    /// Replaces the journal atomically and durably.
    pub fn save(&self, data: &JournalData) -> Result<(), Error> {
        let bytes = serde_json::to_vec_pretty(data).map_err(|e| Error::internal(format!("The job list could not be encoded: {e}")))?;
        atomic_file::write(&self.path(), &bytes).map_err(|e| journal_write_error(&self.dir, e))
    }
}

fn journal_write_error(dir: &Path, e: std::io::Error) -> Error {
    Error::journal(format!(
        "Deckhand could not save its job list in {}: {e}. Free some disk space or check the folder's permissions.",
        dir.display()
    ))
}

/// Brings any known journal shape up to [`JOURNAL_VERSION`]. Returns the data and how many
/// jobs could not be read (those are left out). Errors mean the file as a whole is unusable.
pub fn migrate(value: Value) -> Result<(JournalData, usize), String> {
    let mut obj = match value {
        // v0, the earliest shape: a bare list of jobs.
        Value::Array(jobs) => {
            let mut m = serde_json::Map::new();
            m.insert("version".into(), Value::from(1));
            m.insert("jobs".into(), Value::Array(jobs));
            m
        }
        Value::Object(m) => m,
        _ => return Err("the journal is not an object".into()),
    };
    let version = obj.get("version").and_then(Value::as_u64).ok_or("the journal has no version")?;
    if version > JOURNAL_VERSION as u64 {
        return Err(format!("the journal is version {version}, written by a newer Deckhand"));
    }
    let raw_jobs = match obj.remove("jobs") {
        Some(Value::Array(jobs)) => jobs,
        None => Vec::new(),
        Some(_) => return Err("the journal's jobs are not a list".into()),
    };
    let mut skipped = 0;
    let mut jobs = Vec::with_capacity(raw_jobs.len());
    for raw in raw_jobs {
        match serde_json::from_value::<Job>(raw) {
            Ok(job) => jobs.push(job),
            Err(_) => skipped += 1,
        }
    }
    let mut durations: DurationHistory = match obj.remove("durations") {
        Some(v) => serde_json::from_value(v).map_err(|e| format!("durations: {e}"))?,
        None => DurationHistory::default(),
    };
    if version < 2 {
        // v1 jobs had no state history: start one from what is known, and learn from the
        // finished decks (created → last change over-counts queueing and download a little).
        for job in &mut jobs {
            if job.history.is_empty() {
                job.history.push(crate::jobs::StateStamp { state: crate::jobs::JobState::Queued, at_ms: job.created_ms });
                if job.state != crate::jobs::JobState::Queued {
                    job.history.push(crate::jobs::StateStamp { state: job.state, at_ms: job.updated_ms });
                }
            }
            if job.state == crate::jobs::JobState::Done && job.updated_ms > job.created_ms {
                let took = std::time::Duration::from_millis(job.updated_ms - job.created_ms);
                durations.record(job.provider, job.request.slides, took, job.updated_ms);
            }
        }
    }
    Ok((JournalData { version: JOURNAL_VERSION, jobs, durations }, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::JobState;
    use crate::providers::{DeckRequest, ProviderKind};

    fn job(id: &str) -> Job {
        Job::new(id.into(), ProviderKind::Gamma, DeckRequest { content: "x".into(), ..Default::default() }, "/tmp/out".into(), 1000)
    }

    #[test]
    fn saves_and_reopens_with_no_temp_left() {
        let dir = tempfile::tempdir().unwrap();
        let (j, loaded) = Journal::open(dir.path(), 1).unwrap();
        assert!(loaded.data.jobs.is_empty() && loaded.notices.is_empty());
        let data = JournalData { jobs: vec![job("a"), job("b")], ..Default::default() };
        j.save(&data).unwrap();
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![FILE_NAME], "no temporary file is left");
        let (_, again) = Journal::open(dir.path(), 2).unwrap();
        assert_eq!(again.data, data);
    }

    #[test]
    fn a_corrupt_journal_is_set_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), b"{\"version\":2,\"jobs\":[{\"id\":").unwrap();
        let (_, loaded) = Journal::open(dir.path(), 77).unwrap();
        assert!(loaded.data.jobs.is_empty());
        assert_eq!(loaded.notices.len(), 1);
        let aside = dir.path().join("journal.corrupt-77.json");
        assert!(loaded.notices[0].contains("journal.corrupt-77.json"));
        assert_eq!(fs::read(aside).unwrap(), b"{\"version\":2,\"jobs\":[{\"id\":");
        assert!(!dir.path().join(FILE_NAME).exists());
    }

    #[test]
    fn a_stale_temp_file_from_a_crash_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let (j, _) = Journal::open(dir.path(), 1).unwrap();
        j.save(&JournalData { jobs: vec![job("a")], ..Default::default() }).unwrap();
        let leftover = dir.path().join(".journal.json.Xy12ab.tmp");
        fs::write(&leftover, b"{\"half").unwrap();
        let (j, loaded) = Journal::open(dir.path(), 2).unwrap();
        assert_eq!(loaded.data.jobs.len(), 1);
        assert!(!leftover.exists(), "cleared at open");
        j.save(&loaded.data).unwrap();
    }

    #[test]
    fn migrates_v0_and_v1() {
        let mut v1job = serde_json::to_value(job("a")).unwrap();
        v1job.as_object_mut().unwrap().remove("history");
        v1job["state"] = "done".into();
        v1job["updated_ms"] = 91_000.into();
        let (data, skipped) = migrate(serde_json::json!({"version": 1, "jobs": [v1job.clone()]})).unwrap();
        assert_eq!(skipped, 0);
        assert_eq!(data.version, JOURNAL_VERSION);
        assert_eq!(data.jobs[0].history.len(), 2);
        assert_eq!(data.jobs[0].history[1].state, JobState::Done);
        assert_eq!(data.durations.samples.len(), 1);
        assert_eq!(data.durations.samples[0].secs, 90.0);
        let (v0, _) = migrate(serde_json::json!([v1job])).unwrap();
        assert_eq!(v0.jobs.len(), 1);
    }

    #[test]
    fn unreadable_jobs_are_left_out_but_the_original_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let good = serde_json::to_value(job("a")).unwrap();
        let body = serde_json::json!({"version": 2, "jobs": [good, {"id": "b", "provider": "someday-ai"}]});
        fs::write(dir.path().join(FILE_NAME), serde_json::to_vec(&body).unwrap()).unwrap();
        let (_, loaded) = Journal::open(dir.path(), 5).unwrap();
        assert_eq!(loaded.data.jobs.len(), 1);
        assert!(loaded.notices[0].starts_with("1 saved job"));
        assert!(dir.path().join("journal.corrupt-5.json").exists());
    }

    #[test]
    fn a_newer_journal_is_set_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE_NAME), b"{\"version\":99,\"jobs\":[]}").unwrap();
        let (_, loaded) = Journal::open(dir.path(), 6).unwrap();
        assert_eq!(loaded.notices.len(), 1);
        assert!(dir.path().join("journal.corrupt-6.json").exists());
    }
}
