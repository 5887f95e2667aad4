//! Reading Gamma's answers (REFERENCE §1.7, §1.8, export endpoints). Tolerant: unknown fields
//! are ignored, unknown status words keep a job running, and no input makes these panic;
//! they return `Err(why)` for the caller to wrap with the answer's details.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use url::Url;

use crate::providers::{Choice, ChoicePage, Credits, DownloadLink, RemoteState, RemoteStatus};
use crate::{Details, Error};

fn object(body: &[u8]) -> Result<serde_json::Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("the answer is not a JSON object".into()),
        Err(e) => Err(format!("the answer is not JSON ({e})")),
    }
}

fn text(map: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// `POST /v1.0/generations` → `{generationId, warnings?}`. `warnings` is documented as one
/// string; arrays (of strings or `{code, message}` objects) are accepted too.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub generation_id: String,
    pub warnings: Vec<String>,
}

pub fn parse_created(body: &[u8]) -> Result<Created, String> {
    let map = object(body)?;
    let generation_id = text(&map, "generationId").ok_or("the answer has no generationId")?;
    Ok(Created { generation_id, warnings: warnings(map.get("warnings")) })
}

fn warnings(v: Option<&Value>) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Object(o) => o
            .get("message")
            .and_then(Value::as_str)
            .or_else(|| o.get("code").and_then(Value::as_str))
            .map(|s| s.trim().to_string()),
        _ => None,
    };
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(one).filter(|s| !s.is_empty()).collect(),
        Some(v) => one(v).filter(|s| !s.is_empty()).into_iter().collect(),
        None => Vec::new(),
    }
}

fn state_of(word: &str) -> RemoteState {
    match word {
        "pending" => RemoteState::Pending,
        "completed" => RemoteState::Completed,
        "failed" => RemoteState::Failed,
        other => RemoteState::Other(other.to_string()),
    }
}

fn credits(map: &serde_json::Map<String, Value>) -> Option<Credits> {
    let c = map.get("credits")?.as_object()?;
    let credits = Credits {
        used: c.get("deducted").and_then(Value::as_f64),
        remaining: c.get("remaining").and_then(Value::as_f64),
    };
    (credits.used.is_some() || credits.remaining.is_some()).then_some(credits)
}

fn url(map: &serde_json::Map<String, Value>, key: &str) -> Option<Url> {
    text(map, key).and_then(|s| Url::parse(&s).ok()).filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// `GET /v1.0/generations/{id}`.
pub fn parse_status(body: &[u8]) -> Result<RemoteStatus, String> {
    let map = object(body)?;
    let word = text(&map, "status").ok_or("the answer has no status")?;
    let mut status = RemoteStatus::new(state_of(&word));
    status.file_id = text(&map, "gammaId");
    status.edit_url = url(&map, "gammaUrl");
    status.download = url(&map, "exportUrl").map(|url| DownloadLink { url, file_name_hint: text(&map, "title") });
    status.title = text(&map, "title");
    status.credits = credits(&map);
    if status.state == RemoteState::Failed {
        status.error = Some(generation_failed(map.get("error")));
    }
    if let RemoteState::Other(word) = &status.state {
        status.progress.message = Some(format!("Gamma reports “{word}”."));
    }
    Ok(status)
}

/// A failed generation: Gamma's own words, and the status code it reports inside the body.
fn generation_failed(error: Option<&Value>) -> Error {
    let message = error.and_then(|e| e.get("message")).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let code = error.and_then(|e| e.get("statusCode")).and_then(Value::as_u64).and_then(|c| u16::try_from(c).ok());
    Error::ProviderFailed {
        message: "Gamma could not make this deck. Try rewording the content or asking for fewer cards, then try again.".into(),
        details: Details { provider_message: message.map(str::to_string), request_id: None, status: code },
    }
}

/// `POST /v1.0/gammas/{id}/export` → `{exportId}`.
pub fn parse_export_started(body: &[u8]) -> Result<String, String> {
    let map = object(body)?;
    text(&map, "exportId").or_else(|| text(&map, "id")).ok_or_else(|| "the answer has no exportId".into())
}

/// `GET /v1.0/exports/{id}`.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportState {
    Pending,
    Completed(Url),
    Failed(Error),
}

