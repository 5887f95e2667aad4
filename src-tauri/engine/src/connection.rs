//! Which base URL and which credential a provider is built with, worked out from the settings,
//! the secret store and environment overrides. Pure apart from the secret store read, so the
//! rules (override order, plain-http policy, which keychain account) are tested here once.
//!
//! Every credential is bound to the origin it was saved for: the keychain account names the
//! origin (Gamma's and hosted Presenton's own origins keep the plain names earlier versions
//! used), so a key saved for one server is never sent to another, whatever the settings or
//! the environment say later. A job records the [`Endpoint`] it was sent to, and every later
//! request for it goes there with that endpoint's own credential ([`resolve_at`]).

use serde::{Deserialize, Serialize};
use url::Url;

use crate::providers::ProviderKind;
use crate::settings::{parse_base_url, SelfHostedAuthMode, Settings};
use crate::{Details, Error, Secret, SecretAccount, SecretStore};

pub const GAMMA_BASE_URL: &str = "https://public-api.gamma.app";
pub const PRESENTON_BASE_URL: &str = "https://api.presenton.ai";
/// Point Gamma or hosted Presenton elsewhere (tests use the fake servers; a proxy in a company).
/// Set by the person who starts Deckhand, never by the page; keys saved for the services' own
/// origins are not sent there (see the module comment).
pub const GAMMA_BASE_URL_ENV: &str = "DECKHAND_GAMMA_BASE_URL";
pub const PRESENTON_BASE_URL_ENV: &str = "DECKHAND_PRESENTON_BASE_URL";

/// Base URLs given in the environment; they replace the hosted services' own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvOverrides {
    pub gamma_base_url: Option<String>,
    pub presenton_base_url: Option<String>,
}

impl EnvOverrides {
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.trim().is_empty());
        EnvOverrides { gamma_base_url: var(GAMMA_BASE_URL_ENV), presenton_base_url: var(PRESENTON_BASE_URL_ENV) }
    }
}

/// Where a service's requests go and how Deckhand signs in there. Recorded on each job when it
/// is made, so later requests for the job go to the same server with that server's own
/// credential. Not a secret: the credential stays in the keychain, found by this.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Endpoint {
    /// The API's base URL (a proxy may add a path prefix).
    pub base_url: Url,
    #[serde(flatten)]
    pub sign_in: SignIn,
}

/// How Deckhand signs in at an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "sign_in", rename_all = "lowercase")]
pub enum SignIn {
    /// A self-hosted server without sign-in.
    None,
    /// The API key saved for this origin: Gamma's `X-API-KEY`, a Presenton Bearer key.
    Key,
    /// A self-hosted server's Basic sign-in; the password is saved for this origin and user.
    Basic { user: String },
}

impl Endpoint {
    /// `scheme://host:port` of the base URL: what credentials are bound to.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }

    /// The keychain account that holds this endpoint's credential; `None` when it needs none.
    /// The hosted services always sign in with their key.
    pub fn secret_account(&self, kind: ProviderKind) -> Option<SecretAccount> {
        let origin = self.origin();
        match (kind, &self.sign_in) {
            (ProviderKind::Gamma, _) => Some(SecretAccount::GammaApiKey { origin }),
            (ProviderKind::Presenton, _) => Some(SecretAccount::PresentonApiKey { origin }),
            (ProviderKind::PresentonSelf, SignIn::None) => None,
            (ProviderKind::PresentonSelf, SignIn::Key) => Some(SecretAccount::PresentonSelfKey { origin }),
            (ProviderKind::PresentonSelf, SignIn::Basic { user }) => Some(SecretAccount::PresentonSelfPassword { origin, user: user.clone() }),
        }
    }
}

/// How a provider proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A self-hosted server without sign-in.
    None,
    /// Gamma's `X-API-KEY` or hosted Presenton's Bearer key: the provider knows which header.
    ApiKey(Secret),
    Basic { user: String, password: Secret },
    Bearer(Secret),
}

