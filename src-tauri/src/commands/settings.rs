//! Settings: read (with the notice of a reset file), save what the page may change, and ask
//! the person, in a native dialog, before a server of their own (or plain http) is used.

use std::sync::Arc;

use deckhand_engine::connection;
use deckhand_engine::settings::{parse_base_url, Settings};
use deckhand_engine::Error;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::dialogs::{Dialogs, Question};
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

/// Saves the settings the page may change (not the confirmed plain-http servers, not the save
/// folder); "decks at once" applies to the running engine at once.
#[tauri::command(async)]
pub fn save_settings<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, settings: Settings) -> Result<Settings, Error> {
    let saved = state.save_settings_from_page(settings)?;
    // Absent in tests that build the app without an engine.
    if let Some(jobs) = app.try_state::<Jobs>() {
        jobs.apply_concurrency(&saved);
    }
    Ok(saved)
}

#[derive(Debug, Serialize)]
pub struct InsecureAnswer {
    /// The person said yes (or the address needs no confirmation).
    pub confirmed: bool,
    pub settings: Settings,
}

/// Asks the person in a native dialog whether `base_url`'s server is theirs to use: for plain
/// http to another computer, whether unencrypted is OK; for any other server not confirmed
/// yet, whether it is the one to send their notes, files and sign-in to. Their yes is
/// remembered for its origin. The page can ask, only the person can answer. (The name stays
/// from when only plain http was asked.)
#[tauri::command]
pub async fn confirm_insecure_server(state: State<'_, AppState>, dialogs: State<'_, Arc<dyn Dialogs>>, base_url: String) -> Result<InsecureAnswer, Error> {
    let url = parse_base_url(&base_url)?;
    let current = state.settings.get();
    let plain_http = connection::needs_confirmation(&url, &current);
    if !plain_http && !current.server_needs_confirmation(&url) {
        return Ok(InsecureAnswer { confirmed: true, settings: current });
    }
    let origin = url.origin().ascii_serialization();
    let question = if plain_http { Question::plain_http(&origin) } else { Question::own_server(&origin) };
    if !dialogs.confirm(&question).await {
        return Ok(InsecureAnswer { confirmed: false, settings: current });
    }
    let settings = state.update_settings(|s| {
        let http = connection::confirm_insecure(s, &base_url)?;
        let own = !s.servers.confirmed_servers.contains(&origin);
        if own {
            s.servers.confirmed_servers.push(origin.clone());
        }
        Ok(http || own)
    })?;
    Ok(InsecureAnswer { confirmed: true, settings })
}
