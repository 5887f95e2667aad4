//! The desktop app: a thin Tauri shell over `deckhand-engine`. Commands are short adapters;
//! the logic lives in the engine.

pub mod commands;

use tauri::{Builder, Runtime};

/// Build the app on any runtime, so tests can use `tauri::test::mock_builder()`.
pub fn build<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_store::Builder::new().build())
        .invoke_handler(tauri::generate_handler![commands::app::app_info])
}

pub fn run() {
    build(tauri::Builder::default())
        .run(tauri::generate_context!())
        .expect("error while running Deckhand");
}
