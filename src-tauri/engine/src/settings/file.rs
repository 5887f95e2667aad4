//! Reading the settings file: whatever its bytes, a usable [`Settings`], with older shapes
//! migrated, values a person edited by hand repaired, and a sentence for the person when
//! something had to be reset.

use serde_json::{Map, Value};

use super::{normalized_origin, Appearance, Concurrency, SelfHostedAuthMode, Settings, SCHEMA_VERSION};
use crate::providers::ProviderKind;

/// The settings file's name in the data folder (the app writes it; the CLI only reads it).
pub const FILE_NAME: &str = "settings.json";

/// The settings file in `data_dir`, read-only: `None` when there is none (nothing set up in
/// the app yet). What cannot be used is reset to defaults, as the app does, but nothing is
/// written; the problem is returned for the caller to mention.
pub fn read_file(data_dir: &std::path::Path) -> Option<Loaded> {
    let bytes = std::fs::read(data_dir.join(FILE_NAME)).ok()?;
    Some(load(&bytes))
}

/// What reading the file gave: the settings to use, and a sentence for the person when
/// something had to be reset or repaired (the app backs up the original file then).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub settings: Settings,
    pub problem: Option<LoadProblem>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LoadProblem {
    /// Not JSON, or not a shape we know: everything was reset to the defaults.
    Unreadable { reason: String },
    /// Readable, but some values were out of range; those fields were reset.
    Repaired { fields: Vec<String> },
    /// Written by a newer Deckhand: read what this version understands.
    Newer { version: u64 },
}

impl LoadProblem {
    /// The notice shown once (`get_settings` → `notice`). `backup` is where the original went.
    pub fn notice(&self, backup: Option<&str>) -> String {
        let kept = match backup {
            Some(path) => format!(" The old file was kept as {path}."),
            None => String::new(),
        };
        match self {
            LoadProblem::Unreadable { .. } => {
                format!("Deckhand's settings file could not be read, so all settings are back to their defaults.{kept} Your keys are not affected.")
            }
            LoadProblem::Repaired { fields } => {
                format!("Some settings had values Deckhand cannot use and were reset: {}.{kept}", fields.join(", "))
            }
            LoadProblem::Newer { .. } => {
                format!("These settings were saved by a newer version of Deckhand; settings this version does not know were left out.{kept}")
            }
        }
    }
}

/// Read a settings file's bytes. Never fails: whatever the bytes are, the result is usable.
pub fn load(bytes: &[u8]) -> Loaded {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return reset(format!("not JSON ({e})")),
    };
    let Value::Object(map) = value else {
        return reset("not a JSON object".into());
    };
    let version = match map.get("schema_version") {
        None => 0,
        Some(v) => match v.as_u64() {
            Some(n) => n,
            None => return reset("schema_version is not a number".into()),
        },
    };
    let map = adopt_own_server(map);
    let (map, newer) = match version {
        0 => (migrate_v0(map), None),
        1 => (map, None),
        n => (map, Some(n)),
    };
    let mut settings: Settings = match serde_json::from_value(Value::Object(map)) {
        Ok(s) => s,
        Err(e) => return reset(format!("unexpected shape ({e})")),
    };
    settings.schema_version = SCHEMA_VERSION;
    let fields = settings.repair();
    let problem = match (newer, fields.is_empty()) {
        (Some(version), _) => Some(LoadProblem::Newer { version }),
        (None, false) => Some(LoadProblem::Repaired { fields }),
        (None, true) => None,
    };
    Loaded { settings, problem }
}

/// A file from before `confirmed_servers` existed: the own server the person set up then was
/// typed by them in a page the newer rules did not yet guard, so it is taken over as confirmed
/// rather than stopping their decks; from now on only a native dialog adds a server.
fn adopt_own_server(mut map: Map<String, Value>) -> Map<String, Value> {
    let Some(Value::Object(servers)) = map.get_mut("servers") else { return map };
    if servers.contains_key("confirmed_servers") {
        return map;
    }
    let own = servers.get("presenton_self").and_then(|s| s.get("base_url")).and_then(Value::as_str).and_then(normalized_origin);
    if let Some(origin) = own {
        servers.insert("confirmed_servers".into(), Value::Array(vec![Value::String(origin)]));
    }
    map
}

fn reset(reason: String) -> Loaded {
    Loaded { settings: Settings::default(), problem: Some(LoadProblem::Unreadable { reason }) }
}

