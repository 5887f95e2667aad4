//! A job's record as journaled and as shown to the person.

use serde::{Deserialize, Serialize};

use crate::providers::{Credits, DeckRequest, ProviderKind, RemoteJob};
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<Credits>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Error>,
}
