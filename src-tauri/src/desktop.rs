//! What an installed desktop app is expected to do: open once (a second launch shows the
//! window already open) and remember its size and place.
//!
//! Only the real app (`run`) adds these: the single-instance plugin claims a name on the
//! session bus and exits a second process, which must never happen to a test binary that
//! builds several apps on the mock runtime.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tauri::{AppHandle, Builder, Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Size, position and maximized; never "hidden" (a window restored invisible looks like a
/// Deckhand that does not start).
const REMEMBERED: StateFlags = StateFlags::SIZE.union(StateFlags::POSITION).union(StateFlags::MAXIMIZED);
/// The window's state is written this long after it stopped moving or changing size.
const SAVE_AFTER: Duration = Duration::from_millis(500);

/// `identifier` is the app's (tauri.conf.json).
pub fn plugins<R: Runtime>(builder: Builder<R>, identifier: &str) -> Builder<R> {
    // A build from source (debug) is a different app from an installed Deckhand, as its
    // keychain entries are: neither focuses the other.
    let single = tauri_plugin_single_instance::Builder::new()
        .dbus_id(crate::state::keychain_service(identifier))
        .callback(|app, _args, _cwd| show_main_window(app));
    let saves = Arc::new(AtomicU64::new(0));
    builder
        // First, so a second launch stops before it opens anything.
        .plugin(single.build())
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
        if saves.load(Ordering::SeqCst) == this {
            if let Err(e) = app.save_window_state(REMEMBERED) {
                tracing::warn!("the window's size and place could not be saved: {e}");
            }
        }
    });
}
