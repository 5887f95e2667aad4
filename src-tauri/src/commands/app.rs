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

/// When set, the app says on stdout when the page has drawn its first screen: the moment the
/// start-up benchmark (`bench/`) measures, in Deckhand as in the bare window it compares with.
pub const REPORT_START_ENV: &str = "DECKHAND_REPORT_START";

/// The page has drawn its first screen (it calls this once, after the frame is painted).
#[tauri::command]
pub fn page_ready() {
    tracing::info!("the window shows its first screen");
    if std::env::var_os(REPORT_START_ENV).is_some() {
        println!("deckhand: page ready");
    }
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
