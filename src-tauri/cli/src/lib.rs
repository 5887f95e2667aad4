//! deckhand-cli: the same engine and job store as the app, for scripts and batch runs.

pub mod args;
pub mod batch;
pub mod commands;
pub mod history;
pub mod output;
pub mod progress;
pub mod providers;
