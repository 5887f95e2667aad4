//! The key and settings commands through Tauri's IPC (mock runtime), with a fake keychain and
//! fake providers: what the page sends, what it gets back, what is kept.

mod support;

use std::sync::Arc;

use deckhand_engine::connection::{Credentials, EnvOverrides};
use deckhand_engine::providers::ProviderKind;
use deckhand_engine::secrets::MemorySecretStore;
use deckhand_engine::{Details, Error, Secret, SecretAccount, SecretStore};
use serde_json::{json, Value};
use support::fake_provider::Answer;
use support::test_app::{Options, TestApp};

const GAMMA_KEY: &str = "sk-gamma-Zq81nB7cYt4e";

/// The accounts of the hosted services' keys for their own APIs.
fn gamma_account() -> SecretAccount {
    SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() }
}

fn presenton_account() -> SecretAccount {
    SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() }
}
const PRESENTON_KEY: &str = "sk-presenton-9f3Kd0aLm2Qx";

fn app_with_keychain() -> (TestApp, Arc<MemorySecretStore>) {
    let kc = Arc::new(MemorySecretStore::default());
    (TestApp::start(Options { keychain: Ok(kc.clone()), ..Options::default() }), kc)
}

fn kind(err: &Value) -> &str {
    err["kind"].as_str().unwrap_or_else(|| panic!("not an engine error: {err}"))
}

struct Locked;
impl SecretStore for Locked {
    fn get(&self, _: &SecretAccount) -> Result<Option<Secret>, Error> {
        Err(Error::keychain("The system keychain is locked or refused access. Unlock it (or sign in again) and try once more."))
    }
    fn set(&self, a: &SecretAccount, _: &Secret) -> Result<(), Error> {
        self.get(a).map(|_| ())
    }
    fn delete(&self, a: &SecretAccount) -> Result<(), Error> {
        self.get(a).map(|_| ())
    }
}

#[test]
fn a_verified_key_is_saved_trimmed_and_only_its_last_four_come_back() {
    let (t, kc) = app_with_keychain();
    t.services.answer(ProviderKind::Gamma, Answer::AcceptOnly(Credentials::ApiKey(Secret::new(GAMMA_KEY))));
    assert_eq!(t.invoke("key_status", json!({"provider": "gamma"})).unwrap(), json!({"set": false, "last4": null, "sessionOnly": false}));

    let st = t.invoke("set_key", json!({"provider": "gamma", "key": format!("  {GAMMA_KEY}\n"), "verify": true, "sessionOnly": false})).unwrap();
    assert_eq!(st, json!({"set": true, "last4": "Yt4e", "sessionOnly": false}));
    assert_eq!(kc.get(&gamma_account()).unwrap().unwrap().expose(), GAMMA_KEY, "trimmed, in the keychain");
    let built = t.services.last_built().unwrap();
    assert_eq!(built.base.as_str(), "https://public-api.gamma.app/");
    assert_eq!(t.invoke("key_status", json!({"provider": "gamma"})).unwrap(), st);

    let report = t.invoke("test_connection", json!({"provider": "gamma"})).unwrap();
    assert_eq!(report["account"], "ana@example.com");
    assert_eq!(report["credits_remaining"], 120.0);

    assert_eq!(t.invoke("remove_key", json!({"provider": "gamma"})).unwrap(), json!({"set": false, "last4": null, "sessionOnly": false}));
    assert!(kc.get(&gamma_account()).unwrap().is_none());
    let err = t.invoke_err("test_connection", json!({"provider": "gamma"}));
    assert_eq!(kind(&err), "auth");
}

#[test]
fn a_key_the_service_refuses_is_never_saved() {
    let (t, kc) = app_with_keychain();
    t.services.answer(ProviderKind::Presenton, Answer::AcceptOnly(Credentials::ApiKey(Secret::new(PRESENTON_KEY))));
    let err = t.invoke_err("set_key", json!({"provider": "presenton", "key": "sk-presenton-WRONGwrong123", "verify": true, "sessionOnly": false}));
    assert_eq!(kind(&err), "auth");
    assert_eq!(err["details"]["status"], 401);
    assert!(kc.get(&presenton_account()).unwrap().is_none());
    assert_eq!(t.invoke("key_status", json!({"provider": "presenton"})).unwrap()["set"], false);
}

