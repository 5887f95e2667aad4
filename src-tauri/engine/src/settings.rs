//! Settings: one typed struct under a schema version, with migration.
//!
//! Pure: the settings' shape, checking values the UI sends, and what only the person may
//! decide; reading a file's bytes into [`Settings`] (migrating older shapes, repairing values a
//! person edited by hand) is `settings/file.rs`. Where the file lives and how it is written
//! belongs to the app.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::providers::{ExportFormat, ProviderKind};
use crate::Error;

mod file;
pub use file::{load, read_file, LoadProblem, Loaded, FILE_NAME};

/// The version written today. Files without one are the pre-release shape (version 0).
pub const SCHEMA_VERSION: u32 = 1;

/// Decks generated at once per service: at least one, and few enough that a person's credits
/// and the services' rate limits are not burnt by a mistake.
pub const CONCURRENCY_RANGE: std::ops::RangeInclusive<u32> = 1..=8;

/// Where a self-hosted Presenton listens when its docs are followed (`docker run -p 5001:80`).
pub const DEFAULT_SELF_HOSTED_URL: &str = "http://localhost:5001";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub schema_version: u32,
    pub default_provider: ProviderKind,
    /// `None`: the person's Documents/Deckhand folder.
    pub save_folder: Option<String>,
    pub defaults: ProviderDefaults,
    pub concurrency: Concurrency,
    pub notifications: bool,
    pub appearance: Appearance,
    pub servers: Servers,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            schema_version: SCHEMA_VERSION,
            default_provider: ProviderKind::Gamma,
            save_folder: None,
            defaults: ProviderDefaults::default(),
            concurrency: Concurrency::default(),
            notifications: true,
            appearance: Appearance::System,
            servers: Servers::default(),
        }
    }
}

/// What a new deck starts with, per service: a partial `DeckRequest` (no content, no files).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeckDefaults {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slides: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Service-specific options by API name, as in `DeckRequest::options`.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub options: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderDefaults {
    pub gamma: DeckDefaults,
    pub presenton: DeckDefaults,
    #[serde(rename = "presenton-self")]
    pub presenton_self: DeckDefaults,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Concurrency {
    pub gamma: u32,
    pub presenton: u32,
    #[serde(rename = "presenton-self")]
    pub presenton_self: u32,
}

impl Default for Concurrency {
    fn default() -> Self {
        // A self-hosted server usually runs one generation at a time on one machine.
        Concurrency { gamma: 2, presenton: 2, presenton_self: 1 }
    }
}

impl Concurrency {
    pub fn get(&self, kind: ProviderKind) -> u32 {
        match kind {
            ProviderKind::Gamma => self.gamma,
            ProviderKind::Presenton => self.presenton,
            ProviderKind::PresentonSelf => self.presenton_self,
        }
    }

    fn get_mut(&mut self, kind: ProviderKind) -> &mut u32 {
        match kind {
            ProviderKind::Gamma => &mut self.gamma,
            ProviderKind::Presenton => &mut self.presenton,
            ProviderKind::PresentonSelf => &mut self.presenton_self,
        }
    }

