//! Shared by the app's integration tests: a mock-runtime app with fakes injected, the leak
//! scanner, and a capture of everything logged. Each test file uses part of it.
#![allow(dead_code)]

pub mod fake_provider;
pub mod leak_scan;
pub mod log_capture;
pub mod test_app;
