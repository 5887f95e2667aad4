// Hide the console window of release builds on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Started again as the reader of one dropped document (source_text::isolation)?
    if let Some(code) = deckhand_engine::source_text::run_child_if_asked() {
        std::process::exit(code);
    }
    deckhand_app::run();
}
