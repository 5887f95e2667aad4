//! Keys: status, save, remove, and a connection test. The key text arrives once, is wrapped in
//! `Secret` at once, and never goes back to the page; only `KeyStatus` does.
//! `async` so keychain calls (which may wait for an unlock prompt) never block the window.

use deckhand_engine::providers::ConnectionReport;
use deckhand_engine::{Error, Secret};
use tauri::State;

use crate::keys;
use crate::secrets::KeyStatus;
use crate::state::AppState;

#[tauri::command(async)]
pub fn key_status(state: State<'_, AppState>, provider: String) -> Result<KeyStatus, Error> {
    keys::status(&state, keys::parse_provider(&provider)?)
}

#[tauri::command]
pub async fn set_key(
    state: State<'_, AppState>,
    provider: String,
    key: String,
    verify: bool,
    session_only: bool,
) -> Result<KeyStatus, Error> {
    let key = Secret::new(key);
    keys::set(&state, keys::parse_provider(&provider)?, key, verify, session_only).await
}

#[tauri::command(async)]
pub fn remove_key(state: State<'_, AppState>, provider: String) -> Result<KeyStatus, Error> {
    keys::remove(&state, keys::parse_provider(&provider)?)
}

#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>, provider: String) -> Result<ConnectionReport, Error> {
    keys::test_connection(&state, keys::parse_provider(&provider)?).await
}