#[test]
fn badly_formed_keys_are_refused_before_anything_is_sent() {
    let (t, _) = app_with_keychain();
    for (provider, key) in [("gamma", ""), ("gamma", "sk-gamma-abc def-123"), ("presenton", "sk-gamma-abcdef12345"), ("gamma", PRESENTON_KEY)] {
        let err = t.invoke_err("set_key", json!({"provider": provider, "key": key, "verify": true, "sessionOnly": false}));
        assert_eq!(kind(&err), "invalid_input", "{provider}");
        assert_eq!(err["field"], "key");
    }
    let err = t.invoke_err("set_key", json!({"provider": "keynote", "key": GAMMA_KEY, "verify": false, "sessionOnly": false}));
    assert_eq!((kind(&err), err["field"].as_str()), ("invalid_input", Some("provider")));
    assert_eq!(t.services.built_count(), 0, "no provider was even built");
}

#[test]
fn without_verify_the_key_is_saved_without_a_call() {
    let (t, kc) = app_with_keychain();
    t.invoke("set_key", json!({"provider": "presenton", "key": PRESENTON_KEY, "verify": false, "sessionOnly": false})).unwrap();
    assert_eq!(t.services.built_count(), 0);
    assert!(kc.get(&presenton_account()).unwrap().is_some());
}

#[test]
fn a_locked_keychain_says_so_and_a_session_only_key_still_works() {
    let t = TestApp::start(Options { keychain: Ok(Arc::new(Locked)), ..Options::default() });
    t.services.answer(ProviderKind::Gamma, Answer::AcceptOnly(Credentials::ApiKey(Secret::new(GAMMA_KEY))));
    let err = t.invoke_err("set_key", json!({"provider": "gamma", "key": GAMMA_KEY, "verify": true, "sessionOnly": false}));
    assert_eq!(kind(&err), "keychain");
    assert!(err["message"].as_str().unwrap().contains("Unlock"), "{err}");
    assert_eq!(kind(&t.invoke_err("key_status", json!({"provider": "gamma"}))), "keychain");

    let st = t.invoke("set_key", json!({"provider": "gamma", "key": GAMMA_KEY, "verify": true, "sessionOnly": true})).unwrap();
    assert_eq!(st, json!({"set": true, "last4": "Yt4e", "sessionOnly": true}));
    assert_eq!(t.invoke("key_status", json!({"provider": "gamma"})).unwrap(), st);
    t.invoke("test_connection", json!({"provider": "gamma"})).unwrap();
    // Nothing was written to disk in its place.
    let on_disk: Vec<_> = support::leak_scan::files_under(t.data_dir.path());
    assert!(on_disk.is_empty(), "{on_disk:?}");
}

#[test]
fn the_app_starts_and_settings_work_when_the_keychain_cannot_be_opened() {
    let t = TestApp::start(Options { keychain: Err(Error::keychain("This build of Deckhand has no system keychain support.")), ..Options::default() });
    assert_eq!(t.invoke("get_settings", json!({})).unwrap()["notice"], Value::Null);
    assert_eq!(kind(&t.invoke_err("key_status", json!({"provider": "presenton"}))), "keychain");
    let st = t.invoke("set_key", json!({"provider": "presenton", "key": PRESENTON_KEY, "verify": false, "sessionOnly": true})).unwrap();
    assert_eq!(st["sessionOnly"], true);
    assert_eq!(t.invoke("remove_key", json!({"provider": "presenton"})).unwrap()["set"], false);
}

