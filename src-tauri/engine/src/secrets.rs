//! Where credentials are kept. The app and the CLI implement this over the OS keychain
//! (`deckhand-keychain`); tests use an in-memory map.

use crate::providers::ProviderKind;
use crate::{Error, Secret};

/// Which credential: one account per service and origin (`scheme://host:port`), so a key is
/// only ever found for the server it was saved for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecretAccount {
    /// Gamma's API key for the API at `origin`: its own, or where `DECKHAND_GAMMA_BASE_URL` points.
    GammaApiKey { origin: String },
    /// Hosted Presenton's API key for the API at `origin`.
    PresentonApiKey { origin: String },
    /// Bearer key of a self-hosted Presenton server, by its origin (`http://host:port`).
    PresentonSelfKey { origin: String },
    /// Basic-auth password of a self-hosted Presenton server, by origin and user name.
    PresentonSelfPassword { origin: String, user: String },
}

impl SecretAccount {
    /// The keychain's account name; stable, because keys saved by one version must be found by
    /// the next. A hosted service's own origin keeps the name versions before origins used.
    pub fn account_name(&self) -> String {
        let hosted = |name: &str, kind, origin: &str| {
            if crate::connection::is_service_origin(kind, origin) {
                name.to_string()
            } else {
                format!("{name}:{origin}")
            }
        };
        match self {
            SecretAccount::GammaApiKey { origin } => hosted("gamma-api-key", ProviderKind::Gamma, origin),
            SecretAccount::PresentonApiKey { origin } => hosted("presenton-api-key", ProviderKind::Presenton, origin),
            SecretAccount::PresentonSelfKey { origin } => format!("presenton-self-key:{origin}"),
            SecretAccount::PresentonSelfPassword { origin, user } => format!("presenton-self-password:{user}@{origin}"),
        }
    }
}

pub trait SecretStore: Send + Sync {
    fn get(&self, account: &SecretAccount) -> Result<Option<Secret>, Error>;
    fn set(&self, account: &SecretAccount, secret: &Secret) -> Result<(), Error>;
    /// Removing a key that is not there is not an error.
    fn delete(&self, account: &SecretAccount) -> Result<(), Error>;
}

/// A store in memory: for tests, and for the person who chooses to keep a key for this session
/// only when the keychain is unavailable.
#[derive(Default)]
pub struct MemorySecretStore {
    map: std::sync::Mutex<std::collections::BTreeMap<SecretAccount, Secret>>,
}

impl SecretStore for MemorySecretStore {
    fn get(&self, account: &SecretAccount) -> Result<Option<Secret>, Error> {
        Ok(self.map.lock().map_err(|_| Error::internal("secret store poisoned"))?.get(account).cloned())
    }
    fn set(&self, account: &SecretAccount, secret: &Secret) -> Result<(), Error> {
        self.map.lock().map_err(|_| Error::internal("secret store poisoned"))?.insert(account.clone(), secret.clone());
        Ok(())
    }
    fn delete(&self, account: &SecretAccount) -> Result<(), Error> {
        self.map.lock().map_err(|_| Error::internal("secret store poisoned"))?.remove(account);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_roundtrip_and_idempotent_delete() {
        let s = MemorySecretStore::default();
        let a = SecretAccount::PresentonSelfPassword { origin: "http://localhost:5001".into(), user: "admin".into() };
        assert!(s.get(&a).unwrap().is_none());
        s.set(&a, &Secret::new("pw")).unwrap();
        assert_eq!(s.get(&a).unwrap().unwrap().expose(), "pw");
        s.delete(&a).unwrap();
        s.delete(&a).unwrap();
        assert!(s.get(&a).unwrap().is_none());
        assert_eq!(a.account_name(), "presenton-self-password:admin@http://localhost:5001");
    }
}
