//! Facts about the app itself.

use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct AppInfo {
    pub name: &'static str,
    pub version: &'static str,
    pub providers: Vec<ProviderInfo>,
}

#[derive(Debug, Serialize)]
pub struct ProviderInfo {
    pub id: &'static str,
    pub name: &'static str,
}

#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo {
        name: "Deckhand",
        version: env!("CARGO_PKG_VERSION"),
        providers: deckhand_engine::providers::ProviderKind::ALL
            .into_iter()
            .map(|k| ProviderInfo { id: k.as_str(), name: k.display_name() })
            .collect(),
    }
}