    /// For the job engine's `EngineConfig::concurrency`.
    pub fn as_map(&self) -> BTreeMap<ProviderKind, usize> {
        ProviderKind::ALL.into_iter().map(|k| (k, self.get(k) as usize)).collect()
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Appearance {
    #[default]
    System,
    Light,
    Dark,
}

/// Where the services are. Gamma and hosted Presenton have no address here: they are always
/// their own public APIs, unless `DECKHAND_GAMMA_BASE_URL` / `DECKHAND_PRESENTON_BASE_URL` say
/// otherwise (see `connection`), so the page can never point a saved key somewhere else.
/// (Earlier versions had `gamma_base_url` and `presenton_base_url` here; they are ignored.)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Servers {
    pub presenton_self: SelfHostedServer,
    /// Origins (`http://host:port`) the person allowed over plain http, each in a native
    /// dialog (never from the page: see [`Settings::with_changes_from_page`]).
    pub insecure_confirmed: Vec<String>,
    /// Origins of servers of the person's own that they confirmed in a native dialog as theirs
    /// to send notes, files and sign-in to (https or http; loopback needs no confirmation).
    /// Only a native dialog adds one, so a script in the window cannot point the self-hosted
    /// server, and with it the person's files, at an address of its choosing. A file written
    /// before this field existed has its server's origin taken over as confirmed (see `load`).
    pub confirmed_servers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelfHostedServer {
    /// Whether the person uses a server of their own: `base_url` always holds an address
    /// (the default one), so it cannot tell by itself.
    pub enabled: bool,
    pub base_url: String,
    pub auth: SelfHostedAuthMode,
    /// The Basic-auth user name; the password is in the keychain.
    pub user: Option<String>,
}

impl Default for SelfHostedServer {
    fn default() -> Self {
        SelfHostedServer { enabled: false, base_url: DEFAULT_SELF_HOSTED_URL.into(), auth: SelfHostedAuthMode::None, user: None }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SelfHostedAuthMode {
    #[default]
    None,
    Basic,
    Bearer,
}

impl Settings {
    /// Check values the UI sends before they are saved. The error names the field.
    pub fn validate(&self) -> Result<(), Error> {
        match self.problems().into_iter().next() {
            None => Ok(()),
            Some((field, message)) => Err(Error::invalid_input(field, message)),
        }
    }

    /// Reset every field that fails validation to its default; returns the fields reset.
    fn repair(&mut self) -> Vec<String> {
        let defaults = Settings::default();
        let mut fixed = Vec::new();
        for (field, _) in self.problems() {
            match field.as_str() {
                "save_folder" => self.save_folder = None,
                "servers.presenton_self.base_url" => self.servers.presenton_self = defaults.servers.presenton_self.clone(),
                "servers.presenton_self.user" => self.servers.presenton_self.auth = SelfHostedAuthMode::None,
                "servers.insecure_confirmed" => self.servers.insecure_confirmed.retain(|o| normalized_origin(o).is_some()),
                "servers.confirmed_servers" => self.servers.confirmed_servers.retain(|o| normalized_origin(o).is_some()),
                f => {
                    if let Some(kind) = f.strip_prefix("concurrency.").and_then(ProviderKind::parse) {
                        let n = self.concurrency.get_mut(kind);
                        *n = (*n).clamp(*CONCURRENCY_RANGE.start(), *CONCURRENCY_RANGE.end());
                    } else if let Some(kind) = f.strip_prefix("defaults.").and_then(|r| r.split('.').next()).and_then(ProviderKind::parse) {
                        *self.defaults.get_mut(kind) = DeckDefaults::default();
                    }
                }
            }
            fixed.push(field);
        }
        fixed
    }

    /// Every invalid field with a sentence saying what is allowed.
    fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for kind in ProviderKind::ALL {
            let n = self.concurrency.get(kind);
            if !CONCURRENCY_RANGE.contains(&n) {
                out.push((
                    format!("concurrency.{}", kind.as_str()),
                    format!("Decks at once for {} must be between 1 and 8.", kind.in_sentence()),
                ));
            }
            if self.defaults.get(kind).slides == Some(0) {
                out.push((format!("defaults.{}.slides", kind.as_str()), "The default number of slides must be at least 1.".into()));
            }
        }
        if let Some(folder) = &self.save_folder {
            if folder.trim().is_empty() || !std::path::Path::new(folder).is_absolute() {
                out.push(("save_folder".into(), "Choose a folder with the folder picker (a full path).".into()));
            }
        }
        if parse_base_url(&self.servers.presenton_self.base_url).is_err() {
            out.push(("servers.presenton_self.base_url".into(), "Enter the whole address, starting with http:// or https://.".into()));
        }
        let server = &self.servers.presenton_self;
        if server.auth == SelfHostedAuthMode::Basic && !matches!(server.user.as_deref(), Some(u) if !u.trim().is_empty()) {
            out.push(("servers.presenton_self.user".into(), "Enter the user name for your Presenton server.".into()));
        }
        if self.servers.insecure_confirmed.iter().any(|o| normalized_origin(o).is_none()) {
            out.push(("servers.insecure_confirmed".into(), "A confirmed server address is not an http address.".into()));
        }
        if self.servers.confirmed_servers.iter().any(|o| normalized_origin(o).is_none()) {
            out.push(("servers.confirmed_servers".into(), "A confirmed server address is not an http address.".into()));
        }
        out
    }
}

impl Settings {
    /// The settings after the page asked to save `asked`. The page is not trusted with what
    /// decides where keys and files go, so two fields are taken from `self` (the settings in
    /// use) whatever it sends: the plain-http servers the person confirmed (only a native
    /// dialog adds one), and the save folder, which only the folder picker sets; the page may
    /// only go back to the default folder.
    ///
    /// The self-hosted server's address may change only to one the person confirmed in a
    /// native dialog (or to this computer, or within the same server): otherwise a script in
    /// the window could send the files the person picked to a server of its choosing.
    pub fn with_changes_from_page(&self, asked: Settings) -> Result<Settings, Error> {
        let mut next = asked;
        next.servers.insecure_confirmed = self.servers.insecure_confirmed.clone();
        next.servers.confirmed_servers = self.servers.confirmed_servers.clone();
        if next.save_folder.is_some() {
            next.save_folder = self.save_folder.clone();
        }
        let wanted = &next.servers.presenton_self.base_url;
        if normalized_origin(wanted) != normalized_origin(&self.servers.presenton_self.base_url) {
            if let Ok(url) = parse_base_url(wanted) {
                if self.server_needs_confirmation(&url) {
                    return Err(Error::UnconfirmedServer {
                        message: format!(
                            "Deckhand has not asked you yet whether {} is your server. Save the address again and answer Deckhand's question.",
                            url.origin().ascii_serialization()
                        ),
                        details: Default::default(),
                    });
                }
            }
        }
        Ok(next)
    }

    /// Whether the person still has to confirm, in a native dialog, that the server at `url`
    /// is one to send their notes, files and sign-in to: any server but this computer that
    /// they have not confirmed yet (a yes to plain http counts).
    pub fn server_needs_confirmation(&self, url: &Url) -> bool {
        let origin = url.origin().ascii_serialization();
        !crate::connection::is_loopback(url)
            && !self.servers.confirmed_servers.contains(&origin)
            && !self.servers.insecure_confirmed.contains(&origin)
    }

    /// Where finished decks go: the chosen folder, else `Deckhand` in the person's Documents.
    pub fn effective_save_folder(&self, documents: &std::path::Path) -> std::path::PathBuf {
        match &self.save_folder {
            Some(folder) => folder.into(),
            None => documents.join("Deckhand"),
        }
    }
}

impl ProviderDefaults {
    pub fn get(&self, kind: ProviderKind) -> &DeckDefaults {
        match kind {
            ProviderKind::Gamma => &self.gamma,
            ProviderKind::Presenton => &self.presenton,
            ProviderKind::PresentonSelf => &self.presenton_self,
        }
    }

    fn get_mut(&mut self, kind: ProviderKind) -> &mut DeckDefaults {
        match kind {
            ProviderKind::Gamma => &mut self.gamma,
            ProviderKind::Presenton => &mut self.presenton,
            ProviderKind::PresentonSelf => &mut self.presenton_self,
        }
    }
}

/// A service's base URL: http or https with a host, no credentials in it (they would be sent
/// in the clear with every request and end up in the settings file).
pub fn parse_base_url(text: &str) -> Result<Url, Error> {
    let bad = |why: &str| Error::invalid_input("base_url", format!("{why} Enter the whole address, starting with http:// or https://."));
    let url = Url::parse(text.trim()).map_err(|_| bad("That is not a web address."))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad("The address must start with http:// or https://."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("Leave the user name and password out of the address; Deckhand asks for them separately."));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("The address must not contain ? or #."));
    }
    Ok(url)
}

/// `http://host:port` of an http(s) address, as stored in `insecure_confirmed`.
pub fn normalized_origin(text: &str) -> Option<String> {
    let url = Url::parse(text.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_match_the_ipc_contract() {
        let v = serde_json::to_value(Settings::default()).unwrap();
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["default_provider"], "gamma");
        assert_eq!(v["save_folder"], Value::Null);
        assert_eq!(v["concurrency"], json!({"gamma": 2, "presenton": 2, "presenton-self": 1}));
        assert_eq!(v["notifications"], true);
        assert_eq!(v["appearance"], "system");
        assert_eq!(v["defaults"], json!({"gamma": {}, "presenton": {}, "presenton-self": {}}));
        assert_eq!(
            v["servers"],
            json!({"presenton_self": {"enabled": false, "base_url": "http://localhost:5001", "auth": "none", "user": null},
                   "insecure_confirmed": [], "confirmed_servers": []})
        );
        assert!(Settings::default().validate().is_ok());
    }

    #[test]
    fn validate_names_the_field() {
        type Edit = fn(&mut Settings);
        let cases: Vec<(Edit, &str)> = vec![
            (|s| s.concurrency.presenton = 9, "concurrency.presenton"),
            (|s| s.concurrency.gamma = 0, "concurrency.gamma"),
            (|s| s.servers.presenton_self.base_url = "api.presenton.ai".into(), "servers.presenton_self.base_url"),
            (|s| s.servers.presenton_self.base_url = "http://admin:pw@host:5001".into(), "servers.presenton_self.base_url"),
            (|s| s.servers.presenton_self.auth = SelfHostedAuthMode::Basic, "servers.presenton_self.user"),
            (|s| s.save_folder = Some("relative/dir".into()), "save_folder"),
            (|s| s.defaults.presenton.slides = Some(0), "defaults.presenton.slides"),
            (|s| s.servers.insecure_confirmed = vec!["nonsense".into()], "servers.insecure_confirmed"),
        ];
        for (edit, field) in cases {
            let mut s = Settings::default();
            edit(&mut s);
            match s.validate() {
                Err(Error::InvalidInput { field: Some(f), message, .. }) => {
                    assert_eq!(f, field);
                    assert!(!message.is_empty());
                }
                other => panic!("{field}: {other:?}"),
            }
        }
        let mut ok = Settings { concurrency: Concurrency { gamma: 1, presenton: 8, presenton_self: 4 }, ..Settings::default() };
        ok.servers.presenton_self.base_url = "http://127.0.0.1:8080/prefix".into();
        assert!(ok.validate().is_ok());
    }

    #[test]
    fn the_page_cannot_confirm_plain_http_or_choose_the_save_folder() {
        let mut current = Settings { save_folder: Some("/home/ana/Decks".into()), ..Settings::default() };
        current.servers.insecure_confirmed = vec!["http://10.0.0.5:5001".into()];
        let mut asked = current.clone();
        asked.notifications = false;
        asked.servers.presenton_self.base_url = "http://10.0.0.5:5001/deck-api".into();
        asked.servers.insecure_confirmed = vec!["http://evil.example".into(), "http://10.0.0.6:80".into()];
        asked.servers.confirmed_servers = vec!["https://evil.example".into()];
        asked.save_folder = Some("/home/ana/.config/autostart".into());
        let next = current.with_changes_from_page(asked).unwrap();
        assert!(!next.notifications, "ordinary settings are the page's to change");
        assert_eq!(next.servers.presenton_self.base_url, "http://10.0.0.5:5001/deck-api", "a server the person confirmed");
        assert_eq!(next.servers.insecure_confirmed, current.servers.insecure_confirmed);
        assert!(next.servers.confirmed_servers.is_empty(), "only a native dialog confirms a server");
        assert_eq!(next.save_folder, current.save_folder);
        let reset = current.with_changes_from_page(Settings { save_folder: None, ..current.clone() }).unwrap();
        assert_eq!(reset.save_folder, None, "going back to the default folder is allowed");
        let none = Settings::default().with_changes_from_page(Settings { save_folder: Some("/etc".into()), ..Settings::default() }).unwrap();
        assert_eq!(none.save_folder, None);
    }

    #[test]
    fn the_page_cannot_point_the_own_server_at_an_address_the_person_did_not_confirm() {
        let mut current = Settings::default();
        current.servers.presenton_self.base_url = "https://slides.school.example/api".into();
        current.servers.confirmed_servers = vec!["https://slides.school.example".into()];
        fn asking_from(current: &Settings, url: &str) -> Result<Settings, Error> {
            let mut asked = current.clone();
            asked.servers.presenton_self.base_url = url.into();
            current.with_changes_from_page(asked)
        }
        let asking = |url: &str| asking_from(&current, url);
        let err = asking("https://collector.example").unwrap_err();
        assert_eq!(err.kind(), "unconfirmed_server");
        assert!(err.message().contains("https://collector.example"), "{}", err.message());
        assert_eq!(asking("http://10.1.2.3:5001").unwrap_err().kind(), "unconfirmed_server");
        // This computer, the same server under another path, and a server confirmed earlier.
        assert!(asking("http://127.0.0.1:5001").is_ok() && asking("http://localhost:8080/x").is_ok());
        assert!(asking("https://slides.school.example/other/").is_ok());
        current.servers.presenton_self.base_url = "http://localhost:5001".into();
        assert!(asking_from(&current, "https://slides.school.example").is_ok(), "confirmed before, then changed away and back");
        // An address that is not one is the validator's to refuse, with its own words.
        assert!(asking_from(&current, "not an address").is_ok());
    }

    #[test]
    fn origins_are_normalized() {
        assert_eq!(normalized_origin("http://Server.LAN:5001/app/").as_deref(), Some("http://server.lan:5001"));
        assert_eq!(normalized_origin("https://x.example:443").as_deref(), Some("https://x.example"));
        assert_eq!(normalized_origin("file:///etc"), None);
        assert_eq!(Concurrency::default().as_map()[&ProviderKind::PresentonSelf], 1);
    }

    #[test]
    fn the_save_folder_defaults_to_documents_deckhand() {
        let docs = std::path::Path::new("/home/ana/Documents");
        assert_eq!(Settings::default().effective_save_folder(docs), docs.join("Deckhand"));
        let chosen = Settings { save_folder: Some("/srv/decks".into()), ..Settings::default() };
        assert_eq!(chosen.effective_save_folder(docs), std::path::PathBuf::from("/srv/decks"));
    }
}
