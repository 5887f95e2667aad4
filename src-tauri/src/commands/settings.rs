//! Settings: read (with the notice of a reset file), save whole, and remember a plain-http
//! server the person confirmed.

use deckhand_engine::connection;
use deckhand_engine::settings::Settings;
use deckhand_engine::Error;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::jobs::Jobs;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct SettingsView {
    pub settings: Settings,
    /// Set when the file was corrupt or repaired at start; the UI shows it.
    pub notice: Option<String>,
}

#[tauri::command(async)]
pub fn get_settings(state: State<'_, AppState>) -> SettingsView {
    SettingsView { settings: state.settings.get(), notice: state.settings.notice() }
}

/// Saves the whole settings; "decks at once" applies to the running engine at once.
#[tauri::command(async)]
pub fn save_settings<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, settings: Settings) -> Result<Settings, Error> {
    let saved = state.settings.save(settings)?;
    // Absent in tests that build the app without an engine.
    if let Some(jobs) = app.try_state::<Jobs>() {
        jobs.apply_concurrency(&saved);
    }
    Ok(saved)
}

#[tauri::command(async)]
pub fn confirm_insecure_server(state: State<'_, AppState>, base_url: String) -> Result<Settings, Error> {
    state.settings.update(|s| connection::confirm_insecure(s, &base_url))
}
