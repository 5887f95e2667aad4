//! The commands behind "Your decks" and the New deck form, through Tauri's IPC (mock runtime):
//! the card's facts in the history's pages (paging, search, filters and counts themselves are
//! `jobs_history.rs`'s), decks picked up at start, another file type on retry; the deck's preview as a data URL made from the
//! job's own file; "Open" and "Show in folder" failing gracefully; the window's own state in
//! tauri-plugin-store with its size and shape checks. Every argument is the page's, so each
//! is also tried hostile.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use deckhand_app::desktop::{Desktop, DesktopHandle};
use deckhand_app::jobs::{self, Jobs};
use deckhand_engine::deck_file::{self, Preview, PreviewSource};
use deckhand_engine::jobs::store::Store;
use deckhand_engine::jobs::{Job, JobState};
use deckhand_engine::providers::{DeckRequest, ExportFormat, ProviderKind};
use serde_json::{json, Value};
use support::test_app::{Options, TestApp};
use tauri::Manager;

/// A desktop that fails as told and remembers what it was asked.
#[derive(Default)]
struct FakeDesktop {
    fail: bool,
    calls: Mutex<Vec<String>>,
}

impl Desktop for FakeDesktop {
    fn open(&self, path: &Path) -> std::io::Result<()> {
        self.calls.lock().unwrap().push(format!("open {}", path.display()));
        if self.fail { Err(std::io::Error::other("Launcher \"xdg-open\" failed with exit status: 3")) } else { Ok(()) }
    }
    fn reveal(&self, path: &Path) -> Result<(), String> {
        self.calls.lock().unwrap().push(format!("reveal {}", path.display()));
        if self.fail { Err("org.freedesktop.DBus.Error.ServiceUnknown".into()) } else { Ok(()) }
    }
}

fn job(id: &str, kind: ProviderKind, content: &str, created: u64, state: JobState) -> Job {
    let request = DeckRequest { content: content.into(), instructions: Some("secret-ish instructions".into()), format: ExportFormat::Pptx, ..Default::default() };
    let mut j = Job::new(id.into(), kind, request, "/out".into(), created);
    j.set_state(state, created + 10);
    j
}

/// Records `jobs` in the store of the data folder, as an earlier run would have.
fn seed(dir: &Path, jobs: &[Job]) {
    let store = Store::open(dir, 1).unwrap().store;
    for job in jobs {
        store.insert(job).unwrap();
    }
}

/// An app whose store already holds `jobs`, with its engine open and `desktop` standing in.
fn app_with(jobs: Vec<Job>, desktop: Arc<FakeDesktop>) -> TestApp {
    let t = TestApp::start(Options::default());
    seed(t.data_dir.path(), &jobs);
    t.app.manage(desktop as DesktopHandle);
    t.app.manage(jobs::start(t.app.handle(), Duration::from_secs(5)));
    tauri::async_runtime::block_on(t.app.state::<Jobs>().engine()).expect("the engine opened");
    t
}

fn ids(page: &Value) -> Vec<&str> {
    page["jobs"].as_array().unwrap().iter().map(|j| j["id"].as_str().unwrap()).collect()
}

#[test]
fn cards_come_with_their_facts_and_are_found_by_the_services_title() {
    let mut all: Vec<Job> = (0..30)
        .map(|i| {
            let kind = if i % 2 == 0 { ProviderKind::Gamma } else { ProviderKind::PresentonSelf };
            let state = if i % 3 == 0 { JobState::Done } else { JobState::Failed };
            job(&format!("j{i:03}"), kind, &format!("Deck number {i}\nnotes"), 1_000 + i, state)
        })
        .collect();
    all[12].deck_title = Some("The Water Cycle, Explained".into());
    all[12].look = Some("Chisel".into());
    all[12].slide_count = Some(9);
    all[12].file_size = Some(2_400_000);
    all[12].preview = Some(Preview::new(PreviewSource::SlidePicture, 480, 300));
    let t = app_with(all, Arc::default());

    // The service's title is searched like the person's; the card's facts come with the list.
    let found = t.invoke("list_jobs", json!({"query": {"text": "water CYCLE", "states": ["done"], "providers": ["gamma"]}})).unwrap();
    assert_eq!(ids(&found), vec!["j012"]);
    let card = &found["jobs"][0];
    assert_eq!(card["deck_title"], "The Water Cycle, Explained");
    assert_eq!((card["look"].as_str(), card["slide_count"].as_u64(), card["file_size"].as_u64()), (Some("Chisel"), Some(9), Some(2_400_000)));
    assert_eq!(card["preview"]["source"], "slide_picture");
    assert!(card["request"].get("content").is_none() && card["request"].get("instructions").is_none(), "no notes in lists");
    assert_eq!(t.invoke("get_job", json!({"id": "j012"})).unwrap()["slide_count"], 9, "nor lost in the full record");

    assert_eq!(t.invoke("resumed_decks", json!({})).unwrap(), json!({"count": 0}), "nothing was being made");
    assert!(t.invoke("retry_job", json!({"id": "j001", "format": "docx"})).is_err(), "only the file types there are");
}