#[test]
fn self_hosted_keys_follow_the_servers_sign_in() {
    let (t, kc) = app_with_keychain();
    let err = t.invoke_err("set_key", json!({"provider": "presenton-self", "key": "whatever123", "verify": false, "sessionOnly": false}));
    assert_eq!((kind(&err), err["field"].as_str()), ("invalid_input", Some("servers.presenton_self.auth")));
    assert_eq!(t.invoke("key_status", json!({"provider": "presenton-self"})).unwrap()["set"], false);

    let mut s = t.invoke("get_settings", json!({})).unwrap()["settings"].clone();
    s["servers"]["presenton_self"] = json!({"base_url": "http://127.0.0.1:5001", "auth": "basic", "user": "admin"});
    t.invoke("save_settings", json!({"settings": s})).unwrap();
    t.services.answer(
        ProviderKind::PresentonSelf,
        Answer::AcceptOnly(Credentials::Basic { user: "admin".into(), password: Secret::new("open sesame 42") }),
    );
    let st = t.invoke("set_key", json!({"provider": "presenton-self", "key": "open sesame 42\n", "verify": true, "sessionOnly": false})).unwrap();
    assert_eq!(st, json!({"set": true, "last4": null, "sessionOnly": false}), "no characters of a password are shown");
    let account = SecretAccount::PresentonSelfPassword { origin: "http://127.0.0.1:5001".into(), user: "admin".into() };
    assert_eq!(kc.get(&account).unwrap().unwrap().expose(), "open sesame 42");
    t.invoke("test_connection", json!({"provider": "presenton-self"})).unwrap();

    // Another server is another account: its key status starts empty.
    s["servers"]["presenton_self"] = json!({"base_url": "http://127.0.0.1:5002", "auth": "bearer", "user": null});
    t.invoke("save_settings", json!({"settings": s})).unwrap();
    assert_eq!(t.invoke("key_status", json!({"provider": "presenton-self"})).unwrap()["set"], false);
}

#[test]
fn each_connection_failure_keeps_its_own_kind() {
    let (t, _) = app_with_keychain();
    t.invoke("set_key", json!({"provider": "gamma", "key": GAMMA_KEY, "verify": false, "sessionOnly": false})).unwrap();
    let failures = [
        Error::Network { message: "Gamma could not be reached.".into(), details: Details::default() },
        Error::Auth { message: "Your Gamma plan does not include the API.".into(), details: Details { status: Some(403), ..Default::default() } },
        Error::SetupRequired { message: "Finish setting up your server.".into(), details: Details { status: Some(428), ..Default::default() } },
        Error::RateLimited { message: "Busy.".into(), retry_after_secs: Some(30), details: Details::default() },
        Error::Timeout { message: "Too slow.".into(), phase: None, details: Details::default() },
    ];
    for e in failures {
        t.services.answer(ProviderKind::Gamma, Answer::Fail(e.clone()));
        let got = t.invoke_err("test_connection", json!({"provider": "gamma"}));
        assert_eq!(got, serde_json::to_value(&e).unwrap(), "passed to the page as the provider said it");
    }
}

#[test]
fn plain_http_elsewhere_is_refused_until_the_person_confirms_it_in_a_native_dialog() {
    // A server set up in an earlier version (before servers were confirmed natively) is kept
    // as the person's own, but plain http to it still needs their yes.
    let earlier = br#"{"schema_version":1,"servers":{"presenton_self":{"enabled":true,"base_url":"http://192.168.7.20:5001","auth":"none"}}}"#;
    let t = TestApp::start(Options { settings_file: Some(earlier.to_vec()), ..Options::default() });
    let err = t.invoke_err("test_connection", json!({"provider": "presenton-self"}));
    assert_eq!(kind(&err), "insecure_connection");
    assert_eq!(t.services.built_count(), 0, "nothing was sent");

    // The person says no: nothing is remembered.
    t.person.will_answer(false);
    let answer = t.invoke("confirm_insecure_server", json!({"baseUrl": "http://192.168.7.20:5001/"})).unwrap();
    assert_eq!(answer["confirmed"], false);
    assert_eq!(answer["settings"]["servers"]["insecure_confirmed"], json!([]));
    assert_eq!(kind(&t.invoke_err("test_connection", json!({"provider": "presenton-self"}))), "insecure_connection");

    // Then yes, in the dialog that names the server.
    t.person.will_answer(true);
    let answer = t.invoke("confirm_insecure_server", json!({"baseUrl": "http://192.168.7.20:5001/"})).unwrap();
    assert_eq!(answer["confirmed"], true);
    assert_eq!(answer["settings"]["servers"]["insecure_confirmed"], json!(["http://192.168.7.20:5001"]));
    let asked = t.person.questions();
    assert_eq!(asked.len(), 2);
    assert!(asked[1].message.starts_with("http://192.168.7.20:5001 uses plain http"), "{:?}", asked[1]);
    assert_eq!((asked[1].yes.as_str(), asked[1].no.as_str()), ("Use plain http", "Go back"));
    t.services.answer(ProviderKind::PresentonSelf, Answer::AcceptOnly(Credentials::None));
    t.invoke("test_connection", json!({"provider": "presenton-self"})).unwrap();

    // Remembered: a restart reads it back from the file. Loopback and https need no question.
    let file: Value = serde_json::from_slice(&std::fs::read(t.data_dir.path().join("settings.json")).unwrap()).unwrap();
    assert_eq!(file["servers"]["insecure_confirmed"], json!(["http://192.168.7.20:5001"]));
    for needs_none in ["http://127.0.0.1:5001", "http://localhost:8080", "http://192.168.7.20:5001/other/path"] {
        assert_eq!(t.invoke("confirm_insecure_server", json!({"baseUrl": needs_none})).unwrap()["confirmed"], true, "{needs_none}");
    }
    assert_eq!(t.person.questions().len(), 2, "no further question");
    // Another computer over https: not a question of encryption, but whether it is theirs.
    t.person.will_answer(true);
    let answer = t.invoke("confirm_insecure_server", json!({"baseUrl": "https://slides.example/api"})).unwrap();
    assert_eq!(answer["confirmed"], true);
    assert_eq!(answer["settings"]["servers"]["confirmed_servers"], json!(["http://192.168.7.20:5001", "https://slides.example"]));
    assert_eq!(answer["settings"]["servers"]["insecure_confirmed"], json!(["http://192.168.7.20:5001"]), "https needs no plain-http yes");
    let asked = t.person.questions();
    assert_eq!((asked.len(), asked[2].yes.as_str()), (3, "Use this server"));
    assert!(asked[2].message.contains("https://slides.example to make your decks"), "{:?}", asked[2]);
    assert_eq!(t.invoke("confirm_insecure_server", json!({"baseUrl": "https://slides.example"})).unwrap()["confirmed"], true);
    assert_eq!(t.person.questions().len(), 3, "asked once per server");
}

