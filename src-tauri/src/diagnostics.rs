//! "Copy diagnostic info": what a bug report needs, in plain text. The version, the system,
//! WebKit's version, the settings (which hold no secret; the text of default instructions is
//! left out), which services have a key (yes or no, nothing of the key), and the last lines
//! of the log. The whole text goes through the log's redactor once more before it leaves.

use deckhand_engine::providers::ProviderKind;
use deckhand_engine::redact::Redactor;
use serde_json::Value;

use crate::keys;
use crate::logging::{self, LogFolder};
use crate::state::AppState;

/// Log lines included.
pub const LOG_LINES: usize = 200;

/// Facts about the machine, gathered by the caller (they need the running app).
pub struct System {
    pub app_version: String,
    pub identifier: String,
    pub os: String,
    pub webview: String,
}

impl System {
    pub fn current(identifier: &str) -> System {
        let info = os_info::get();
        System {
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            identifier: identifier.to_string(),
            os: format!("{info} ({}, {})", std::env::consts::OS, std::env::consts::ARCH),
            webview: tauri::webview_version().unwrap_or_else(|e| format!("unknown ({e})")),
        }
    }
}

pub fn text(system: &System, state: &AppState, log: Option<&LogFolder>, redactor: &Redactor) -> String {
    let mut out = String::new();
    let mut line = |l: String| {
        out.push_str(&l);
        out.push('\n');
    };
    line(format!("Deckhand {} ({})", system.app_version, system.identifier));
    line(format!("System: {}", system.os));
    line(format!("WebKit/WebView: {}", system.webview));
    line(String::new());
    let keys: Vec<String> = ProviderKind::ALL
        .into_iter()
        .map(|k| {
            let set = keys::status(state, k).map(|s| if s.set { "yes" } else { "no" }).unwrap_or("unknown (keychain error)");
            format!("{}: {set}", k.display_name())
        })
        .collect();
    line(format!("Keys set: {}", keys.join(", ")));
    line(String::new());
    line("Settings:".into());
    line(settings_json(state));
    line(String::new());
    match log {
        Some(folder) => {
            let lines = logging::recent_lines(folder, LOG_LINES);
            line(format!("Last {} lines of the log ({}):", lines.len(), folder.current_file().display()));
            for l in lines {
                line(l);
            }
        }
        None => line("No log file in this run.".into()),
    }
    out.lines().map(|l| redactor.redact(l).into_owned()).collect::<Vec<_>>().join("\n") + "\n"
}

fn settings_json(state: &AppState) -> String {
    let mut value = serde_json::to_value(state.settings.get()).unwrap_or(Value::Null);
    if let Some(defaults) = value.get_mut("defaults").and_then(Value::as_object_mut) {
        for per_service in defaults.values_mut() {
            if let Some(instructions) = per_service.get_mut("instructions") {
                *instructions = Value::String("(left out)".into());
            }
        }
    }
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