fn done_with_preview(dir: &Path, preview_bytes: Option<&[u8]>) -> (Job, PathBuf) {
    let file = dir.join("Water cycle.pptx");
    std::fs::write(&file, deckhand_tests::files::PPTX).unwrap();
    let mut j = job("j-done", ProviderKind::Gamma, "Water cycle", 5_000, JobState::Done);
    j.file = Some(file.clone());
    if let Some(bytes) = preview_bytes {
        let to = deck_file::preview_path(dir, &j.id);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(&to, bytes).unwrap();
        j.preview = Some(Preview::new(PreviewSource::SlidePicture, 480, 300));
    }
    (j, file)
}

#[test]
fn the_preview_reaches_the_page_as_a_data_url_from_the_jobs_own_file() {
    let made = tempfile::tempdir().unwrap();
    let to = made.path().join("p.jpg");
    let facts = {
        let deck = made.path().join("d.pptx");
        std::fs::write(&deck, deckhand_tests::files::PPTX).unwrap();
        deck_file::examine(&deck, ExportFormat::Pptx, &to)
    };
    assert!(facts.preview.is_some());
    let jpeg = std::fs::read(&to).unwrap();

    let t = TestApp::start(Options::default());
    let (job, _) = done_with_preview(t.data_dir.path(), Some(&jpeg));
    let mut plain = job.clone();
    plain.id = "j-plain".into();
    plain.preview = None;
    seed(t.data_dir.path(), &[job, plain]);
    t.app.manage(jobs::start(t.app.handle(), Duration::from_secs(5)));

    let url = t.invoke("job_preview", json!({"id": "j-done"})).unwrap();
    let url = url.as_str().expect("a data URL");
    assert!(url.starts_with("data:image/jpeg;base64,"), "{}", &url[..40]);
    assert_eq!(t.invoke("job_preview", json!({"id": "j-plain"})).unwrap(), Value::Null, "no picture: the page draws a placeholder");
    assert_eq!(t.invoke("job_preview", json!({"id": "../../etc/passwd"})).unwrap(), Value::Null);
    // Whatever is put in the previews folder, only a JPEG goes to the page.
    std::fs::write(deck_file::preview_path(t.data_dir.path(), "j-done"), b"<svg onload=alert(1)>").unwrap();
    assert_eq!(t.invoke("job_preview", json!({"id": "j-done"})).unwrap(), Value::Null);
}

#[test]
fn open_and_show_in_folder_fail_in_plain_words_with_the_path() {
    let desktop = Arc::new(FakeDesktop { fail: true, ..Default::default() });
    let dir = tempfile::tempdir().unwrap();
    let (job, file) = done_with_preview(dir.path(), None);
    let t = app_with(vec![job], desktop.clone());

    let e = t.invoke_err("open_file", json!({"id": "j-done"}));
    assert_eq!(e["kind"], "file_action");
    assert_eq!(e["path"], file.display().to_string());
    assert!(e["message"].as_str().unwrap().starts_with("No program on this computer opened “Water cycle.pptx”"), "{e}");
    assert!(e["details"]["provider_message"].as_str().unwrap().contains("xdg-open"), "what the system said stays under Details");

    let e = t.invoke_err("show_in_folder", json!({"id": "j-done"}));
    assert_eq!(e["kind"], "file_action");
    assert!(!e["message"].as_str().unwrap().contains("DBus"), "{e}");
    assert_eq!(e["path"], file.display().to_string());
    assert_eq!(
        desktop.calls.lock().unwrap().clone(),
        vec![format!("open {}", file.display()), format!("reveal {}", file.display()), format!("open {}", dir.path().display())]
    );

    // A deck moved away is not opened; the page can only name a job, never a path.
    std::fs::remove_file(&file).unwrap();
    let e = t.invoke_err("open_file", json!({"id": "j-done"}));
    assert!(e["message"].as_str().unwrap().contains("no longer where Deckhand saved it"));
    assert!(t.invoke("open_file", json!({"id": "j-done", "path": "/bin/sh"})).is_err());
    assert_eq!(desktop.calls.lock().unwrap().len(), 3, "nothing more was opened");
}

