//! The app as `deckhand_app::run` builds it, on the mock runtime, for flows against the fake
//! servers over real HTTP: production providers and job engine, an in-memory keychain, the
//! person answering dialogs, and every command answer and window event kept.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use deckhand_app::choices_cache::ChoicesCache;
use deckhand_app::state::AppState;
use deckhand_engine::connection::EnvOverrides;
use deckhand_engine::redact::Redactor;
use deckhand_engine::secrets::MemorySecretStore;
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Listener, Manager, WebviewWindow};

use super::person::ScriptedPerson;
use super::test_app::{invoke_raw, EVENT};

/// The app as `deckhand_app::run` builds it, on the mock runtime: production providers and job
/// engine, an in-memory keychain, the base URLs pointed at the fakes. Every command result and
/// error and every window event is kept.
pub struct Session {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    pub person: Arc<ScriptedPerson>,
    said: Mutex<Vec<(String, String)>>,
    pub events: Arc<Mutex<Vec<String>>>,
}

impl Session {
    pub fn start(data_dir: &Path, documents: &Path, keychain: Arc<MemorySecretStore>, env: EnvOverrides) -> Session {
        Session::start_with_redactor(data_dir, documents, keychain, env, Arc::default())
    }

    /// As `run` does it: the log's `redactor` learns every secret the app handles.
    pub fn start_with_redactor(data_dir: &Path, documents: &Path, keychain: Arc<MemorySecretStore>, env: EnvOverrides, redactor: Arc<Redactor>) -> Session {
        let mut state = AppState::new(data_dir, documents, Ok(keychain), deckhand_app::providers::production_factory(), env);
        state.secrets = state.secrets.with_redactor(redactor);
        let person = ScriptedPerson::new();
        let app = deckhand_app::build(mock_builder())
            .manage(ChoicesCache::open(data_dir))
            .manage(person.dialogs())
            .manage(state)
            .build(mock_context(noop_assets()))
            .unwrap();
        let jobs = deckhand_app::jobs::start(app.handle(), deckhand_app::jobs::START_PATIENCE);
        app.manage(jobs);
        let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        app.listen_any(EVENT, move |e| sink.lock().unwrap().push(e.payload().to_string()));
        Session { _app: app, window, person, said: Mutex::default(), events }
    }

    /// A command as the page calls it; the answer is kept as the page receives it (JSON).
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let res = invoke_raw(&self.window, cmd, args);
        let text = match &res {
            Ok(v) => format!("ok {v}"),
            Err(e) => format!("error {e}"),
        };
        self.said.lock().unwrap().push((format!("result of {cmd}"), text));
        res
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// A call that must be refused: the error's `kind`.
    pub fn refused(&self, cmd: &str, args: Value) -> String {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} succeeded: {v}"),
            Err(e) => e["kind"].as_str().unwrap_or("(no kind)").to_string(),
        }
    }

    pub fn set_key(&self, provider: &str, key: &str, verify: bool) -> Result<Value, Value> {
        self.call("set_key", json!({"provider": provider, "key": key, "verify": verify, "sessionOnly": false}))
    }

    pub fn submit(&self, provider: &str, request: Value) -> String {
        let job = self.ok("submit_deck", json!({"provider": provider, "request": request}));
        job["id"].as_str().unwrap().to_string()
    }

    pub fn job(&self, id: &str) -> Value {
        self.call("get_job", json!({"id": id})).unwrap_or(Value::Null)
    }

    /// Polls `get_job` until the job is in `state`; fails at once if it ends in another.
    pub fn wait_for(&self, id: &str, state: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let job = self.job(id);
            if job["state"] == state {
                return job;
            }
            let ended = ["done", "failed", "cancelled", "needs_attention"].contains(&job["state"].as_str().unwrap_or(""));
            assert!(!ended, "job {id} ended {} instead of {state}: {job}", job["state"]);
            assert!(Instant::now() < deadline, "job {id} did not reach {state} in time: {job}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn self_hosted_server(&self, base_url: &url::Url, auth: &str, user: Option<&str>) {
        let mut settings = self.ok("get_settings", json!({}))["settings"].clone();
        settings["servers"]["presenton_self"] = json!({"base_url": base_url.as_str(), "auth": auth, "user": user});
        self.ok("save_settings", json!({"settings": settings}));
    }

    /// Every command answer and every event, for the scan.
    pub fn everything_said(&self) -> Vec<(String, String)> {
        let mut out = self.said.lock().unwrap().clone();
        out.extend(self.events.lock().unwrap().iter().enumerate().map(|(i, e)| (format!("window event #{i}"), e.clone())));
        out
    }
}

