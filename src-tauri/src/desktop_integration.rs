//! What an installed desktop app is expected to do: open once (a second launch shows the
//! window already open), remember its size and place, and keep a log for support.
//!
//! Only the real app (`run`) adds these: the single-instance plugin claims a name on the
//! session bus and exits a second process, which must never happen to a test binary that
//! builds several apps on the mock runtime.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use deckhand_engine::redact::Redactor;
use tauri::{AppHandle, Builder, Manager, RunEvent, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use crate::logging;

/// Size, position and maximized; never "hidden" (a window restored invisible looks like a
/// Deckhand that does not start).
const REMEMBERED: StateFlags = StateFlags::SIZE.union(StateFlags::POSITION).union(StateFlags::MAXIMIZED);
/// The window's state is written this long after it stopped moving or changing size.
const SAVE_AFTER: Duration = Duration::from_millis(500);

/// `identifier` is the app's (tauri.conf.json); `redactor` is the log's. Apply to a new
/// builder, before anything else: plugins start in order, and a second launch should stop
/// before the others start.
pub fn plugins<R: Runtime>(builder: Builder<R>, identifier: &str, redactor: Arc<Redactor>) -> Builder<R> {
    // A build from source (debug) is a different app from an installed Deckhand, as its
    // keychain entries are: neither focuses the other.
    let single = tauri_plugin_single_instance::Builder::new()
        .dbus_id(crate::state::keychain_service(identifier))
        .callback(|app, _args, _cwd| show_main_window(app));
    let saves = Arc::new(AtomicU64::new(0));
    builder
        .plugin(single.build())
        // Next the log, so the window's first moments (which come before `setup`) are in it.
        .plugin(logging::plugin(redactor))
        .plugin(tauri_plugin_window_state::Builder::new().with_state_flags(REMEMBERED).build())
        .on_window_event(move |window, event| {
            if matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
                save_soon(window, saves.clone());
            }
        })
}

/// Brings the main window to the front: shown, not minimized, focused.
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    tracing::info!("Deckhand was opened again: showing the window that is already open");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The plugin writes the state file only when the app exits normally; a desktop session that
/// ends (or a crash) would lose it. So it is also written shortly after each move or resize.
fn save_soon<R: Runtime>(window: &Window<R>, saves: Arc<AtomicU64>) {
    let app = window.app_handle().clone();
    let this = saves.fetch_add(1, Ordering::SeqCst) + 1;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SAVE_AFTER).await;
        // Only the last change of a burst (a drag sends many) writes the file.
        if saves.load(Ordering::SeqCst) != this {
            return;
        }
        // On the main thread: the plugin holds its lock on the saved states while it asks the
        // window for its size, and the window answers from the main thread, whose move and
        // resize handlers take that lock too. Asked from another thread, the two deadlock and
        // the window freezes.
        let handle = app.clone();
        let _ = app.run_on_main_thread(move || {
            if let Err(e) = handle.save_window_state(REMEMBERED) {
                tracing::warn!("the window's size and place could not be saved: {e}");
            }
        });
    });
}

/// While Deckhand closes, a new launch must not hand over to it (it would vanish with it): the
/// name other launches look for is given up as soon as closing starts.
pub fn on_run_event<R: Runtime>(app: &AppHandle<R>, event: RunEvent) {
    if let RunEvent::ExitRequested { .. } = event {
        tauri_plugin_single_instance::destroy(app);
    }
}

/// Deckhand could not start. When the Deckhand it found running ended while this launch was
/// handing over to it (the person closed it and opened it again at once), this launch starts
/// again, once, and is then the only one.
pub fn start_failed(e: tauri::Error) -> ! {
    let handing_over = matches!(&e, tauri::Error::PluginInitialization(plugin, _) if plugin == "single-instance");
    if handing_over && std::env::var_os(RELAUNCHED_ENV).is_none() {
        eprintln!("Deckhand: the Deckhand that was open has just closed; starting again ({e})");
        std::thread::sleep(Duration::from_millis(300));
        relaunch();
    }
    panic!("error while running Deckhand: {e}");
}

/// Set on the one relaunch, so a Deckhand that cannot start never loops.
const RELAUNCHED_ENV: &str = "DECKHAND_RELAUNCHED";

fn relaunch() {
    let Ok(exe) = std::env::current_exe() else { return };
    let mut cmd = std::process::Command::new(exe);
    cmd.args(std::env::args_os().skip(1)).env(RELAUNCHED_ENV, "1");
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Only returns if it failed.
        let e = cmd.exec();
        eprintln!("Deckhand could not start again: {e}");
    }
    #[cfg(not(unix))]
    if cmd.spawn().is_ok() {
        std::process::exit(0);
    }
}
