//! The window's own state, kept with tauri-plugin-store in `window-state.json` beside the
//! settings: the half-written deck, saved as the person types so it survives a restart or a
//! crash, and the last choices per service (look, slides, language, file type). Settings and
//! keys never go here: they have their own file and the keychain.
//!
//! The page is not trusted, so it is not granted the store plugin's own commands: with them it
//! could write any key of any store file in the data folder (`settings.json` included). It gets
//! the commands in `commands/window.rs` instead, which take only known fields of bounded size.

use std::collections::BTreeMap;
use std::path::Path;

use deckhand_engine::providers::{ExportFormat, ProviderKind};
use deckhand_engine::Error;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

pub const FILE_NAME: &str = "window-state.json";

const DRAFT_KEY: &str = "draft";
const CHOICES_KEY: &str = "choices";

/// The longest notes a service takes (Gamma: 400,000 characters).
const MAX_CONTENT: usize = 400_000;
/// Instructions (Presenton takes 10,000 characters).
const MAX_INSTRUCTIONS: usize = 10_000;
/// A title, a look's id or name, a language, an option's value.
const MAX_SHORT: usize = 500;
const MAX_OPTIONS: usize = 40;

/// The New deck form as the person left it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub title: String,
    /// As typed (it may not be a number yet).
    #[serde(default)]
    pub slides: String,
    #[serde(default)]
    pub format: Option<ExportFormat>,
    #[serde(default)]
    pub look: String,
    #[serde(default)]
    pub look_name: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub instructions: String,
    /// "More options", by the service's names (`textMode`, `tone`, …).
    #[serde(default)]
    pub options: Map<String, Value>,
}

/// What the person chose last time with one service, offered again next time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LastChoices {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub look_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slides: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ExportFormat>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WindowState {
    pub draft: Option<Draft>,
    /// By provider id.
    pub choices: BTreeMap<String, LastChoices>,
}

fn too_long(field: &str, max: usize) -> Error {
    Error::invalid_input(field, format!("This is longer than Deckhand keeps for the window ({max} characters)."))
}

fn short(field: &str, value: &str, max: usize) -> Result<(), Error> {
    if value.chars().count() > max {
        return Err(too_long(field, max));
    }
    Ok(())
}

impl Draft {
    pub fn check(&self) -> Result<(), Error> {
        if let Some(p) = &self.provider {
            ProviderKind::parse(p).ok_or_else(|| Error::invalid_input("provider", "Unknown service."))?;
        }
        short("content", &self.content, MAX_CONTENT)?;
        short("instructions", &self.instructions, MAX_INSTRUCTIONS)?;
        for (field, value) in [("title", &self.title), ("slides", &self.slides), ("look", &self.look), ("look_name", &self.look_name)] {
            short(field, value, MAX_SHORT)?;
        }
        short("language", self.language.as_deref().unwrap_or(""), MAX_SHORT)?;
        if self.options.len() > MAX_OPTIONS {
            return Err(Error::invalid_input("options", "Too many options."));
        }
        for (name, value) in &self.options {
            short("options", name, 100)?;
            match value {
                Value::Bool(_) | Value::Number(_) | Value::Null => {}
                Value::String(s) => short("options", s, MAX_SHORT)?,
                _ => return Err(Error::invalid_input("options", "An option is a word, a number or yes/no.")),
            }
        }
        Ok(())
    }

    /// Nothing typed or chosen that would be worth bringing back.
    pub fn is_empty(&self) -> bool {
        self.content.trim().is_empty() && self.title.trim().is_empty() && self.instructions.trim().is_empty()
    }
}

impl LastChoices {
    pub fn check(&self) -> Result<(), Error> {
        for (field, value) in [("look", &self.look), ("look_name", &self.look_name), ("language", &self.language)] {
            short(field, value.as_deref().unwrap_or(""), MAX_SHORT)?;
        }
        if self.slides.is_some_and(|n| n == 0 || n > 100) {
            return Err(Error::invalid_input("slides", "A number of slides from 1 to 100."));
        }
        Ok(())
    }
}