/// Everything needed to build one provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConnection {
    pub kind: ProviderKind,
    pub base: Url,
    pub credentials: Credentials,
}

impl ProviderConnection {
    /// Where this connection goes and how it signs in, without the credential itself.
    pub fn endpoint(&self) -> Endpoint {
        let sign_in = match &self.credentials {
            Credentials::None => SignIn::None,
            Credentials::ApiKey(_) | Credentials::Bearer(_) => SignIn::Key,
            Credentials::Basic { user, .. } => SignIn::Basic { user: user.clone() },
        };
        Endpoint { base_url: self.base.clone(), sign_in }
    }
}

/// Where a new request for `kind` goes now: the hosted services' own addresses (or the
/// environment's), the self-hosted server and its sign-in from the settings.
pub fn endpoint(kind: ProviderKind, settings: &Settings, env: &EnvOverrides) -> Result<Endpoint, Error> {
    let base_url = base_url(kind, settings, env)?;
    let server = &settings.servers.presenton_self;
    let sign_in = match (kind, server.auth) {
        (ProviderKind::Gamma | ProviderKind::Presenton, _) => SignIn::Key,
        (ProviderKind::PresentonSelf, SelfHostedAuthMode::None) => SignIn::None,
        (ProviderKind::PresentonSelf, SelfHostedAuthMode::Bearer) => SignIn::Key,
        (ProviderKind::PresentonSelf, SelfHostedAuthMode::Basic) => match server.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(user) => SignIn::Basic { user: user.to_owned() },
            None => return Err(field_error("servers.presenton_self.user", "Enter the user name for your Presenton server in Settings first.")),
        },
    };
    Ok(Endpoint { base_url, sign_in })
}

/// The keychain account that holds `kind`'s credential now, or `None` when the self-hosted
/// server needs no sign-in. Every account is per origin, so two servers never share a key.
pub fn secret_account(kind: ProviderKind, settings: &Settings, env: &EnvOverrides) -> Result<Option<SecretAccount>, Error> {
    Ok(endpoint(kind, settings, env)?.secret_account(kind))
}

/// The API's base URL: for the hosted services their own (or the environment's), for the
/// self-hosted server the settings'.
pub fn base_url(kind: ProviderKind, settings: &Settings, env: &EnvOverrides) -> Result<Url, Error> {
    let (text, field) = match kind {
        ProviderKind::Gamma => (env.gamma_base_url.clone().unwrap_or_else(|| GAMMA_BASE_URL.into()), GAMMA_BASE_URL_ENV),
        ProviderKind::Presenton => (env.presenton_base_url.clone().unwrap_or_else(|| PRESENTON_BASE_URL.into()), PRESENTON_BASE_URL_ENV),
        ProviderKind::PresentonSelf => (settings.servers.presenton_self.base_url.clone(), "servers.presenton_self.base_url"),
    };
    parse_base_url(&text).map_err(|e| field_error(field, e.message()))
}

/// Whether `origin` is the hosted service's own (the keychain account then has the plain name
/// earlier versions used, so their keys are still found).
pub fn is_service_origin(kind: ProviderKind, origin: &str) -> bool {
    let own = match kind {
        ProviderKind::Gamma => GAMMA_BASE_URL,
        ProviderKind::Presenton => PRESENTON_BASE_URL,
        ProviderKind::PresentonSelf => return false,
    };
    Url::parse(own).is_ok_and(|u| u.origin().ascii_serialization() == origin)
}

/// Loopback never leaves this computer, so plain http to it is as private as https.
/// `*.localhost` names are not trusted: the system resolver may not keep them local.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether sending to `url` needs the person's "yes, plain http is OK" that they have not given.
pub fn needs_confirmation(url: &Url, settings: &Settings) -> bool {
    url.scheme() != "https" && !is_loopback(url) && !settings.servers.insecure_confirmed.contains(&url.origin().ascii_serialization())
}

