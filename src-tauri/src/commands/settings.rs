//! Settings: read (with the notice of a reset file), save whole, and remember a plain-http
//! server the person confirmed.

use deckhand_engine::connection;
use deckhand_engine::settings::Settings;
use deckhand_engine::Error;
use serde::Serialize;
use tauri::State;

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

#[tauri::command(async)]
pub fn save_settings(state: State<'_, AppState>, settings: Settings) -> Result<Settings, Error> {
    state.settings.save(settings)
}

#[tauri::command(async)]
pub fn confirm_insecure_server(state: State<'_, AppState>, base_url: String) -> Result<Settings, Error> {
    state.settings.update(|s| connection::confirm_insecure(s, &base_url))
}