#[test]
fn environment_overrides_point_the_hosted_services_elsewhere() {
    let env = EnvOverrides { gamma_base_url: Some("http://127.0.0.1:45111".into()), presenton_base_url: None };
    let t = TestApp::start(Options { env, ..Options::default() });
    t.invoke("set_key", json!({"provider": "gamma", "key": GAMMA_KEY, "verify": true, "sessionOnly": false})).unwrap_err();
    assert_eq!(t.services.last_built().unwrap().base.as_str(), "http://127.0.0.1:45111/");
}

#[test]
fn settings_roundtrip_validate_and_survive_a_corrupt_file() {
    let t = TestApp::start(Options { settings_file: Some(b"{\"schema_version\":1,\"appearance\":\"da".to_vec()), ..Options::default() });
    let got = t.invoke("get_settings", json!({})).unwrap();
    let notice = got["notice"].as_str().expect("a notice for the reset file");
    assert!(notice.contains("settings.json.bak-"), "{notice}");
    assert_eq!(got["settings"]["schema_version"], 1);
    assert_eq!(got["settings"]["concurrency"], json!({"gamma": 2, "presenton": 2, "presenton-self": 1}));

    let mut s = got["settings"].clone();
    s["concurrency"]["gamma"] = json!(12);
    let err = t.invoke_err("save_settings", json!({"settings": s}));
    assert_eq!((kind(&err), err["field"].as_str()), ("invalid_input", Some("concurrency.gamma")));

    s["concurrency"]["gamma"] = json!(4);
    s["appearance"] = json!("dark");
    s["save_folder"] = json!("/tmp/decks");
    let saved = t.invoke("save_settings", json!({"settings": s})).unwrap();
    assert_eq!(saved["appearance"], "dark");
    let again = t.invoke("get_settings", json!({})).unwrap();
    assert_eq!(again["settings"], saved);
    assert_eq!(again["notice"], Value::Null, "the notice goes once the person saved settings");
}

#[test]
fn the_page_calls_these_commands_by_their_rust_names() {
    // ui/js/ipc.js mirrors the command names once; a rename on either side fails here.
    let ipc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/js/ipc.js")).unwrap();
    for name in ["key_status", "set_key", "remove_key", "test_connection", "get_settings", "save_settings", "confirm_insecure_server"] {
        assert!(ipc.contains(&format!("\"{name}\"")), "ui/js/ipc.js does not name {name}");
    }
    assert!(ipc.contains("{set: boolean, last4: string|null, sessionOnly: boolean}"), "KeyStatus shape differs from ui/js/ipc.js");
}