/// Refuse plain http to another machine until the person confirmed that server.
pub fn check_transport(url: &Url, settings: &Settings) -> Result<(), Error> {
    if !needs_confirmation(url, settings) {
        return Ok(());
    }
    let origin = url.origin().ascii_serialization();
    Err(Error::InsecureConnection {
        message: format!(
            "{origin} uses plain http, so your key and your notes would travel unencrypted. Use an https address, or confirm in Settings that plain http is OK for this server."
        ),
        details: Details::default(),
    })
}

/// Remember the person's "yes, plain http is OK" for the server at `base_url` (the app asks in
/// a native dialog first). Returns whether anything changed: https and loopback addresses need
/// no confirmation and are not recorded.
pub fn confirm_insecure(settings: &mut Settings, base_url: &str) -> Result<bool, Error> {
    let url = parse_base_url(base_url).map_err(|e| field_error("base_url", e.message()))?;
    if !needs_confirmation(&url, settings) {
        return Ok(false);
    }
    settings.servers.insecure_confirmed.push(url.origin().ascii_serialization());
    Ok(true)
}

/// The connection for `kind` with today's settings and the credential kept in `secrets`.
pub fn resolve(kind: ProviderKind, settings: &Settings, secrets: &dyn SecretStore, env: &EnvOverrides) -> Result<ProviderConnection, Error> {
    let endpoint = endpoint(kind, settings, env)?;
    check_transport(&endpoint.base_url, settings)?;
    resolve_at(kind, &endpoint, secrets)
}

/// The connection to `endpoint` with that endpoint's own credential from `secrets`, whatever
/// the settings say now: for a job bound to the server it was sent to. The plain-http rule is
/// not applied again: it was when the endpoint was recorded, and a confirmation is never
/// withdrawn. A credential that is gone is an `auth` error naming the server, never another
/// server's credential.
pub fn resolve_at(kind: ProviderKind, endpoint: &Endpoint, secrets: &dyn SecretStore) -> Result<ProviderConnection, Error> {
    let secret = match endpoint.secret_account(kind) {
        None => None,
        Some(account) => Some(secrets.get(&account)?.ok_or_else(|| missing_key(kind, endpoint))?),
    };
    Ok(ProviderConnection { kind, base: endpoint.base_url.clone(), credentials: credentials(kind, &endpoint.sign_in, secret) })
}

/// The connection for `kind` with a credential that is not saved yet (checking a key before
/// it is kept).
pub fn with_candidate(kind: ProviderKind, settings: &Settings, env: &EnvOverrides, secret: Secret) -> Result<ProviderConnection, Error> {
    let endpoint = endpoint(kind, settings, env)?;
    check_transport(&endpoint.base_url, settings)?;
    Ok(ProviderConnection { kind, credentials: credentials(kind, &endpoint.sign_in, Some(secret)), base: endpoint.base_url })
}

fn credentials(kind: ProviderKind, sign_in: &SignIn, secret: Option<Secret>) -> Credentials {
    match (kind, sign_in, secret) {
        (_, _, None) => Credentials::None,
        (ProviderKind::Gamma | ProviderKind::Presenton, _, Some(s)) => Credentials::ApiKey(s),
        (ProviderKind::PresentonSelf, SignIn::None, Some(_)) => Credentials::None,
        (ProviderKind::PresentonSelf, SignIn::Key, Some(s)) => Credentials::Bearer(s),
        (ProviderKind::PresentonSelf, SignIn::Basic { user }, Some(s)) => Credentials::Basic { user: user.clone(), password: s },
    }
}

fn missing_key(kind: ProviderKind, endpoint: &Endpoint) -> Error {
    let origin = endpoint.origin();
    let message = match (&endpoint.sign_in, kind) {
        (SignIn::Basic { user }, _) => {
            format!("There is no password for {user} on your Presenton server at {origin}. Add it in Settings → Your own Presenton server.")
        }
        (_, ProviderKind::PresentonSelf) => format!("There is no key for your Presenton server at {origin}. Add it in Settings → Your own Presenton server."),
        (_, _) if is_service_origin(kind, &origin) => {
            format!("There is no key for {} yet. Add it in Settings → Services and keys.", kind.display_name())
        }
        (_, _) => format!(
            "There is no {} key for {origin}. Keys are kept for one address each; add one for this address in Settings → Services and keys.",
            kind.display_name()
        ),
    };
    Error::Auth { message, details: Details::default() }
}

