//! The job: `queued → submitting → running → downloading → done`, or `failed`, `cancelled`,
//! `needs_attention`. See DESIGN.md, "The job, step by step".

pub mod config;
pub mod content_check;
pub mod download;
mod drive;
pub mod file_names;
pub mod history;
pub mod ids;
pub mod job_error;
pub mod journal;
pub mod listing;
pub mod lock;
pub mod queue;
pub mod poll_schedule;
pub mod poll_simulation;
pub mod record;
pub mod runner;
pub mod saving;
pub mod state;
pub mod store;
mod table;
pub mod throttle;
pub mod view;
mod write_behind;

pub use config::{EngineConfig, PollConfig, DATA_DIR_ENV};
pub use job_error::JobError;
pub use listing::{HistoryEntry, HistoryPage, HistoryQuery, JobCounts};
pub use runner::{Engine, ProviderSource};
pub use state::{Job, JobId, JobState, StateStamp};
