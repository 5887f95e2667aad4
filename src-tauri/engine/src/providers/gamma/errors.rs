//! Gamma's HTTP errors (REFERENCE §1.9) as Deckhand errors: a sentence with the next step,
//! Gamma's own message and the `x-request-id` kept in the details.

use serde_json::Value;

use crate::providers::http::Answer;
use crate::{Details, Error};

pub const BILLING_URL: &str = "https://gamma.app/settings/billing";
pub const AUTH_MESSAGE: &str =
    "Your Gamma key was refused — check it in Settings. Gamma's API needs a Pro, Ultra, Teams or Business plan.";

/// Gamma's `{"message", "statusCode"}` envelope; `None` for anything else (an HTML page from
/// a proxy, garbage).
pub fn envelope_message(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let m = v.get("message")?;
    let text = match m {
        Value::String(s) => s.trim().to_string(),
        // Some frameworks send a list of messages.
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// The error for a non-success answer.
pub fn from_answer(answer: &Answer) -> Error {
    let said = envelope_message(&answer.body);
    let details = answer.details(said.clone());
    let status = answer.status.as_u16();
    let mentions_credit = said.as_deref().is_some_and(|m| m.to_ascii_lowercase().contains("credit"));
    match status {
        400 => Error::InvalidInput {
            message: match &said {
                Some(m) => format!("Gamma refused the request: {}", sentence(m)),
                None => "Gamma refused the request as invalid.".into(),
            },
            field: None,
            details,
        },
        401 => Error::Auth { message: AUTH_MESSAGE.into(), details },
        402 => credits(details),
        403 if mentions_credit => credits(details),
        403 => Error::Auth {
            message: format!("Gamma refused access: this feature may not be on your plan, the deck may belong to someone else, or the account may be out of credits ({BILLING_URL})."),
            details,
        },
        404 => Error::NotFound {
            message: "Gamma does not know this deck any more. Start it again if you still need it.".into(),
            details,
        },
        408 | 504 => Error::Timeout { message: "Gamma took too long to answer. Deckhand will try again.".into(), phase: None, details },
        422 => Error::ProviderFailed {
            message: "Gamma could not write this deck; try rewording the content or asking for fewer cards.".into(),
            details,
        },
        429 => {
            let secs = answer.retry_after_secs();
            let message = match secs {
                Some(s) if s > 0 => format!("Gamma is busy; Deckhand will try again in {s} seconds."),
                _ => "Gamma is busy; Deckhand will try again shortly.".into(),
            };
            Error::RateLimited { message, retry_after_secs: secs, details }
        }
        500..=599 => Error::Server { message: "Gamma had a problem on its side. Deckhand will try again later.".into(), details },
        _ => Error::Internal { message: format!("Gamma answered in a way Deckhand does not expect (HTTP {status})."), details },
    }
}

fn credits(details: Details) -> Error {
    Error::Credits {
        message: format!("Your Gamma account is out of credits. Buy more at {BILLING_URL}, then try again."),
        details,
    }
}

/// Gamma's message as the end of our sentence.
fn sentence(m: &str) -> String {
    let m = m.trim();
    if m.ends_with(['.', '!', '?']) {
        m.to_string()
    } else {
        format!("{m}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};
    use reqwest::StatusCode;

    fn answer(status: u16, body: &str, headers: &[(&'static str, &str)]) -> Answer {
        let mut h = HeaderMap::new();
        for (k, v) in headers {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        Answer { status: StatusCode::from_u16(status).unwrap(), headers: h, body: bytes::Bytes::from(body.to_string()) }
    }

    fn env(status: u16, msg: &str) -> Answer {
        answer(status, &format!(r#"{{"message":"{msg}","statusCode":{status}}}"#), &[("x-request-id", "req-42")])
    }

    #[test]
    fn statuses_map_to_kinds() {
        for (status, msg, kind) in [
            (400, "Input validation errors: 1. textMode must be one of generate, condense, preserve", "invalid_input"),
            (401, "Unauthorized", "auth"),
            (402, "Insufficient credits", "credits"),
            (403, "Insufficient credits remaining", "credits"),
            (403, "Forbidden", "auth"),
            (404, "Generation ID not found. generationId: x", "not_found"),
            (422, "Failed to generate text", "provider_failed"),
            (429, "Too many requests", "rate_limited"),
            (500, "Generation error", "server"),
            (502, "Bad gateway", "server"),
            (504, "Gateway timeout", "timeout"),
            (418, "teapot", "internal"),
        ] {
            let e = from_answer(&env(status, msg));
            assert_eq!(e.kind(), kind, "{status}");
            assert_eq!(e.details().provider_message.as_deref(), Some(msg));
            assert_eq!(e.details().request_id.as_deref(), Some("req-42"));
            assert_eq!(e.details().status, Some(status));
        }
    }

    #[test]
    fn validation_messages_are_kept_in_the_sentence() {
        let e = from_answer(&env(400, "Input validation errors: 1. numCards must be at most 60"));
        assert_eq!(e.message(), "Gamma refused the request: Input validation errors: 1. numCards must be at most 60.");
    }

    #[test]
    fn credits_link_to_billing_and_auth_names_the_plans() {
        assert!(from_answer(&env(402, "x")).message().contains(BILLING_URL));
        assert_eq!(from_answer(&env(401, "x")).message(), AUTH_MESSAGE);
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let e = from_answer(&answer(429, "{}", &[("retry-after", "17")]));
        assert_eq!(e.retry_after_secs(), Some(17));
        let later = httpdate::fmt_http_date(std::time::SystemTime::now() + std::time::Duration::from_secs(90));
        let secs = from_answer(&answer(429, "{}", &[("retry-after", &later)])).retry_after_secs().unwrap();
        assert!((80..=90).contains(&secs), "{secs}");
        assert_eq!(from_answer(&answer(429, "", &[])).retry_after_secs(), None);
    }

    #[test]
    fn a_date_is_waited_for_in_full() {
        // The date has whole seconds and now does not: rounding down would come back early.
        let date = httpdate::fmt_http_date(std::time::SystemTime::now() + std::time::Duration::from_secs(3));
        let secs = from_answer(&answer(429, "{}", &[("retry-after", &date)])).retry_after_secs().unwrap();
        let left = httpdate::parse_http_date(&date).unwrap().duration_since(std::time::SystemTime::now()).unwrap_or_default();
        assert!(std::time::Duration::from_secs(secs) >= left, "{secs} s is shorter than the {left:?} asked for");
    }

    proptest::proptest! {
        #[test]
        fn any_status_and_body_maps_without_panicking(status in 100u16..600, body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let a = Answer { status: StatusCode::from_u16(status).unwrap(), headers: HeaderMap::new(), body: bytes::Bytes::from(body.clone()) };
            let e = from_answer(&a);
            proptest::prop_assert!(!e.message().is_empty());
            proptest::prop_assert_eq!(e.details().status, Some(status));
            let _ = envelope_message(&body);
        }
    }

    #[test]
    fn html_and_garbage_keep_an_excerpt() {
        let e = from_answer(&answer(502, "<html><body>Bad Gateway</body></html>", &[]));
        assert_eq!(e.kind(), "server");
        assert!(e.details().provider_message.as_deref().unwrap().contains("Bad Gateway"));
        let e = from_answer(&answer(500, "\u{0}\u{1}garbage", &[]));
        assert_eq!(e.kind(), "server");
        assert!(envelope_message(b"[1,2]").is_none());
        assert!(envelope_message(br#"{"message":["a","b"]}"#).is_some());
    }
}
