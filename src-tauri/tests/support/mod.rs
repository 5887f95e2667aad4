//! Shared by the app's integration tests: a mock-runtime app with fakes injected, and the leak
//! scanner. Each test file uses part of it.
#![allow(dead_code)]

pub mod fake_provider;
pub mod leak_scan;
pub mod test_app;
