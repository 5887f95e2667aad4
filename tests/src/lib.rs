//! Fake provider servers for tests, speaking the APIs as `REFERENCE.md` documents them, with
//! faults a test can script. Started in-process by tests, or alone with
//! `cargo run -p deckhand-tests --bin fake-server -- --port N`.

pub mod faults;
pub mod files;
pub mod gamma;
pub mod presenton;
