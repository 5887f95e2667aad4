//! The app's job engine through Tauri's IPC (mock runtime): it holds the data folder's lock for
//! its whole life, waits for a `deckhand-cli` that holds it instead of writing over its
//! job store (and says so), and takes Settings' "decks at once" at once.

mod support;

use std::time::{Duration, Instant};

use deckhand_app::jobs::{self, Jobs};
use deckhand_engine::jobs::lock::{DataLock, Holder};
use deckhand_engine::jobs::store::{Store, DB_FILE};
use deckhand_engine::jobs::{Job, JobState};
use deckhand_engine::providers::{DeckRequest, ProviderKind};
use serde_json::{json, Value};
use support::test_app::{Options, TestApp};
use tauri::Manager;

fn engine_of(t: &TestApp) -> deckhand_engine::jobs::Engine {
    tauri::async_runtime::block_on(t.app.state::<Jobs>().engine()).expect("the engine opened")
}

fn until(what: &str, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < end, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn events_of_type(t: &TestApp, kind: &str) -> Vec<Value> {
    t.events.lock().unwrap().iter().map(|e| serde_json::from_str::<Value>(e).unwrap()).filter(|e| e["type"] == kind).collect()
}

#[test]
fn saving_settings_applies_decks_at_once_to_the_running_engine() {
    let t = TestApp::start(Options::default());
    t.app.manage(jobs::start(t.app.handle(), Duration::from_secs(5)));
    let engine = engine_of(&t);
    assert_eq!((engine.concurrency(ProviderKind::Gamma), engine.concurrency(ProviderKind::Presenton)), (2, 2));

    let mut s = t.invoke("get_settings", json!({})).unwrap()["settings"].clone();
    s["concurrency"]["gamma"] = json!(1);
    s["concurrency"]["presenton"] = json!(5);
    t.invoke("save_settings", json!({"settings": s})).unwrap();
    assert_eq!(engine.concurrency(ProviderKind::Gamma), 1, "applied without a restart");
    assert_eq!(engine.concurrency(ProviderKind::Presenton), 5);
    assert_eq!(engine.concurrency(ProviderKind::PresentonSelf), 1);
}

#[test]
fn the_app_holds_the_data_folder_for_its_whole_life() {
    let t = TestApp::start(Options::default());
    t.app.manage(jobs::start(t.app.handle(), Duration::from_secs(5)));
    assert_eq!(t.invoke("list_jobs", json!({})).unwrap(), json!({"jobs": [], "next_cursor": null, "total": 0}));
    assert!(DataLock::try_acquire(t.data_dir.path(), Holder::Cli).unwrap().is_none(), "a CLI cannot take it");
    assert_eq!(DataLock::holder(t.data_dir.path()), Some(Holder::App));
}

#[test]
fn while_the_command_line_holds_the_decks_the_app_waits_says_so_and_then_takes_over() {
    let t = TestApp::start(Options::default());
    let dir = t.data_dir.path().to_path_buf();
    let mut done = Job::new("j-cli".into(), ProviderKind::Gamma, DeckRequest { content: "x".into(), ..Default::default() }, dir.clone(), 1_000);
    done.set_state(JobState::Done, 2_000);
    Store::open(&dir, 1).unwrap().store.insert(&done).unwrap();
    // Closed: everything is in the database file itself, and no write-ahead log is left.
    let store_before = std::fs::read(dir.join(DB_FILE)).unwrap();
    let wal = dir.join(format!("{DB_FILE}-wal"));
    assert!(!wal.exists());

    let cli = DataLock::try_acquire(&dir, Holder::Cli).unwrap().expect("the lock is free");
    let started = Instant::now();
    t.app.manage(jobs::start(t.app.handle(), Duration::from_millis(300)));

    // The page's first call waits briefly, then hears why there is no list.
    let err = t.invoke_err("list_jobs", json!({}));
    assert!(started.elapsed() >= Duration::from_millis(300), "it waited first");
    assert_eq!(err["kind"], "in_use");
    assert_eq!(
        err["message"],
        "Deckhand's command line (deckhand-cli) is working on your decks right now. They will appear here as soon as it finishes, or at once if you stop it."
    );
    let err = t.invoke_err("submit_deck", json!({"provider": "gamma", "request": {"content": "x", "format": "pdf"}}));
    assert_eq!(err["kind"], "in_use", "nothing is journaled while the CLI holds the folder");
    assert_eq!(std::fs::read(dir.join(DB_FILE)).unwrap(), store_before, "the app wrote nothing");
    assert!(!wal.exists(), "the app did not even open the store");

    // The command line finishes: the app takes over on its own and tells the window.
    drop(cli);
    until("the app takes over", || t.invoke("list_jobs", json!({})).is_ok());
    assert_eq!(t.invoke("list_jobs", json!({})).unwrap()["jobs"][0]["id"], "j-cli");
    until("the window is told", || !events_of_type(&t, "jobs_available").is_empty());
    let notices = events_of_type(&t, "notice");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0]["message"].as_str().unwrap().starts_with("Your decks are here again"));
    assert!(DataLock::try_acquire(&dir, Holder::Cli).unwrap().is_none(), "the app holds it now");
    assert_eq!(DataLock::holder(&dir), Some(Holder::App));
}

#[test]
fn a_second_app_on_the_same_folder_says_the_first_is_open() {
    let t = TestApp::start(Options::default());
    let first = DataLock::try_acquire(t.data_dir.path(), Holder::App).unwrap().expect("the lock is free");
    t.app.manage(jobs::start(t.app.handle(), Duration::from_millis(100)));
    let err = t.invoke_err("list_jobs", json!({}));
    assert_eq!(err["kind"], "in_use");
    assert!(err["message"].as_str().unwrap().starts_with("Deckhand is already open in another window"), "{err}");
    drop(first);
}
