//! `journal.json`, the job list of Deckhand before the job store: one JSON file holding every
//! job, rewritten whole on each change. It is only read now, once, to be imported into the
//! store (`store/import.rs`); every shape ever written is understood.

use serde_json::Value;

use crate::jobs::history::DurationHistory;
use crate::jobs::{Job, JobState, StateStamp};

/// v0: a bare list of jobs. v1: `{version, jobs}`. v2: adds `durations` and each job's state
/// `history`.
pub const JOURNAL_VERSION: u32 = 2;
pub const FILE_NAME: &str = "journal.json";

/// What an old journal held, brought up to today's shapes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Legacy {
    pub jobs: Vec<Job>,
    /// Jobs this Deckhand cannot read, as they were: imported and kept, never dropped.
    pub unreadable: Vec<serde_json::Map<String, Value>>,
    pub durations: DurationHistory,
}

/// Brings any known journal shape up to today's. Errors mean the file as a whole is unusable.
pub fn migrate(value: Value) -> Result<Legacy, String> {
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
    let mut legacy = Legacy::default();
    for raw in raw_jobs {
        match serde_json::from_value::<Job>(raw.clone()) {
            Ok(job) => legacy.jobs.push(job),
            Err(_) => match raw {
                Value::Object(m) => legacy.unreadable.push(m),
                other => legacy.unreadable.push(serde_json::Map::from_iter([("unreadable_record".to_string(), other)])),
            },
        }
    }
    legacy.durations = match obj.remove("durations") {
        Some(v) => serde_json::from_value(v).map_err(|e| format!("durations: {e}"))?,
        None => DurationHistory::default(),
    };
    if version < 2 {
        // v1 jobs had no state history: start one from what is known, and learn from the
        // finished decks (created → last change over-counts queueing and download a little).
        for job in &mut legacy.jobs {
            if job.history.is_empty() {
                job.history.push(StateStamp { state: JobState::Queued, at_ms: job.created_ms });
                if job.state != JobState::Queued {
                    job.history.push(StateStamp { state: job.state, at_ms: job.updated_ms });
                }
            }
            if job.state == JobState::Done && job.updated_ms > job.created_ms {
                let took = std::time::Duration::from_millis(job.updated_ms - job.created_ms);
                legacy.durations.record(job.provider, job.request.slides, took, job.updated_ms);
            }
        }
    }
    Ok(legacy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{DeckRequest, ProviderKind};

    fn job(id: &str) -> Job {
        Job::new(id.into(), ProviderKind::Gamma, DeckRequest { content: "x".into(), ..Default::default() }, "/tmp/out".into(), 1000)
    }

    #[test]
    fn migrates_v0_and_v1() {
        let mut v1job = serde_json::to_value(job("a")).unwrap();
        v1job.as_object_mut().unwrap().remove("history");
        v1job["state"] = "done".into();
        v1job["updated_ms"] = 91_000.into();
        let legacy = migrate(serde_json::json!({"version": 1, "jobs": [v1job.clone()]})).unwrap();
        assert!(legacy.unreadable.is_empty());
        assert_eq!(legacy.jobs[0].history.len(), 2);
        assert_eq!(legacy.jobs[0].history[1].state, JobState::Done);
        assert_eq!(legacy.durations.samples.len(), 1);
        assert_eq!(legacy.durations.samples[0].secs, 90.0);
        let v0 = migrate(serde_json::json!([v1job])).unwrap();
        assert_eq!(v0.jobs.len(), 1);
    }

    #[test]
    fn jobs_that_cannot_be_read_are_kept_as_they_were() {
        let good = serde_json::to_value(job("a")).unwrap();
        let legacy = migrate(serde_json::json!({"version": 2, "jobs": [good, {"id": "b", "provider": "someday-ai"}, 7]})).unwrap();
        assert_eq!(legacy.jobs.len(), 1);
        assert_eq!(legacy.unreadable.len(), 2);
        assert_eq!(legacy.unreadable[0]["provider"], "someday-ai");
        assert_eq!(legacy.unreadable[1]["unreadable_record"], 7);
    }

    #[test]
    fn a_newer_or_shapeless_journal_is_refused_whole() {
        assert!(migrate(serde_json::json!({"version": 99, "jobs": []})).unwrap_err().contains("newer"));
        assert!(migrate(serde_json::json!("x")).is_err());
        assert!(migrate(serde_json::json!({"jobs": []})).is_err());
        assert!(migrate(serde_json::json!({"version": 2, "jobs": {}})).is_err());
    }
}
