//! The job: `queued → submitting → running → downloading → done`, or `failed`, `cancelled`,
//! `needs_attention`. See DESIGN.md, "The job, step by step".

pub mod content_check;
pub mod download;
pub mod file_names;
pub mod history;
pub mod ids;
pub mod journal;
pub mod queue;
pub mod poll_schedule;
pub mod runner;
pub mod state;

pub use state::{Job, JobId, JobState, StateStamp};
