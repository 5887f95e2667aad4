//! The app's commands through Tauri's real IPC path (mock runtime, no window system), built by
//! `deckhand_app::build` with the real tauri.conf.json and capabilities, each call arriving as
//! the page's `invoke` would, from `tauri://localhost`. Key and settings commands have their own
//! files (keys_commands.rs, security_capabilities.rs); this one covers app_info and checks that
//! the command names of ui/js/ipc.js and the app's handlers agree.

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use deckhand_app::state::AppState;
use deckhand_engine::connection::EnvOverrides;
use deckhand_engine::secrets::MemorySecretStore;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

struct TestApp {
    app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _data: tempfile::TempDir,
}

/// The real context; an in-memory keychain, production providers that are never called (no
/// test here sends a request to a service), and a person who closes every picker.
fn start() -> TestApp {
    let data = tempfile::tempdir().expect("temp dir");
    let state = AppState::new(
        data.path(),
        data.path(),
        Ok(Arc::new(MemorySecretStore::default())),
        deckhand_app::providers::production_factory(),
        EnvOverrides::default(),
    );
    let app = deckhand_app::build(mock_builder())
        .manage(state)
        .manage(support::person::ScriptedPerson::new().dialogs())
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime");
    // The mock runtime does not open the configured window; make "main", which the
    // capabilities name.
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main window"),
    };
    TestApp { app, window, _data: data }
}

/// Invoke `cmd` with JSON `args` as the page would; Ok(result) or Err(rejection).
fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        // The Linux/macOS origin of the bundled page; the Windows form is not local here.
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(window, request).map(|body| body.deserialize::<Value>().expect("JSON result"))
}

fn src_tauri() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The string values of `export const COMMANDS = { key: "value", … }` in ui/js/ipc.js.
fn ui_command_names() -> BTreeSet<String> {
    let js = std::fs::read_to_string(src_tauri().join("../ui/js/ipc.js")).expect("ui/js/ipc.js");
    let start = js.find("export const COMMANDS = {").expect("COMMANDS in ipc.js");
    let body = &js[start..];
    let body = &body[..body.find("};").expect("end of COMMANDS")];
    body.lines()
        .filter_map(|l| {
            let (_, value) = l.split_once(':')?;
            Some(value.trim().trim_end_matches(',').trim_matches('"').to_string())
        })
        .filter(|v| !v.is_empty() && !v.contains(' '))
        .collect()
}

/// The last path segment of every entry in `generate_handler![…]` in src/lib.rs.
fn registered_command_names() -> BTreeSet<String> {
    let rs = std::fs::read_to_string(src_tauri().join("src/lib.rs")).expect("src/lib.rs");
    let start = rs.find("generate_handler![").expect("generate_handler! in lib.rs") + "generate_handler![".len();
    let body = &rs[start..];
    let body = &body[..body.find(']').expect("end of generate_handler!")];
    body.split(',')
        .map(|p| p.trim().rsplit("::").next().unwrap_or("").to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

#[test]
fn app_info_names_the_app_its_version_and_the_three_services() {
    let t = start();
    let info = invoke(&t.window, "app_info", json!({})).expect("app_info");
    assert_eq!(info["name"], "Deckhand");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    let conf_version = t.app.config().version.clone().expect("tauri.conf.json has a version");
    assert_eq!(info["version"], conf_version, "tauri.conf.json and Cargo.toml versions disagree");
    let providers = info["providers"].as_array().expect("providers");
    let ids: Vec<&str> = providers.iter().map(|p| p["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["gamma", "presenton", "presenton-self"]);
    let names: Vec<&str> = providers.iter().map(|p| p["name"].as_str().expect("name")).collect();
    assert!(names.iter().all(|n| !n.trim().is_empty()), "every service has a display name: {names:?}");
}

#[test]
fn every_command_the_app_handles_is_named_in_ui_ipc_js() {
    let ui = ui_command_names();
    let app = registered_command_names();
    assert!(app.contains("app_info") && ui.contains("app_info"), "parsers found: app {app:?}, ui {ui:?}");
    let missing: Vec<&String> = app.difference(&ui).collect();
    assert!(missing.is_empty(), "commands the app has but ui/js/ipc.js does not name: {missing:?}");
}

#[test]
fn each_registered_name_reaches_its_handler_through_ipc() {
    // A name the handler does not know is rejected with "… not found"; any other answer (a
    // result, or an argument error from the command itself) proves the name is wired. The
    // window is "main", which the capability grants every command.
    let t = start();
    for name in registered_command_names() {
        let (tx, rx) = std::sync::mpsc::channel();
        let window = t.window.clone();
        let cmd = name.clone();
        std::thread::spawn(move || {
            let _ = tx.send(invoke(&window, &cmd, json!({})));
        });
        match rx.recv_timeout(std::time::Duration::from_secs(5)) {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => assert!(!e.to_string().contains("not found") && !e.to_string().contains("not allowed"), "{name}: {e}"),
            Err(_) => panic!("{name} did not answer within 5 s"),
        }
    }
}

#[test]
fn an_unknown_command_is_rejected_by_name() {
    let t = start();
    let err = invoke(&t.window, "no_such_command", json!({})).expect_err("unknown command");
    assert!(err.to_string().contains("no_such_command"), "{err}");
    assert!(err.to_string().contains("not found"), "{err}");
}
