//! Shared by the app's integration tests: a mock-runtime app with fakes injected (services and
//! the person answering native dialogs), the leak scanner, and a capture of everything logged. Each test file uses part of it.
#![allow(dead_code)]

pub mod fake_provider;
pub mod leak_scan;
pub mod log_capture;
pub mod person;
pub mod session;
pub mod test_app;
