//! Files and links: open a finished deck, show it in its folder, open the service's editor,
//! read a chosen file's text, and pick folders and files in the system's pickers. The page
//! never names a path: files come as tokens (`chosen_files.rs`), the save folder from the
//! folder picker.

use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine as _;
use deckhand_engine::deck_file;
use deckhand_engine::settings::Settings;
use deckhand_engine::source_text::{self, SourceText};
use deckhand_engine::{Details, Error};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;

use crate::desktop::{self, DesktopHandle};
use crate::chosen_files::{ChosenFile, ChosenFiles};
use crate::dialogs::Dialogs;
use crate::jobs::Jobs;
use crate::state::AppState;

/// The job's own file (never a path from the page).
fn finished_file(jobs: &Jobs, id: &str) -> Result<PathBuf, Error> {
    jobs.current()?.job(id).and_then(|j| j.file).ok_or_else(|| Error::invalid_input("id", "This deck has no file yet."))
}

fn opener_error(e: impl std::fmt::Display) -> Error {
    Error::Internal {
        message: "Your computer could not open it.".into(),
        details: Details { provider_message: Some(e.to_string()), ..Details::default() },
    }
}

/// Opens the deck with its program; says so when the system reports nothing opened it.
#[tauri::command(async)]
pub fn open_file(desktop: State<'_, DesktopHandle>, jobs: State<'_, Jobs>, id: String) -> Result<(), Error> {
    desktop::open_deck(desktop.inner().as_ref(), &finished_file(&jobs, &id)?)
}

#[tauri::command(async)]
pub fn show_in_folder(desktop: State<'_, DesktopHandle>, jobs: State<'_, Jobs>, id: String) -> Result<(), Error> {
    desktop::show_deck(desktop.inner().as_ref(), &finished_file(&jobs, &id)?)
}

/// The largest preview handed to the page (previews are written at about 20 KB).
const MAX_PREVIEW_BYTES: u64 = 2 * 1024 * 1024;

/// The deck's preview as a `data:` URL, which the window's CSP allows (`img-src 'self'
/// data:`); made by the engine from the job's own file when it finished. `null`: no picture
/// (the window draws a placeholder in the deck's look).
#[tauri::command]
pub async fn job_preview(jobs: State<'_, Jobs>, id: String) -> Result<Option<String>, Error> {
    let engine = jobs.engine().await?;
    let Some(job) = engine.job(&id).filter(|j| j.preview.is_some()) else { return Ok(None) };
    let path = deck_file::preview_path(engine.data_dir(), &job.id);
    let bytes = match tokio::fs::metadata(&path).await {
        Ok(m) if m.len() <= MAX_PREVIEW_BYTES => tokio::fs::read(&path).await.ok(),
        _ => None,
    };
    Ok(bytes
        .filter(|b| deck_file::picture::is_jpeg(b))
        .map(|b| format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(b))))
}

#[tauri::command]
pub fn open_editor<R: Runtime>(app: AppHandle<R>, jobs: State<'_, Jobs>, id: String) -> Result<(), Error> {
    let url = jobs.current()?.job(&id).and_then(|j| j.edit_url).ok_or_else(|| Error::invalid_input("id", "This deck has no editor link."))?;
    open_web_link(&app, &url)
}

/// Links from the page (where to get a key, billing): http(s) only, so a page can never
/// make Deckhand open a file or run a program.
#[tauri::command]
pub fn open_url<R: Runtime>(app: AppHandle<R>, url: String) -> Result<(), Error> {
    open_web_link(&app, &url)
}

fn open_web_link<R: Runtime>(app: &AppHandle<R>, url: &str) -> Result<(), Error> {
    let parsed = url::Url::parse(url).map_err(|_| Error::invalid_input("url", "That is not a web address."))?;
    // Plain http only for a self-hosted server's pages (its editor); never file:, javascript:…
    let allowed = parsed.scheme() == "https" || parsed.scheme() == "http";
    if !allowed {
        return Err(Error::invalid_input("url", "Deckhand only opens web addresses."));
    }
    app.opener().open_url(parsed.as_str(), None::<&str>).map_err(opener_error)
}

/// The text of a chosen .txt, .md, .docx or .pdf file, read on this computer (for Gamma, which
/// takes text). A long PDF takes seconds, so it runs off the async threads.
#[tauri::command]
pub async fn read_source_file(chosen: State<'_, ChosenFiles>, token: String) -> Result<SourceText, Error> {
    let path = chosen.path(&token)?;
    tokio::task::spawn_blocking(move || source_text::read_source_file(&path))
        .await
        .map_err(|_| Error::internal("Reading the file stopped unexpectedly."))?
}

/// The system's folder picker; the folder the person picks becomes the save folder at once.
/// `None` when the picker was closed.
#[tauri::command]
pub async fn pick_out_dir(state: State<'_, AppState>, dialogs: State<'_, Arc<dyn Dialogs>>) -> Result<Option<Settings>, Error> {
    let Some(folder) = dialogs.pick_folder().await else { return Ok(None) };
    let folder = folder.to_string_lossy().into_owned();
    state.update_settings(|s| {
        s.save_folder = Some(folder);
        Ok(true)
    })
    .map(Some)
}

/// The system's file picker; the page gets a token and the file's name, never its path.
#[tauri::command]
pub async fn pick_source_file(dialogs: State<'_, Arc<dyn Dialogs>>, chosen: State<'_, ChosenFiles>) -> Result<Option<ChosenFile>, Error> {
    Ok(dialogs.pick_file().await.map(|path| chosen.remember(path)))
}
