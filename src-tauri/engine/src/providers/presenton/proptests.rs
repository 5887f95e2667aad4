//! Whatever a server (or a proxy in front of it) sends, parsing never panics.

use proptest::prelude::*;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use super::errors::{detail_of, from_answer};
use super::response::{download_link, edit_url, parse_templates, parse_timestamp, to_status, PresentationAndPath, PresentationSummary, Task};
use crate::providers::http::Answer;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        prop_oneof![
            ".*",
            Just("task-abc".to_string()),
            Just("completed".to_string()),
            Just("/app_data/exports/A b.pptx".to_string()),
            Just("2026-11-23T11:36:57.382421".to_string()),
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop_oneof![
            "[a-z_]{1,12}",
            Just("id".to_string()),
            Just("status".to_string()),
            Just("data".to_string()),
            Just("error".to_string()),
            Just("detail".to_string()),
            Just("path".to_string()),
            Just("created_slides".to_string()),
            Just("remaining_slides".to_string()),
            Just("credits_consumed".to_string()),
            Just("loc".to_string()),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..8).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn exercise(body: &[u8]) {
    let base = Url::parse("http://127.0.0.1:5001/prefix").unwrap();
    if let Ok(task) = Task::parse(body) {
        let _ = to_status(&task, &base, "Presenton");
    }
    let _ = PresentationAndPath::parse(body);
    let _ = PresentationSummary::parse_list(body);
    let _ = PresentationSummary::parse_one(body);
    let _ = parse_templates(body);
    let _ = detail_of(body);
    for status in [400u16, 401, 403, 404, 413, 422, 428, 429, 500] {
        let answer = Answer { status: StatusCode::from_u16(status).unwrap(), headers: HeaderMap::new(), body: bytes::Bytes::copy_from_slice(body) };
        let _ = from_answer(&answer, status % 2 == 0);
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(&body);
    }

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        exercise(v.to_string().as_bytes());
        let task = serde_json::json!({"id": "task-x", "status": "completed", "data": v, "error": v, "created_at": "2026-01-01T00:00:00"});
        exercise(task.to_string().as_bytes());
    }

    #[test]
    fn arbitrary_paths_and_times_never_panic(s in ".*") {
        let base = Url::parse("http://127.0.0.1:5001").unwrap();
        if let Some(link) = download_link(&base, &s) {
            // A relative path stays on the server's origin.
            if !s.trim().starts_with("http") {
                prop_assert_eq!(link.url.origin(), base.origin());
            }
        }
        let _ = edit_url(&base, &s);
        let _ = parse_timestamp(&s);
    }
}
