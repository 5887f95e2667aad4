//! The desktop app: a thin Tauri shell over `deckhand-engine`. Commands are short adapters;
//! the logic lives in the engine and in the small modules below.

pub mod commands;
pub mod keys;
pub mod providers;
pub mod secrets;
pub mod settings_store;
pub mod state;

use tauri::{Builder, Manager, Runtime};

/// Build the app on any runtime, so tests can use `tauri::test::mock_builder()`. The commands
/// that need [`state::AppState`] find it as managed state: `run` builds the real one in
/// `setup`; tests `.manage()` one with fakes.
pub fn build<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_store::Builder::new().build())
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::keys::key_status,
            commands::keys::set_key,
            commands::keys::remove_key,
            commands::keys::test_connection,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::settings::confirm_insecure_server,
        ])
}

pub fn run() {
    build(tauri::Builder::default())
        .setup(|app| {
            let state = state::AppState::for_app(app.handle(), providers::production_factory())?;
            app.manage(state);
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running Deckhand");
}
