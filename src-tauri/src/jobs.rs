//! The job engine inside the app: providers are built from the current settings and keys each
//! time a job needs one (a key changed in Settings applies to the next step), and engine events
//! go to the window through one event name, with a desktop notification when a deck is ready.

use std::sync::Arc;

use deckhand_engine::connection;
use deckhand_engine::jobs::{Engine, EngineConfig, JobState, ProviderSource};
use deckhand_engine::providers::{Provider, ProviderKind};
use deckhand_engine::{EngineEvent, Error, EventSink};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::ipc_names::EVENT;
use crate::state::AppState;

/// The engine, as Tauri managed state.
pub struct Jobs {
    pub engine: Engine,
}

/// Providers resolved from the app state at the moment they are needed.
pub struct AppProviders<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> ProviderSource for AppProviders<R> {
    fn provider(&self, kind: ProviderKind) -> Result<Arc<dyn Provider>, Error> {
        provider_for(&self.0.state::<AppState>(), kind)
    }
}

/// The provider for `kind` with today's settings, keys and environment overrides.
pub fn provider_for(state: &AppState, kind: ProviderKind) -> Result<Arc<dyn Provider>, Error> {
    let conn = connection::resolve(kind, &state.settings.get(), &state.secrets, &state.env)?;
    (state.providers)(&conn)
}

/// Forwards engine events to the window, and says "ready" on the desktop when notifications
/// are on. Emission errors are ignored: a closed window must not stop a download.
pub struct WindowSink<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> EventSink for WindowSink<R> {
    fn emit(&self, event: EngineEvent) {
        if let EngineEvent::JobChanged { job } = &event {
            if job.state == JobState::Done {
                notify_done(&self.0, job);
            }
        }
        let _ = self.0.emit(EVENT, &event);
    }
}

fn notify_done<R: Runtime>(app: &AppHandle<R>, job: &deckhand_engine::jobs::Job) {
    let Some(state) = app.try_state::<AppState>() else { return };
    if !state.settings.get().notifications {
        return;
    }
    use tauri_plugin_notification::NotificationExt;
    let name = job.file.as_ref().and_then(|f| f.file_name()).map(|n| n.to_string_lossy().into_owned());
    let body = match name {
        Some(n) => format!("{n} is in your folder."),
        None => "Your deck is ready.".to_string(),
    };
    // No notification service (a bare CI desktop) is not worth an error.
    let _ = app.notification().builder().title("Deck ready").body(body).show();
}

/// Open the journal in the app's data folder and resume every unfinished job.
pub fn start<R: Runtime>(app: &AppHandle<R>) -> Result<Jobs, Error> {
    let state = app.state::<AppState>();
    let mut config = EngineConfig::new(state.data_dir.clone());
    config.concurrency = state.settings.get().concurrency.as_map().into_iter().collect();
    let engine = Engine::open(config, Arc::new(AppProviders(app.clone())), Arc::new(WindowSink(app.clone())))?;
    // `setup` runs on the main thread, outside Tauri's Tokio runtime; the engine spawns each
    // resumed job there.
    let runtime = tauri::async_runtime::handle();
    let _entered = runtime.inner().enter();
    engine.resume_all();
    Ok(Jobs { engine })
}
