//! Where the CLI's providers come from. Only the command line's own part is here: the service
//! address from `--base-url`, the environment or the app's settings file (read-only), and keys
//! from the environment before the system keychain where the app keeps them. The rest is the engine's, as in the app: which
//! keychain account, which credential, the plain-http rule (`connection::resolve`) and which
//! provider speaks to the service (`providers::connect`).

use std::sync::{Arc, Mutex};

use deckhand_engine::connection::{self, Endpoint, EnvOverrides, SignIn, ProviderConnection, GAMMA_BASE_URL_ENV, PRESENTON_BASE_URL_ENV};
use deckhand_engine::jobs::runner::ProviderSource;
use deckhand_engine::providers::{self, Provider, ProviderCache, ProviderKind};
use deckhand_engine::settings::{parse_base_url, SelfHostedAuthMode, Settings};
use deckhand_engine::{Error, Secret, SecretAccount, SecretStore};
use url::Url;

/// The app's identifier: the keychain service under which the app stores keys.
pub const APP_IDENTIFIER: &str = "app.deckhand.desktop";

pub const GAMMA_KEY_ENV: &str = "DECKHAND_GAMMA_API_KEY";
pub const PRESENTON_KEY_ENV: &str = "DECKHAND_PRESENTON_API_KEY";
/// Self-hosted Presenton's Basic sign-in.
pub const PRESENTON_USER_ENV: &str = "DECKHAND_PRESENTON_USER";
pub const PRESENTON_PASSWORD_ENV: &str = "DECKHAND_PRESENTON_PASSWORD";
/// Self-hosted Presenton's Bearer key.
pub const PRESENTON_SELF_KEY_ENV: &str = "DECKHAND_PRESENTON_SELF_API_KEY";

/// Reads an environment variable; a function so tests can supply their own.
pub type EnvFn = dyn Fn(&str) -> Option<String> + Send + Sync;

/// The CLI's [`ProviderSource`]: one provider per service and endpoint, built on first use. A
/// job made earlier (`resume`, `download`) goes to the endpoint it was sent to, whatever
/// `--base-url` or the environment say now.
pub struct CliProviders {
    base_override: Option<Url>,
    /// The app's settings file, when there is one: the self-hosted server, its sign-in name
    /// and the plain-http servers the person confirmed there.
    app: Option<Settings>,
    env: Box<EnvFn>,
    keychain: Mutex<Option<Arc<dyn SecretStore>>>,
    built: ProviderCache,
}

impl CliProviders {
    /// `base_override` (from `--base-url`) applies to whichever service is used.
    pub fn new(base_override: Option<Url>, app: Option<Settings>) -> Self {
        Self::with(base_override, Box::new(|k| std::env::var(k).ok().filter(|v| !v.is_empty())), None).with_app_settings(app)
    }

    pub fn with(base_override: Option<Url>, env: Box<EnvFn>, keychain: Option<Arc<dyn SecretStore>>) -> Self {
        CliProviders { base_override, app: None, env, keychain: Mutex::new(keychain), built: ProviderCache::default() }
    }

