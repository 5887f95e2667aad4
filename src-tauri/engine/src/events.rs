//! How the engine reports: one sink, implemented by the app (forwards to the window) and the
//! CLI (draws progress).

use serde::Serialize;

use crate::jobs::Job;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EngineEvent {
    /// A job changed state or progress message. Here the whole job; sent to the window as
    /// its view (`jobs::view`: no notes, plus `topic`), whatever the notes hold.
    JobChanged {
        #[serde(serialize_with = "crate::jobs::view::serialize_as_view")]
        job: Box<Job>,
    },
    /// Bytes of a download so far (throttled; the first and the last are always sent).
    DownloadProgress { job_id: String, bytes: u64, total: Option<u64> },
    /// A job was removed from the history (its file stays).
    JobRemoved { job_id: String },
    /// Something the person should know that belongs to no job (a damaged list kept aside, …).
    Notice { message: String },
    /// The job list can be read now (it could not while another Deckhand held it): fetch it.
    JobsAvailable,
}

pub trait EventSink: Send + Sync {
    fn emit(&self, event: EngineEvent);
}

/// A sink that drops everything.
pub struct NullSink;

impl EventSink for NullSink {
    fn emit(&self, _event: EngineEvent) {}
}

/// A sink that keeps everything, for tests.
#[derive(Default)]
pub struct RecordingSink(pub std::sync::Mutex<Vec<EngineEvent>>);

impl EventSink for RecordingSink {
    fn emit(&self, event: EngineEvent) {
        if let Ok(mut v) = self.0.lock() {
            v.push(event);
        }
    }
}
