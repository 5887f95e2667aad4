//! Keys and passwords go to the keychain and to their own service, and nowhere else: after a
//! flow that saves keys, changes settings, tests connections and produces errors, everything
//! Deckhand wrote (every file in its data folder) and said (every command result, every error,
//! every event) is searched for them.

mod support;

use std::sync::Arc;

use deckhand_engine::connection::Credentials;
use deckhand_engine::providers::ProviderKind;
use deckhand_engine::secrets::MemorySecretStore;
use deckhand_engine::{Details, Error, Secret, SecretAccount, SecretStore};
use serde_json::json;
use support::fake_provider::Answer;
use support::leak_scan::LeakScan;
use support::test_app::{Options, TestApp};

const GAMMA_KEY: &str = "sk-gamma-LEAKcanary-7d1e0b2a";
const PRESENTON_KEY: &str = "sk-presenton-LEAKcanary-44f9c3";
const WRONG_KEY: &str = "sk-presenton-LEAKwrong-0a9b8c7d";
const SELF_PASSWORD: &str = "LEAK canary pässword \"q\"";
const SELF_BEARER: &str = "selfhosted-LEAKbearer-5e6f7a8b";

fn scan() -> LeakScan {
    LeakScan::new()
        .secret("Gamma key", GAMMA_KEY)
        .secret("Presenton key", PRESENTON_KEY)
        .secret("refused Presenton key", WRONG_KEY)
        .basic("self-hosted password", "admin", SELF_PASSWORD)
        .secret("self-hosted bearer key", SELF_BEARER)
}

#[test]
fn a_whole_key_and_settings_flow_leaves_no_credential_anywhere_but_the_keychain() {
    let keychain = Arc::new(MemorySecretStore::default());
    let t = TestApp::start(Options {
        keychain: Ok(keychain.clone()),
        // A pre-release settings file, migrated and rewritten by the app.
        settings_file: Some(br#"{"provider":"gamma","maxParallel":2,"theme":"dark"}"#.to_vec()),
        ..Options::default()
    });
    let s = &t.services;
    s.answer(ProviderKind::Gamma, Answer::AcceptOnly(Credentials::ApiKey(Secret::new(GAMMA_KEY))));
    s.answer(ProviderKind::Presenton, Answer::AcceptOnly(Credentials::ApiKey(Secret::new(PRESENTON_KEY))));

    // Keys: a good one, a refused one, a badly pasted one, then the right one.
    t.invoke("set_key", json!({"provider": "gamma", "key": format!(" {GAMMA_KEY} "), "verify": true, "sessionOnly": false})).unwrap();
    t.invoke("set_key", json!({"provider": "presenton", "key": WRONG_KEY, "verify": true, "sessionOnly": false})).unwrap_err();
    t.invoke("set_key", json!({"provider": "presenton", "key": format!("{PRESENTON_KEY} extra"), "verify": true, "sessionOnly": false})).unwrap_err();
    t.invoke("set_key", json!({"provider": "gamma", "key": PRESENTON_KEY, "verify": true, "sessionOnly": false})).unwrap_err();
    t.invoke("set_key", json!({"provider": "presenton", "key": PRESENTON_KEY, "verify": true, "sessionOnly": false})).unwrap();
    for p in ["gamma", "presenton", "presenton-self"] {
        t.invoke("key_status", json!({"provider": p})).unwrap();
        t.invoke("test_connection", json!({"provider": p})).ok();
    }

    // A self-hosted server with Basic sign-in that still needs setup, then one on the LAN.
    let mut settings = t.invoke("get_settings", json!({})).unwrap()["settings"].clone();
    settings["servers"]["presenton_self"] = json!({"base_url": "http://localhost:5001", "auth": "basic", "user": "admin"});
    t.invoke("save_settings", json!({"settings": settings.clone()})).unwrap();
    s.answer(
        ProviderKind::PresentonSelf,
        Answer::Fail(Error::SetupRequired {
            message: "Your Presenton server has no administrator yet. Finish its setup in the browser first.".into(),
            details: Details { provider_message: Some("Login setup is required".into()), request_id: None, status: Some(428) },
        }),
    );
    t.invoke("set_key", json!({"provider": "presenton-self", "key": SELF_PASSWORD, "verify": true, "sessionOnly": false})).unwrap_err();
    t.invoke("set_key", json!({"provider": "presenton-self", "key": SELF_PASSWORD, "verify": false, "sessionOnly": false})).unwrap();
    t.invoke("test_connection", json!({"provider": "presenton-self"})).unwrap_err();

    settings["servers"]["presenton_self"] = json!({"base_url": "http://10.9.8.7:5001", "auth": "bearer", "user": null});
    // Another computer: refused until the person says yes in the native dialog.
    t.invoke("save_settings", json!({"settings": settings.clone()})).unwrap_err();
    t.person.will_answer(true);
    assert_eq!(t.invoke("confirm_insecure_server", json!({"baseUrl": "http://10.9.8.7:5001"})).unwrap()["confirmed"], true);
    t.invoke("save_settings", json!({"settings": settings.clone()})).unwrap();
    s.answer(ProviderKind::PresentonSelf, Answer::Fail(Error::Network { message: "Your server could not be reached.".into(), details: Details::default() }));
    t.invoke("set_key", json!({"provider": "presenton-self", "key": SELF_BEARER, "verify": true, "sessionOnly": true})).unwrap_err();
    t.invoke("set_key", json!({"provider": "presenton-self", "key": SELF_BEARER, "verify": false, "sessionOnly": true})).unwrap();
    t.invoke("test_connection", json!({"provider": "presenton-self"})).unwrap_err();
    t.invoke("key_status", json!({"provider": "presenton-self"})).unwrap();

    // Settings saved, invalid settings refused, and a key removed.
    settings["concurrency"]["gamma"] = json!(0);
    t.invoke("save_settings", json!({"settings": settings.clone()})).unwrap_err();
    t.invoke("remove_key", json!({"provider": "gamma"})).unwrap();
    t.invoke("get_settings", json!({})).unwrap();

    // The flow really carried the credentials: the keychain and the providers had them.
    let origin = "http://localhost:5001".to_string();
    assert_eq!(keychain.get(&SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() }).unwrap().unwrap().expose(), PRESENTON_KEY);
    assert_eq!(keychain.get(&SecretAccount::PresentonSelfPassword { origin, user: "admin".into() }).unwrap().unwrap().expose(), SELF_PASSWORD);
    let built = s.built.lock().unwrap().clone();
    assert!(built.iter().any(|c| c.credentials == Credentials::Bearer(Secret::new(SELF_BEARER))));
    assert!(built.iter().any(|c| c.credentials == Credentials::Basic { user: "admin".into(), password: Secret::new(SELF_PASSWORD) }));
    assert!(t.said().len() >= 25, "the flow produced results to search");
    assert!(std::fs::read(t.data_dir.path().join("settings.json")).is_ok(), "the flow wrote files to search");

    let scan = scan();
    let mut findings = scan.scan_dir(t.data_dir.path());
    for (place, text) in t.said() {
        findings.extend(scan.scan_text(&place, &text));
    }
    // Debug output of everything the providers were built with is redacted too.
    findings.extend(scan.scan_text("Debug of connections", &format!("{built:?}")));
    scan.assert_clean(findings);
}

