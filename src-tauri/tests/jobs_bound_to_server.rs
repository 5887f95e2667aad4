//! In the app, a deck stays with the server it was sent to: after the person points Settings at
//! another Presenton server (with its own key), "check again" and "download again" for a deck
//! made on the first server still go to the first server with the first server's key, and the
//! second server hears nothing. When the first server's key is gone, the deck waits for the
//! person instead of using the second server's. Real HTTP against two fake servers, production
//! providers and job engine (mock runtime).

mod support;

use std::sync::Arc;

use deckhand_engine::connection::EnvOverrides;
use deckhand_engine::secrets::MemorySecretStore;
use deckhand_tests::faults::{Fault, Route};
use deckhand_tests::presenton::{FakeAuth, FakePresenton, FakePresentonConfig, Generation};
use serde_json::json;
use support::session::Session;

const KEY_A: &str = "selfhosted-serverA-5a6b7c8d";
const KEY_B: &str = "selfhosted-serverB-1e2f3a4b";

#[test]
fn a_deck_keeps_its_server_and_that_servers_key_when_settings_change() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let start = |key: &str| {
        let cfg = FakePresentonConfig { auth: FakeAuth::Bearer(key.into()), ..FakePresentonConfig::self_hosted(Generation::Latest) };
        rt.block_on(FakePresenton::start(cfg)).unwrap()
    };
    let (a, b) = (start(KEY_A), start(KEY_B));
    let data = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let s = Session::start(data.path(), &home.path().join("Documents"), Arc::new(MemorySecretStore::default()), EnvOverrides::default());

    // Server A with its key; the deck's first status answer is a refusal, so it waits for
    // the person ("needs attention") while the deck is still being made on A.
    s.self_hosted_server(&a.base_url, "bearer", None);
    s.ok("set_key", json!({"provider": "presenton-self", "key": KEY_A, "verify": false, "sessionOnly": false}));
    a.faults().push(Route::Status, Fault::Status(401));
    let job = s.ok("submit_deck", json!({"provider": "presenton-self", "request": {"content": "Tides", "slides": 5, "format": "pptx"}}));
    let id = job["id"].as_str().unwrap().to_string();
    assert_eq!(job["origin"]["base_url"], a.base_url.as_str(), "the job records its server: {job}");
    assert_eq!(s.wait_for(&id, "needs_attention")["error"]["kind"], "auth");

    // The person switches to server B, with B's key.
    s.self_hosted_server(&b.base_url, "bearer", None);
    s.ok("set_key", json!({"provider": "presenton-self", "key": KEY_B, "verify": false, "sessionOnly": false}));

    // "Check again" and "download again" go to A, signed in with A's key.
    s.ok("check_again", json!({"id": id}));
    s.wait_for(&id, "done");
    s.ok("retry_download", json!({"id": id}));
    s.wait_for(&id, "done");
    assert!(b.requests().is_empty(), "server B heard nothing: {:?}", b.requests());
    assert_eq!(a.submits(), 1);
    let to_a = a.requests();
    assert!(to_a.iter().all(|r| r.authorization.as_deref() == Some(&format!("Bearer {KEY_A}") as &str)), "only A's key reached A");

    // A's key removed (while A is chosen again for a moment), then back to B: the deck does
    // not borrow B's key; it waits for the person, naming its server.
    s.self_hosted_server(&a.base_url, "bearer", None);
    s.ok("remove_key", json!({"provider": "presenton-self"}));
    s.self_hosted_server(&b.base_url, "bearer", None);
    let asked_of_a = a.requests().len();
    s.ok("retry_download", json!({"id": id}));
    let waiting = s.wait_for(&id, "needs_attention");
    assert_eq!(waiting["error"]["kind"], "auth", "{waiting}");
    let origin = a.base_url.origin().ascii_serialization();
    assert!(waiting["error"]["message"].as_str().unwrap().contains(&origin), "{waiting}");
    assert!(b.requests().is_empty() && a.requests().len() == asked_of_a, "nothing was sent anywhere");
    drop(rt);
}
