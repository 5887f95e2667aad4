//! The app's secret store: keys kept for this session only (in memory, when the person chose
//! that) come first, then the OS keychain. There is no third layer: if the keychain is
//! unavailable and the person did not choose "this session only", nothing is kept, and the
//! error says so. Never a silent plaintext fallback.
//!
//! Every secret that passes through here is also taught to the log's [`Redactor`], so it is
//! masked in the log file wherever it might turn up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use deckhand_engine::redact::Redactor;
use deckhand_engine::secrets::MemorySecretStore;
use deckhand_engine::{Error, Secret, SecretAccount, SecretStore};
use serde::Serialize;

/// What the UI may know about a key: whether it is set, its last four characters (not for
/// passwords), and whether it lives only until Deckhand closes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyStatus {
    pub set: bool,
    pub last4: Option<String>,
    pub session_only: bool,
}

impl KeyStatus {
    pub fn unset() -> Self {
        KeyStatus { set: false, last4: None, session_only: false }
    }

    fn of(account: &SecretAccount, secret: &Secret, session_only: bool) -> Self {
        // Four characters of a password would make guessing it easier; keys are random.
        let last4 = match account {
            SecretAccount::PresentonSelfPassword { .. } => None,
            _ => Some(secret.last4()),
        };
        KeyStatus { set: true, last4, session_only }
    }
}

pub struct AppSecrets {
    session: MemorySecretStore,
    /// The keychain, or why it could not be opened (the app starts anyway).
    keychain: Result<Arc<dyn SecretStore>, Error>,
    redactor: Arc<Redactor>,
    ahead: Mutex<ReadAhead>,
}

/// Statuses read from the keychain while the window was still starting ([`AppSecrets::read_ahead`]),
/// each handed out once and only while fresh; any key saved or removed drops them all.
#[derive(Default)]
struct ReadAhead {
    /// Counts saves and removals, so a read that began before one is not kept.
    changes: u64,
    found: HashMap<SecretAccount, (KeyStatus, Instant)>,
}

/// How long a status read ahead stays good: the window asks for it within the first second.
const READ_AHEAD_FRESH: Duration = Duration::from_secs(10);

impl AppSecrets {
    pub fn new(keychain: Result<Arc<dyn SecretStore>, Error>) -> Self {
        AppSecrets { session: MemorySecretStore::default(), keychain, redactor: Arc::default(), ahead: Mutex::default() }
    }

    fn ahead(&self) -> std::sync::MutexGuard<'_, ReadAhead> {
        self.ahead.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Asks the keychain about `accounts` now, at start, while the window is still loading: each
    /// question opens a Secret Service session (about 15 ms), and the first screen waits for
    /// the answers. The next [`AppSecrets::status`] of each account gets its answer at once.
    pub fn read_ahead(&self, accounts: &[SecretAccount]) {
        let changes = self.ahead().changes;
        let read: Vec<_> = accounts.iter().filter_map(|a| self.status_now(a).ok().map(|s| (a.clone(), (s, Instant::now())))).collect();
        let mut ahead = self.ahead();
        if ahead.changes == changes {
            ahead.found.extend(read);
        }
    }

    /// After a key was saved or removed (also when that failed half-way): a read ahead that
    /// began before it may have seen the keychain as it was, so nothing read is kept.
    fn changed(&self) {
        let mut ahead = self.ahead();
        ahead.changes += 1;
        ahead.found.clear();
    }

