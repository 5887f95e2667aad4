//! The page gets exactly what capabilities/default.json grants, checked at runtime through
//! Tauri's own permission check with the app's real context (config, app manifest, capability
//! files): Deckhand's commands work from the main window; plugin commands it was not granted
//! (the settings store, every dialog, files, shell, window control, emitting events) are
//! refused; remote pages reach nothing; a window the capability does not name gets none of
//! Deckhand's commands and no plugin command.

mod support;

use std::sync::Arc;

use deckhand_app::state::AppState;
use deckhand_engine::connection::EnvOverrides;
use deckhand_engine::secrets::MemorySecretStore;
use serde_json::{json, Value};
use support::fake_provider::FakeServices;
use tauri::test::{mock_builder, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

fn app() -> (App<MockRuntime>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let services = Arc::new(FakeServices::default());
    let state = AppState::new(dir.path(), dir.path(), Ok(Arc::new(MemorySecretStore::default())), services.factory(), EnvOverrides::default());
    let app = deckhand_app::build(mock_builder())
        .manage(state)
        .manage(support::person::ScriptedPerson::new().dialogs())
        .build(tauri::generate_context!())
        .unwrap();
    (app, dir)
}

fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    app.get_webview_window(label).unwrap_or_else(|| tauri::WebviewWindowBuilder::new(app, label, Default::default()).build().unwrap())
}

fn invoke_from(w: &WebviewWindow<MockRuntime>, url: &str, cmd: &str, args: Value) -> Result<Value, String> {
    let req = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        url: url.parse().unwrap(),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: tauri::test::INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(w, req).map(|b| b.deserialize::<Value>().unwrap()).map_err(|e| e.to_string())
}

fn invoke(w: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, String> {
    invoke_from(w, "tauri://localhost", cmd, args)
}

fn assert_refused(result: Result<Value, String>, cmd: &str) {
    match result {
        Err(e) => assert!(e.contains("not allowed"), "{cmd} failed, but not by the permission check: {e}"),
        Ok(v) => panic!("{cmd} was allowed: {v}"),
    }
}

#[test]
fn deckhands_own_commands_work_from_the_app_page() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    assert_eq!(invoke(&main, "app_info", json!({})).unwrap()["name"], "Deckhand");
    assert_eq!(invoke(&main, "get_settings", json!({})).unwrap()["settings"]["schema_version"], 1);
    assert_eq!(invoke(&main, "key_status", json!({"provider": "gamma"})).unwrap()["set"], false);
}

#[test]
fn plugin_commands_that_were_not_granted_are_refused() {
    let (app, dir) = app();
    let main = window(&app, "main");
    let not_granted = [
        // Settings only through Deckhand's validating commands, never raw store writes.
        ("plugin:store|load", json!({"path": "settings.json"})),
        ("plugin:store|set", json!({"rid": 1, "key": "servers", "value": {}})),
        ("plugin:store|get", json!({"rid": 1, "key": "servers"})),
        ("plugin:store|save", json!({"rid": 1})),
        // No dialog at all: Rust opens the pickers and asks the questions.
        ("plugin:dialog|open", json!({"options": {"directory": true}})),
        ("plugin:dialog|save", json!({"options": {}})),
        ("plugin:dialog|message", json!({"message": "hi"})),
        ("plugin:dialog|ask", json!({"message": "hi"})),
        // No disk, shell, network or opener from the page (these plugins are not even installed).
        ("plugin:fs|read_file", json!({"path": "/etc/passwd"})),
        ("plugin:fs|write_file", json!({"path": "/tmp/x"})),
        ("plugin:shell|open", json!({"path": "https://example.com"})),
        ("plugin:http|fetch", json!({"clientConfig": {"url": "https://example.com"}})),
        ("plugin:opener|open_url", json!({"url": "https://example.com"})),
        // The clipboard only through "Copy diagnostic info"; the page reads nothing from it. The
        // log, window-state and single-instance plugins have no commands the page could reach.
        ("plugin:clipboard-manager|read_text", json!({})),
        ("plugin:clipboard-manager|write_text", json!({"text": "x"})),
        ("plugin:log|log", json!({"level": 3, "message": "from the page"})),
        ("plugin:window-state|save_window_state", json!({"flags": 1})),
        // core:default is not granted: no window, webview, path, app or emit APIs.
        ("plugin:window|close", json!({"label": "main"})),
        ("plugin:webview|print", json!({"label": "main"})),
        ("plugin:path|resolve_directory", json!({"directory": 1})),
        ("plugin:app|version", json!({})),
        ("plugin:event|emit", json!({"event": "deckhand://event", "payload": {}})),
    ];
    for (cmd, args) in not_granted {
        assert_refused(invoke(&main, cmd, args), cmd);
    }
    assert!(support::leak_scan::files_under(dir.path()).is_empty(), "nothing was written by a refused call");
}

#[test]
fn the_granted_event_listener_passes_the_permission_check() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    let r = invoke(&main, "plugin:event|listen", json!({"event": "deckhand://event", "target": {"kind": "Any"}, "handler": 3}));
    assert!(r.as_ref().map_or_else(|e| !e.contains("not allowed"), |_| true), "listen was refused: {r:?}");
}

#[test]
fn remote_pages_and_other_windows_get_nothing() {
    let (app, _dir) = app();
    let main = window(&app, "main");
    for cmd in ["get_settings", "key_status", "app_info"] {
        assert_refused(invoke_from(&main, "https://evil.example/", cmd, json!({"provider": "gamma"})), cmd);
    }
    let other = window(&app, "other");
    assert_refused(invoke(&other, "plugin:event|listen", json!({"event": "deckhand://event", "target": {"kind": "Any"}, "handler": 3})), "listen from another window");
    assert_refused(invoke(&other, "plugin:dialog|open", json!({"options": {}})), "open dialog from another window");
}

#[test]
fn a_window_without_the_grant_gets_none_of_deckhands_commands() {
    let (app, dir) = app();
    let main = window(&app, "main");
    let other = window(&app, "other");
    for cmd in deckhand_app::ipc_names::COMMANDS {
        // Arguments that would make each command act, had it been allowed.
        let args = json!({"provider": "gamma", "id": "j1", "url": "https://example.com", "token": "file-1", "baseUrl": "http://10.0.0.1",
                          "settings": {"notifications": false}, "key": "sk-gamma-hostile-12345", "verify": false, "sessionOnly": false,
                          "request": {"content": "x"}, "kind": "themes"});
        assert_refused(invoke(&other, cmd, args), cmd);
    }
    // The same call from the main window passes the check (it reaches the command).
    assert_eq!(invoke(&main, "get_settings", json!({})).unwrap()["settings"]["notifications"], true);
    assert!(support::leak_scan::files_under(dir.path()).is_empty(), "nothing was written by a refused call");
}
