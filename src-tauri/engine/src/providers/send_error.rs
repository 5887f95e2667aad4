//! Why a request failed before an answer came, and whether it may have reached the server:
//! the one question the never-pay-twice rule asks. Connection failures are told apart (name
//! not found, refused, certificate, connect timeout) so the advice fits the cause.

use crate::providers::Delivery;
use crate::{Details, Error, TimeoutPhase};

/// Whether a failed send may have reached the server, and why it failed. A failure to
/// connect (DNS, refused, TLS handshake, connect timeout) is certain not to have reached it:
/// the request is written only once the connection is up. Everything else (a timeout after
/// sending, a reset mid-answer, a broken body) may have been received and acted on.
pub fn classify_send_error(e: &reqwest::Error) -> (Error, Delivery) {
    let details = Details { provider_message: Some(strip_url(e)), ..Details::default() };
    if e.is_connect() {
        let error = match connect_failure(e) {
            ConnectFailure::NameNotFound => Error::NameNotFound {
                message: "The service's address could not be found. Check your internet connection, and the address if you typed it.".into(),
                details,
            },
            ConnectFailure::Refused => Error::ConnectionRefused {
                message: "Nothing is answering at the service's address: the server may not be started.".into(),
                details,
            },
            ConnectFailure::Tls(problem) => Error::Tls { message: problem.sentence().into(), details },
            ConnectFailure::TimedOut => Error::Timeout {
                message: "The service did not answer when Deckhand tried to connect. Check your internet connection and try again.".into(),
                phase: Some(TimeoutPhase::Connect),
                details,
            },
            ConnectFailure::Other => Error::Network {
                message: "The service could not be reached. Check your internet connection (or that the server is running) and try again.".into(),
                details,
            },
        };
        (error, Delivery::NotSent)
    } else if e.is_timeout() {
        let message = "The service took too long to answer.";
        (Error::Timeout { message: message.into(), phase: Some(TimeoutPhase::Read), details }, Delivery::Uncertain)
    } else if e.is_builder() {
        (Error::Internal { message: "Deckhand could not build the request.".into(), details }, Delivery::NotSent)
    } else {
        let message = "The connection to the service broke off.";
        (Error::Network { message: message.into(), details }, Delivery::Uncertain)
    }
}

/// Why a connection could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ConnectFailure {
    NameNotFound,
    Refused,
    Tls(TlsProblem),
    TimedOut,
    Other,
}

/// What was wrong with the secure connection, for the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsProblem {
    /// Self-signed, or signed by an authority Deckhand does not know.
    Untrusted,
    Expired,
    /// Made out to another name than the address.
    WrongName,
    Other,
}

impl TlsProblem {
    pub fn sentence(self) -> &'static str {
        match self {
            TlsProblem::Untrusted => "The server's certificate is not one Deckhand trusts (it may be self-signed), so no secure connection was made.",
            TlsProblem::Expired => "The server's certificate has expired (or this computer's clock is wrong), so no secure connection was made.",
            TlsProblem::WrongName => "The server's certificate is made out to another name than this address, so no secure connection was made.",
            TlsProblem::Other => "A secure connection to the server could not be set up.",
        }
    }
}

/// Read from the causes under reqwest's error: hyper-util's connector says "dns error" for a
/// name that could not be resolved; the socket's own error says refused; rustls's error
/// (inside an `io::Error`) says what was wrong with the certificate.
fn connect_failure(e: &reqwest::Error) -> ConnectFailure {
    if e.is_timeout() {
        return ConnectFailure::TimedOut;
    }
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        // `io::Error::source` skips the error it wraps, and connectors wrap io errors in io
        // errors: look inside each layer.
        let mut layer: Option<&(dyn std::error::Error + 'static)> = Some(c);
        while let Some(l) = layer {
            if let Some(tls) = l.downcast_ref::<rustls::Error>() {
                return ConnectFailure::Tls(tls_problem(tls));
            }
            let Some(io) = l.downcast_ref::<std::io::Error>() else { break };
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return ConnectFailure::Refused;
            }
            layer = io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static));
        }
        if c.to_string() == "dns error" {
            return ConnectFailure::NameNotFound;
        }
        cause = c.source();
    }
    ConnectFailure::Other
}

fn tls_problem(e: &rustls::Error) -> TlsProblem {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature | C::InvalidPurpose | C::ApplicationVerificationFailure) => TlsProblem::Untrusted,
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. }) => TlsProblem::Expired,
        rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => TlsProblem::WrongName,
        rustls::Error::InvalidCertificate(_) => TlsProblem::Untrusted,
        _ => TlsProblem::Other,
    }
}

/// reqwest's error text includes the URL; our URLs never carry credentials, but signed export
/// links carry signatures that do not belong in logs either.
fn strip_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(u) = e.url() {
        text = text.replace(u.as_str(), &format!("{}://{}{}", u.scheme(), u.host_str().unwrap_or(""), u.path()));
    }
    text
}