#[test]
fn the_window_keeps_its_draft_and_last_choices_in_the_store_and_nothing_else() {
    let t = TestApp::start(Options::default());
    assert_eq!(t.invoke("window_state", json!({})).unwrap(), json!({"draft": null, "choices": {}}));

    let draft = json!({"provider": "gamma", "content": "Why our school is switching", "title": "Four days", "slides": "8",
        "format": "pdf", "look": "oasis", "look_name": "Oasis", "language": "de", "instructions": "", "options": {"textMode": "generate"}});
    t.invoke("save_draft", json!({"draft": draft})).unwrap();
    t.invoke("save_choices", json!({"provider": "presenton-self", "choices": {"look": "modern", "slides": 12, "format": "pptx"}})).unwrap();
    let file = t.data_dir.path().join("window-state.json");
    let on_disk = std::fs::read_to_string(&file).unwrap();
    assert!(on_disk.contains("Why our school is switching"), "kept on disk, so a crash does not lose it");

    // A new app (a restart) with that file finds both.
    drop(t);
    let t = TestApp::start(Options::default());
    std::fs::write(t.data_dir.path().join("window-state.json"), on_disk.as_bytes()).unwrap();
    let state = t.invoke("window_state", json!({})).unwrap();
    assert_eq!(state["draft"]["content"], "Why our school is switching");
    assert_eq!(state["draft"]["format"], "pdf");
    assert_eq!(state["choices"]["presenton-self"], json!({"look": "modern", "slides": 12, "format": "pptx"}));

    // Hostile or oversized input is refused, and nothing but these fields is ever stored.
    assert_eq!(t.invoke_err("save_draft", json!({"draft": {"content": "x".repeat(400_001)}}))["kind"], "invalid_input");
    assert!(t.invoke("save_draft", json!({"draft": {"content": "a", "servers": {"presenton_self": {"base_url": "http://evil"}}}})).is_err());
    assert!(t.invoke("save_choices", json!({"provider": "../settings", "choices": {}})).is_err());
    assert!(t.invoke("save_choices", json!({"provider": "gamma", "choices": {"slides": 0}})).is_err());
    assert!(t.invoke("save_choices", json!({"provider": "gamma", "choices": {"api_key": "sk-1"}})).is_err());
    // null forgets the draft (after "Make the deck"); the choices stay.
    t.invoke("save_draft", json!({"draft": null})).unwrap();
    let state = t.invoke("window_state", json!({})).unwrap();
    assert_eq!(state["draft"], Value::Null);
    assert_eq!(state["choices"]["presenton-self"]["look"], "modern");
    let stored: Value = serde_json::from_slice(&std::fs::read(t.data_dir.path().join("window-state.json")).unwrap()).unwrap();
    assert_eq!(stored.as_object().unwrap().keys().collect::<Vec<_>>(), vec!["choices"]);
    assert!(!std::fs::read_to_string(t.data_dir.path().join("settings.json")).unwrap_or_default().contains("modern"));
}

#[test]
fn a_damaged_window_state_file_is_an_empty_one() {
    let t = TestApp::start(Options::default());
    std::fs::write(t.data_dir.path().join("window-state.json"), b"{\"draft\": {\"content\": ").unwrap();
    assert_eq!(t.invoke("window_state", json!({})).unwrap(), json!({"draft": null, "choices": {}}));
    let t = TestApp::start(Options::default());
    std::fs::write(
        t.data_dir.path().join("window-state.json"),
        serde_json::to_vec(&json!({"draft": {"content": "ok", "evil": 1}, "choices": {"nope": {}, "gamma": {"slides": 7}}})).unwrap(),
    )
    .unwrap();
    assert_eq!(t.invoke("window_state", json!({})).unwrap(), json!({"draft": null, "choices": {"gamma": {"slides": 7}}}));
}
