//! Providers built once per connection and reused. A provider owns an HTTP client (its
//! connection pool, TLS sessions) and the caches of themes and templates; building one per
//! request would throw all of that away. The key is the service and the [`Endpoint`] (address
//! and sign-in); the credential is read once, when the provider is built, so whoever owns the
//! cache clears it whenever keys or settings change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::connection::Endpoint;
use crate::providers::{Provider, ProviderKind};
use crate::Error;

#[derive(Default)]
pub struct ProviderCache {
    built: Mutex<HashMap<(ProviderKind, Endpoint), Arc<dyn Provider>>>,
}

impl ProviderCache {
    /// The provider for `kind` at `endpoint`, built with `build` the first time.
    pub fn get_or_build(
        &self,
        kind: ProviderKind,
        endpoint: &Endpoint,
        build: impl FnOnce() -> Result<Arc<dyn Provider>, Error>,
    ) -> Result<Arc<dyn Provider>, Error> {
        let key = (kind, endpoint.clone());
        if let Some(p) = self.lock().get(&key) {
            return Ok(p.clone());
        }
        // Built outside the lock: reading the keychain may wait for the person to unlock it.
        // Two callers racing here build twice and keep the first; both work.
        let built = build()?;
        Ok(self.lock().entry(key).or_insert(built).clone())
    }

    /// Forgets every provider (and the credentials they hold): keys or settings changed.
    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<(ProviderKind, Endpoint), Arc<dyn Provider>>> {
        // A panic while holding the lock leaves at worst a missing entry.
        self.built.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::{Credentials, ProviderConnection, SignIn};
    use crate::Secret;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn endpoint(url: &str, sign_in: SignIn) -> Endpoint {
        Endpoint { base_url: url::Url::parse(url).unwrap(), sign_in }
    }

    #[test]
    fn one_provider_per_endpoint_until_cleared() {
        let cache = ProviderCache::default();
        let builds = AtomicUsize::new(0);
        let build = |e: &Endpoint, kind| {
            builds.fetch_add(1, Ordering::SeqCst);
            let conn = ProviderConnection { kind, base: e.base_url.clone(), credentials: Credentials::ApiKey(Secret::new("sk-presenton-test-12345678")) };
            crate::providers::connect(&conn)
        };
        let gamma = endpoint("https://public-api.gamma.app", SignIn::Key);
        let proxy = endpoint("http://127.0.0.1:9", SignIn::Key);
        let a = cache.get_or_build(ProviderKind::Gamma, &gamma, || build(&gamma, ProviderKind::Gamma)).unwrap();
        let b = cache.get_or_build(ProviderKind::Gamma, &gamma, || build(&gamma, ProviderKind::Gamma)).unwrap();
        assert!(Arc::ptr_eq(&a, &b), "reused");
        cache.get_or_build(ProviderKind::Gamma, &proxy, || build(&proxy, ProviderKind::Gamma)).unwrap();
        cache.get_or_build(ProviderKind::Presenton, &proxy, || build(&proxy, ProviderKind::Presenton)).unwrap();
        assert_eq!((builds.load(Ordering::SeqCst), cache.len()), (3, 3), "one per service and endpoint");

        cache.clear();
        assert!(cache.is_empty());
        let c = cache.get_or_build(ProviderKind::Gamma, &gamma, || build(&gamma, ProviderKind::Gamma)).unwrap();
        assert!(!Arc::ptr_eq(&a, &c), "built again after a change");
        assert_eq!(builds.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn a_failed_build_is_not_remembered() {
        let cache = ProviderCache::default();
        let e = endpoint("http://localhost:5001", SignIn::Basic { user: "ana".into() });
        let err = cache.get_or_build(ProviderKind::PresentonSelf, &e, || Err(Error::Auth { message: "no password".into(), details: Default::default() })).err().unwrap();
        assert_eq!(err.kind(), "auth");
        assert!(cache.is_empty());
    }
}