fn field_error(field: &str, message: &str) -> Error {
    Error::invalid_input(field, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecretStore;

    fn store_with(pairs: &[(SecretAccount, &str)]) -> MemorySecretStore {
        let s = MemorySecretStore::default();
        for (a, v) in pairs {
            s.set(a, &Secret::new(*v)).unwrap();
        }
        s
    }

    #[test]
    fn hosted_services_are_at_their_own_address_unless_the_environment_says_otherwise() {
        let settings = Settings::default();
        let none = EnvOverrides::default();
        assert_eq!(base_url(ProviderKind::Gamma, &settings, &none).unwrap().as_str(), "https://public-api.gamma.app/");
        assert_eq!(base_url(ProviderKind::Presenton, &settings, &none).unwrap().as_str(), "https://api.presenton.ai/");
        let env = EnvOverrides { gamma_base_url: Some("http://127.0.0.1:40001".into()), presenton_base_url: Some("http://127.0.0.1:40002".into()) };
        assert_eq!(base_url(ProviderKind::Gamma, &settings, &env).unwrap().port(), Some(40001));
        assert_eq!(base_url(ProviderKind::Presenton, &settings, &env).unwrap().port(), Some(40002));
        assert_eq!(base_url(ProviderKind::PresentonSelf, &settings, &env).unwrap().as_str(), "http://localhost:5001/", "self-hosted comes from settings only");

        let bad = EnvOverrides { gamma_base_url: Some("gamma".into()), ..Default::default() };
        match base_url(ProviderKind::Gamma, &settings, &bad) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field.as_deref(), Some(GAMMA_BASE_URL_ENV)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hosted_keys_are_bound_to_their_origin() {
        let settings = Settings::default();
        let own = secret_account(ProviderKind::Gamma, &settings, &EnvOverrides::default()).unwrap().unwrap();
        assert_eq!(own, SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() });
        assert_eq!(own.account_name(), "gamma-api-key", "the name earlier versions saved the key under");
        let proxy = EnvOverrides { gamma_base_url: Some("https://gamma-proxy.example/api/".into()), presenton_base_url: Some("http://127.0.0.1:9".into()) };
        let there = secret_account(ProviderKind::Gamma, &settings, &proxy).unwrap().unwrap();
        assert_eq!(there.account_name(), "gamma-api-key:https://gamma-proxy.example");
        let hosted = secret_account(ProviderKind::Presenton, &settings, &proxy).unwrap().unwrap();
        assert_eq!(hosted.account_name(), "presenton-api-key:http://127.0.0.1:9");

        // The real service's key is not sent to the address the environment names.
        let store = store_with(&[(own, "sk-gamma-the-real-one")]);
        let err = resolve(ProviderKind::Gamma, &settings, &store, &proxy).unwrap_err();
        assert_eq!(err.kind(), "auth");
        assert!(err.message().contains("https://gamma-proxy.example"), "{}", err.message());
        assert!(resolve(ProviderKind::Gamma, &settings, &store, &EnvOverrides::default()).is_ok());
    }

    #[test]
    fn a_recorded_endpoint_is_reached_with_its_own_credential_whatever_the_settings_say() {
        let old = Endpoint { base_url: Url::parse("http://10.0.0.5:5001/").unwrap(), sign_in: SignIn::Basic { user: "ana".into() } };
        let store = store_with(&[
            (SecretAccount::PresentonSelfPassword { origin: "http://10.0.0.5:5001".into(), user: "ana".into() }, "old-password"),
            (SecretAccount::PresentonSelfKey { origin: "https://new.example".into() }, "new-server-key"),
        ]);
        // Today the settings name another server, with another sign-in, and no plain-http
        // confirmation (it was given when the job was made).
        let c = resolve_at(ProviderKind::PresentonSelf, &old, &store).unwrap();
        assert_eq!(c.base.as_str(), "http://10.0.0.5:5001/");
        assert_eq!(c.credentials, Credentials::Basic { user: "ana".into(), password: Secret::new("old-password") });
        assert_eq!(c.endpoint(), old);

        let gone = Endpoint { base_url: Url::parse("http://10.0.0.7:5001/").unwrap(), sign_in: SignIn::Key };
        let err = resolve_at(ProviderKind::PresentonSelf, &gone, &store).unwrap_err();
        assert_eq!(err.kind(), "auth");
        assert!(err.message().contains("http://10.0.0.7:5001"), "{}", err.message());
    }

    #[test]
    fn endpoints_are_recorded_as_plain_json() {
        let e = Endpoint { base_url: Url::parse("http://127.0.0.1:5001/sub/").unwrap(), sign_in: SignIn::Basic { user: "ana".into() } };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v, serde_json::json!({"base_url": "http://127.0.0.1:5001/sub/", "sign_in": "basic", "user": "ana"}));
        assert_eq!(serde_json::from_value::<Endpoint>(v).unwrap(), e);
        let key = serde_json::json!({"base_url": "https://public-api.gamma.app/", "sign_in": "key"});
        assert_eq!(serde_json::from_value::<Endpoint>(key).unwrap().sign_in, SignIn::Key);
    }

    #[test]
    fn plain_http_needs_loopback_or_a_confirmation() {
        let mut settings = Settings::default();
        for ok in ["https://x.example", "http://localhost:5001", "http://127.0.0.9:1", "http://[::1]:80", "http://LOCALHOST"] {
            assert!(check_transport(&Url::parse(ok).unwrap(), &settings).is_ok(), "{ok}");
        }
        let lan = Url::parse("http://192.168.1.20:5001/presenton").unwrap();
        let err = check_transport(&lan, &settings).unwrap_err();
        assert_eq!(err.kind(), "insecure_connection");
        assert!(err.message().contains("http://192.168.1.20:5001"));
        assert_eq!(check_transport(&Url::parse("http://app.localhost").unwrap(), &settings).unwrap_err().kind(), "insecure_connection");

        settings.servers.insecure_confirmed.push("http://192.168.1.20:5001".into());
        assert!(check_transport(&lan, &settings).is_ok());
        assert!(check_transport(&Url::parse("http://192.168.1.20:5002").unwrap(), &settings).is_err(), "confirmed per origin, port included");
    }

    #[test]
    fn confirming_records_the_origin_once_and_only_for_plain_http_elsewhere() {
        let mut settings = Settings::default();
        assert!(confirm_insecure(&mut settings, "http://192.168.1.20:5001/presenton/").unwrap());
        assert!(!confirm_insecure(&mut settings, "http://192.168.1.20:5001").unwrap());
        assert!(!confirm_insecure(&mut settings, "https://secure.example").unwrap());
        assert!(!confirm_insecure(&mut settings, "http://localhost:5001").unwrap());
        assert_eq!(settings.servers.insecure_confirmed, vec!["http://192.168.1.20:5001".to_string()]);
        assert_eq!(confirm_insecure(&mut settings, "nonsense").unwrap_err().kind(), "invalid_input");
        assert!(settings.validate().is_ok());
    }

    #[test]
    fn self_hosted_accounts_follow_the_auth_mode_and_server() {
        let mut settings = Settings::default();
        let env = EnvOverrides::default();
        let secret_account = |kind, settings: &Settings| super::secret_account(kind, settings, &env);
        assert_eq!(secret_account(ProviderKind::PresentonSelf, &settings).unwrap(), None);
        settings.servers.presenton_self.base_url = "http://LocalHost:5001/sub/".into();
        settings.servers.presenton_self.auth = SelfHostedAuthMode::Bearer;
        assert_eq!(
            secret_account(ProviderKind::PresentonSelf, &settings).unwrap(),
            Some(SecretAccount::PresentonSelfKey { origin: "http://localhost:5001".into() })
        );
        settings.servers.presenton_self.auth = SelfHostedAuthMode::Basic;
        assert_eq!(secret_account(ProviderKind::PresentonSelf, &settings).unwrap_err().kind(), "invalid_input");
        settings.servers.presenton_self.user = Some(" admin ".into());
        assert_eq!(
            secret_account(ProviderKind::PresentonSelf, &settings).unwrap(),
            Some(SecretAccount::PresentonSelfPassword { origin: "http://localhost:5001".into(), user: "admin".into() })
        );
        assert_eq!(
            secret_account(ProviderKind::Gamma, &settings).unwrap(),
            Some(SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() })
        );
    }

    #[test]
    fn resolve_reads_the_credential_for_each_mode() {
        let mut settings = Settings::default();
        let env = EnvOverrides::default();
        let origin = "http://localhost:5001".to_string();
        let store = store_with(&[
            (SecretAccount::GammaApiKey { origin: "https://public-api.gamma.app".into() }, "sk-gamma-one"),
            (SecretAccount::PresentonSelfPassword { origin: origin.clone(), user: "admin".into() }, "pw-123456"),
            (SecretAccount::PresentonSelfKey { origin }, "bearer-token"),
        ]);
        let c = resolve(ProviderKind::Gamma, &settings, &store, &env).unwrap();
        assert_eq!(c.credentials, Credentials::ApiKey(Secret::new("sk-gamma-one")));
        assert_eq!(resolve(ProviderKind::PresentonSelf, &settings, &store, &env).unwrap().credentials, Credentials::None);

        settings.servers.presenton_self.auth = SelfHostedAuthMode::Basic;
        settings.servers.presenton_self.user = Some("admin".into());
        assert_eq!(
            resolve(ProviderKind::PresentonSelf, &settings, &store, &env).unwrap().credentials,
            Credentials::Basic { user: "admin".into(), password: Secret::new("pw-123456") }
        );
        settings.servers.presenton_self.auth = SelfHostedAuthMode::Bearer;
        assert_eq!(resolve(ProviderKind::PresentonSelf, &settings, &store, &env).unwrap().credentials, Credentials::Bearer(Secret::new("bearer-token")));

        let missing = resolve(ProviderKind::Presenton, &settings, &store, &env).unwrap_err();
        assert_eq!(missing.kind(), "auth");
        assert!(missing.message().contains("Presenton"));
    }

    #[test]
    fn insecure_servers_are_refused_before_the_keychain_is_read() {
        struct Exploding;
        impl SecretStore for Exploding {
            fn get(&self, _: &SecretAccount) -> Result<Option<Secret>, Error> {
                panic!("the keychain was read for a server that will not be contacted")
            }
            fn set(&self, _: &SecretAccount, _: &Secret) -> Result<(), Error> {
                unreachable!()
            }
            fn delete(&self, _: &SecretAccount) -> Result<(), Error> {
                unreachable!()
            }
        }
        let mut settings = Settings::default();
        settings.servers.presenton_self.base_url = "http://10.1.2.3:5001".into();
        settings.servers.presenton_self.auth = SelfHostedAuthMode::Bearer;
        let err = resolve(ProviderKind::PresentonSelf, &settings, &Exploding, &EnvOverrides::default()).unwrap_err();
        assert_eq!(err.kind(), "insecure_connection");
        let err = with_candidate(ProviderKind::PresentonSelf, &settings, &EnvOverrides::default(), Secret::new("k")).unwrap_err();
        assert_eq!(err.kind(), "insecure_connection");
    }

    #[test]
    fn a_candidate_key_is_used_as_given() {
        let c = with_candidate(ProviderKind::Presenton, &Settings::default(), &EnvOverrides::default(), Secret::new("sk-presenton-new")).unwrap();
        assert_eq!(c.credentials, Credentials::ApiKey(Secret::new("sk-presenton-new")));
        assert!(!format!("{c:?}").contains("sk-presenton-new"), "Debug of a connection hides the key");
    }
}
