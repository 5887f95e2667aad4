//! The key commands against the real Secret Service, as the app uses it. Run inside
//! `scripts/private-session.sh` with `DECKHAND_REAL_KEYCHAIN=1`; elsewhere they say so and do
//! nothing, because touching a developer's own keychain is rude.

mod support;

use std::sync::Arc;

use deckhand_engine::{SecretAccount, SecretStore};
use deckhand_keychain::Keychain;
use serde_json::json;
use support::leak_scan::LeakScan;
use support::test_app::{Options, TestApp};

const KEY: &str = "sk-presenton-realKeychain-5a5b5c5d";

fn enabled() -> bool {
    std::env::var("DECKHAND_REAL_KEYCHAIN").as_deref() == Ok("1")
}

fn keychain() -> Arc<dyn SecretStore> {
    Arc::new(Keychain::open(&format!("app.deckhand.test.keys-{}", std::process::id())).unwrap())
}

#[test]
fn a_saved_key_is_in_the_keychain_after_a_restart_and_nowhere_on_disk() {
    if !enabled() {
        eprintln!("skipped: DECKHAND_REAL_KEYCHAIN is not 1");
        return;
    }
    let t = TestApp::start(Options { keychain: Ok(keychain()), ..Options::default() });
    let st = t.invoke("set_key", json!({"provider": "presenton", "key": KEY, "verify": false, "sessionOnly": false})).unwrap();
    assert_eq!(st, json!({"set": true, "last4": "5c5d", "sessionOnly": false}));

    // A new app (as after a restart) with a new keychain handle sees it.
    let again = TestApp::start(Options { keychain: Ok(keychain()), ..Options::default() });
    assert_eq!(again.invoke("key_status", json!({"provider": "presenton"})).unwrap(), st);
    assert_eq!(keychain().get(&SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() }).unwrap().unwrap().expose(), KEY);

    let scan = LeakScan::new().secret("Presenton key", KEY);
    let mut findings = scan.scan_dir(t.data_dir.path());
    for (place, text) in t.said().into_iter().chain(again.said()) {
        findings.extend(scan.scan_text(&place, &text));
    }
    scan.assert_clean(findings);

    again.invoke("remove_key", json!({"provider": "presenton"})).unwrap();
    assert!(keychain().get(&SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() }).unwrap().is_none());
}