    /// What the app's settings file says, below the command line and the environment.
    pub fn with_app_settings(mut self, app: Option<Settings>) -> Self {
        self.app = app;
        self
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

    /// The address given for `var`'s services: `--base-url`, else the variable.
    fn address(&self, var: &str) -> Option<String> {
        self.base_override.as_ref().map(|u| u.to_string()).or_else(|| (self.env)(var).map(|v| v.trim().to_string()))
    }

    fn env_overrides(&self) -> EnvOverrides {
        EnvOverrides { gamma_base_url: self.address(GAMMA_BASE_URL_ENV), presenton_base_url: self.address(PRESENTON_BASE_URL_ENV) }
    }

    /// Address and credential for `kind`.
    pub fn connection(&self, kind: ProviderKind) -> Result<ProviderConnection, Error> {
        let env = self.env_overrides();
        let settings = self.settings(kind, &env);
        connection::resolve(kind, &settings, &CliSecrets(self), &env).map_err(|e| self.in_cli_words(kind, basic_user(&settings), e))
    }

    /// Where a new deck for `kind` goes: the address and sign-in the command line gives.
    pub fn endpoint(&self, kind: ProviderKind) -> Result<Endpoint, Error> {
        let env = self.env_overrides();
        let settings = self.settings(kind, &env);
        let endpoint = connection::endpoint(kind, &settings, &env).map_err(|e| self.in_cli_words(kind, basic_user(&settings), e))?;
        connection::check_transport(&endpoint.base_url, &settings)?;
        Ok(endpoint)
    }

    /// The settings the engine's rules read: the app's settings file under the command line's
    /// environment and flags.
    fn settings(&self, kind: ProviderKind, env: &EnvOverrides) -> Settings {
        // Hosted addresses come only from the command line and the environment: the settings
        // have no field for them.
        let mut settings = self.app.clone().unwrap_or_default();
        let saved_server = settings.servers.presenton_self.clone();
        if let Some(url) = &env.presenton_base_url {
            settings.servers.presenton_self.base_url = url.clone();
        }
        // An address the person typed for the command line is their confirmation that plain
        // http to it is meant (the app asks in Settings instead). Bad ones are reported below.
        for url in [&env.gamma_base_url, &env.presenton_base_url].into_iter().flatten() {
            let _ = connection::confirm_insecure(&mut settings, url);
        }
        if kind != ProviderKind::PresentonSelf {
            return settings;
        }
        // Self-hosted: Basic sign-in from the environment, a Bearer key from the environment,
        // else the sign-in set up in the app for this very server, else the key the app saved
        // for this server, else no sign-in (servers without auth).
        let server = &mut settings.servers.presenton_self;
        let same_server = self.app.is_some() && same_origin(&saved_server.base_url, &server.base_url);
        if !same_server {
            server.auth = SelfHostedAuthMode::None;
            server.user = None;
        }
        if let Some(user) = (self.env)(PRESENTON_USER_ENV) {
            server.auth = SelfHostedAuthMode::Basic;
            server.user = Some(user);
        } else if (self.env)(PRESENTON_SELF_KEY_ENV).is_some() {
            server.auth = SelfHostedAuthMode::Bearer;
        } else if server.auth == SelfHostedAuthMode::None && self.app_saved_self_hosted_key(&settings) {
            settings.servers.presenton_self.auth = SelfHostedAuthMode::Bearer;
        }
        settings
    }

    /// Whether the app saved a Bearer key for this self-hosted server. A keychain that cannot
    /// be read means "no": servers without sign-in must work without one.
    fn app_saved_self_hosted_key(&self, settings: &Settings) -> bool {
        let mut bearer = settings.clone();
        bearer.servers.presenton_self.auth = SelfHostedAuthMode::Bearer;
        match connection::secret_account(ProviderKind::PresentonSelf, &bearer, &EnvOverrides::default()) {
            Ok(Some(account)) => self.keychain().and_then(|k| k.get(&account)).is_ok_and(|k| k.is_some()),
            _ => false,
        }
    }

    /// The engine's sentences name the app's Settings; on the command line the environment
    /// variables are the other way.
    /// `basic_user`: the self-hosted server's Basic sign-in name, when it has one.
    fn in_cli_words(&self, kind: ProviderKind, basic_user: Option<&str>, e: Error) -> Error {
        let name = kind.display_name();
        let key_var = match kind {
            ProviderKind::Gamma => GAMMA_KEY_ENV,
            ProviderKind::Presenton => PRESENTON_KEY_ENV,
            ProviderKind::PresentonSelf if basic_user.is_some() => PRESENTON_PASSWORD_ENV,
            ProviderKind::PresentonSelf => PRESENTON_SELF_KEY_ENV,
        };
        match e {
            Error::Auth { details, .. } => {
                let message = match basic_user {
                    Some(user) if kind == ProviderKind::PresentonSelf => {
                        format!("No password for {user} is set. Set {key_var}, or save it in the Deckhand app.")
                    }
                    _ => format!("No {name} API key is set. Save it in the Deckhand app, or set {key_var} for the command line."),
                };
                Error::Auth { message, details }
            }
            Error::Keychain { message, details } => Error::Keychain { message: format!("{message} Or set {key_var} for the command line."), details },
            Error::InvalidInput { message, details, .. } => {
                let var = if kind == ProviderKind::Gamma { GAMMA_BASE_URL_ENV } else { PRESENTON_BASE_URL_ENV };
                let source = if self.base_override.is_some() { "--base-url" } else { var };
                Error::InvalidInput { message: format!("{source}: {message}"), field: Some("base_url".into()), details }
            }
            other => other,
        }
    }
}

fn basic_user(settings: &Settings) -> Option<&str> {
    let server = &settings.servers.presenton_self;
    (server.auth == SelfHostedAuthMode::Basic).then_some(server.user.as_deref()).flatten()
}

/// Whether two typed addresses name the same server (scheme, host and port).
fn same_origin(a: &str, b: &str) -> bool {
    match (parse_base_url(a), parse_base_url(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// Keys from the environment first, then the system keychain.
struct CliSecrets<'a>(&'a CliProviders);

impl SecretStore for CliSecrets<'_> {
    fn get(&self, account: &SecretAccount) -> Result<Option<Secret>, Error> {
        // A key given to the command line is for whatever address it is used with; saved keys
        // are found by their origin only.
        let from_env = match account {
            SecretAccount::GammaApiKey { .. } => (self.0.env)(GAMMA_KEY_ENV).map(|k| Secret::new(k.trim())),
            SecretAccount::PresentonApiKey { .. } => (self.0.env)(PRESENTON_KEY_ENV).map(|k| Secret::new(k.trim())),
            SecretAccount::PresentonSelfKey { .. } => (self.0.env)(PRESENTON_SELF_KEY_ENV).map(|k| Secret::new(k.trim())),
            SecretAccount::PresentonSelfPassword { .. } => (self.0.env)(PRESENTON_PASSWORD_ENV).map(Secret::new),
        };
        match from_env {
            Some(secret) => Ok(Some(secret)),
            None => self.0.keychain()?.get(account),
        }
    }

    fn set(&self, _: &SecretAccount, _: &Secret) -> Result<(), Error> {
        Err(Error::internal("the command line does not change saved keys"))
    }

    fn delete(&self, _: &SecretAccount) -> Result<(), Error> {
        Err(Error::internal("the command line does not change saved keys"))
    }
}

impl ProviderSource for CliProviders {
    fn endpoint(&self, kind: ProviderKind) -> Result<Endpoint, Error> {
        CliProviders::endpoint(self, kind)
    }

    fn provider(&self, kind: ProviderKind, endpoint: Option<&Endpoint>) -> Result<Arc<dyn Provider>, Error> {
        match endpoint {
            Some(e) => self.built.get_or_build(kind, e, || {
                let user = match &e.sign_in {
                    SignIn::Basic { user } => Some(user.as_str()),
                    _ => None,
                };
                let conn = connection::resolve_at(kind, e, &CliSecrets(self)).map_err(|err| self.in_cli_words(kind, user, err))?;
                providers::connect(&conn)
            }),
            // A job from before endpoints were recorded: today's address.
            None => {
                let conn = self.connection(kind)?;
                self.built.get_or_build(kind, &conn.endpoint(), || providers::connect(&conn))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deckhand_engine::connection::Credentials;
    use deckhand_engine::secrets::MemorySecretStore;
    use std::collections::HashMap;

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
        assert_eq!(c.credentials, Credentials::ApiKey(Secret::new("sk-gamma-1")));
    }

    #[test]
    fn then_from_the_keychain() {
        let store = MemorySecretStore::default();
        store.set(&SecretAccount::PresentonApiKey { origin: "https://api.presenton.ai".into() }, &Secret::new("sk-presenton-abcd")).unwrap();
        let s = source(&[], Some(store));
        let c = s.connection(ProviderKind::Presenton).unwrap();
        assert_eq!(c.base.as_str(), "https://api.presenton.ai/");
        assert_eq!(c.credentials, Credentials::ApiKey(Secret::new("sk-presenton-abcd")));
        let e = s.connection(ProviderKind::Gamma).unwrap_err();
        assert_eq!(e.kind(), "auth");
        assert_eq!(e.message(), "No Gamma API key is set. Save it in the Deckhand app, or set DECKHAND_GAMMA_API_KEY for the command line.");
    }

    #[test]
    fn self_hosted_sign_in() {
        let s = source(&[("DECKHAND_PRESENTON_USER", "admin"), ("DECKHAND_PRESENTON_PASSWORD", "pw")], None);
        let c = s.connection(ProviderKind::PresentonSelf).unwrap();
        assert_eq!(c.base.as_str(), "http://localhost:5001/");
        assert_eq!(c.credentials, Credentials::Basic { user: "admin".into(), password: Secret::new("pw") });

        let s = source(&[("DECKHAND_PRESENTON_USER", "admin")], Some(MemorySecretStore::default()));
        let e = s.connection(ProviderKind::PresentonSelf).unwrap_err();
        assert_eq!(e.message(), "No password for admin is set. Set DECKHAND_PRESENTON_PASSWORD, or save it in the Deckhand app.");

        // The Bearer key the app saved for this server's origin; plain http to a typed
        // address is the person's own choice.
        let store = MemorySecretStore::default();
        store.set(&SecretAccount::PresentonSelfKey { origin: "http://deck.lan:5001".into() }, &Secret::new("k")).unwrap();
        let s = source(&[("DECKHAND_PRESENTON_BASE_URL", "http://deck.lan:5001")], Some(store));
        assert_eq!(s.connection(ProviderKind::PresentonSelf).unwrap().credentials, Credentials::Bearer(Secret::new("k")));

        let s = source(&[("DECKHAND_PRESENTON_SELF_API_KEY", " sk-self ")], Some(MemorySecretStore::default()));
        assert_eq!(s.connection(ProviderKind::PresentonSelf).unwrap().credentials, Credentials::Bearer(Secret::new("sk-self")));

        let s = source(&[], Some(MemorySecretStore::default()));
        assert_eq!(s.connection(ProviderKind::PresentonSelf).unwrap().credentials, Credentials::None);
    }

    #[test]
    fn the_flag_overrides_every_address() {
        let s = CliProviders::with(
            Some(Url::parse("http://127.0.0.1:7/").unwrap()),
            Box::new(|k| (k == "DECKHAND_GAMMA_API_KEY").then(|| "k".to_string())),
            Some(Arc::new(MemorySecretStore::default())),
        );
        assert_eq!(s.connection(ProviderKind::Gamma).unwrap().base.as_str(), "http://127.0.0.1:7/");
        assert_eq!(s.connection(ProviderKind::PresentonSelf).unwrap().base.as_str(), "http://127.0.0.1:7/");
        assert_eq!(s.provider(ProviderKind::Gamma, None).unwrap().kind(), ProviderKind::Gamma, "built by the engine's connect");
    }

    #[test]
    fn the_apps_self_hosted_server_sign_in_and_confirmations_are_used() {
        let mut app = Settings::default();
        app.servers.presenton_self.base_url = "http://deck.lan:5001".into();
        app.servers.presenton_self.auth = SelfHostedAuthMode::Basic;
        app.servers.presenton_self.user = Some("admin".into());
        app.servers.insecure_confirmed = vec!["http://deck.lan:5001".into()];
        let store = MemorySecretStore::default();
        let account = SecretAccount::PresentonSelfPassword { origin: "http://deck.lan:5001".into(), user: "admin".into() };
        store.set(&account, &Secret::new("pw-123456")).unwrap();
        let s = source(&[("DECKHAND_GAMMA_API_KEY", "k")], Some(store)).with_app_settings(Some(app.clone()));
        let c = s.connection(ProviderKind::PresentonSelf).unwrap();
        assert_eq!(c.base.as_str(), "http://deck.lan:5001/", "the address set up in the app");
        assert_eq!(c.credentials, Credentials::Basic { user: "admin".into(), password: Secret::new("pw-123456") });
        assert_eq!(s.connection(ProviderKind::Gamma).unwrap().base.as_str(), "https://public-api.gamma.app/", "hosted addresses never come from the file");

        // The environment wins over the file; the file's sign-in stays with the file's server.
        let s = source(&[("DECKHAND_PRESENTON_BASE_URL", "http://127.0.0.1:7")], Some(MemorySecretStore::default()))
            .with_app_settings(Some(app.clone()));
        let c = s.connection(ProviderKind::PresentonSelf).unwrap();
        assert_eq!((c.base.as_str(), c.credentials), ("http://127.0.0.1:7/", Credentials::None));
        let s = source(&[("DECKHAND_PRESENTON_USER", "me"), ("DECKHAND_PRESENTON_PASSWORD", "pw")], None).with_app_settings(Some(app.clone()));
        assert_eq!(s.connection(ProviderKind::PresentonSelf).unwrap().credentials, Credentials::Basic { user: "me".into(), password: Secret::new("pw") });

        // Without the app's confirmation, plain http to that server is refused as before.
        app.servers.insecure_confirmed.clear();
        let s = source(&[], Some(MemorySecretStore::default())).with_app_settings(Some(app));
        assert_eq!(s.connection(ProviderKind::PresentonSelf).unwrap_err().kind(), "insecure_connection");
    }

    #[test]
    fn bad_addresses_are_bad_input() {
        let s = source(&[("DECKHAND_PRESENTON_BASE_URL", "not a url")], Some(MemorySecretStore::default()));
        let e = s.connection(ProviderKind::PresentonSelf).unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert!(e.message().starts_with("DECKHAND_PRESENTON_BASE_URL: "), "{}", e.message());
    }
}
