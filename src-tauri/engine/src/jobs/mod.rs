//! The job: `queued → submitting → running → downloading → done`, or `failed`, `cancelled`,
//! `needs_attention`. See DESIGN.md, "The job, step by step".

pub mod state;

pub use state::{Job, JobId, JobState};
