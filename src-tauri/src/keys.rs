//! What the key commands do, over the app state: which account, format check, optional check
//! with the service before saving, then keep. Kept apart from the command adapters so the
//! order (check → verify → save) is readable in one place.

use deckhand_engine::connection::{self, ProviderConnection};
use deckhand_engine::providers::{ConnectionReport, ProviderKind};
use deckhand_engine::{key_format, Error, Secret, SecretAccount};

use crate::providers;
use crate::secrets::KeyStatus;
use crate::state::AppState;

pub fn parse_provider(id: &str) -> Result<ProviderKind, Error> {
    ProviderKind::parse(id).ok_or_else(|| Error::invalid_input("provider", "Deckhand does not know that service."))
}

/// The account for `kind` now (bound to the origin its requests go to); `None` when a
/// self-hosted server needs no sign-in.
fn account(state: &AppState, kind: ProviderKind) -> Result<Option<SecretAccount>, Error> {
    connection::secret_account(kind, &state.settings.get(), &state.env)
}

/// Reads every service's key status ahead, for the first screen ([`crate::secrets::AppSecrets::read_ahead`]).
pub fn read_ahead(state: &AppState) {
    let accounts: Vec<_> = ProviderKind::ALL.into_iter().filter_map(|k| account(state, k).ok().flatten()).collect();
    state.secrets.read_ahead(&accounts);
}

pub fn status(state: &AppState, kind: ProviderKind) -> Result<KeyStatus, Error> {
    match account(state, kind)? {
        Some(a) => state.secrets.status(&a),
        None => Ok(KeyStatus::unset()),
    }
}

/// Check the pasted key, optionally try it with the service, and keep it only if all is well:
/// a key the service refused is never saved.
pub async fn set(state: &AppState, kind: ProviderKind, pasted: Secret, verify: bool, session_only: bool) -> Result<KeyStatus, Error> {
    let settings = state.settings.get();
    let account = connection::secret_account(kind, &settings, &state.env)?.ok_or_else(|| {
        Error::invalid_input("servers.presenton_self.auth", "Your Presenton server is set to need no sign-in, so there is nothing to save. Choose a sign-in first.")
    })?;
    let secret = key_format::check(&account, &pasted)?;
    state.secrets.learn(&secret);
    if verify {
        let conn = connection::with_candidate(kind, &settings, &state.env, secret.clone())?;
        try_connection(state, &conn).await?;
    }
    let kept = state.secrets.keep(&account, &secret, session_only)?;
    state.keys_changed();
    Ok(kept)
}

pub fn remove(state: &AppState, kind: ProviderKind) -> Result<KeyStatus, Error> {
    if let Some(a) = account(state, kind)? {
        state.secrets.forget(&a)?;
        state.keys_changed();
    }
    Ok(KeyStatus::unset())
}

/// Reachable? Key accepted? Plan allows the API? Server set up? The provider's cheap
/// authenticated call answers, and its error kind says which failed.
pub async fn test_connection(state: &AppState, kind: ProviderKind) -> Result<ConnectionReport, Error> {
    providers::provider_for(state, kind)?.test_connection().await
}

/// With a key that is not saved yet: a provider of its own, never cached.
async fn try_connection(state: &AppState, conn: &ProviderConnection) -> Result<ConnectionReport, Error> {
    let provider = (state.providers)(conn)?;
    provider.test_connection().await
}
