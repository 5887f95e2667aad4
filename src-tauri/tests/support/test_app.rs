//! The real command handlers on Tauri's mock runtime, with the keychain and providers faked.
//! Every command result and error and every event is recorded for the leak scan.

use std::sync::{Arc, Mutex};

use deckhand_app::state::AppState;
use deckhand_engine::connection::EnvOverrides;
use deckhand_engine::secrets::MemorySecretStore;
use deckhand_engine::{Error, SecretStore};
use serde_json::Value;
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, WebviewWindow};

use super::fake_provider::FakeServices;
use super::person::ScriptedPerson;

/// The one event name of the IPC contract (ipc.md).
pub const EVENT: &str = "deckhand://event";

pub struct TestApp {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub data_dir: tempfile::TempDir,
    pub services: Arc<FakeServices>,
    /// Answers the native dialogs.
    pub person: Arc<ScriptedPerson>,
    /// Every command's result or error, as the page would receive it.
    pub transcript: Arc<Mutex<Vec<String>>>,
    pub events: Arc<Mutex<Vec<String>>>,
}

pub struct Options {
    pub keychain: Result<Arc<dyn SecretStore>, Error>,
    pub env: EnvOverrides,
    /// Written as settings.json before the app starts.
    pub settings_file: Option<Vec<u8>>,
}

impl Default for Options {
    fn default() -> Self {
        Options { keychain: Ok(Arc::new(MemorySecretStore::default())), env: EnvOverrides::default(), settings_file: None }
    }
}

impl TestApp {
    pub fn start(opts: Options) -> TestApp {
        let data_dir = tempfile::tempdir().unwrap();
        if let Some(bytes) = &opts.settings_file {
            std::fs::write(data_dir.path().join("settings.json"), bytes).unwrap();
        }
        let services = Arc::new(FakeServices::default());
        let person = ScriptedPerson::new();
        let state = AppState::new(data_dir.path(), &data_dir.path().join("Documents"), opts.keychain, services.factory(), opts.env);
        let app = deckhand_app::build(mock_builder()).manage(state).manage(person.dialogs()).build(mock_context(noop_assets())).unwrap();
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        app.listen_any(EVENT, move |e| sink.lock().unwrap().push(e.payload().to_string()));
        TestApp { app, window, data_dir, services, person, transcript: Arc::default(), events }
    }

    /// Call a command the way the page does; `Err` is the rejection value.
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let res = invoke_raw(&self.window, cmd, args);
        self.transcript.lock().unwrap().push(format!("{cmd} -> {res:?}"));
        res
    }

    /// Like `invoke`, for calls expected to fail with an engine `Error`: returns its `kind`.
    pub fn invoke_err(&self, cmd: &str, args: Value) -> Value {
        match self.invoke(cmd, args) {
            Ok(v) => panic!("{cmd} succeeded: {v}"),
            Err(e) => e,
        }
    }

    /// Everything said to the page, for the leak scan: (place, text).
    pub fn said(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> =
            self.transcript.lock().unwrap().iter().enumerate().map(|(i, t)| (format!("command result #{i}"), t.clone())).collect();
        out.extend(self.events.lock().unwrap().iter().enumerate().map(|(i, t)| (format!("event #{i}"), t.clone())));
        out
    }
}

pub fn invoke_raw(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let req = InvokeRequest {
        cmd: cmd.into(),
        callback: tauri::ipc::CallbackFn(0),
        error: tauri::ipc::CallbackFn(1),
        // The Linux form; `http://tauri.localhost` is not a local origin there (PLATFORM.md §2).
        url: "tauri://localhost".parse().unwrap(),
        body: tauri::ipc::InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: tauri::test::INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(window, req).map(|b| b.deserialize::<Value>().unwrap())
}
