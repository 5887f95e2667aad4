//! Every real capture in `tests/fixtures/` parses into what it is. A new capture must be
//! classified here, or this test fails.

use std::path::{Path, PathBuf};

use deckhand_engine::providers::http::Answer;
use deckhand_engine::providers::presenton::errors;
use deckhand_engine::providers::presenton::response::{to_status, PresentationAndPath, Task};
use deckhand_engine::providers::RemoteState;
use url::Url;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

/// The capture script appended `[http=200 t=…]` to some bodies; that line is not the answer.
fn body_of(p: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(p).unwrap();
    text.lines().filter(|l| !l.starts_with("[http=")).collect::<Vec<_>>().join("\n").into_bytes()
}

#[test]
fn every_capture_parses_into_the_right_state() {
    let base = Url::parse("http://127.0.0.1:5001").unwrap();
    let mut files = Vec::new();
    json_files(&fixtures(), &mut files);
    files.sort();
    assert!(files.len() >= 11, "captures are missing: {files:?}");
    for p in &files {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let body = body_of(p);
        if name == "generate-sync.json" {
            let r = PresentationAndPath::parse(&body).unwrap();
            assert!(r.path.starts_with("/app_data/exports/") && r.path.contains(' '), "{name}");
            continue;
        }
        if name == "unauthorized-401.json" {
            let answer = Answer { status: reqwest::StatusCode::UNAUTHORIZED, headers: Default::default(), body: body.into() };
            let e = errors::from_answer(&answer, false);
            assert_eq!(e.kind(), "auth", "{name}");
            assert_eq!(e.details().provider_message.as_deref(), Some("Unauthorized"));
            continue;
        }
        let task = Task::parse(&body).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert!(task.id.starts_with("task-") && task.created_at.is_some(), "{name}");
        let st = to_status(&task, &base, "The Presenton server");
        let expected = match name.as_str() {
            "submit-async.json" | "status-pending.json" => RemoteState::Pending,
            "status-processing.json" => RemoteState::Running,
            "status-completed.json" => RemoteState::Completed,
            n if n.starts_with("status-error") => RemoteState::Failed,
            other => panic!("unclassified capture {other}: add it to this test"),
        };
        assert_eq!(st.state, expected, "{}", p.display());
        assert!(st.progress.message.is_some(), "{name}");
        match expected {
            RemoteState::Completed => {
                let link = st.download.expect("0.7.3 completes with a path");
                assert!(link.url.as_str().starts_with("http://127.0.0.1:5001/app_data/exports/Introduction%20to%20Machine%20Learning"));
                assert!(!link.url.as_str().contains(' '));
                assert!(st.file_id.is_some() && st.edit_url.is_some());
            }
            RemoteState::Failed => {
                let e = st.error.expect("a failure says why");
                assert_eq!(e.kind(), "provider_failed");
                assert!(e.details().provider_message.as_deref().is_some_and(|m| !m.is_empty()), "{name}");
                assert!(e.details().status.is_some(), "{name}");
            }
            _ => assert!(st.download.is_none()),
        }
        if p.to_string_lossy().contains("0.8.9") {
            assert!(st.progress.slides_total.is_some(), "0.8.9 counts slides: {name}");
        }
    }
}
