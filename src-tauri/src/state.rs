//! What the commands share: settings, secrets, the providers and environment overrides. Built
//! once in `setup` (or by a test with fakes) and handed to Tauri as managed state. Settings and
//! keys change only through the methods here, which drop the providers built for the old ones.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use deckhand_engine::connection::EnvOverrides;
use deckhand_engine::providers::ProviderCache;
use deckhand_engine::redact::Redactor;
use deckhand_engine::settings::Settings;
use deckhand_engine::{Error, SecretStore};
use tauri::{AppHandle, Manager, Runtime};

use crate::providers::ProviderFactory;
use crate::secrets::AppSecrets;
use crate::settings_store::SettingsStore;

/// Overrides the data folder (settings, the job store), as the engine does.
pub const DATA_DIR_ENV: &str = "DECKHAND_DATA_DIR";

pub struct AppState {
    pub settings: SettingsStore,
    pub secrets: AppSecrets,
    pub providers: ProviderFactory,
    /// Providers built for today's settings and keys (and for the servers of running jobs),
    /// reused by every command and job; emptied whenever settings or keys change.
    pub provider_cache: ProviderCache,
    pub env: EnvOverrides,
    pub data_dir: PathBuf,
    /// The person's Documents folder, for the default save folder.
    pub documents_dir: PathBuf,
}

impl AppState {
    pub fn new(
        data_dir: &Path,
        documents_dir: &Path,
        keychain: Result<Arc<dyn SecretStore>, Error>,
        providers: ProviderFactory,
        env: EnvOverrides,
    ) -> Self {
        AppState {
            settings: SettingsStore::open(data_dir),
            secrets: AppSecrets::new(keychain),
            providers,
            provider_cache: ProviderCache::default(),
            env,
            data_dir: data_dir.to_path_buf(),
            documents_dir: documents_dir.to_path_buf(),
        }
    }

    /// The real thing: the app's data folder, the OS keychain and the environment. A keychain
    /// that cannot be opened does not stop the app; key commands then say what to do.
    /// Every secret it handles is taught to `redactor`, the log's.
    pub fn for_app<R: Runtime>(app: &AppHandle<R>, providers: ProviderFactory, redactor: Arc<Redactor>) -> Result<Self, Error> {
        let paths = app.path();
        let data_dir = match std::env::var_os(DATA_DIR_ENV) {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => paths.app_data_dir().map_err(|e| Error::disk(format!("Deckhand could not find its data folder: {e}")))?,
        };
        let documents_dir = paths.document_dir().or_else(|_| paths.home_dir()).unwrap_or_else(|_| data_dir.clone());
        let service = keychain_service(&app.config().identifier);
        let keychain = deckhand_keychain::Keychain::open(&service).map(|k| Arc::new(k) as Arc<dyn SecretStore>);
        if let Err(e) = &keychain {
            tracing::warn!(kind = e.kind(), "keychain unavailable; keys can be kept for this session only");
        }
        let mut state = AppState::new(&data_dir, &documents_dir, keychain, providers, EnvOverrides::from_env());
        state.secrets = state.secrets.with_redactor(redactor);
        Ok(state)
    }

    pub fn save_folder(&self) -> PathBuf {
        self.settings.get().effective_save_folder(&self.documents_dir)
    }

    /// Saves what the page asked for, except what it may not decide (see
    /// `Settings::with_changes_from_page`).
    pub fn save_settings_from_page(&self, asked: Settings) -> Result<Settings, Error> {
        let saved = self.settings.save_from_page(asked)?;
        self.provider_cache.clear();
        Ok(saved)
    }

    /// A change made in Rust for the person: a server confirmed in a dialog, a folder picked.
    pub fn update_settings(&self, change: impl FnOnce(&mut Settings) -> Result<bool, Error>) -> Result<Settings, Error> {
        let saved = self.settings.update(change)?;
        self.provider_cache.clear();
        Ok(saved)
    }

    /// A key was saved or removed.
    pub fn keys_changed(&self) {
        self.provider_cache.clear();
    }
}

/// The keychain service name: the app identifier, with `.dev` for debug builds so a build from
/// source never reads or overwrites the keys of an installed Deckhand. (The end-to-end tests run
/// the debug binary in a private keyring, so they use the `.dev` name too.)
pub fn keychain_service(identifier: &str) -> String {
    if cfg!(debug_assertions) {
        format!("{identifier}.dev")
    } else {
        identifier.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_builds_use_their_own_keychain_service() {
        let s = keychain_service("app.deckhand.desktop");
        if cfg!(debug_assertions) {
            assert_eq!(s, "app.deckhand.desktop.dev");
        } else {
            assert_eq!(s, "app.deckhand.desktop");
        }
    }
}
