//! Fake provider servers for tests, speaking the APIs as `REFERENCE.md` documents them, with
//! faults a test can script. Started in-process by tests, or alone with
//! `cargo run -p deckhand-tests --bin fake-server -- --port N`.

pub mod faults;
pub mod files;
pub mod gamma;
pub mod presenton;
mod serve;
pub mod unreachable;

/// Headers as the request logs keep them: every name and value, values as (lossy) text.
pub(crate) fn header_list(headers: &axum::http::HeaderMap) -> Vec<(String, String)> {
    headers.iter().map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned())).collect()
}
