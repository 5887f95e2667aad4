//! Where the CLI's providers come from: the service address (flag, environment, default) and
//! the credential (environment, else the system keychain where the app keeps it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use deckhand_engine::jobs::runner::ProviderSource;
use deckhand_engine::providers::gamma::GammaProvider;
use deckhand_engine::providers::presenton::{PresentonProvider, SelfHostedAuth};
use deckhand_engine::providers::{Provider, ProviderKind};
use deckhand_engine::{Error, Secret, SecretAccount, SecretStore};
use url::Url;

/// The app's identifier: the keychain service under which the app stores keys.
pub const APP_IDENTIFIER: &str = "app.deckhand.desktop";

pub const GAMMA_DEFAULT_URL: &str = "https://public-api.gamma.app";
pub const PRESENTON_DEFAULT_URL: &str = "https://api.presenton.ai";
pub const PRESENTON_SELF_DEFAULT_URL: &str = "http://localhost:5001";

/// How the CLI signs in to one service.
#[derive(Debug, Clone)]
pub enum Credential {
    None,
    /// Gamma's `X-API-KEY`, Presenton's Bearer key.
    Key(Secret),
    /// Self-hosted Presenton's administrator sign-in.
    Basic { user: String, password: Secret },
}

#[derive(Debug, Clone)]
pub struct Connection {
    pub base: Url,
    pub credential: Credential,
}

/// Reads an environment variable; a function so tests can supply their own.
pub type EnvFn = dyn Fn(&str) -> Option<String> + Send + Sync;

/// The CLI's [`ProviderSource`]: one provider per service, built on first use.
pub struct CliProviders {
    base_override: Option<Url>,
    env: Box<EnvFn>,
    keychain: Mutex<Option<Arc<dyn SecretStore>>>,
    built: Mutex<HashMap<ProviderKind, Arc<dyn Provider>>>,
}

impl CliProviders {
    /// `base_override` (from `--base-url`) applies to whichever service is used.
    pub fn new(base_override: Option<Url>) -> Self {
        Self::with(base_override, Box::new(|k| std::env::var(k).ok().filter(|v| !v.is_empty())), None)
    }

    pub fn with(base_override: Option<Url>, env: Box<EnvFn>, keychain: Option<Arc<dyn SecretStore>>) -> Self {
        CliProviders { base_override, env, keychain: Mutex::new(keychain), built: Mutex::new(HashMap::new()) }
    }

    /// The system keychain, opened only when a key is not in the environment.
    fn keychain(&self) -> Result<Arc<dyn SecretStore>, Error> {
        let mut slot = self.keychain.lock().map_err(|_| Error::internal("keychain lock poisoned"))?;
        if let Some(k) = slot.as_ref() {
            return Ok(k.clone());
        }
        let k: Arc<dyn SecretStore> = Arc::new(deckhand_keychain::Keychain::open(APP_IDENTIFIER)?);
        *slot = Some(k.clone());
        Ok(k)
    }

    fn key_from_keychain(&self, account: &SecretAccount) -> Result<Option<Secret>, Error> {
        self.keychain()?.get(account)
    }

    /// Address and credential for `kind`.
    pub fn connection(&self, kind: ProviderKind) -> Result<Connection, Error> {
        let base = self.base_url(kind)?;
        let env = |k: &str| (self.env)(k);
        let credential = match kind {
            ProviderKind::Gamma => Credential::Key(self.required_key(
                env("DECKHAND_GAMMA_API_KEY"),
                &SecretAccount::GammaApiKey,
                "DECKHAND_GAMMA_API_KEY",
                kind,
            )?),
            ProviderKind::Presenton => Credential::Key(self.required_key(
                env("DECKHAND_PRESENTON_API_KEY"),
                &SecretAccount::PresentonApiKey,
                "DECKHAND_PRESENTON_API_KEY",
                kind,
            )?),
            ProviderKind::PresentonSelf => self.self_hosted_credential(&base)?,
        };
        Ok(Connection { base, credential })
    }

