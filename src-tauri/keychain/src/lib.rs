//! Keys in the OS keychain: Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows. Never the keyring crate's in-memory mock: [`Keychain::open`] refuses to run when
//! the default backend would not persist, so a key can never be "saved" into nothing.

use deckhand_engine::{Error, Secret, SecretAccount, SecretStore};
use keyring::credential::CredentialPersistence;

/// The keychain, with the service name namespaced by the app identifier so a development
/// build never reads a release build's keys.
pub struct Keychain {
    service: String,
}

impl Keychain {
    /// `identifier` is the Tauri app identifier (e.g. `app.deckhand.desktop`).
    pub fn open(identifier: &str) -> Result<Self, Error> {
        check_backend_persists()?;
        Ok(Keychain { service: identifier.to_string() })
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, account: &SecretAccount) -> Result<keyring::Entry, Error> {
        keyring::Entry::new(&self.service, &account.account_name()).map_err(map_err)
    }
}

/// The persistence of the backend keyring would use. `EntryOnly` or `ProcessOnly` means the
/// mock or a non-persistent store: a build without a platform feature.
pub fn backend_persistence() -> CredentialPersistence {
    keyring::default::default_credential_builder().persistence()
}

fn check_backend_persists() -> Result<(), Error> {
    match backend_persistence() {
        CredentialPersistence::UntilDelete | CredentialPersistence::UntilReboot => Ok(()),
        CredentialPersistence::ProcessOnly => Err(not_persistent("process-only")),
        CredentialPersistence::EntryOnly => Err(not_persistent("mock")),
        _ => Err(not_persistent("unknown")),
    }
}

fn not_persistent(backend: &str) -> Error {
    Error::keychain(format!(
        "This build of Deckhand has no system keychain support (backend: {backend}), so keys cannot be saved. You can keep a key for this session only."
    ))
}

impl SecretStore for Keychain {
    fn get(&self, account: &SecretAccount) -> Result<Option<Secret>, Error> {
        match self.entry(account)?.get_password() {
            Ok(p) => Ok(Some(Secret::new(p))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn set(&self, account: &SecretAccount, secret: &Secret) -> Result<(), Error> {
        self.entry(account)?.set_password(secret.expose()).map_err(map_err)
    }

    fn delete(&self, account: &SecretAccount) -> Result<(), Error> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_err(e)),
        }
    }
}

/// keyring's errors never contain the secret, but their platform text can be long; keep it for
/// the details view and give the person the next step.
fn map_err(e: keyring::Error) -> Error {
    let message = match &e {
        keyring::Error::NoStorageAccess(_) => {
            "The system keychain is locked or refused access. Unlock it (or sign in again) and try once more, or keep the key for this session only."
        }
        keyring::Error::PlatformFailure(_) => {
            "The system keychain is not available. On Linux, make sure a Secret Service (GNOME Keyring or KWallet) is running, or keep the key for this session only."
        }
        _ => "The system keychain could not store or read the key. Try again, or keep the key for this session only.",
    };
    Error::Keychain {
        message: message.into(),
        details: deckhand_engine::Details { provider_message: Some(e.to_string()), ..Default::default() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keychain_failures_say_what_to_do_and_keep_the_platform_text_for_details() {
        let locked = map_err(keyring::Error::NoStorageAccess(Box::new(std::io::Error::other("org.freedesktop.Secret.Error.IsLocked"))));
        assert_eq!(locked.kind(), "keychain");
        assert!(locked.message().contains("Unlock") && locked.message().contains("session only"), "{}", locked.message());
        assert!(locked.details().provider_message.as_deref().unwrap_or("").contains("IsLocked"));
        let missing = map_err(keyring::Error::PlatformFailure(Box::new(std::io::Error::other("no dbus"))));
        assert!(missing.message().contains("Secret Service") && missing.message().contains("session only"));
        assert!(not_persistent("mock").message().contains("session only"));
    }
}
