//! Keys: status, save, remove, and a connection test. The key text arrives once, is wrapped in
//! `Secret` at once, and never goes back to the page; only `KeyStatus` does.
//! Keychain calls (which may wait for an unlock prompt, and each open a Secret Service session)
//! run on the blocking pool: never on the window's thread, and never on the async workers the
//! engine and the other commands share (two on a two-core machine: three key checks at start
//! used to hold up every other answer the first screen waits for).

use deckhand_engine::providers::ConnectionReport;
use deckhand_engine::{Error, Secret};
use tauri::{AppHandle, Manager, Runtime, State};

use crate::keys;
use crate::secrets::KeyStatus;
use crate::state::AppState;

#[tauri::command]
pub async fn key_status<R: Runtime>(app: AppHandle<R>, provider: String) -> Result<KeyStatus, Error> {
    let kind = keys::parse_provider(&provider)?;
    with_keychain(app, move |state| keys::status(state, kind)).await
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

#[tauri::command]
pub async fn remove_key<R: Runtime>(app: AppHandle<R>, provider: String) -> Result<KeyStatus, Error> {
    let kind = keys::parse_provider(&provider)?;
    with_keychain(app, move |state| keys::remove(state, kind)).await
}

/// Runs `f` (which talks to the keychain) on the blocking pool.
async fn with_keychain<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&AppState) -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>()))
        .await
        .map_err(|e| Error::internal(format!("the keychain call stopped unexpectedly: {e}")))?
}

#[tauri::command]
pub async fn test_connection(state: State<'_, AppState>, provider: String) -> Result<ConnectionReport, Error> {
    keys::test_connection(&state, keys::parse_provider(&provider)?).await
}
