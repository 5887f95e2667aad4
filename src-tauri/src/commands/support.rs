//! Help for a bug report and the About view: open the log folder, copy diagnostic info, and
//! the licenses of the components Deckhand is built from.

use deckhand_engine::{Details, Error};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_opener::OpenerExt;

use crate::diagnostics;
use crate::logging::LogFolder;
use crate::state::AppState;

/// The generated list of third-party components and their licenses (`scripts/licenses.sh`),
/// shipped inside the app.
pub const THIRD_PARTY_LICENSES: &str = include_str!("../../licenses/third-party.json");

fn no_log() -> Error {
    Error::disk("Deckhand is not writing a log in this run.")
}

fn could_not(message: &str, e: impl std::fmt::Display) -> Error {
    Error::Internal { message: message.into(), details: Details { provider_message: Some(e.to_string()), ..Details::default() } }
}

/// Shows the log file in the file manager (the folder, before anything was logged).
#[tauri::command]
pub fn open_log_folder<R: Runtime>(app: AppHandle<R>) -> Result<(), Error> {
    let folder = app.try_state::<LogFolder>().ok_or_else(no_log)?;
    let file = folder.current_file();
    let opened = if file.exists() {
        app.opener().reveal_item_in_dir(file)
    } else {
        app.opener().open_path(folder.0.to_string_lossy(), None::<&str>)
    };
    opened.map_err(|e| could_not("Your computer could not open the log folder.", e))
}

#[derive(Debug, Serialize)]
pub struct DiagnosticInfo {
    /// Exactly what was put on the clipboard, so the person can see what they share.
    pub text: String,
}

#[tauri::command(async)]
pub fn copy_diagnostic_info<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> Result<DiagnosticInfo, Error> {
    let system = diagnostics::System::current(&app.config().identifier);
    let log = app.try_state::<LogFolder>();
    let text = diagnostics::text(&system, &state, log.as_deref(), state.secrets.redactor());
    app.clipboard().write_text(text.as_str()).map_err(|e| could_not("Deckhand could not put the text on your clipboard.", e))?;
    Ok(DiagnosticInfo { text })
}

/// `{ licenses: [{ id, name, text, crates: ["name version", …] }], generated_by }`.
#[tauri::command]
pub fn third_party_licenses() -> tauri::ipc::Response {
    tauri::ipc::Response::new(THIRD_PARTY_LICENSES.to_string())
}
