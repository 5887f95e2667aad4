//! Help for a bug report and the About view: the diagnostic text (what it holds, what it
//! leaves out), the log folder command without a log, and the license list the About view
//! shows. The clipboard itself is checked against the installed app (tests/package/), so
//! these tests never touch the clipboard of the person running them.

mod support;

use std::sync::Arc;

use deckhand_app::diagnostics::{self, System, LOG_LINES};
use deckhand_app::logging::{LogFolder, FILE_STEM};
use deckhand_engine::redact::Redactor;
use deckhand_engine::secrets::MemorySecretStore;
use deckhand_engine::{Secret, SecretAccount, SecretStore};
use serde_json::json;
use support::test_app::{Options, TestApp};
use tauri::Manager;

const KEY: &str = "sk-gamma-D14Gcanary-5e6f7a8b9c0d";

fn system() -> System {
    System { app_version: "9.8.7".into(), identifier: "app.deckhand.desktop".into(), os: "Debian GNU/Linux 12 (linux, x86_64)".into(), webview: "2.50.6".into() }
}

#[test]
fn diagnostic_info_says_what_support_needs_and_nothing_secret() {
    let keychain = Arc::new(MemorySecretStore::default());
    let gamma = SecretAccount::GammaApiKey { origin: deckhand_engine::connection::GAMMA_BASE_URL.into() };
    keychain.set(&gamma, &Secret::new(KEY)).unwrap();
    let t = TestApp::start(Options { keychain: Ok(keychain), ..Options::default() });
    let mut settings = t.invoke("get_settings", json!({})).unwrap()["settings"].clone();
    settings["defaults"]["gamma"]["instructions"] = json!("Private notes about the merger with Initech");
    t.invoke("save_settings", json!({"settings": settings})).unwrap();
    let state = t.app.state::<deckhand_app::state::AppState>();

    // A log of 300 lines, the last holding a key that slipped in unredacted.
    let logs = tempfile::tempdir().unwrap();
    let mut lines: Vec<String> = (0..300).map(|i| format!("2026-12-02T10:00:00Z INFO  deckhand_engine::jobs: line {i:03}")).collect();
    lines.push(format!("2026-12-02T10:00:01Z WARN  reqwest: sent X-API-KEY: {KEY}"));
    std::fs::write(logs.path().join(format!("{FILE_STEM}.log")), lines.join("\n") + "\n").unwrap();
    let folder = LogFolder(logs.path().to_path_buf());

    let redactor = Redactor::new();
    let text = diagnostics::text(&system(), &state, Some(&folder), &redactor);

    assert!(text.starts_with("Deckhand 9.8.7 (app.deckhand.desktop)\n"), "{text}");
    assert!(text.contains("System: Debian GNU/Linux 12 (linux, x86_64)"));
    assert!(text.contains("WebKit/WebView: 2.50.6"));
    assert!(text.contains("Keys set: Gamma: yes, Presenton: no, "), "{text}");
    assert!(text.contains("\"default_provider\": \"gamma\""), "the settings are there: {text}");
    assert!(text.contains("\"instructions\": \"(left out)\"") && !text.contains("Initech"), "{text}");
    assert!(text.contains(&format!("Last {LOG_LINES} lines of the log")), "{text}");
    assert!(!text.contains("line 100") && text.contains("line 101") && text.contains("line 299"), "the last 200 lines: {text}");
    assert!(!text.contains("D14Gcanary") && text.contains("X-API-KEY: <redacted>"), "{text}");
}

#[test]
fn without_a_log_the_text_says_so_and_the_folder_cannot_be_opened() {
    let t = TestApp::start(Options::default());
    let state = t.app.state::<deckhand_app::state::AppState>();
    let text = diagnostics::text(&system(), &state, None, &Redactor::new());
    assert!(text.trim_end().ends_with("No log file in this run."), "{text}");

    let refused = t.invoke_err("open_log_folder", json!({}));
    assert_eq!(refused["kind"], "disk");
    assert_eq!(refused["message"], "Deckhand is not writing a log in this run.");
}

#[test]
fn the_about_view_gets_the_license_list_shipped_in_the_app() {
    let t = TestApp::start(Options::default());
    let list = t.invoke("third_party_licenses", json!({})).unwrap();
    let licenses = list["licenses"].as_array().expect("a list of licenses");
    assert!(licenses.len() > 5, "{} licenses", licenses.len());
    let all: Vec<&str> = licenses.iter().flat_map(|l| l["crates"].as_array().unwrap()).map(|c| c.as_str().unwrap()).collect();
    assert!(all.iter().any(|c| c.starts_with("tauri ")), "tauri is listed");
    assert!(licenses.iter().any(|l| l["id"] == "MIT") && licenses.iter().any(|l| l["id"] == "Apache-2.0"));
    assert!(list["generated_by"].as_str().is_some_and(|g| g.contains("cargo-about")));
}