#[test]
fn the_scanner_finds_what_it_is_looking_for() {
    let scan = scan();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("jobs")).unwrap();
    std::fs::write(dir.path().join("jobs").join("journal.json"), format!("{{\"auth\":\"{}\"}}", &GAMMA_KEY[9..25])).unwrap();
    let found = scan.scan_dir(dir.path());
    assert_eq!(found.len(), 1, "a 16-character piece of a key in a nested file: {found:?}");
    assert!(found[0].place.ends_with("journal.json"));

    let header = format!("Authorization: Basic {}", base64_of(&format!("admin:{SELF_PASSWORD}")));
    assert!(scan.scan_text("log", &header).iter().any(|f| f.secret.contains("Basic header")));
    let json = serde_json::to_string(&json!({"pw": SELF_PASSWORD})).unwrap();
    assert!(!scan.scan_text("json", &json).is_empty(), "JSON-escaped password: {json}");
    assert!(scan.scan_text("ok", "Key set, ending in 44f9 (sk-presenton-…)").is_empty(), "last four and the public prefix are fine");
    let findings = scan.scan_text("event", &format!("{{\"message\":\"{PRESENTON_KEY}\"}}"));
    let masked = format!("{findings:?}");
    assert!(!masked.contains(PRESENTON_KEY), "the report masks the secret");
    assert!(std::panic::catch_unwind(|| scan.assert_clean(findings)).is_err());

    // A password written into a URL is percent-encoded there.
    let mut url = url::Url::parse("http://localhost:5001").unwrap();
    url.set_username("admin").unwrap();
    url.set_password(Some(SELF_PASSWORD)).unwrap();
    assert!(!scan.scan_text("url", url.as_str()).is_empty(), "percent-encoded password: {url}");
    // A truncated copy is found, and the report shows none of it.
    let cut = &PRESENTON_KEY[..PRESENTON_KEY.len() - 3];
    let findings = scan.scan_text("log", &format!("token={cut} end"));
    assert!(!findings.is_empty());
    let report = format!("{findings:?}");
    assert!(!report.contains(&cut["sk-presenton-".len()..]) && !report.contains(&cut[cut.len() - 6..]), "{report}");
}

fn base64_of(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}
