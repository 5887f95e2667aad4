//! A script running in the window calls Deckhand's real commands (through Tauri's IPC, mock
//! runtime) with hostile arguments. Whatever it sends, it cannot make a key, a password or a
//! local file reach an address the person did not set up themselves: hosted services stay at
//! their own addresses, a key saved for one origin is never sent to another, plain http needs
//! the person's yes in a native dialog, files are read or uploaded only when the person picked
//! or dropped them, and decks go only to the folder the person picked.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use deckhand_app::ipc_names::FILES_EVENT;
use deckhand_engine::connection::{Credentials, EnvOverrides};
use deckhand_engine::providers::ProviderKind;
use deckhand_engine::secrets::MemorySecretStore;
use deckhand_engine::{Secret, SecretAccount, SecretStore};
use serde_json::{json, Value};
use support::fake_provider::Answer;
use support::test_app::{Options, TestApp};
use tauri::{Listener, Manager};

const GAMMA_KEY: &str = "sk-gamma-h0stileTest-91a2b3";

fn gamma_account() -> SecretAccount {
    SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() }
}

fn app_with_gamma_key(env: EnvOverrides) -> (TestApp, Arc<MemorySecretStore>) {
    let kc = Arc::new(MemorySecretStore::default());
    kc.set(&gamma_account(), &Secret::new(GAMMA_KEY)).unwrap();
    let t = TestApp::start(Options { keychain: Ok(kc.clone()), env, ..Options::default() });
    t.services.answer(ProviderKind::Gamma, Answer::AcceptOnly(Credentials::ApiKey(Secret::new(GAMMA_KEY))));
    (t, kc)
}

fn settings_of(t: &TestApp) -> Value {
    t.invoke("get_settings", json!({})).unwrap()["settings"].clone()
}

fn settings_file(t: &TestApp) -> String {
    std::fs::read_to_string(t.data_dir.path().join("settings.json")).unwrap_or_default()
}

fn with_engine(t: &TestApp) {
    t.app.manage(deckhand_app::jobs::start(t.app.handle(), Duration::from_secs(5)));
}

#[test]
fn the_page_cannot_point_a_hosted_key_at_another_address() {
    let (t, _) = app_with_gamma_key(EnvOverrides::default());
    let mut hostile = settings_of(&t);
    hostile["servers"]["gamma_base_url"] = json!("http://evil.example:8080");
    hostile["servers"]["presenton_base_url"] = json!("http://evil.example:8081");
    hostile["servers"]["insecure_confirmed"] = json!(["http://evil.example:8080", "http://evil.example:8081"]);
    let saved = t.invoke("save_settings", json!({"settings": hostile})).unwrap();
    assert!(saved["servers"].get("gamma_base_url").is_none() && saved["servers"].get("presenton_base_url").is_none());
    assert_eq!(saved["servers"]["insecure_confirmed"], json!([]));
    assert!(!settings_file(&t).contains("evil.example"), "{}", settings_file(&t));

    t.invoke("test_connection", json!({"provider": "gamma"})).unwrap();
    let built = t.services.built.lock().unwrap().clone();
    assert!(!built.is_empty());
    assert!(built.iter().all(|c| c.base.as_str() == "https://public-api.gamma.app/"), "{built:?}");
}

#[test]
fn a_key_saved_for_one_origin_is_never_sent_to_the_address_the_environment_names() {
    let env = EnvOverrides { gamma_base_url: Some("http://127.0.0.1:45111".into()), presenton_base_url: None };
    let (t, kc) = app_with_gamma_key(env);
    assert_eq!(t.invoke("key_status", json!({"provider": "gamma"})).unwrap()["set"], false, "no key for that address");
    let err = t.invoke_err("test_connection", json!({"provider": "gamma"}));
    assert_eq!(err["kind"], "auth");
    assert!(err["message"].as_str().unwrap().contains("http://127.0.0.1:45111"), "{err}");
    assert_eq!(t.services.built_count(), 0, "no provider was built with the real key");

    // A key pasted while that address is in use is kept for it alone.
    t.invoke("set_key", json!({"provider": "gamma", "key": "sk-gamma-forTheProxy-77", "verify": false, "sessionOnly": false})).unwrap();
    let proxy = SecretAccount::GammaApiKey { origin: "http://127.0.0.1:45111".into() };
    assert_eq!(kc.get(&proxy).unwrap().unwrap().expose(), "sk-gamma-forTheProxy-77");
    assert_eq!(kc.get(&gamma_account()).unwrap().unwrap().expose(), GAMMA_KEY, "the real service's key is untouched");
    t.services.answer(ProviderKind::Gamma, Answer::AcceptOnly(Credentials::ApiKey(Secret::new("sk-gamma-forTheProxy-77"))));
    t.invoke("test_connection", json!({"provider": "gamma"})).unwrap();
    assert_eq!(t.services.last_built().unwrap().base.as_str(), "http://127.0.0.1:45111/");
}

