//! Deckhand's engine: everything between "Generate" and a file on disk, with no Tauri
//! dependency so it builds and tests without GTK or WebKit.
//!
//! Layers (see DESIGN.md): [`providers`] speak the three HTTP APIs; [`jobs`] runs the state
//! machine, the job store, polling and downloads; the app and the CLI supply a [`SecretStore`] and
//! an [`EventSink`].

pub mod activity_log;
pub mod atomic_file;
pub mod connection;
pub mod deck_file;
pub mod error;
pub mod events;
pub mod jobs;
pub mod key_format;
pub mod providers;
pub mod redact;
pub mod secret;
pub mod secrets;
pub mod settings;
pub mod source_text;
#[cfg(test)]
mod test_pdf;

pub use error::{Details, Error, TimeoutPhase};
pub use events::{EngineEvent, EventSink};
pub use secret::Secret;
pub use secrets::{SecretAccount, SecretStore};
