//! Which base URL and which credential a provider is built with, worked out from the settings,
//! the secret store and environment overrides. Pure apart from the secret store read, so the
//! rules (override order, plain-http policy, which keychain account) are tested here once.

use url::Url;

use crate::providers::ProviderKind;
use crate::settings::{parse_base_url, SelfHostedAuthMode, Settings};
use crate::{Details, Error, Secret, SecretAccount, SecretStore};

pub const GAMMA_BASE_URL: &str = "https://public-api.gamma.app";
pub const PRESENTON_BASE_URL: &str = "https://api.presenton.ai";
/// Point Gamma or hosted Presenton elsewhere (tests use the fake servers; a proxy in a company).
pub const GAMMA_BASE_URL_ENV: &str = "DECKHAND_GAMMA_BASE_URL";
pub const PRESENTON_BASE_URL_ENV: &str = "DECKHAND_PRESENTON_BASE_URL";

/// Base URLs given in the environment; they win over the settings.
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

/// The keychain account that holds `kind`'s credential, or `None` when the self-hosted server
/// needs no sign-in. Self-hosted accounts are per server, so two servers never share a key.
pub fn secret_account(kind: ProviderKind, settings: &Settings) -> Result<Option<SecretAccount>, Error> {
    match kind {
        ProviderKind::Gamma => Ok(Some(SecretAccount::GammaApiKey)),
        ProviderKind::Presenton => Ok(Some(SecretAccount::PresentonApiKey)),
        ProviderKind::PresentonSelf => {
            let server = &settings.servers.presenton_self;
            let origin = parse_base_url(&server.base_url)
                .map_err(|_| field_error("servers.presenton_self.base_url", "Enter your Presenton server's address in Settings first."))?
                .origin()
                .ascii_serialization();
            match server.auth {
                SelfHostedAuthMode::None => Ok(None),
                SelfHostedAuthMode::Bearer => Ok(Some(SecretAccount::PresentonSelfKey { origin })),
                SelfHostedAuthMode::Basic => match server.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                    Some(user) => Ok(Some(SecretAccount::PresentonSelfPassword { origin, user: user.to_owned() })),
                    None => Err(field_error("servers.presenton_self.user", "Enter the user name for your Presenton server in Settings first.")),
                },
            }
        }
    }
}