fn store<R: Runtime>(app: &AppHandle<R>, data_dir: &Path) -> Result<std::sync::Arc<tauri_plugin_store::Store<R>>, Error> {
    app.store(data_dir.join(FILE_NAME)).map_err(|e| Error::disk(format!("Deckhand could not open the window's saved state: {e}")))
}

fn save<R: Runtime>(store: &tauri_plugin_store::Store<R>) -> Result<(), Error> {
    store.save().map_err(|e| Error::disk(format!("Deckhand could not keep the window's state on disk: {e}")))
}

/// What was kept; anything unreadable, unknown or too large is left out (the file is written
/// only through this module, but a person may have edited it).
pub fn load<R: Runtime>(app: &AppHandle<R>, data_dir: &Path) -> WindowState {
    let Ok(store) = store(app, data_dir) else { return WindowState::default() };
    let draft = store
        .get(DRAFT_KEY)
        .and_then(|v| serde_json::from_value::<Draft>(v).ok())
        .filter(|d| d.check().is_ok() && !d.is_empty());
    let choices = store
        .get(CHOICES_KEY)
        .and_then(|v| serde_json::from_value::<BTreeMap<String, LastChoices>>(v).ok())
        .unwrap_or_default()
        .into_iter()
        .filter(|(p, c)| ProviderKind::parse(p).is_some() && c.check().is_ok())
        .collect();
    WindowState { draft, choices }
}

/// Keeps the draft (`None` or an empty one: forgets it, as after "Make the deck").
pub fn save_draft<R: Runtime>(app: &AppHandle<R>, data_dir: &Path, draft: Option<Draft>) -> Result<(), Error> {
    if let Some(d) = &draft {
        d.check()?;
    }
    let store = store(app, data_dir)?;
    match draft.filter(|d| !d.is_empty()) {
        Some(d) => store.set(DRAFT_KEY, serde_json::to_value(d).map_err(|e| Error::internal(e.to_string()))?),
        None => {
            store.delete(DRAFT_KEY);
        }
    }
    save(&store)
}

/// Keeps what was chosen last with `provider`, replacing what was kept before.
pub fn save_choices<R: Runtime>(app: &AppHandle<R>, data_dir: &Path, provider: ProviderKind, choices: LastChoices) -> Result<(), Error> {
    choices.check()?;
    let store = store(app, data_dir)?;
    let mut all: BTreeMap<String, LastChoices> =
        store.get(CHOICES_KEY).and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
    all.retain(|p, _| ProviderKind::parse(p).is_some());
    all.insert(provider.as_str().to_string(), choices);
    store.set(CHOICES_KEY, serde_json::to_value(all).map_err(|e| Error::internal(e.to_string()))?);
    save(&store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_shapes_are_checked() {
        let ok = Draft { provider: Some("gamma".into()), content: "Notes".into(), ..Draft::default() };
        assert!(ok.check().is_ok());
        let long = Draft { content: "x".repeat(MAX_CONTENT + 1), ..Draft::default() };
        assert_eq!(long.check().unwrap_err().kind(), "invalid_input");
        let bad_provider = Draft { provider: Some("evil".into()), ..Draft::default() };
        assert!(bad_provider.check().is_err());
        let mut nested = Draft::default();
        nested.options.insert("x".into(), serde_json::json!({"deep": [1, 2]}));
        assert!(nested.check().is_err());
        assert!(serde_json::from_value::<Draft>(serde_json::json!({"content": "a", "servers": {}})).is_err(), "unknown fields are refused");
        assert!(LastChoices { slides: Some(0), ..LastChoices::default() }.check().is_err());
        assert!(LastChoices { slides: Some(12), format: Some(ExportFormat::Pdf), ..LastChoices::default() }.check().is_ok());
    }
}
