//! "Your decks" through the app's commands (mock runtime): pages newest first, search by title
//! and topic, filters and counts as the history contract says; jobs reach the window without
//! their notes (lists, events, command answers) and whole through `get_job`; every part of a
//! query is checked; a deck a newer Deckhand made is listed and kept, not worked on.

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use deckhand_app::jobs::{self, Jobs};
use deckhand_engine::jobs::store::Store;
use deckhand_engine::jobs::{Job, JobState};
use deckhand_engine::providers::{DeckRequest, ProviderKind, RemoteJob};
use serde_json::{json, Value};
use support::test_app::{Options, TestApp};
use tauri::Manager;

const JOBS: usize = 120;

/// Notes long enough that a list carrying them would show it.
fn notes(i: usize) -> String {
    let topic = match i % 4 {
        0 => format!("Tides and the moon, part {i}"),
        1 => format!("Éclairs et pâtisserie {i}"),
        2 => format!("Photosynthesis for ten-year-olds {i}"),
        _ => format!("Budget review {i}"),
    };
    format!("{topic}\n{}", "Long notes about it. ".repeat(1_000))
}

fn seeded_job(i: usize) -> Job {
    let provider = [ProviderKind::Gamma, ProviderKind::Presenton, ProviderKind::PresentonSelf][i % 3];
    let title = i.is_multiple_of(5).then(|| format!("Quarterly Deck {i}"));
    let req = DeckRequest { content: notes(i), title, instructions: Some("SECRET-INSTRUCTIONS".into()), ..Default::default() };
    let mut job = Job::new(format!("j{i:04}"), provider, req, "/tmp".into(), 1_700_000_000_000 + (i as u64) * 1_000);
    let state = [JobState::Done, JobState::Failed, JobState::Cancelled, JobState::NeedsAttention][i % 4];
    job.set_state(state, job.created_ms + 500);
    job
}

/// An app whose store already holds the seeded jobs, one stalled deck and one made by a
/// newer Deckhand (brought in through an old journal, as an upgrade would).
fn app_with_history() -> TestApp {
    let t = TestApp::start(Options::default());
    let dir = t.data_dir.path();
    let store = Store::open(dir, 1).unwrap().store;
    for i in 0..JOBS {
        store.insert(&seeded_job(i)).unwrap();
    }
    let mut stalled = Job::new(
        "j-stalled".into(),
        ProviderKind::Gamma,
        DeckRequest { content: "Wind farms".into(), ..Default::default() },
        "/tmp".into(),
        1_600_000_000_000,
    );
    stalled.set_state(JobState::Running, 1_600_000_000_500);
    stalled.remote = Some(RemoteJob { id: "gen-9".into(), file_id: None });
    stalled.stalled = true;
    store.insert(&stalled).unwrap();
    drop(store);
    let newer = json!({"version": 2, "jobs": [{
        "id": "j-newer", "provider": "gamma", "state": "paused", "created_ms": 1_500_000_000_000u64, "updated_ms": 1_500_000_000_000u64,
        "request": {"content": "Volcanoes of Iceland\nmore", "format": "pptx", "tone_preset": "calm"}, "out_dir": "/tmp"
    }]});
    std::fs::write(dir.join("journal.json"), newer.to_string()).unwrap();
    t.app.manage(jobs::start(t.app.handle(), Duration::from_secs(5)));
    tauri::async_runtime::block_on(t.app.state::<Jobs>().engine()).expect("the engine opened");
    t
}

fn page(t: &TestApp, query: Value) -> Value {
    t.invoke("list_jobs", json!({ "query": query })).unwrap_or_else(|e| panic!("list_jobs {query}: {e}"))
}

fn ids(page: &Value) -> Vec<String> {
    page["jobs"].as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn pages_come_newest_first_without_notes_until_the_end() {
    let t = app_with_history();
    let first = page(&t, json!({}));
    assert_eq!(first["total"], JOBS + 2);
    assert_eq!(ids(&first).len(), 50, "the default page");
    assert_eq!(ids(&first)[0], format!("j{:04}", JOBS - 1));
    let text = first.to_string();
    assert!(!text.contains("Long notes about it") && !text.contains("SECRET-INSTRUCTIONS"), "a list carries no notes");
    assert!(text.len() < 50 * 1_500, "a page of 50 is small: {} bytes", text.len());
    assert_eq!(first["jobs"][0]["topic"], format!("Budget review {}", JOBS - 1));

    let mut seen = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let p = page(&t, json!({"limit": 37, "cursor": cursor}));
        seen.extend(ids(&p));
        cursor = p["next_cursor"].clone();
        if cursor.is_null() {
            break;
        }
    }
    assert_eq!(seen.len(), JOBS + 2);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), JOBS + 2, "no deck twice");
    assert_eq!(&seen[JOBS..], ["j-stalled", "j-newer"], "oldest last");
    let mut sorted = seen[..JOBS].to_vec();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen[..JOBS], sorted[..]);
}

