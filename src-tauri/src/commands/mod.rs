//! Tauri commands, one file per domain. Each is a few lines over the engine.

pub mod app;
pub mod choices;
pub mod files;
pub mod jobs;
pub mod keys;
pub mod settings;
pub mod window;
pub mod support;