#[test]
fn plain_http_is_the_persons_decision_not_the_pages() {
    let t = TestApp::start(Options::default());
    let mut hostile = settings_of(&t);
    hostile["servers"]["presenton_self"] = json!({"enabled": true, "base_url": "http://10.1.2.3:5001", "auth": "none", "user": null});
    hostile["servers"]["insecure_confirmed"] = json!(["http://10.1.2.3:5001"]);
    hostile["servers"]["confirmed_servers"] = json!(["http://10.1.2.3:5001"]);
    assert_eq!(t.invoke_err("save_settings", json!({"settings": hostile}))["kind"], "unconfirmed_server", "the page cannot confirm");
    assert!(!settings_file(&t).contains("10.1.2.3"), "{}", settings_file(&t));
    assert_eq!(settings_of(&t)["servers"]["presenton_self"]["base_url"], "http://localhost:5001");
    assert_eq!(t.services.built_count(), 0);

    // The page may ask, repeatedly; without the person's yes nothing changes.
    for _ in 0..3 {
        assert_eq!(t.invoke("confirm_insecure_server", json!({"baseUrl": "http://10.1.2.3:5001"})).unwrap()["confirmed"], false);
    }
    assert_eq!(t.person.questions().len(), 3, "each time the person was asked, natively");
    assert!(!settings_file(&t).contains("\"http://10.1.2.3:5001\"]"), "{}", settings_file(&t));
    // An address with a password in it is refused before anyone is asked.
    assert_eq!(t.invoke_err("confirm_insecure_server", json!({"baseUrl": "http://ana:pw@10.1.2.3:5001"}))["kind"], "invalid_input");
    assert_eq!(t.person.questions().len(), 3);
}

#[test]
fn the_page_cannot_send_the_persons_files_to_a_server_they_did_not_confirm() {
    let t = TestApp::start(Options::default());
    with_engine(&t);
    // The person picked a notes file earlier; a script then points their own server elsewhere.
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.md");
    std::fs::write(&notes, "Private notes for the board").unwrap();
    t.person.will_pick_file(&notes);
    let token = t.invoke("pick_source_file", json!({})).unwrap()["token"].clone();
    assert!(token.is_string(), "{token}");
    let mut hostile = settings_of(&t);
    hostile["servers"]["presenton_self"] = json!({"enabled": true, "base_url": "https://collector.example", "auth": "none", "user": null});
    let err = t.invoke_err("save_settings", json!({"settings": hostile.clone()}));
    assert_eq!(err["kind"], "unconfirmed_server");
    assert!(err["message"].as_str().unwrap().contains("https://collector.example"), "{err}");
    // So a deck with that file still goes nowhere but this computer's default address.
    let sent = t.invoke("submit_deck", json!({"provider": "presenton-self", "request": {"content": "", "source_files": [token]}}));
    assert!(!format!("{sent:?}").contains("collector"), "{sent:?}");
    let built = t.services.built.lock().unwrap().clone();
    assert!(built.iter().all(|c| c.base.host_str() == Some("localhost")), "{built:?} {sent:?}");
    assert!(!settings_file(&t).contains("collector"), "{}", settings_file(&t));

    // The page may ask the app to ask the person; a "no" changes nothing.
    assert_eq!(t.invoke("confirm_insecure_server", json!({"baseUrl": "https://collector.example"})).unwrap()["confirmed"], false);
    assert_eq!(t.invoke_err("save_settings", json!({"settings": hostile.clone()}))["kind"], "unconfirmed_server");
    let asked = t.person.questions();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].message.contains("https://collector.example"), "{:?}", asked[0]);
    // Only the person's yes, in the app's own dialog, makes it their server.
    t.person.will_answer(true);
    assert_eq!(t.invoke("confirm_insecure_server", json!({"baseUrl": "https://collector.example"})).unwrap()["confirmed"], true);
    let saved = t.invoke("save_settings", json!({"settings": hostile})).unwrap();
    assert_eq!(saved["servers"]["presenton_self"]["base_url"], "https://collector.example");
    assert_eq!(saved["servers"]["confirmed_servers"], json!(["https://collector.example"]));
}