#[test]
fn search_matches_title_or_topic_in_any_case_and_filters_combine() {
    let t = app_with_history();
    let tides = page(&t, json!({"text": "TIDES AND THE MOON", "limit": 500}));
    assert_eq!(tides["total"], JOBS / 4);
    let accents = page(&t, json!({"text": "ÉCLAIRS", "limit": 500}));
    assert_eq!(accents["total"], JOBS / 4, "case folds beyond ASCII");
    let titled = page(&t, json!({"text": "quarterly deck 55"}));
    assert_eq!(ids(&titled), vec!["j0055"], "the title is searched too");
    assert_eq!(page(&t, json!({"text": "Long notes about it"}))["total"], 0, "the notes themselves are not");

    let done_gamma = page(&t, json!({"states": ["done"], "providers": ["gamma"], "limit": 500}));
    let expected: Vec<String> = (0..JOBS).rev().filter(|i| i % 4 == 0 && i % 3 == 0).map(|i| format!("j{i:04}")).collect();
    assert_eq!(ids(&done_gamma), expected);
    assert!(done_gamma["jobs"].as_array().unwrap().iter().all(|j| j["state"] == "done" && j["provider"] == "gamma"));
    let both = page(&t, json!({"states": ["failed", "needs_attention"], "text": "budget", "limit": 500}));
    assert!(ids(&both).iter().all(|id| id.trim_start_matches('j').parse::<usize>().unwrap() % 4 == 3));
    assert_eq!(both["total"], JOBS / 4);

    let counts = t.invoke("job_counts", json!({})).unwrap();
    assert_eq!(counts["by_state"]["done"], JOBS / 4);
    assert_eq!(counts["by_state"]["running"], 1);
    assert_eq!(counts["by_state"]["paused"], 1, "a newer Deckhand's state is counted as it is");
    assert_eq!(counts["by_provider"]["presenton-self"], JOBS / 3);
    assert_eq!(counts["by_provider"]["gamma"], JOBS / 3 + 2);
}

#[test]
fn the_full_record_comes_from_get_job() {
    let t = app_with_history();
    let job = t.invoke("get_job", json!({"id": "j0007"})).unwrap();
    assert_eq!(job["request"]["content"], notes(7));
    assert_eq!(job["request"]["instructions"], "SECRET-INSTRUCTIONS");
    assert_eq!(job["topic"], "Budget review 7");
    assert_eq!(t.invoke_err("get_job", json!({"id": "j-nope"}))["kind"], "not_found");
}

#[test]
fn every_part_of_a_query_is_checked() {
    let t = app_with_history();
    for bad in [
        json!({"limit": 0}),
        json!({"limit": 100_000}),
        json!({"cursor": "not a cursor"}),
        json!({"cursor": "-1:j0001"}),
        json!({"text": "x".repeat(10_000)}),
        json!({"states": vec!["done"; 100]}),
        json!({"providers": ["x".repeat(1_000)]}),
    ] {
        let err = t.invoke_err("list_jobs", json!({ "query": bad }));
        assert_eq!(err["kind"], "invalid_input", "{bad}: {err}");
    }
    for odd in [json!({"limit": "ten"}), json!({"states": "done"}), json!(42)] {
        assert!(t.invoke("list_jobs", json!({ "query": odd })).is_err(), "{odd}");
    }
    // What is not part of a query changes nothing, and SQL in the text is only text.
    let p = page(&t, json!({"order": "DROP TABLE jobs", "text": "%' OR 1=1 --"}));
    assert_eq!(p["total"], 0);
    assert_eq!(page(&t, json!({}))["total"], JOBS + 2);
}

#[test]
fn changes_reach_the_window_without_notes() {
    let t = app_with_history();
    let answer = t.invoke("cancel_job", json!({"id": "j-stalled"})).unwrap();
    assert_eq!(answer["state"], "cancelled");
    assert_eq!(answer["topic"], "Wind farms");
    assert!(answer["request"].get("content").is_none(), "{answer}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let event = loop {
        let found = t.events.lock().unwrap().iter().map(|e| serde_json::from_str::<Value>(e).unwrap()).find(|e| e["type"] == "job_changed");
        if let Some(e) = found {
            break e;
        }
        assert!(Instant::now() < deadline, "no job_changed event");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(event["job"]["id"], "j-stalled");
    assert_eq!(event["job"]["topic"], "Wind farms");
    assert!(event["job"]["request"].get("content").is_none(), "{event}");
    assert_eq!(event["job"]["request"]["format"], "pptx", "the rest of the request is there");
}

#[test]
fn a_deck_made_by_a_newer_deckhand_is_listed_kept_and_left_alone() {
    let t = app_with_history();
    let p = page(&t, json!({"text": "volcanoes"}));
    assert_eq!(ids(&p), vec!["j-newer"]);
    let listed = &p["jobs"][0];
    assert_eq!(listed["made_by_newer_version"], true);
    assert_eq!((listed["state"].as_str(), listed["topic"].as_str()), (Some("paused"), Some("Volcanoes of Iceland")));
    assert_eq!(listed["request"]["tone_preset"], "calm", "its unknown fields are kept");
    let full = t.invoke("get_job", json!({"id": "j-newer"})).unwrap();
    assert_eq!(full["request"]["content"], "Volcanoes of Iceland\nmore");
    for cmd in ["cancel_job", "check_again", "retry_download", "retry_job"] {
        let err = t.invoke_err(cmd, json!({"id": "j-newer"}));
        assert_eq!(err["kind"], "invalid_input", "{cmd}: {err}");
        assert!(err["message"].as_str().unwrap().contains("newer Deckhand"), "{cmd}: {err}");
    }
    assert_eq!(t.invoke("get_job", json!({"id": "j-newer"})).unwrap(), full, "untouched");
    t.invoke("remove_job", json!({"id": "j-newer"})).unwrap();
    assert_eq!(page(&t, json!({"text": "volcanoes"}))["total"], 0);
}
