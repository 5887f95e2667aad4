//! The one error type of Deckhand. Every variant carries a sentence a presenter understands
//! (`message`) and, where a service answered, that service's own words and request id
//! (`details`) for the "Details" disclosure. It serializes tagged by `kind`, which the UI and
//! the CLI switch on; they never parse messages.

use serde::{Deserialize, Serialize};

/// What the service itself said, kept verbatim for the details view and support requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    /// The provider's own message (`message`, `detail`, `error.message`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_message: Option<String>,
    /// `x-request-id` (or the task id) to quote to the provider's support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// HTTP status of the answer, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl Details {
    pub fn is_empty(&self) -> bool {
        self.provider_message.is_none() && self.request_id.is_none() && self.status.is_none()
    }
}

/// Where a [`Error::Timeout`] happened: before anything was sent, or while waiting for the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeoutPhase {
    Connect,
    Read,
}

macro_rules! error_enum {
    ($( $(#[$doc:meta])* $variant:ident => $kind:literal { $($field:ident : $ty:ty),* } ),* $(,)?) => {
        #[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum Error {
            $(
                $(#[$doc])*
                #[error("{message}")]
                $variant {
                    /// One plain sentence with the next step.
                    message: String,
                    $( $field: $ty, )*
                    #[serde(default, skip_serializing_if = "Details::is_empty")]
                    details: Details,
                },
            )*
        }

        impl Error {
            /// The machine tag, as serialized (`"auth"`, `"rate_limited"`, …).
            pub fn kind(&self) -> &'static str {
                match self { $( Error::$variant { .. } => $kind, )* }
            }

            /// The sentence for a person.
            pub fn message(&self) -> &str {
                match self { $( Error::$variant { message, .. } => message, )* }
            }

            pub fn details(&self) -> &Details {
                match self { $( Error::$variant { details, .. } => details, )* }
            }

            pub fn details_mut(&mut self) -> &mut Details {
                match self { $( Error::$variant { details, .. } => details, )* }
            }

            /// Every kind, for tests that check the UI knows them all.
            pub const KINDS: &'static [&'static str] = &[ $( $kind ),* ];
        }
    };
}

error_enum! {
    /// The key or sign-in was refused, or the plan does not include the API.
    Auth => "auth" {},
    /// The account has no credits left.
    Credits => "credits" {},
    /// The service asked us to slow down; `retry_after_secs` when it said for how long.
    RateLimited => "rate_limited" { retry_after_secs: Option<u64> },
    /// The request was refused before anything was sent (or the service said it was invalid).
    InvalidInput => "invalid_input" { field: Option<String> },
    /// The job, deck or task is unknown to the service.
    NotFound => "not_found" {},
    /// A self-hosted Presenton server has no administrator yet (HTTP 428).
    SetupRequired => "setup_required" {},
    /// The service answered with a server error (5xx); usually worth another try later.
    Server => "server" {},
    /// The service accepted the job but could not make the deck.
    ProviderFailed => "provider_failed" {},
    /// The connection broke, or failed in a way none of the kinds below names.
    Network => "network" {},
    /// The server's name could not be found (DNS): a mistyped address, or no internet.
    NameNotFound => "name_not_found" {},
    /// Nothing answers at the address: the server is not started (or a firewall refuses).
    ConnectionRefused => "connection_refused" {},
    /// No secure (https) connection could be set up: most often a certificate this computer
    /// does not trust, such as a self-hosted server's self-signed one.
    Tls => "tls" {},
    /// The service took too long: to accept the connection (`connect`, nothing was sent), or
    /// to answer (`read`); none when the service itself said it timed out.
    Timeout => "timeout" { phase: Option<TimeoutPhase> },
    /// A submit may have reached the service but we do not know: the person decides.
    SubmitUncertain => "submit_uncertain" {},
    /// The download link had expired and no fresh one could be had.
    ExpiredLink => "expired_link" {},
    /// The service made the deck, but offers no way to fetch its file (its routes to look the
    /// deck up or export it again are missing): the message says where to get it.
    FileUnavailable => "file_unavailable" {},
    /// What arrived is not the file asked for (an HTML error page, a truncated ZIP, …).
    BadFile => "bad_file" {},
    /// The file could not be written (disk full, folder not writable, …).
    Disk => "disk" {},
    /// The OS keychain is unavailable or locked.
    Keychain => "keychain" {},
    /// Plain http:// to a non-loopback server that the person has not confirmed.
    InsecureConnection => "insecure_connection" {},
    /// The page asked to use a server of the person's own that they have not confirmed in
    /// Deckhand's own (native) question yet.
    UnconfirmedServer => "unconfirmed_server" {},
    /// The person cancelled.
    Cancelled => "cancelled" {},
    /// The list of jobs (the job store) could not be read or written.
    Journal => "journal" {},
    /// Another Deckhand (the app, or the command line) is working on the jobs of this data
    /// folder; this one waits for it rather than write over its changes.
    InUse => "in_use" {},
    /// Opening a deck or showing its folder did not work on this computer (no program for the
    /// file type, no file manager, the file was moved). `path` is where the file is or was, so
    /// the person can find it; `details` holds what the system said.
    FileAction => "file_action" { path: Option<String> },
    /// A bug or an answer we cannot understand.
    Internal => "internal" {},
}

