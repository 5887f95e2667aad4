//! How the app gets a provider: built by one injected factory (tests pass one that returns a
//! fake), once per service and endpoint, and reused from [`AppState::provider_cache`] until
//! settings or keys change.

use std::sync::Arc;

use deckhand_engine::connection::{self, Endpoint, ProviderConnection};
use deckhand_engine::providers::{Provider, ProviderKind};
use deckhand_engine::Error;

use crate::state::AppState;

pub type ProviderFactory = Arc<dyn Fn(&ProviderConnection) -> Result<Arc<dyn Provider>, Error> + Send + Sync>;

/// The real providers.
pub fn production_factory() -> ProviderFactory {
    Arc::new(deckhand_engine::providers::connect)
}

/// Where a new request for `kind` goes now; refused while it is plain http to a server the
/// person has not confirmed.
pub fn endpoint_now(state: &AppState, kind: ProviderKind) -> Result<Endpoint, Error> {
    let settings = state.settings.get();
    let endpoint = connection::endpoint(kind, &settings, &state.env)?;
    connection::check_transport(&endpoint.base_url, &settings)?;
    Ok(endpoint)
}

/// The provider for `kind` with today's settings, keys and environment overrides.
pub fn provider_for(state: &AppState, kind: ProviderKind) -> Result<Arc<dyn Provider>, Error> {
    provider_at(state, kind, &endpoint_now(state, kind)?)
}

/// The provider that reaches `endpoint` with that endpoint's own credential (a job's server).
pub fn provider_at(state: &AppState, kind: ProviderKind, endpoint: &Endpoint) -> Result<Arc<dyn Provider>, Error> {
    state.provider_cache.get_or_build(kind, endpoint, || (state.providers)(&connection::resolve_at(kind, endpoint, &state.secrets)?))
}
