//! The desktop app: a thin Tauri shell over `deckhand-engine`. Commands are short adapters;
//! the logic lives in the engine and in the small modules below.

pub mod choices_cache;
pub mod chosen_files;
pub mod commands;
pub mod desktop;
/// Single instance, remembered window, the support log: what an installed app does.
pub mod desktop_integration;
pub mod diagnostics;
pub mod dialogs;
/// The names of every command and event, shared with `ui/js/ipc.js` and `build.rs`.
pub mod ipc_names;
pub mod jobs;
pub mod keys;
pub mod logging;
pub mod providers;
pub mod rendering;
pub mod secrets;
pub mod settings_store;
pub mod state;
pub mod window_state;

use tauri::{Builder, DragDropEvent, Manager, Runtime, WindowEvent};

/// Build the app on any runtime, so tests can use `tauri::test::mock_builder()`. The commands
/// that need [`state::AppState`] and the person's dialogs (`Arc<dyn dialogs::Dialogs>`) find
/// them as managed state: `run` builds the real ones in `setup`; tests `.manage()` fakes.
pub fn build<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .manage(chosen_files::ChosenFiles::default())
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                chosen_files::dropped(window.app_handle(), paths);
            }
        })
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::app::page_ready,
            commands::keys::key_status,
            commands::keys::set_key,
            commands::keys::remove_key,
            commands::keys::test_connection,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::settings::confirm_insecure_server,
            commands::choices::list_choices,
            commands::files::pick_out_dir,
            commands::files::pick_source_file,
            commands::files::read_source_file,
            commands::jobs::validate_request,
            commands::jobs::submit_deck,
            commands::jobs::list_jobs,
            commands::jobs::job_counts,
            commands::jobs::get_job,
            commands::jobs::resumed_decks,
            commands::jobs::cancel_job,
            commands::jobs::retry_download,
            commands::jobs::check_again,
            commands::jobs::retry_job,
            commands::jobs::remove_job,
            commands::files::open_file,
            commands::files::show_in_folder,
            commands::files::open_editor,
            commands::jobs::typical_duration,
            commands::files::open_url,
            commands::files::job_preview,
            commands::window::window_state,
            commands::window::save_draft,
            commands::window::save_choices,
            commands::support::open_log_folder,
            commands::support::copy_diagnostic_info,
            commands::support::third_party_licenses,
        ])
}

pub fn run() {
    let context = tauri::generate_context!();
    let identifier = context.config().identifier.clone();
    let redactor = std::sync::Arc::new(deckhand_engine::redact::Redactor::new());
    let app = build(desktop_integration::plugins(tauri::Builder::default(), &identifier, redactor.clone()))
        .setup(move |app| {
            let state = state::AppState::for_app(app.handle(), providers::production_factory(), redactor)?;
            app.manage(choices_cache::ChoicesCache::open(&state.data_dir));
            app.manage(std::sync::Arc::new(desktop::SystemDesktop) as desktop::DesktopHandle);
            app.manage(dialogs::SystemDialogs::managed(app.handle()));
            app.manage(state);
            let handle = app.handle().clone();
            std::thread::spawn(move || keys::read_ahead(&handle.state::<state::AppState>()));
            app.manage(jobs::start(app.handle(), jobs::START_PATIENCE));
            Ok(())
        })
        .build(context);
    match app {
        Ok(app) => app.run(desktop_integration::on_run_event),
        Err(e) => desktop_integration::start_failed(e),
    }
}