    /// The log's redactor, which learns every secret handled here.
    pub fn with_redactor(mut self, redactor: Arc<Redactor>) -> Self {
        self.redactor = redactor;
        self
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Masks `secret` in the log from now on (a key about to be checked with its service).
    pub fn learn(&self, secret: &Secret) {
        self.redactor.learn(secret);
    }

    fn keychain(&self) -> Result<&dyn SecretStore, Error> {
        self.keychain.as_deref().map_err(Clone::clone)
    }

    /// Keep `secret`: in the keychain, or (when the person chose it) in memory for this session.
    /// A key saved to the keychain replaces any session-only copy.
    pub fn keep(&self, account: &SecretAccount, secret: &Secret, session_only: bool) -> Result<KeyStatus, Error> {
        self.learn(secret);
        let kept = if session_only {
            self.session.set(account, secret)
        } else {
            self.keychain().and_then(|k| k.set(account, secret)).and_then(|()| self.session.delete(account))
        };
        self.changed();
        kept.map(|()| KeyStatus::of(account, secret, session_only))
    }

    pub fn status(&self, account: &SecretAccount) -> Result<KeyStatus, Error> {
        if let Some((status, at)) = self.ahead().found.remove(account) {
            if at.elapsed() < READ_AHEAD_FRESH {
                return Ok(status);
            }
        }
        self.status_now(account)
    }

    fn status_now(&self, account: &SecretAccount) -> Result<KeyStatus, Error> {
        if let Some(s) = self.session.get(account)? {
            return Ok(KeyStatus::of(account, &s, true));
        }
        Ok(match self.keychain()?.get(account)? {
            Some(s) => KeyStatus::of(account, &s, false),
            None => KeyStatus::unset(),
        })
    }

    /// Forget the key everywhere. With the keychain unavailable, forgetting a session-only key
    /// still works; anything else reports the keychain error.
    pub fn forget(&self, account: &SecretAccount) -> Result<(), Error> {
        let forgotten = self.forget_now(account);
        self.changed();
        forgotten
    }

    fn forget_now(&self, account: &SecretAccount) -> Result<(), Error> {
        let had_session_copy = self.session.get(account)?.is_some();
        self.session.delete(account)?;
        match self.keychain().and_then(|k| k.delete(account)) {
            Err(_) if had_session_copy => Ok(()),
            other => other,
        }
    }
}

impl SecretStore for AppSecrets {
    fn get(&self, account: &SecretAccount) -> Result<Option<Secret>, Error> {
        let found = match self.session.get(account)? {
            Some(s) => Some(s),
            None => self.keychain()?.get(account)?,
        };
        if let Some(s) = &found {
            self.learn(s);
        }
        Ok(found)
    }

    fn set(&self, account: &SecretAccount, secret: &Secret) -> Result<(), Error> {
        self.keep(account, secret, false).map(|_| ())
    }

    fn delete(&self, account: &SecretAccount) -> Result<(), Error> {
        self.forget(account)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A keychain that is locked: every call fails like the real one does.
    struct Locked;
    impl SecretStore for Locked {
        fn get(&self, _: &SecretAccount) -> Result<Option<Secret>, Error> {
            Err(Error::keychain("locked"))
        }
        fn set(&self, _: &SecretAccount, _: &Secret) -> Result<(), Error> {
            Err(Error::keychain("locked"))
        }
        fn delete(&self, _: &SecretAccount) -> Result<(), Error> {
            Err(Error::keychain("locked"))
        }
    }

    fn with_memory_keychain() -> (AppSecrets, Arc<MemorySecretStore>) {
        let kc = Arc::new(MemorySecretStore::default());
        (AppSecrets::new(Ok(kc.clone() as Arc<dyn SecretStore>)), kc)
    }

    #[test]
    fn keychain_keys_are_reported_with_last4_and_a_saved_key_replaces_a_session_one() {
        let (s, kc) = with_memory_keychain();
        let a = SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() };
        assert_eq!(s.status(&a).unwrap(), KeyStatus::unset());
        s.keep(&a, &Secret::new("session-key-1111"), true).unwrap();
        assert!(kc.get(&a).unwrap().is_none(), "session-only keys never reach the keychain");
        assert_eq!(s.status(&a).unwrap(), KeyStatus { set: true, last4: Some("1111".into()), session_only: true });
        s.keep(&a, &Secret::new("saved-key-2222"), false).unwrap();
        assert_eq!(s.status(&a).unwrap(), KeyStatus { set: true, last4: Some("2222".into()), session_only: false });
        assert_eq!(s.get(&a).unwrap().unwrap().expose(), "saved-key-2222");
        s.forget(&a).unwrap();
        assert_eq!(s.status(&a).unwrap(), KeyStatus::unset());
        assert!(kc.get(&a).unwrap().is_none());
    }

    /// The memory keychain, counting how often it is asked.
    #[derive(Default)]
    struct Counting {
        inner: MemorySecretStore,
        gets: std::sync::atomic::AtomicUsize,
    }
    impl SecretStore for Counting {
        fn get(&self, a: &SecretAccount) -> Result<Option<Secret>, Error> {
            self.gets.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.inner.get(a)
        }
        fn set(&self, a: &SecretAccount, s: &Secret) -> Result<(), Error> {
            self.inner.set(a, s)
        }
        fn delete(&self, a: &SecretAccount) -> Result<(), Error> {
            self.inner.delete(a)
        }
    }

