//! What a support log needs from the engine's events: one line when a job changes state, with
//! its id, service, state and (on failure) the error's kind, HTTP status and request id. Never
//! the request's text, title or file name (a person's notes), never a provider's own message
//! (it may quote them back).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::jobs::{Job, JobState};
use crate::{EngineEvent, EventSink};

/// An [`EventSink`] that logs state changes, then passes every event on.
pub struct LoggingSink {
    inner: Arc<dyn EventSink>,
    /// The last state logged per unfinished job; finished jobs are dropped, so this holds only
    /// the jobs in progress, however long the history.
    last: Mutex<HashMap<String, JobState>>,
}

impl LoggingSink {
    pub fn new(inner: Arc<dyn EventSink>) -> Self {
        LoggingSink { inner, last: Mutex::new(HashMap::new()) }
    }

    fn note(&self, job: &Job) {
        let Ok(mut last) = self.last.lock() else { return };
        if last.get(&job.id) == Some(&job.state) {
            tracing::debug!("job {}: progress", job.id);
            return;
        }
        if job.state.is_finished() {
            last.remove(&job.id);
        } else {
            last.insert(job.id.clone(), job.state);
        }
        drop(last);
        log_state(&job.id, job);
    }
}

fn log_state(id: &str, job: &Job) {
    let provider = job.provider.as_str();
    let state = job.state.as_str();
    let remote = job.remote.as_ref().map(|r| r.id.as_str()).unwrap_or("-");
    match &job.error {
        Some(e) => {
            let d = e.details();
            let status = d.status.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
            let request_id = d.request_id.as_deref().unwrap_or("-");
            tracing::warn!("job {id} {provider}: {state} (remote {remote}), error {} status {status} request {request_id}", e.kind());
        }
        None => tracing::info!("job {id} {provider}: {state} (remote {remote})"),
    }
}

impl EventSink for LoggingSink {
    fn emit(&self, event: EngineEvent) {
        match &event {
            EngineEvent::JobChanged { job } => self.note(job),
            EngineEvent::JobRemoved { job_id } => {
                if let Ok(mut last) = self.last.lock() {
                    last.remove(job_id);
                }
                tracing::info!("job {job_id} removed from the list");
            }
            _ => {}
        }
        self.inner.emit(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::RecordingSink;
    use crate::providers::{DeckRequest, ProviderKind};

    #[test]
    fn passes_every_event_on_and_remembers_only_jobs_in_progress() {
        let recorded = Arc::new(RecordingSink::default());
        let sink = LoggingSink::new(recorded.clone());
        let mut job = Job::new("j1".into(), ProviderKind::Gamma, DeckRequest { content: "notes".into(), ..Default::default() }, "/tmp".into(), 1);
        for state in [JobState::Queued, JobState::Submitting, JobState::Running, JobState::Running, JobState::Done] {
            job.state = state;
            sink.emit(EngineEvent::JobChanged { job: Box::new(job.clone()) });
            assert_eq!(sink.last.lock().unwrap().len(), usize::from(!state.is_finished()));
        }
        sink.emit(EngineEvent::JobsAvailable);
        sink.emit(EngineEvent::JobRemoved { job_id: "j1".into() });
        assert_eq!(recorded.0.lock().unwrap().len(), 7);
        assert!(sink.last.lock().unwrap().is_empty());
    }
}