    fn base_url(&self, kind: ProviderKind) -> Result<Url, Error> {
        if let Some(u) = &self.base_override {
            return Ok(u.clone());
        }
        let (var, default) = match kind {
            ProviderKind::Gamma => ("DECKHAND_GAMMA_BASE_URL", GAMMA_DEFAULT_URL),
            ProviderKind::Presenton => ("DECKHAND_PRESENTON_BASE_URL", PRESENTON_DEFAULT_URL),
            ProviderKind::PresentonSelf => ("DECKHAND_PRESENTON_BASE_URL", PRESENTON_SELF_DEFAULT_URL),
        };
        let raw = (self.env)(var).unwrap_or_else(|| default.to_string());
        Url::parse(raw.trim()).map_err(|e| Error::invalid_input("base_url", format!("{var} is not a web address ({e}).")))
    }

    fn required_key(&self, from_env: Option<String>, account: &SecretAccount, var: &str, kind: ProviderKind) -> Result<Secret, Error> {
        if let Some(k) = from_env {
            return Ok(Secret::new(k.trim()));
        }
        let missing = || Error::Auth {
            message: format!(
                "No {} API key is set. Save it in the Deckhand app, or set {var} for the command line.",
                kind.display_name()
            ),
            details: Default::default(),
        };
        match self.key_from_keychain(account) {
            Ok(Some(k)) => Ok(k),
            Ok(None) => Err(missing()),
            Err(e) => Err(Error::keychain(format!("{} Or set {var} for the command line.", e.message()))),
        }
    }

    /// Self-hosted: Basic from the environment, a Bearer key from the environment, else what
    /// the app saved for this server's origin, else no sign-in (servers without auth).
    fn self_hosted_credential(&self, base: &Url) -> Result<Credential, Error> {
        let env = |k: &str| (self.env)(k);
        if let Some(user) = env("DECKHAND_PRESENTON_USER") {
            let password = match env("DECKHAND_PRESENTON_PASSWORD") {
                Some(p) => Secret::new(p),
                None => {
                    let account = SecretAccount::PresentonSelfPassword { origin: origin(base), user: user.clone() };
                    self.key_from_keychain(&account)?.ok_or_else(|| Error::Auth {
                        message: format!("No password for {user} is set. Set DECKHAND_PRESENTON_PASSWORD, or save it in the Deckhand app."),
                        details: Default::default(),
                    })?
                }
            };
            return Ok(Credential::Basic { user, password });
        }
        if let Some(k) = env("DECKHAND_PRESENTON_SELF_API_KEY") {
            return Ok(Credential::Key(Secret::new(k.trim())));
        }
        // Not configured for the CLI: use what the app saved, if the keychain is there.
        match self.keychain().and_then(|k| k.get(&SecretAccount::PresentonSelfKey { origin: origin(base) })) {
            Ok(Some(k)) => Ok(Credential::Key(k)),
            _ => Ok(Credential::None),
        }
    }
}

/// `http://host:port`, the keychain's key for a self-hosted server (as the app stores it).
pub fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

impl ProviderSource for CliProviders {
    fn provider(&self, kind: ProviderKind) -> Result<Arc<dyn Provider>, Error> {
        let mut built = self.built.lock().map_err(|_| Error::internal("provider cache poisoned"))?;
        if let Some(p) = built.get(&kind) {
            return Ok(p.clone());
        }
        let p = construct_provider(kind, self.connection(kind)?)?;
        built.insert(kind, p.clone());
        Ok(p)
    }
}

