//! A job's record as journaled and as shown to the person.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::deck_file::Preview;
use crate::connection::Endpoint;
use crate::jobs::job_error::JobError;
use crate::jobs::saving::Saving;
use crate::providers::{Credits, DeckRequest, Progress, ProviderKind, RemoteJob};
use crate::Error;

pub type JobId = String;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Submitting,
    Running,
    Downloading,
    Done,
    Failed,
    Cancelled,
    /// The app cannot know what happened (a submit may have reached the service); the person
    /// decides.
    NeedsAttention,
}

impl JobState {
    pub fn is_finished(self) -> bool {
        matches!(self, JobState::Done | JobState::Failed | JobState::Cancelled | JobState::NeedsAttention)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Submitting => "submitting",
            JobState::Running => "running",
            JobState::Downloading => "downloading",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::NeedsAttention => "needs_attention",
        }
    }
}

/// One deck, from request to file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub provider: ProviderKind,
    pub request: DeckRequest,
    pub state: JobState,
    /// Unix milliseconds of creation and of the last state change.
    pub created_ms: u64,
    pub updated_ms: u64,
    /// Set once the service accepted the submit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote: Option<RemoteJob>,
    /// The service's latest progress words and counters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The folder the file goes to.
    pub out_dir: std::path::PathBuf,
    /// The final file, once downloaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<std::path::PathBuf>,
    /// The downloaded file and the name it is being given, journaled before the name is
    /// claimed (see `saving.rs`); cleared when the job is done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saving: Option<Saving>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<Credits>,
    /// Recorded as kind, message and details (see `job_error.rs`), so a kind added later
    /// never makes the record unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    /// Polling stopped at the deadline while the service was still working: the job is
    /// `running` on the server, and "check again" resumes polling.
    #[serde(default, skip_serializing_if = "is_false")]
    pub stalled: bool,
    /// How many times a submit was started for this job (retries only after `NotSent`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub submit_attempts: u32,
    /// Every state entered, with its time, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<StateStamp>,
    /// The job this one repeats ("retry as a new job").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_of: Option<JobId>,
    // What makes the deck recognisable on its card. All optional: older records lack them.
    /// The deck's title as the service named it (Gamma's `title`, Presenton's presentation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deck_title: Option<String>,
    /// The look (theme or template) as the service names it; `None`: the service's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look: Option<String>,
    /// Slides in the finished deck: what the service reported, else counted in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slide_count: Option<u32>,
    /// Bytes of the finished file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size: Option<u64>,
    /// A picture of the deck taken from its own file, when the file has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<Preview>,
    /// The service's own latest progress (its words and slide counters, unformatted), so the
    /// window can show steps; `progress` holds the sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_progress: Option<Progress>,
    /// Where the job is sent and how Deckhand signs in there, recorded when it is made: every
    /// request for it (submit, status, lookup, export, download from the API) goes there with
    /// that server's own credential, whatever the settings say later. `None` for jobs journaled
    /// before Deckhand recorded it; those follow the current settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Endpoint>,
    /// Fields this Deckhand does not know (a newer one wrote them): kept as they were, so
    /// rewriting the record never loses them.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// When a job entered a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateStamp {
    pub state: JobState,
    pub at_ms: u64,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Job {
    /// A new job in `queued`.
    pub fn new(id: JobId, provider: ProviderKind, request: DeckRequest, out_dir: std::path::PathBuf, now_ms: u64) -> Job {
        Job {
            id,
            provider,
            request,
            state: JobState::Queued,
            created_ms: now_ms,
            updated_ms: now_ms,
            remote: None,
            progress: None,
            warnings: Vec::new(),
            out_dir,
            file: None,
            saving: None,
            edit_url: None,
            credits: None,
            error: None,
            stalled: false,
            submit_attempts: 0,
            history: vec![StateStamp { state: JobState::Queued, at_ms: now_ms }],
            retry_of: None,
            deck_title: None,
            look: None,
            slide_count: None,
            file_size: None,
            preview: None,
            service_progress: None,
            origin: None,
            extra: Map::new(),
        }
    }

    /// Enter `state` now; leaving a state clears the stalled flag.
    pub fn set_state(&mut self, state: JobState, now_ms: u64) {
        if self.state != state || self.history.is_empty() {
            self.history.push(StateStamp { state, at_ms: now_ms });
        }
        self.state = state;
        self.stalled = false;
        self.updated_ms = now_ms;
    }

    /// Ended badly: the state and the error together.
    pub fn fail(&mut self, state: JobState, error: Error, now_ms: u64) {
        self.set_state(state, now_ms);
        self.error = Some(error.into());
    }

    /// Still being worked on here: not finished and not stopped at the polling deadline.
    pub fn is_active(&self) -> bool {
        !self.state.is_finished() && !self.stalled
    }

    /// When the service accepted the job (first entry into `running`).
    pub fn running_since_ms(&self) -> Option<u64> {
        self.history.iter().find(|s| s.state == JobState::Running).map(|s| s.at_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_fields_default_when_missing_and_are_omitted_when_empty() {
        let job = Job::new("j1".into(), ProviderKind::Gamma, DeckRequest::default(), "/tmp".into(), 5);
        let mut v = serde_json::to_value(&job).unwrap();
        assert!(v.get("stalled").is_none() && v.get("submit_attempts").is_none());
        v.as_object_mut().unwrap().remove("history");
        let back: Job = serde_json::from_value(v).unwrap();
        assert!(back.history.is_empty() && !back.stalled);
    }

    #[test]
    fn set_state_stamps_and_clears_stalled() {
        let mut job = Job::new("j1".into(), ProviderKind::Gamma, DeckRequest::default(), "/tmp".into(), 5);
        job.set_state(JobState::Running, 10);
        job.stalled = true;
        assert!(!job.is_active());
        job.set_state(JobState::Running, 20);
        assert!(job.is_active());
        assert_eq!(job.running_since_ms(), Some(10));
        assert_eq!(job.history.len(), 2);
        assert_eq!(job.updated_ms, 20);
    }
}