impl Error {
    /// Network trouble, 429 and 5xx: worth trying again later for reads (status polls,
    /// downloads), and for a submit that certainly never left (see `providers::Delivery`,
    /// which alone says whether it may have). A certificate problem is not: it stays until
    /// the person or the server's owner changes something.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. }
                | Error::Server { .. }
                | Error::Network { .. }
                | Error::NameNotFound { .. }
                | Error::ConnectionRefused { .. }
                | Error::Timeout { .. }
        )
    }

    /// The wait the service asked for, if any.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Error::RateLimited { retry_after_secs, .. } => *retry_after_secs,
            _ => None,
        }
    }

    pub fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput { message: message.into(), field: Some(field.into()), details: Details::default() }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal { message: message.into(), details: Details::default() }
    }

    pub fn disk(message: impl Into<String>) -> Self {
        Error::Disk { message: message.into(), details: Details::default() }
    }

    pub fn journal(message: impl Into<String>) -> Self {
        Error::Journal { message: message.into(), details: Details::default() }
    }

    pub fn in_use(message: impl Into<String>) -> Self {
        Error::InUse { message: message.into(), details: Details::default() }
    }

    pub fn keychain(message: impl Into<String>) -> Self {
        Error::Keychain { message: message.into(), details: Details::default() }
    }

    pub fn cancelled() -> Self {
        Error::Cancelled {
            message: "Cancelled. The service may still finish the deck and charge for it.".into(),
            details: Details::default(),
        }
    }

    /// Attach the provider's own words and request id.
    pub fn with_details(mut self, details: Details) -> Self {
        *self.details_mut() = details;
        self
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_tagged_by_kind_with_details() {
        let e = Error::RateLimited {
            message: "Gamma is busy; trying again in 30 seconds.".into(),
            retry_after_secs: Some(30),
            details: Details { provider_message: Some("Too many requests".into()), request_id: Some("req-1".into()), status: Some(429) },
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "rate_limited");
        assert_eq!(v["retry_after_secs"], 30);
        assert_eq!(v["details"]["request_id"], "req-1");
        let back: Error = serde_json::from_value(v).unwrap();
        assert_eq!(back, e);
        assert_eq!(e.to_string(), "Gamma is busy; trying again in 30 seconds.");
    }

    #[test]
    fn kinds_are_unique_and_match_serialization() {
        let mut seen = std::collections::HashSet::new();
        for k in Error::KINDS {
            assert!(seen.insert(k), "duplicate kind {k}");
        }
        let e = Error::internal("x");
        assert_eq!(serde_json::to_value(&e).unwrap()["kind"], e.kind());
        assert!(!serde_json::to_string(&e).unwrap().contains("details"), "empty details are omitted");
    }

    #[test]
    fn transient_errors_are_the_retryable_reads() {
        assert!(Error::Network { message: String::new(), details: Details::default() }.is_transient());
        assert!(!Error::Auth { message: String::new(), details: Details::default() }.is_transient());
        assert!(!Error::SubmitUncertain { message: String::new(), details: Details::default() }.is_transient());
        assert!(Error::ConnectionRefused { message: String::new(), details: Details::default() }.is_transient());
        assert!(!Error::Tls { message: String::new(), details: Details::default() }.is_transient());
        let t = Error::Timeout { message: String::new(), phase: Some(TimeoutPhase::Connect), details: Details::default() };
        assert_eq!(serde_json::to_value(&t).unwrap()["phase"], "connect");
        // Records written before phases existed still read.
        let old: Error = serde_json::from_str(r#"{"kind":"timeout","message":"Slow."}"#).unwrap();
        assert_eq!(old, Error::Timeout { message: "Slow.".into(), phase: None, details: Details::default() });
    }
}