/// Builds the concrete provider for a resolved connection.
fn construct_provider(kind: ProviderKind, conn: Connection) -> Result<Arc<dyn Provider>, Error> {
    let Connection { base, credential } = conn;
    let missing_key = || Error::internal("no API key was resolved for this service");
    Ok(match kind {
        ProviderKind::Gamma => match credential {
            Credential::Key(key) => Arc::new(GammaProvider::new(base, key)?),
            _ => return Err(missing_key()),
        },
        ProviderKind::Presenton => match credential {
            Credential::Key(key) => Arc::new(PresentonProvider::hosted(base, key)?),
            _ => return Err(missing_key()),
        },
        ProviderKind::PresentonSelf => {
            let auth = match credential {
                Credential::None => SelfHostedAuth::None,
                Credential::Key(key) => SelfHostedAuth::Bearer(key),
                Credential::Basic { user, password } => SelfHostedAuth::Basic { user, password },
            };
            Arc::new(PresentonProvider::self_hosted(base, auth)?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use deckhand_engine::secrets::MemorySecretStore;

    fn source(vars: &[(&str, &str)], store: Option<MemorySecretStore>) -> CliProviders {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let store = store.map(|s| Arc::new(s) as Arc<dyn SecretStore>);
        CliProviders::with(None, Box::new(move |k| map.get(k).cloned()), store)
    }

    #[test]
    fn keys_come_from_the_environment_first() {
        let s = source(&[("DECKHAND_GAMMA_API_KEY", " sk-gamma-1 "), ("DECKHAND_GAMMA_BASE_URL", "http://127.0.0.1:9/")], None);
        let c = s.connection(ProviderKind::Gamma).unwrap();
        assert_eq!(c.base.as_str(), "http://127.0.0.1:9/");
        assert!(matches!(c.credential, Credential::Key(ref k) if k.expose() == "sk-gamma-1"));
    }

    #[test]
    fn then_from_the_keychain() {
        let store = MemorySecretStore::default();
        store.set(&SecretAccount::PresentonApiKey, &Secret::new("sk-presenton-abcd")).unwrap();
        let s = source(&[], Some(store));
        let c = s.connection(ProviderKind::Presenton).unwrap();
        assert_eq!(c.base.as_str(), "https://api.presenton.ai/");
        assert!(matches!(c.credential, Credential::Key(ref k) if k.expose() == "sk-presenton-abcd"));
        let e = s.connection(ProviderKind::Gamma).unwrap_err();
        assert_eq!(e.kind(), "auth");
        assert!(e.message().contains("DECKHAND_GAMMA_API_KEY"));
    }

    #[test]
    fn self_hosted_sign_in() {
        let s = source(&[("DECKHAND_PRESENTON_USER", "admin"), ("DECKHAND_PRESENTON_PASSWORD", "pw")], None);
        let c = s.connection(ProviderKind::PresentonSelf).unwrap();
        assert_eq!(c.base.as_str(), "http://localhost:5001/");
        assert!(matches!(c.credential, Credential::Basic { ref user, ref password } if user == "admin" && password.expose() == "pw"));

        let store = MemorySecretStore::default();
        store.set(&SecretAccount::PresentonSelfKey { origin: "http://deck.lan:5001".into() }, &Secret::new("k")).unwrap();
        let s = source(&[("DECKHAND_PRESENTON_BASE_URL", "http://deck.lan:5001")], Some(store));
        assert!(matches!(s.connection(ProviderKind::PresentonSelf).unwrap().credential, Credential::Key(ref k) if k.expose() == "k"));

        let s = source(&[], Some(MemorySecretStore::default()));
        assert!(matches!(s.connection(ProviderKind::PresentonSelf).unwrap().credential, Credential::None));
    }

    #[test]
    fn the_flag_overrides_every_address() {
        let s = CliProviders::with(
            Some(Url::parse("http://127.0.0.1:7/").unwrap()),
            Box::new(|k| (k == "DECKHAND_GAMMA_API_KEY").then(|| "k".to_string())),
            None,
        );
        assert_eq!(s.connection(ProviderKind::Gamma).unwrap().base.as_str(), "http://127.0.0.1:7/");
        assert_eq!(origin(&Url::parse("http://127.0.0.1:7/x").unwrap()), "http://127.0.0.1:7");
    }

    #[test]
    fn bad_addresses_are_bad_input() {
        let s = source(&[("DECKHAND_PRESENTON_BASE_URL", "not a url")], None);
        assert_eq!(s.connection(ProviderKind::PresentonSelf).unwrap_err().kind(), "invalid_input");
    }
}
