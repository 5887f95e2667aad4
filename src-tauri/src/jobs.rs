//! The job engine inside the app: a new deck goes to the server of today's settings, and each
//! job's later steps to the server it was sent to (see `providers.rs`); engine events go to the
//! window through one event name, with a desktop notification when a deck is ready.
//! The engine drives the data folder's job store only while holding its lock, shared with
//! `deckhand-cli`: SQLite would keep two writers' transactions apart, but not two processes
//! from both resuming (and so both submitting) the same queued deck.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use deckhand_engine::activity_log::LoggingSink;
use deckhand_engine::connection::Endpoint;
use deckhand_engine::jobs::lock::{DataLock, Holder};
use deckhand_engine::jobs::{Engine, EngineConfig, JobState, ProviderSource};
use deckhand_engine::providers::{Provider, ProviderKind};
use deckhand_engine::settings::Settings;
use deckhand_engine::{EngineEvent, Error, EventSink};
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tokio::sync::watch;

use crate::ipc_names::EVENT;
use crate::providers;
use crate::state::AppState;

/// Providers from the app state, at the moment they are needed.
pub struct AppProviders<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> ProviderSource for AppProviders<R> {
    fn endpoint(&self, kind: ProviderKind) -> Result<Endpoint, Error> {
        providers::endpoint_now(&self.0.state::<AppState>(), kind)
    }

    fn provider(&self, kind: ProviderKind, endpoint: Option<&Endpoint>) -> Result<Arc<dyn Provider>, Error> {
        let state = self.0.state::<AppState>();
        match endpoint {
            Some(e) => providers::provider_at(&state, kind, e),
            None => providers::provider_for(&state, kind),
        }
    }
}

/// Forwards engine events to the window, and says "ready" on the desktop when notifications
/// are on. Emission errors are ignored: a closed window must not stop a download. The engine
/// emits while later changes wait their turn, so anything slow (reading the settings, the
/// notification service) happens on a task of its own.
pub struct WindowSink<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> EventSink for WindowSink<R> {
    fn emit(&self, event: EngineEvent) {
        if let EngineEvent::JobChanged { job } = &event {
            if job.state == JobState::Done {
                let (app, file) = (self.0.clone(), job.file.clone());
                tauri::async_runtime::spawn(async move { notify_done(&app, file) });
            }
        }
        let _ = self.0.emit(EVENT, &event);
    }
}

fn notify_done<R: Runtime>(app: &AppHandle<R>, file: Option<std::path::PathBuf>) {
    let Some(state) = app.try_state::<AppState>() else { return };
    if !state.settings.get().notifications {
        return;
    }
    use tauri_plugin_notification::NotificationExt;
    let name = file.as_ref().and_then(|f| f.file_name()).map(|n| n.to_string_lossy().into_owned());
    let body = match name {
        Some(n) => format!("{n} is in your folder."),
        None => "Your deck is ready.".to_string(),
    };
    // No notification service (a bare CI desktop) is not worth an error.
    let _ = app.notification().builder().title("Deck ready").body(body).show();
}

/// How long job commands wait at start for the data folder, when another Deckhand (the command
/// line, usually) holds it. Long enough for a quick `deckhand-cli list`, `status` or `cancel`
/// to finish unnoticed; short enough that the window soon says why the list is empty.
pub const START_PATIENCE: Duration = Duration::from_secs(5);

/// The engine, as Tauri managed state. It opens in the background, because the data folder
/// may be held by `deckhand-cli` (see `deckhand_engine::jobs::lock`): then the app waits for
/// it instead of writing over its journal, says so after [`START_PATIENCE`], and takes over by
/// itself once the command line lets go. The lock is then held for the app's whole life.
pub struct Jobs {
    inner: Arc<JobsInner>,
}

struct JobsInner {
    startup: watch::Sender<Startup>,
    /// Until then, job commands wait for the engine; after it, they answer at once.
    patience_until: Instant,
    lock: OnceLock<DataLock>,
}

#[derive(Clone)]
enum Startup {
    Opening,
    /// Another Deckhand holds the data folder: why, in words for the person.
    Waiting(Error),
    Ready(Engine),
    Failed(Error),
}

impl Jobs {
    /// The engine; during the first moments after start, waits for it to open.
    pub async fn engine(&self) -> Result<Engine, Error> {
        let mut rx = self.inner.startup.subscribe();
        let _ = tokio::time::timeout_at(self.inner.patience_until.into(), rx.wait_for(|s| !matches!(s, Startup::Opening))).await;
        self.current()
    }

    /// The engine now, without waiting.
    pub fn current(&self) -> Result<Engine, Error> {
        self.inner.current()
    }

    /// Applies the Settings' "decks at once" to the running engine (until it runs there is
    /// nothing to do: it reads the settings when it opens).
    pub fn apply_concurrency(&self, settings: &Settings) {
        self.inner.apply_concurrency(settings);
    }
}

