//! Lists a presenter picks from: themes, templates, folders, languages, image models.

use deckhand_engine::providers::{ChoiceKind, ChoicePage, ChoiceQuery};
use deckhand_engine::Error;
use tauri::State;

use crate::choices_cache::ChoicesCache;
use crate::providers::provider_for;
use crate::keys::parse_provider;
use crate::state::AppState;

#[tauri::command]
pub async fn list_choices(
    state: State<'_, AppState>,
    cache: State<'_, ChoicesCache>,
    provider: String,
    kind: ChoiceKind,
    search: Option<String>,
    cursor: Option<String>,
) -> Result<ChoicePage, Error> {
    let provider_kind = parse_provider(&provider)?;
    let query = ChoiceQuery { kind: Some(kind), search, cursor };
    let live = match provider_for(&state, provider_kind) {
        Ok(p) => p.list_choices(&query).await,
        Err(e) => Err(e),
    };
    cache.live_or_cached(provider_kind, &query, live)
}