pub fn parse_export(body: &[u8]) -> Result<ExportState, String> {
    let map = object(body)?;
    let word = text(&map, "status").ok_or("the answer has no status")?;
    match word.as_str() {
        "completed" => match url(&map, "exportUrl") {
            Some(u) => Ok(ExportState::Completed(u)),
            None => Err("the export is completed but has no exportUrl".into()),
        },
        "failed" => {
            let reason = text(&map, "reason");
            let said = map.get("error").and_then(|e| e.as_str().map(str::to_string).or_else(|| e.get("message").and_then(Value::as_str).map(str::to_string)));
            Ok(ExportState::Failed(Error::ProviderFailed {
                message: export_failure_sentence(reason.as_deref()).into(),
                details: Details { provider_message: said.or(reason), ..Details::default() },
            }))
        }
        // pending and any word Gamma adds later: keep waiting.
        _ => Ok(ExportState::Pending),
    }
}

fn export_failure_sentence(reason: Option<&str>) -> &'static str {
    match reason {
        Some("render_timeout") => "Gamma took too long to render the file. Try again later, or open the deck in Gamma and export it there.",
        Some("deck_too_large") => "The deck is too large for Gamma to export. Open it in Gamma and export it there, or split it.",
        Some("no_content") => "The deck in Gamma is empty, so there is nothing to export.",
        _ => "Gamma could not export the file. Open the deck in Gamma and export it there, or try again later.",
    }
}

/// `GET /v1.0/themes` or `/folders`: `{data, hasMore, nextCursor}`, or one bare item, or a
/// bare array (seen in some examples).
pub fn parse_list(body: &[u8]) -> Result<ChoicePage, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON ({e})"))?;
    let (items, more, cursor) = match &value {
        Value::Array(items) => (items.as_slice(), false, None),
        Value::Object(map) => match map.get("data") {
            Some(Value::Array(items)) => (
                items.as_slice(),
                map.get("hasMore").and_then(Value::as_bool).unwrap_or(true),
                text(map, "nextCursor"),
            ),
            Some(_) => return Err("“data” is not a list".into()),
            None if map.contains_key("id") => (std::slice::from_ref(&value), false, None),
            None => return Err("the answer has no data".into()),
        },
        _ => return Err("the answer is not a list".into()),
    };
    Ok(ChoicePage { items: items.iter().filter_map(choice).collect(), next_cursor: cursor.filter(|_| more) })
}

fn choice(item: &Value) -> Option<Choice> {
    let map = item.as_object()?;
    let id = text(map, "id")?;
    let name = text(map, "name").unwrap_or_else(|| id.clone());
    let words = |key: &str| -> Vec<&str> {
        map.get(key).and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect()
    };
    let colors: Vec<String> = words("colorKeywords").iter().take(6).map(|c| c.to_string()).collect();
    let keywords: Vec<&str> = [words("colorKeywords"), words("toneKeywords")].concat();
    let kind = match map.get("type").and_then(Value::as_str) {
        Some("custom") => Some("Your workspace"),
        Some("standard") => Some("Gamma"),
        _ => None,
    };
    let detail = match (kind, keywords.is_empty()) {
        (Some(k), false) => Some(format!("{k} · {}", keywords.join(", "))),
        (Some(k), true) => Some(k.to_string()),
        (None, false) => Some(keywords.join(", ")),
        (None, true) => None,
    };
    Some(Choice { id, name, detail, colors })
}