impl JobsInner {
    fn current(&self) -> Result<Engine, Error> {
        match &*self.startup.borrow() {
            Startup::Ready(engine) => Ok(engine.clone()),
            Startup::Waiting(e) | Startup::Failed(e) => Err(e.clone()),
            Startup::Opening => Err(Error::in_use("Deckhand is still opening your list of decks. Try again in a moment.")),
        }
    }

    fn apply_concurrency(&self, settings: &Settings) {
        if let Ok(engine) = self.current() {
            for (kind, limit) in settings.concurrency.as_map() {
                engine.set_concurrency(kind, limit);
            }
        }
    }
}

/// What the window says while another Deckhand holds the decks.
fn waiting_message(holder: Option<Holder>) -> String {
    match holder {
        Some(Holder::App) => "Deckhand is already open in another window and is using your decks. Use that window, or close it and your decks will appear here.".into(),
        _ => "Deckhand's command line (deckhand-cli) is working on your decks right now. They will appear here as soon as it finishes, or at once if you stop it.".into(),
    }
}

/// Starts opening the job store in the app's data folder (holding its lock) and resuming every
/// unfinished job; job commands wait up to `patience` for it. While another Deckhand holds
/// the folder, job commands refuse with `in_use` and a sentence saying which one.
pub fn start<R: Runtime>(app: &AppHandle<R>, patience: Duration) -> Jobs {
    let (startup, _) = watch::channel(Startup::Opening);
    // A moment past the task's own deadline, so a waiting command hears its verdict.
    let patience_until = Instant::now() + patience + Duration::from_secs(1);
    let inner = Arc::new(JobsInner { startup, patience_until, lock: OnceLock::new() });
    let (app, task) = (app.clone(), inner.clone());
    tauri::async_runtime::spawn(async move {
        let outcome = match take_lock(&app, &task, patience).await {
            Ok(waited) => open_engine(&app, &task).await.map(|engine| (engine, waited)),
            Err(e) => Err(e),
        };
        match outcome {
            Ok((engine, waited)) => {
                task.startup.send_replace(Startup::Ready(engine));
                // A change saved while the engine was opening applies too.
                task.apply_concurrency(&app.state::<AppState>().settings.get());
                if waited {
                    let sink = WindowSink(app.clone());
                    sink.emit(EngineEvent::Notice { message: "Your decks are here again: the other Deckhand has finished with them.".into() });
                    sink.emit(EngineEvent::JobsAvailable);
                }
            }
            Err(e) => {
                tracing::warn!(kind = e.kind(), "the job engine could not start");
                task.startup.send_replace(Startup::Failed(e));
            }
        }
    });
    Jobs { inner }
}

/// Takes the data folder's lock, waiting as long as another Deckhand holds it; true when it
/// had to wait past `patience` (and job commands were refused meanwhile).
async fn take_lock<R: Runtime>(app: &AppHandle<R>, jobs: &JobsInner, patience: Duration) -> Result<bool, Error> {
    let dir = app.state::<AppState>().data_dir.clone();
    let waiting = tauri::async_runtime::spawn_blocking(move || DataLock::acquire(&dir, Holder::App, |_| {}));
    tokio::pin!(waiting);
    let (taken, waited) = tokio::select! {
        taken = &mut waiting => (taken, false),
        _ = tokio::time::sleep(patience) => {
            let holder = DataLock::holder(&app.state::<AppState>().data_dir);
            // Said by the job commands (the window shows their refusal), not as a notice too.
            jobs.startup.send_replace(Startup::Waiting(Error::in_use(waiting_message(holder))));
            (waiting.await, true)
        }
    };
    let lock = taken.map_err(|e| Error::internal(format!("waiting for the data folder stopped unexpectedly: {e}")))??;
    let _ = jobs.lock.set(lock);
    Ok(waited)
}

async fn open_engine<R: Runtime>(app: &AppHandle<R>, jobs: &JobsInner) -> Result<Engine, Error> {
    let state = app.state::<AppState>();
    debug_assert!(jobs.lock.get().is_some(), "the engine opens only under the data folder's lock");
    let mut config = EngineConfig::new(state.data_dir.clone());
    config.concurrency = state.settings.get().concurrency.as_map().into_iter().collect();
    // Each state change is also a line in the support log (see logging.rs).
    let providers = Arc::new(AppProviders(app.clone()));
    let sink = Arc::new(LoggingSink::new(Arc::new(WindowSink(app.clone()))));
    // Opening reads the disk (and, once, imports an old journal): not on the async runtime.
    let engine = tauri::async_runtime::spawn_blocking(move || Engine::open(config, providers, sink))
        .await
        .map_err(|e| Error::internal(format!("opening the list of decks stopped unexpectedly: {e}")))??;
    // Called from a task on Tauri's runtime, where the engine spawns each resumed job.
    engine.resume_all();
    Ok(engine)
}
