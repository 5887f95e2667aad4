//! Decks: submit, list, and the controls a presenter has over each one. Jobs reach the window
//! as views (no notes; see `deckhand_engine::jobs::view`); `get_job` gives one full record.

use std::time::Duration;

use deckhand_engine::jobs::view::JobView;
use deckhand_engine::jobs::{HistoryPage, HistoryQuery, JobCounts};
use deckhand_engine::providers::{DeckRequest, ExportFormat};
use deckhand_engine::Error;
use serde::Serialize;
use serde_json::Value;
use tauri::State;

use crate::chosen_files::ChosenFiles;
use crate::jobs::Jobs;
use crate::keys::parse_provider;
use crate::providers::provider_for;
use crate::state::AppState;

/// Checked by the service's own rules before anything is sent; rejects with `invalid_input`
/// naming the field. `source_files` are the tokens of chosen files.
#[tauri::command(async)]
pub fn validate_request(state: State<'_, AppState>, chosen: State<'_, ChosenFiles>, provider: String, mut request: DeckRequest) -> Result<(), Error> {
    let kind = parse_provider(&provider)?;
    request.refuse_unknown_fields()?;
    chosen.resolve_request(&mut request)?;
    provider_for(&state, kind)?.validate(&request)
}

/// Sends a deck to the service of today's settings. `source_files` are the tokens of files
/// the person chose; the file goes to the save folder from Settings (or the default).
#[tauri::command]
pub async fn submit_deck(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    chosen: State<'_, ChosenFiles>,
    provider: String,
    mut request: DeckRequest,
) -> Result<JobView, Error> {
    let kind = parse_provider(&provider)?;
    chosen.resolve_request(&mut request)?;
    let out = state.save_folder();
    // The default folder (Documents/Deckhand) may not exist yet; a chosen one should.
    std::fs::create_dir_all(&out).map_err(|e| Error::disk(format!("Deckhand could not create the folder {}: {e}", out.display())))?;
    jobs.engine().await?.submit(kind, request, out).await.map(JobView)
}

/// A page of "Your decks", newest first, searched and filtered as `query` says (everything
/// optional). Waits briefly at start while the engine opens; refuses with `in_use` while
/// another Deckhand holds the decks.
#[tauri::command]
pub async fn list_jobs(jobs: State<'_, Jobs>, query: Option<HistoryQuery>) -> Result<HistoryPage, Error> {
    jobs.engine().await?.list(query.unwrap_or_default()).await
}

/// How many decks in each state and for each service.
#[tauri::command]
pub async fn job_counts(jobs: State<'_, Jobs>) -> Result<JobCounts, Error> {
    jobs.engine().await?.counts().await
}

/// One deck's full record, notes included.
#[tauri::command]
pub async fn get_job(jobs: State<'_, Jobs>, id: String) -> Result<Value, Error> {
    jobs.engine().await?.record(&id)
}

#[derive(Debug, Serialize)]
pub struct Resumed {
    /// Decks that were being made when Deckhand last stopped and are still being made.
    pub count: usize,
}

/// How many decks Deckhand picked up at start that are still being made.
#[tauri::command]
pub async fn resumed_decks(jobs: State<'_, Jobs>) -> Result<Resumed, Error> {
    Ok(Resumed { count: jobs.engine().await?.resumed_still_active() })
}

#[tauri::command]
pub async fn cancel_job(jobs: State<'_, Jobs>, id: String) -> Result<JobView, Error> {
    jobs.engine().await?.cancel(&id).await.map(JobView)
}

#[tauri::command]
pub async fn retry_download(jobs: State<'_, Jobs>, id: String) -> Result<JobView, Error> {
    jobs.engine().await?.retry_download(&id).await.map(JobView)
}

#[tauri::command]
pub async fn check_again(jobs: State<'_, Jobs>, id: String) -> Result<JobView, Error> {
    jobs.engine().await?.check_again(&id).await.map(JobView)
}

/// Make the deck again as a new job (only ever when the person asks), optionally as another
/// file type ("Make it as PowerPoint instead").
#[tauri::command]
pub async fn retry_job(jobs: State<'_, Jobs>, id: String, format: Option<ExportFormat>) -> Result<JobView, Error> {
    jobs.engine().await?.retry_as_new_with(&id, format).await.map(JobView)
}

/// Remove from the list; the file stays where it is.
#[tauri::command]
pub async fn remove_job(jobs: State<'_, Jobs>, id: String) -> Result<(), Error> {
    jobs.engine().await?.remove(&id).await
}

#[derive(Debug, Serialize)]
pub struct TypicalDuration {
    pub seconds: Option<u64>,
}

#[tauri::command]
pub fn typical_duration(jobs: State<'_, Jobs>, provider: String, slides: Option<u32>) -> Result<TypicalDuration, Error> {
    let d = jobs.current()?.typical_duration(parse_provider(&provider)?, slides);
    Ok(TypicalDuration { seconds: d.as_ref().map(Duration::as_secs) })
}