/// Whether a signed link says it has expired, from the usual query parameters (CloudFront
/// `Expires`, S3 `X-Amz-Date` + `X-Amz-Expires`, Azure `se`, or a plain `expires`, in seconds
/// or milliseconds). `None` when the link does not say.
pub fn link_expired(link: &Url, now: SystemTime) -> Option<bool> {
    let q: Vec<(String, String)> = link.query_pairs().map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned())).collect();
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let deadline = if let (Some(date), Some(secs)) = (get("x-amz-date"), get("x-amz-expires")) {
        let start = chrono::NaiveDateTime::parse_from_str(date, "%Y%m%dT%H%M%SZ").ok()?.and_utc().timestamp();
        let start = u64::try_from(start).ok()?;
        UNIX_EPOCH + Duration::from_secs(start.checked_add(secs.parse::<u64>().ok()?)?)
    } else if let Some(n) = get("expires").and_then(|v| v.parse::<u64>().ok()) {
        // Values this large are milliseconds (10^11 seconds is the year 5138).
        if n > 100_000_000_000 { UNIX_EPOCH + Duration::from_millis(n) } else { UNIX_EPOCH + Duration::from_secs(n) }
    } else if let Some(se) = get("se") {
        let t = chrono::DateTime::parse_from_rfc3339(se).ok()?.timestamp();
        UNIX_EPOCH + Duration::from_secs(u64::try_from(t).ok()?)
    } else {
        return None;
    };
    Some(deadline <= now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn created_with_a_warning_string_or_array() {
        let c = parse_created(br#"{"generationId":"abc123xyz","warnings":"cardOptions.dimensions 1x1 is not valid. Using default: fluid."}"#).unwrap();
        assert_eq!(c.generation_id, "abc123xyz");
        assert_eq!(c.warnings, vec!["cardOptions.dimensions 1x1 is not valid. Using default: fluid."]);
        let c = parse_created(br#"{"generationId":"g","warnings":["a",{"code":"x","message":"b"},7]}"#).unwrap();
        assert_eq!(c.warnings, vec!["a", "b"]);
        assert!(parse_created(br#"{"generationId":"g"}"#).unwrap().warnings.is_empty());
        assert!(parse_created(br#"{"warnings":"w"}"#).is_err());
        assert!(parse_created(b"<html>").is_err());
    }

    #[test]
    fn the_documented_status_shapes() {
        let s = parse_status(br#"{"generationId":"X","status":"pending"}"#).unwrap();
        assert_eq!(s.state, RemoteState::Pending);
        let s = parse_status(br#"{"generationId":"X","status":"completed","gammaId":"g_abc","gammaUrl":"https://gamma.app/docs/yyyy",
            "exportUrl":"https://cdn.example/f.pptx?sig=1","title":"Q3","credits":{"deducted":150,"remaining":3000},"newField":{"a":1}}"#).unwrap();
        assert_eq!(s.state, RemoteState::Completed);
        assert_eq!(s.file_id.as_deref(), Some("g_abc"));
        assert_eq!(s.edit_url.unwrap().as_str(), "https://gamma.app/docs/yyyy");
        assert_eq!(s.download.unwrap().url.as_str(), "https://cdn.example/f.pptx?sig=1");
        assert_eq!(s.title.as_deref(), Some("Q3"));
        assert_eq!(s.credits, Some(Credits { used: Some(150.0), remaining: Some(3000.0) }));
        let s = parse_status(br#"{"generationId":"X","status":"failed","error":{"message":"Failed to generate text","statusCode":422},"credits":{"deducted":0,"remaining":3000}}"#).unwrap();
        assert_eq!(s.state, RemoteState::Failed);
        let e = s.error.unwrap();
        assert_eq!(e.kind(), "provider_failed");
        assert_eq!(e.details().provider_message.as_deref(), Some("Failed to generate text"));
        assert_eq!(e.details().status, Some(422));
    }

    #[test]
    fn unknown_status_words_keep_the_job_running() {
        let s = parse_status(br#"{"status":"in_progress"}"#).unwrap();
        assert_eq!(s.state, RemoteState::Other("in_progress".into()));
        assert!(!s.state.is_terminal());
    }

    #[test]
    fn a_bad_export_url_is_not_a_download() {
        let s = parse_status(br#"{"status":"completed","exportUrl":"javascript:alert(1)","gammaUrl":"not a url"}"#).unwrap();
        assert!(s.download.is_none() && s.edit_url.is_none());
    }

    #[test]
    fn export_states_and_reasons() {
        assert_eq!(parse_export(br#"{"status":"pending"}"#).unwrap(), ExportState::Pending);
        assert_eq!(parse_export(br#"{"status":"rendering"}"#).unwrap(), ExportState::Pending);
        assert!(matches!(parse_export(br#"{"status":"completed","exportUrl":"https://x.example/a.pdf"}"#).unwrap(), ExportState::Completed(_)));
        assert!(parse_export(br#"{"status":"completed"}"#).is_err());
        match parse_export(br#"{"status":"failed","error":"too big","reason":"deck_too_large"}"#).unwrap() {
            ExportState::Failed(e) => {
                assert!(e.message().contains("too large"));
                assert_eq!(e.details().provider_message.as_deref(), Some("too big"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(parse_export_started(br#"{"exportId":"e1"}"#).unwrap(), "e1");
    }

    #[test]
    fn theme_pages_in_both_shapes() {
        let p = parse_list(br#"{"data":[{"id":"abc","name":"Standard Dark","type":"standard","colorKeywords":["black"],"toneKeywords":["modern"]}],"hasMore":true,"nextCursor":"cur1"}"#).unwrap();
        assert_eq!(p.items.len(), 1);
        assert_eq!(p.items[0].name, "Standard Dark");
        assert_eq!(p.items[0].detail.as_deref(), Some("Gamma · black, modern"));
        assert_eq!(p.next_cursor.as_deref(), Some("cur1"));
        let p = parse_list(br#"{"data":[{"id":"f","name":"Sales"}],"hasMore":false,"nextCursor":null}"#).unwrap();
        assert_eq!(p.next_cursor, None);
        let p = parse_list(br#"{"id":"oasis1","name":"Oasis","type":"custom"}"#).unwrap();
        assert_eq!(p.items[0].id, "oasis1");
        assert_eq!(p.next_cursor, None);
        assert!(parse_list(br#"{"message":"x"}"#).is_err());
    }

    #[test]
    fn signed_link_expiry() {
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(link_expired(&u("https://c.example/f?Expires=1799999999&Signature=x"), now), Some(true));
        assert_eq!(link_expired(&u("https://c.example/f?Expires=1800000100"), now), Some(false));
        assert_eq!(link_expired(&u("https://c.example/f?expires=1799999999000"), now), Some(true));
        assert_eq!(link_expired(&u("https://c.example/f?X-Amz-Date=20270101T080000Z&X-Amz-Expires=604800"), now), Some(true));
        assert_eq!(link_expired(&u("https://c.example/f?se=2030-01-01T00:00:00Z"), now), Some(false));
        assert_eq!(link_expired(&u("https://c.example/f?sig=abc"), now), None);
    }

    proptest! {
        #[test]
        fn parsers_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_created(&bytes);
            let _ = parse_status(&bytes);
            let _ = parse_export(&bytes);
            let _ = parse_export_started(&bytes);
            let _ = parse_list(&bytes);
        }

        #[test]
        fn parsers_never_panic_on_json(v in arb_json()) {
            let bytes = serde_json::to_vec(&v).unwrap();
            let _ = parse_created(&bytes);
            let _ = parse_status(&bytes);
            let _ = parse_export(&bytes);
            let _ = parse_export_started(&bytes);
            let _ = parse_list(&bytes);
        }

        #[test]
        fn link_expiry_never_panics(q in "[a-zA-Z0-9=&%_.:-]{0,80}") {
            if let Ok(u) = Url::parse(&format!("https://c.example/f?{q}")) {
                let _ = link_expired(&u, SystemTime::now());
            }
        }
    }

    /// JSON built from the field names the parsers look at, so the generator reaches them.
    fn arb_json() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("status".to_string()), Just("generationId".to_string()), Just("warnings".to_string()),
            Just("gammaId".to_string()), Just("gammaUrl".to_string()), Just("exportUrl".to_string()),
            Just("credits".to_string()), Just("deducted".to_string()), Just("remaining".to_string()),
            Just("error".to_string()), Just("message".to_string()), Just("statusCode".to_string()),
            Just("data".to_string()), Just("hasMore".to_string()), Just("nextCursor".to_string()),
            Just("id".to_string()), Just("name".to_string()), Just("exportId".to_string()), Just("reason".to_string()),
            "[a-z]{1,6}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
            prop_oneof![Just("completed".to_string()), Just("failed".to_string()), Just("pending".to_string()),
                Just("https://x.example/a?expires=1".to_string()), ".{0,12}"].prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }
}