#[test]
fn a_file_is_read_only_when_the_person_picked_it() {
    let t = TestApp::start(Options::default());
    let home = tempfile::tempdir().unwrap();
    let notes = home.path().join("notes.md");
    let private = home.path().join("private.md");
    std::fs::write(&notes, "# Tides\nThe moon pulls the sea.").unwrap();
    std::fs::write(&private, "# Diary\nNot for the page.").unwrap();

    for hostile in [json!({"path": private}), json!({"token": private}), json!({"token": "file-00000000000000000000000000000000"}), json!({})] {
        let err = t.invoke_err("read_source_file", hostile.clone());
        assert!(!err.to_string().contains("Not for the page"), "{hostile}: {err}");
    }
    assert_eq!(t.invoke_err("read_source_file", json!({"token": private}))["kind"], "invalid_input");

    assert_eq!(t.invoke("pick_source_file", json!({})).unwrap(), Value::Null, "the picker was closed");
    t.person.will_pick_file(&notes);
    let picked = t.invoke("pick_source_file", json!({})).unwrap();
    assert_eq!(picked["name"], "notes.md");
    assert!(!picked.to_string().contains(&home.path().display().to_string()), "the page never learns the path: {picked}");
    let text = t.invoke("read_source_file", json!({"token": picked["token"]})).unwrap();
    assert!(text["text"].as_str().unwrap().contains("The moon pulls the sea."), "{text}");
}

#[test]
fn a_file_is_uploaded_only_when_the_person_picked_it_and_decks_go_where_the_person_said() {
    let t = TestApp::start(Options::default());
    with_engine(&t);
    t.invoke("set_key", json!({"provider": "presenton", "key": "sk-presenton-h0stile-5f6e7d8c", "verify": false, "sessionOnly": false})).unwrap();
    let home = tempfile::tempdir().unwrap();
    let notes = home.path().join("plan.pdf");
    std::fs::write(&notes, b"%PDF-1.4 plan").unwrap();
    let secret = home.path().join("id_rsa.pdf");
    std::fs::write(&secret, b"-----BEGIN PRIVATE KEY-----").unwrap();

    // Paths instead of tokens: refused before anything is journaled or sent.
    let hostile = json!({"provider": "presenton", "request": {"content": "x", "format": "pdf", "source_files": [secret]}});
    assert_eq!(t.invoke_err("validate_request", hostile.clone())["field"], "source_files");
    assert_eq!(t.invoke_err("submit_deck", hostile)["field"], "source_files");
    assert_eq!(t.invoke("list_jobs", json!({})).unwrap()["total"], 0);

    // A picked file goes by its token; an out_dir from the page is ignored.
    t.person.will_pick_file(&notes);
    let token = t.invoke("pick_source_file", json!({})).unwrap()["token"].clone();
    let evil_dir = home.path().join("autostart");
    let job = t
        .invoke("submit_deck", json!({"provider": "presenton", "request": {"content": "x", "format": "pdf", "source_files": [token]}, "outDir": evil_dir}))
        .unwrap();
    assert_eq!(job["request"]["source_files"], json!([notes]));
    let documents_decks = t.data_dir.path().join("Documents").join("Deckhand");
    assert_eq!(job["out_dir"], json!(documents_decks), "the default folder, not the page's");

    // The save folder: not from save_settings, only from the folder picker (or the default).
    let mut hostile = settings_of(&t);
    hostile["save_folder"] = json!(evil_dir);
    assert_eq!(t.invoke("save_settings", json!({"settings": hostile})).unwrap()["save_folder"], Value::Null);
    assert_eq!(t.invoke("pick_out_dir", json!({})).unwrap(), Value::Null, "the picker was closed: nothing changes");
    let chosen = home.path().join("Talks");
    std::fs::create_dir(&chosen).unwrap();
    t.person.will_pick_folder(&chosen);
    assert_eq!(t.invoke("pick_out_dir", json!({})).unwrap()["save_folder"], json!(chosen));
    let job = t.invoke("submit_deck", json!({"provider": "presenton", "request": {"content": "y", "format": "pdf"}})).unwrap();
    assert_eq!(job["out_dir"], json!(chosen));
    let mut back = settings_of(&t);
    back["save_folder"] = Value::Null;
    assert_eq!(t.invoke("save_settings", json!({"settings": back})).unwrap()["save_folder"], Value::Null, "the page may go back to the default");
    assert!(!evil_dir.exists());
}

#[test]
fn files_dropped_onto_the_window_get_tokens_and_folders_do_not() {
    let t = TestApp::start(Options::default());
    let dropped: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = dropped.clone();
    t.app.listen_any(FILES_EVENT, move |e| sink.lock().unwrap().push(serde_json::from_str(e.payload()).unwrap()));
    let home = tempfile::tempdir().unwrap();
    let notes = home.path().join("week.txt");
    std::fs::write(&notes, "Four-day weeks work.").unwrap();

    // What Tauri's drag-drop window event hands to the app.
    deckhand_app::chosen_files::dropped(t.app.handle(), &[notes.clone(), home.path().to_path_buf()]);
    let events = dropped.lock().unwrap().clone();
    assert_eq!(events.len(), 1);
    let files = events[0]["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "the folder is not a notes file: {files:?}");
    assert_eq!(files[0]["name"], "week.txt");
    let text = t.invoke("read_source_file", json!({"token": files[0]["token"]})).unwrap();
    assert_eq!(text["text"], "Four-day weeks work.");
}