/// The API's base URL: environment override, then the settings, then the service's own.
pub fn base_url(kind: ProviderKind, settings: &Settings, env: &EnvOverrides) -> Result<Url, Error> {
    let (text, field) = match kind {
        ProviderKind::Gamma => (
            env.gamma_base_url.clone().or_else(|| settings.servers.gamma_base_url.clone()).unwrap_or_else(|| GAMMA_BASE_URL.into()),
            "servers.gamma_base_url",
        ),
        ProviderKind::Presenton => (
            env.presenton_base_url.clone().or_else(|| settings.servers.presenton_base_url.clone()).unwrap_or_else(|| PRESENTON_BASE_URL.into()),
            "servers.presenton_base_url",
        ),
        ProviderKind::PresentonSelf => (settings.servers.presenton_self.base_url.clone(), "servers.presenton_self.base_url"),
    };
    parse_base_url(&text).map_err(|e| field_error(field, e.message()))
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

/// Refuse plain http to another machine until the person confirmed that server.
pub fn check_transport(url: &Url, settings: &Settings) -> Result<(), Error> {
    if url.scheme() == "https" || is_loopback(url) {
        return Ok(());
    }
    let origin = url.origin().ascii_serialization();
    if settings.servers.insecure_confirmed.iter().any(|o| o == &origin) {
        return Ok(());
    }
    Err(Error::InsecureConnection {
        message: format!(
            "{origin} uses plain http, so your key and your notes would travel unencrypted. Use an https address, or confirm in Settings that plain http is OK for this server."
        ),
        details: Details::default(),
    })
}

/// Remember the person's "yes, plain http is OK" for the server at `base_url`. Returns whether
/// anything changed: https and loopback addresses need no confirmation and are not recorded.
pub fn confirm_insecure(settings: &mut Settings, base_url: &str) -> Result<bool, Error> {
    let url = parse_base_url(base_url).map_err(|e| field_error("base_url", e.message()))?;
    if url.scheme() == "https" || is_loopback(&url) {
        return Ok(false);
    }
    let origin = url.origin().ascii_serialization();
    if settings.servers.insecure_confirmed.contains(&origin) {
        return Ok(false);
    }
    settings.servers.insecure_confirmed.push(origin);
    Ok(true)
}

/// The connection for `kind` with the credential kept in `secrets`.
pub fn resolve(kind: ProviderKind, settings: &Settings, secrets: &dyn SecretStore, env: &EnvOverrides) -> Result<ProviderConnection, Error> {
    let base = base_url(kind, settings, env)?;
    check_transport(&base, settings)?;
    let secret = match secret_account(kind, settings)? {
        None => None,
        Some(account) => Some(secrets.get(&account)?.ok_or_else(|| missing_key(kind, &account))?),
    };
    Ok(ProviderConnection { kind, base, credentials: credentials(kind, settings, secret) })
}

/// The connection for `kind` with a credential that is not saved yet (checking a key before
/// it is kept).
pub fn with_candidate(kind: ProviderKind, settings: &Settings, env: &EnvOverrides, secret: Secret) -> Result<ProviderConnection, Error> {
    let base = base_url(kind, settings, env)?;
    check_transport(&base, settings)?;
    secret_account(kind, settings)?;
    Ok(ProviderConnection { kind, base, credentials: credentials(kind, settings, Some(secret)) })
}

fn credentials(kind: ProviderKind, settings: &Settings, secret: Option<Secret>) -> Credentials {
    let server = &settings.servers.presenton_self;
    match (kind, secret) {
        (_, None) => Credentials::None,
        (ProviderKind::Gamma | ProviderKind::Presenton, Some(s)) => Credentials::ApiKey(s),
        (ProviderKind::PresentonSelf, Some(s)) => match server.auth {
            SelfHostedAuthMode::Basic => Credentials::Basic { user: server.user.clone().unwrap_or_default().trim().to_owned(), password: s },
            SelfHostedAuthMode::Bearer => Credentials::Bearer(s),
            SelfHostedAuthMode::None => Credentials::None,
        },
    }
}

fn missing_key(kind: ProviderKind, account: &SecretAccount) -> Error {
    let what = match account {
        SecretAccount::PresentonSelfPassword { .. } => "password",
        _ => "key",
    };
    Error::Auth {
        message: format!("There is no {what} for {} yet. Add it in Settings → Services and keys.", kind.in_sentence()),
        details: Details::default(),
    }
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
    fn environment_beats_settings_beats_the_service_default() {
        let mut settings = Settings::default();
        let none = EnvOverrides::default();
        assert_eq!(base_url(ProviderKind::Gamma, &settings, &none).unwrap().as_str(), "https://public-api.gamma.app/");
        assert_eq!(base_url(ProviderKind::Presenton, &settings, &none).unwrap().as_str(), "https://api.presenton.ai/");
        settings.servers.gamma_base_url = Some("https://gamma-proxy.example/api".into());
        assert_eq!(base_url(ProviderKind::Gamma, &settings, &none).unwrap().as_str(), "https://gamma-proxy.example/api");
        let env = EnvOverrides { gamma_base_url: Some("http://127.0.0.1:40001".into()), presenton_base_url: Some("http://127.0.0.1:40002".into()) };
        assert_eq!(base_url(ProviderKind::Gamma, &settings, &env).unwrap().port(), Some(40001));
        assert_eq!(base_url(ProviderKind::Presenton, &settings, &env).unwrap().port(), Some(40002));
        assert_eq!(base_url(ProviderKind::PresentonSelf, &settings, &env).unwrap().as_str(), "http://localhost:5001/", "self-hosted comes from settings only");

        let bad = EnvOverrides { gamma_base_url: Some("gamma".into()), ..Default::default() };
        match base_url(ProviderKind::Gamma, &settings, &bad) {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field.as_deref(), Some("servers.gamma_base_url")),
            other => panic!("{other:?}"),
        }
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
        assert_eq!(secret_account(ProviderKind::Gamma, &settings).unwrap(), Some(SecretAccount::GammaApiKey));
    }

    #[test]
    fn resolve_reads_the_credential_for_each_mode() {
        let mut settings = Settings::default();
        let env = EnvOverrides::default();
        let origin = "http://localhost:5001".to_string();
        let store = store_with(&[
            (SecretAccount::GammaApiKey, "sk-gamma-one"),
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
