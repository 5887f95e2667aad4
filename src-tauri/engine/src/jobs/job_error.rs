//! A job's error as it is recorded: `kind`, `message` and `details`, plus whatever else the
//! kind carries (`retry_after_secs`, `field`) — not the serde form of today's [`Error`] enum.
//! A kind this Deckhand does not know (written by a newer one) is kept as it is and shown with
//! its own message, so a record never becomes unreadable because an error kind was added.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Details, Error};

/// Serializes exactly as [`Error`] does for the kinds it knows (`{kind, message, …, details}`),
/// so the window and the CLI see the same shape whichever they get.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobError {
    pub kind: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Details::is_empty")]
    pub details: Details,
    /// The kind's own fields, and any a newer Deckhand added: kept as they were.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl JobError {
    pub fn kind(&self) -> &str {
        &self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn details(&self) -> &Details {
        &self.details
    }

    /// The engine's error, when this Deckhand knows the kind.
    pub fn to_error(&self) -> Option<Error> {
        serde_json::to_value(self).ok().and_then(|v| serde_json::from_value(v).ok())
    }
}

impl From<Error> for JobError {
    fn from(error: Error) -> JobError {
        let fallback =
            |e: &Error| JobError { kind: e.kind().into(), message: e.message().into(), details: e.details().clone(), extra: Map::new() };
        // Every variant serializes to an object with these three; the rest is the kind's own.
        match serde_json::to_value(&error) {
            Ok(Value::Object(mut m)) => {
                m.remove("kind");
                m.remove("message");
                m.remove("details");
                JobError { kind: error.kind().into(), message: error.message().into(), details: error.details().clone(), extra: m }
            }
            _ => fallback(&error),
        }
    }
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_kind_has_the_shape_of_the_engine_error_and_converts_back() {
        let e = Error::RateLimited {
            message: "Gamma is busy.".into(),
            retry_after_secs: Some(30),
            details: Details { status: Some(429), ..Default::default() },
        };
        let recorded = JobError::from(e.clone());
        assert_eq!(serde_json::to_value(&recorded).unwrap(), serde_json::to_value(&e).unwrap());
        assert_eq!(recorded.kind(), "rate_limited");
        assert_eq!(recorded.to_error(), Some(e));
    }

    #[test]
    fn an_unknown_kind_is_kept_with_everything_it_carried() {
        let stored =
            serde_json::json!({"kind": "quota_frozen", "message": "Your team paused decks.", "until_ms": 99, "details": {"status": 423}});
        let recorded: JobError = serde_json::from_value(stored.clone()).unwrap();
        assert_eq!(recorded.kind(), "quota_frozen");
        assert_eq!(recorded.details().status, Some(423));
        assert_eq!(recorded.to_error(), None);
        assert_eq!(serde_json::to_value(&recorded).unwrap(), stored);
    }
}
