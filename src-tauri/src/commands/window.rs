//! The window's own state (see `window_state.rs`): the half-written deck and the last choices
//! per service. Only these fields, checked for size; never settings or keys.

use deckhand_engine::Error;
use tauri::{AppHandle, Runtime, State};

use crate::keys::parse_provider;
use crate::state::AppState;
use crate::window_state::{self, Draft, LastChoices, WindowState};

#[tauri::command]
pub fn window_state<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> WindowState {
    window_state::load(&app, &state.data_dir)
}

/// `null` forgets the draft (after "Make the deck").
#[tauri::command]
pub fn save_draft<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, draft: Option<Draft>) -> Result<(), Error> {
    window_state::save_draft(&app, &state.data_dir, draft)
}

#[tauri::command]
pub fn save_choices<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>, provider: String, choices: LastChoices) -> Result<(), Error> {
    window_state::save_choices(&app, &state.data_dir, parse_provider(&provider)?, choices)
}