    #[test]
    fn a_status_read_ahead_is_handed_out_once_and_dropped_by_any_change() {
        let kc = Arc::new(Counting::default());
        let s = AppSecrets::new(Ok(kc.clone() as Arc<dyn SecretStore>));
        let gets = || kc.gets.load(std::sync::atomic::Ordering::SeqCst);
        let a = SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() };
        let b = SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() };
        kc.inner.set(&a, &Secret::new("saved-key-1111")).unwrap();
        s.read_ahead(&[a.clone(), b.clone()]);
        assert_eq!(gets(), 2);
        // The first question of each is answered without the keychain...
        assert_eq!(s.status(&a).unwrap(), KeyStatus { set: true, last4: Some("1111".into()), session_only: false });
        assert_eq!(s.status(&b).unwrap(), KeyStatus::unset());
        assert_eq!(gets(), 2);
        // ...and only the first: later ones see what the keychain holds then.
        kc.inner.delete(&a).unwrap();
        assert_eq!(s.status(&a).unwrap(), KeyStatus::unset());
        assert_eq!(gets(), 3);
        // A key saved or removed after the read ahead drops what was read.
        s.read_ahead(std::slice::from_ref(&a));
        s.keep(&a, &Secret::new("saved-key-2222"), false).unwrap();
        assert_eq!(s.status(&a).unwrap().last4.as_deref(), Some("2222"));
        s.read_ahead(std::slice::from_ref(&a));
        s.forget(&a).unwrap();
        assert_eq!(s.status(&a).unwrap(), KeyStatus::unset());
        // A status read too long ago is not used.
        kc.inner.set(&a, &Secret::new("saved-key-3333")).unwrap();
        s.read_ahead(std::slice::from_ref(&a));
        kc.inner.delete(&a).unwrap();
        let long_ago = {
            let mut ahead = s.ahead();
            let at = &mut ahead.found.get_mut(&a).unwrap().1;
            at.checked_sub(READ_AHEAD_FRESH).map(|t| *at = t)
        };
        if long_ago.is_some() {
            assert_eq!(s.status(&a).unwrap(), KeyStatus::unset());
        }
    }

    #[test]
    fn a_locked_keychain_is_an_error_never_a_silent_fallback() {
        let s = AppSecrets::new(Ok(Arc::new(Locked)));
        let a = SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() };
        assert_eq!(s.keep(&a, &Secret::new("sk-presenton-x"), false).unwrap_err().kind(), "keychain");
        assert_eq!(s.status(&a).unwrap_err().kind(), "keychain");
        assert!(s.session.get(&a).unwrap().is_none(), "nothing was kept anywhere");
        // The person chooses this session only: that works, and is said.
        let st = s.keep(&a, &Secret::new("sk-presenton-abcd"), true).unwrap();
        assert!(st.session_only);
        assert_eq!(s.get(&a).unwrap().unwrap().expose(), "sk-presenton-abcd");
        s.forget(&a).unwrap();
        assert_eq!(s.forget(&a).unwrap_err().kind(), "keychain");
    }

    #[test]
    fn an_unopenable_keychain_still_allows_session_keys() {
        let s = AppSecrets::new(Err(Error::keychain("no backend")));
        let a = SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() };
        assert_eq!(s.get(&a).unwrap_err().kind(), "keychain");
        s.keep(&a, &Secret::new("k-12345678"), true).unwrap();
        assert_eq!(s.status(&a).unwrap().last4.as_deref(), Some("5678"));
    }

    #[test]
    fn passwords_show_no_characters() {
        let (s, _) = with_memory_keychain();
        let a = SecretAccount::PresentonSelfPassword { origin: "http://localhost:5001".into(), user: "admin".into() };
        let st = s.keep(&a, &Secret::new("hunter22"), false).unwrap();
        assert_eq!(st, KeyStatus { set: true, last4: None, session_only: false });
        let json = serde_json::to_string(&st).unwrap();
        assert_eq!(json, r#"{"set":true,"last4":null,"sessionOnly":false}"#);
    }
}
