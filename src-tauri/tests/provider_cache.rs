//! Providers (each with its HTTP client and its caches of themes and templates) are built once
//! per service and endpoint and reused by every command and job, and built again after keys or
//! settings change. Counted through the factory the app is given.

mod support;

use std::time::Duration;

use deckhand_engine::connection::Credentials;
use deckhand_engine::providers::ProviderKind;
use deckhand_engine::Secret;
use serde_json::json;
use support::fake_provider::Answer;
use support::test_app::{Options, TestApp};
use tauri::Manager;

const KEY: &str = "sk-presenton-cache-1a2b3c4d";
const OTHER_KEY: &str = "sk-presenton-cache-9z8y7x6w";

fn app() -> TestApp {
    let t = TestApp::start(Options::default());
    t.services.answer(ProviderKind::Presenton, Answer::AcceptOnly(Credentials::ApiKey(Secret::new(KEY))));
    t.invoke("set_key", json!({"provider": "presenton", "key": KEY, "verify": false, "sessionOnly": false})).unwrap();
    t
}

fn use_presenton(t: &TestApp) {
    t.invoke("test_connection", json!({"provider": "presenton"})).unwrap();
    t.invoke("validate_request", json!({"provider": "presenton", "request": {"content": "x", "format": "pdf"}})).unwrap();
}

#[test]
fn commands_and_jobs_share_one_provider_per_endpoint() {
    let t = app();
    t.app.manage(deckhand_app::jobs::start(t.app.handle(), Duration::from_secs(5)));
    for _ in 0..3 {
        use_presenton(&t);
    }
    for topic in ["bees", "wind"] {
        t.invoke("submit_deck", json!({"provider": "presenton", "request": {"content": topic, "format": "pdf"}})).unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while t.invoke("list_jobs", json!({})).unwrap()["jobs"].as_array().unwrap().iter().any(|j| j["state"] != "failed") {
        assert!(std::time::Instant::now() < deadline, "the jobs did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(t.services.built_count(), 1, "built once for six calls and two decks");
}

#[test]
fn a_change_of_key_or_settings_builds_afresh() {
    let t = app();
    use_presenton(&t);
    assert_eq!(t.services.built_count(), 1);

    // Settings saved: the next call builds again (and only once).
    let settings = t.invoke("get_settings", json!({})).unwrap()["settings"].clone();
    t.invoke("save_settings", json!({"settings": settings})).unwrap();
    use_presenton(&t);
    use_presenton(&t);
    assert_eq!(t.services.built_count(), 2);

    // A new key: built with it, not with the old one.
    t.services.answer(ProviderKind::Presenton, Answer::AcceptOnly(Credentials::ApiKey(Secret::new(OTHER_KEY))));
    t.invoke("set_key", json!({"provider": "presenton", "key": OTHER_KEY, "verify": false, "sessionOnly": false})).unwrap();
    use_presenton(&t);
    assert_eq!(t.services.built_count(), 3);
    assert_eq!(t.services.last_built().unwrap().credentials, Credentials::ApiKey(Secret::new(OTHER_KEY)));

    // The key removed: nothing is built and nothing is sent with the old key.
    t.invoke("remove_key", json!({"provider": "presenton"})).unwrap();
    assert_eq!(t.invoke_err("test_connection", json!({"provider": "presenton"}))["kind"], "auth");
    assert_eq!(t.services.built_count(), 3);

    // A server confirmed in the dialog is a settings change too.
    t.invoke("set_key", json!({"provider": "presenton", "key": OTHER_KEY, "verify": false, "sessionOnly": false})).unwrap();
    use_presenton(&t);
    t.person.will_answer(true);
    t.invoke("confirm_insecure_server", json!({"baseUrl": "http://10.0.0.9:5001"})).unwrap();
    use_presenton(&t);
    assert_eq!(t.services.built_count(), 5);
}
