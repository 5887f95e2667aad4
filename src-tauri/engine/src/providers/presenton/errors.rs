//! Presenton's error answers turned into Deckhand errors. The server is FastAPI: `{"detail":
//! "…"}` for refusals and `{"detail":[{loc,msg,type,…}]}` for schema errors (422). Hosted
//! status codes for credits are undocumented, so credit wording is recognised too.

use serde_json::Value;

use crate::providers::http::Answer;
use crate::{Details, Error};

/// FastAPI's `detail`, as one readable sentence, plus the field it names (422 only).
pub fn detail_of(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return (None, None) };
    match v.get("detail") {
        Some(Value::String(s)) => (Some(s.clone()), None),
        Some(Value::Array(items)) => {
            let mut sentences = Vec::new();
            let mut first_field = None;
            for item in items.iter().take(5) {
                let field = field_of(item);
                let msg = item.get("msg").and_then(Value::as_str).unwrap_or("is not accepted");
                if first_field.is_none() {
                    first_field = field.clone();
                }
                sentences.push(match field {
                    Some(f) => format!("“{f}”: {msg}"),
                    None => msg.to_string(),
                });
            }
            (Some(sentences.join("; ")).filter(|s| !s.is_empty()), first_field)
        }
        Some(other) if !other.is_null() => (Some(other.to_string()), None),
        _ => v.get("message").and_then(Value::as_str).map(|s| (Some(s.to_string()), None)).unwrap_or((None, None)),
    }
}

/// The last text element of `loc` (`["body","export_as"]` → `export_as`).
fn field_of(item: &Value) -> Option<String> {
    let loc = item.get("loc")?.as_array()?;
    loc.iter().rev().find_map(|p| p.as_str().filter(|s| *s != "body").map(str::to_string))
}

/// Map a non-success answer. `hosted` picks the wording for the key versus the server login.
pub fn from_answer(answer: &Answer, hosted: bool) -> Error {
    let (detail, field) = detail_of(&answer.body);
    let details = answer.details(detail.clone());
    let detail_text = detail.clone().unwrap_or_default();
    let mentions_credit = detail_text.to_ascii_lowercase().contains("credit");
    let name = if hosted { "Presenton" } else { "The Presenton server" };
    let status = answer.status.as_u16();
    match status {
        402 => credits(details),
        400 | 403 if hosted && mentions_credit => credits(details),
        400 => Error::InvalidInput {
            message: format!("{name} refused the request: {}", sentence(&detail_text, "no reason given")),
            field,
            details,
        },
        401 | 403 => Error::Auth {
            message: if hosted {
                "Presenton did not accept the API key. Check the key in Settings (it starts with sk-presenton-).".into()
            } else {
                "The Presenton server did not accept the sign-in. Check the user name and password (or API key) in Settings.".into()
            },
            details,
        },
        404 => Error::NotFound {
            message: format!("{name} does not know this deck or task any more."),
            details,
        },
        413 => Error::InvalidInput {
            message: "A source file is too large for the server. Use a smaller file.".into(),
            field: Some("source_files".into()),
            details,
        },
        422 => Error::InvalidInput {
            message: format!("{name} refused the request: {}", sentence(&detail_text, "a field is not valid")),
            field,
            details,
        },
        428 => Error::SetupRequired {
            message: "Finish setting up your Presenton server in its web page first: open it in a browser and create the administrator account, then try again.".into(),
            details,
        },
        429 => {
            let secs = answer.retry_after_secs();
            Error::RateLimited {
                message: match secs {
                    Some(s) => format!("{name} is busy; trying again in {s} seconds."),
                    None => format!("{name} is busy; trying again shortly."),
                },
                retry_after_secs: secs,
                details,
            }
        }
        500..=599 => Error::Server {
            message: format!("{name} had a problem ({status}). Try again in a few minutes."),
            details,
        },
        _ => Error::Internal {
            message: format!("{name} gave an answer Deckhand does not expect (HTTP {status})."),
            details,
        },
    }
}

fn credits(details: Details) -> Error {
    Error::Credits {
        message: "Your Presenton account has no credits left. Add credits at presenton.ai, then try again.".into(),
        details,
    }
}

/// `text` ending in a full stop, or the fallback.
fn sentence(text: &str, fallback: &str) -> String {
    let t = text.trim();
    let t = if t.is_empty() { fallback } else { t };
    let mut s: String = t.chars().take(300).collect();
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
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

    #[test]
    fn schema_errors_name_the_field() {
        let a = answer(422, r#"{"detail":[{"type":"literal_error","loc":["body","export_as"],"msg":"Input should be 'pptx' or 'pdf'","input":"docx","ctx":{"expected":"'pptx' or 'pdf'"}}]}"#, &[("x-request-id", "r-1")]);
        let e = from_answer(&a, false);
        match &e {
            Error::InvalidInput { field, message, details } => {
                assert_eq!(field.as_deref(), Some("export_as"));
                assert!(message.contains("export_as") && message.contains("'pptx' or 'pdf'"), "{message}");
                assert_eq!(details.request_id.as_deref(), Some("r-1"));
                assert_eq!(details.status, Some(422));
            }
            other => panic!("{other:?}"),
        }
        let missing = answer(422, r#"{"detail":[{"type":"missing","loc":["body","content"],"msg":"Field required","input":{}}]}"#, &[]);
        assert!(matches!(from_answer(&missing, false), Error::InvalidInput { field: Some(f), .. } if f == "content"));
    }

    #[test]
    fn statuses_map_to_kinds() {
        let kind = |s: u16, body: &str, hosted: bool| from_answer(&answer(s, body, &[]), hosted).kind();
        assert_eq!(kind(400, r#"{"detail":"Number of slides cannot be greater than 50"}"#, false), "invalid_input");
        assert_eq!(kind(400, r#"{"detail":"Not enough credits"}"#, true), "credits");
        assert_eq!(kind(403, r#"{"detail":"Insufficient credit balance"}"#, true), "credits");
        assert_eq!(kind(403, r#"{"detail":"Forbidden"}"#, true), "auth");
        assert_eq!(kind(402, "", true), "credits");
        assert_eq!(kind(401, r#"{"detail":"Unauthorized"}"#, false), "auth");
        assert_eq!(kind(404, r#"{"detail":"No presentation generation task found"}"#, false), "not_found");
        assert_eq!(kind(413, "<html>413</html>", false), "invalid_input");
        assert_eq!(kind(428, r#"{"detail":"Login setup is required","setup_required":true}"#, false), "setup_required");
        assert_eq!(kind(502, "<html>bad gateway</html>", false), "server");
        assert_eq!(kind(418, "", false), "internal");
    }

    #[test]
    fn rate_limits_keep_retry_after() {
        let e = from_answer(&answer(429, r#"{"detail":"slow down"}"#, &[("retry-after", "7")]), true);
        assert_eq!(e.retry_after_secs(), Some(7));
        assert_eq!(e.details().provider_message.as_deref(), Some("slow down"));
    }

    #[test]
    fn the_detail_is_kept_verbatim() {
        let e = from_answer(&answer(400, r#"{"detail":"Template not found. Please use a valid template."}"#, &[]), false);
        assert_eq!(e.details().provider_message.as_deref(), Some("Template not found. Please use a valid template."));
        assert!(e.message().ends_with("Template not found. Please use a valid template."));
    }
}