/// The pre-release file (version 0) was flat:
/// `{"provider":"gamma","outputDir":"…","maxParallel":3,"theme":"dark","notify":true,
///   "gammaUrl":"…","presentonUrl":"…","selfHostedUrl":"…","selfHostedUser":"…"}`.
/// Unknown keys are dropped; keys of the right type are carried over.
fn migrate_v0(old: Map<String, Value>) -> Map<String, Value> {
    let s = |k: &str| old.get(k).and_then(Value::as_str).map(str::to_owned);
    let mut settings = Settings::default();
    if let Some(p) = s("provider").as_deref().and_then(ProviderKind::parse) {
        settings.default_provider = p;
    }
    settings.save_folder = s("outputDir").filter(|d| !d.trim().is_empty());
    if let Some(n) = old.get("maxParallel").and_then(Value::as_u64) {
        // One number for every service then; now per service.
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        settings.concurrency = Concurrency { gamma: n, presenton: n, presenton_self: n };
    }
    if let Some(b) = old.get("notify").and_then(Value::as_bool) {
        settings.notifications = b;
    }
    settings.appearance = match s("theme").as_deref() {
        Some("light") => Appearance::Light,
        Some("dark") => Appearance::Dark,
        _ => Appearance::System,
    };
    // `gammaUrl` and `presentonUrl` are not carried over: hosted services are reached at their
    // own addresses only (or where the environment says).
    if let Some(url) = s("selfHostedUrl") {
        // A server address in the old file means the person used one.
        settings.servers.presenton_self.enabled = true;
        settings.servers.confirmed_servers.extend(normalized_origin(&url));
        settings.servers.presenton_self.base_url = url;
    }
    if let Some(user) = s("selfHostedUser").filter(|u| !u.trim().is_empty()) {
        settings.servers.presenton_self.auth = SelfHostedAuthMode::Basic;
        settings.servers.presenton_self.user = Some(user);
    }
    match serde_json::to_value(settings) {
        Ok(Value::Object(m)) => m,
        // Serializing our own struct cannot fail; an empty map still yields the defaults.
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::*;
    use serde_json::json;

    #[test]
    fn roundtrips_and_tolerates_unknown_and_missing_fields() {
        let mut s = Settings { default_provider: ProviderKind::PresentonSelf, save_folder: Some("/home/ana/Decks".into()), ..Settings::default() };
        s.defaults.gamma.format = Some(ExportFormat::Pdf);
        s.defaults.gamma.options.insert("textMode".into(), json!("condense"));
        s.appearance = Appearance::Dark;
        let bytes = serde_json::to_vec(&s).unwrap();
        let loaded = load(&bytes);
        assert_eq!(loaded, Loaded { settings: s.clone(), problem: None });

        let mut v = serde_json::to_value(&s).unwrap();
        v["future_flag"] = json!(true);
        v["servers"]["presenton_self"]["tls_pin"] = json!("abc");
        v.as_object_mut().unwrap().remove("notifications");
        let loaded = load(&serde_json::to_vec(&v).unwrap());
        assert_eq!(loaded.problem, None);
        assert_eq!(loaded.settings.appearance, Appearance::Dark);
        assert!(loaded.settings.notifications, "a missing field takes its default");
    }

    #[test]
    fn garbage_resets_everything_with_a_notice() {
        for bytes in [&b"{\"schema_version\": 1, \"appea"[..], b"", b"[1,2]", b"\xff\xfe", b"{\"schema_version\":\"one\"}", b"{\"schema_version\":1,\"concurrency\":\"lots\"}"] {
            let loaded = load(bytes);
            assert_eq!(loaded.settings, Settings::default(), "{:?}", String::from_utf8_lossy(bytes));
            assert!(matches!(loaded.problem, Some(LoadProblem::Unreadable { .. })));
            let notice = loaded.problem.unwrap().notice(Some("/d/settings.json.bak-1"));
            assert!(notice.contains("defaults") && notice.contains("/d/settings.json.bak-1"), "{notice}");
        }
    }

    #[test]
    fn hand_edited_values_out_of_range_are_repaired_field_by_field() {
        let mut v = serde_json::to_value(Settings::default()).unwrap();
        v["concurrency"]["gamma"] = json!(40);
        v["concurrency"]["presenton-self"] = json!(0);
        v["servers"]["gamma_base_url"] = json!("https://gamma-proxy.example"); // from an earlier version: ignored
        v["servers"]["presenton_self"] = json!({"base_url": "ftp://x", "auth": "basic", "user": "admin"});
        v["appearance"] = json!("dark");
        let loaded = load(&serde_json::to_vec(&v).unwrap());
        let s = &loaded.settings;
        assert_eq!(s.concurrency, Concurrency { gamma: 8, presenton: 2, presenton_self: 1 });
        assert!(!serde_json::to_string(s).unwrap().contains("gamma-proxy"), "a hosted address is never read from the file");
        assert_eq!(s.servers.presenton_self, SelfHostedServer::default());
        assert_eq!(s.appearance, Appearance::Dark, "valid fields are kept");
        let Some(LoadProblem::Repaired { fields }) = &loaded.problem else { panic!("{:?}", loaded.problem) };
        assert_eq!(
            fields,
            &["concurrency.gamma", "concurrency.presenton-self", "servers.presenton_self.base_url"]
        );
        assert!(s.validate().is_ok());
    }

    #[test]
    fn migrates_the_flat_pre_release_file() {
        let v0 = json!({"provider": "presenton", "outputDir": "/home/ana/Slides", "maxParallel": 3,
                        "theme": "light", "notify": false, "presentonUrl": "https://eu.presenton.example",
                        "selfHostedUrl": "http://10.0.0.5:5001", "selfHostedUser": "admin", "apiKey": "sk-should-be-dropped"});
        let loaded = load(&serde_json::to_vec(&v0).unwrap());
        assert_eq!(loaded.problem, None);
        let s = loaded.settings;
        assert_eq!(s.schema_version, 1);
        assert_eq!(s.default_provider, ProviderKind::Presenton);
        assert_eq!(s.save_folder.as_deref(), Some("/home/ana/Slides"));
        assert_eq!(s.concurrency, Concurrency { gamma: 3, presenton: 3, presenton_self: 3 });
        assert_eq!(s.appearance, Appearance::Light);
        assert!(!s.notifications);
        assert!(!serde_json::to_string(&s).unwrap().contains("eu.presenton.example"), "hosted addresses are not carried over");
        assert_eq!(
            s.servers.presenton_self,
            SelfHostedServer {
                enabled: true,
                base_url: "http://10.0.0.5:5001".into(),
                auth: SelfHostedAuthMode::Basic,
                user: Some("admin".into())
            }
        );
        let written = serde_json::to_string(&s).unwrap();
        assert!(!written.contains("sk-should-be-dropped"), "a key in the old file is never carried into the new one");
    }

    #[test]
    fn an_empty_v0_file_gives_defaults_and_a_bad_v0_value_is_repaired() {
        assert_eq!(load(b"{}"), Loaded { settings: Settings::default(), problem: None });
        let loaded = load(br#"{"maxParallel": 50, "provider": "keynote"}"#);
        assert_eq!(loaded.settings.default_provider, ProviderKind::Gamma);
        assert_eq!(loaded.settings.concurrency.gamma, 8);
        assert!(matches!(loaded.problem, Some(LoadProblem::Repaired { .. })));
    }

    #[test]
    fn a_newer_file_is_read_as_far_as_understood() {
        let mut v = serde_json::to_value(Settings { notifications: false, ..Settings::default() }).unwrap();
        v["schema_version"] = json!(7);
        v["new_thing"] = json!({"x": 1});
        let loaded = load(&serde_json::to_vec(&v).unwrap());
        assert!(!loaded.settings.notifications);
        assert_eq!(loaded.settings.schema_version, 1);
        assert_eq!(loaded.problem, Some(LoadProblem::Newer { version: 7 }));
    }

    #[test]
    fn a_file_from_before_confirmed_servers_keeps_its_own_server() {
        let file = json!({"schema_version": 1, "servers": {"presenton_self": {"enabled": true, "base_url": "https://Slides.School.example/api"}}});
        let loaded = load(file.to_string().as_bytes());
        assert_eq!(loaded.problem, None);
        assert_eq!(loaded.settings.servers.confirmed_servers, vec!["https://slides.school.example".to_string()]);
        assert!(loaded.settings.servers.insecure_confirmed.is_empty(), "plain http still needs its own yes");
        // Written by this version: what it says is kept, an own server is not added to it.
        let now = json!({"schema_version": 1, "servers": {"presenton_self": {"base_url": "https://other.example"}, "confirmed_servers": []}});
        assert!(load(now.to_string().as_bytes()).settings.servers.confirmed_servers.is_empty());
        let v0 = json!({"selfHostedUrl": "http://192.168.1.20:5001"});
        assert_eq!(load(v0.to_string().as_bytes()).settings.servers.confirmed_servers, vec!["http://192.168.1.20:5001".to_string()]);
    }
}
