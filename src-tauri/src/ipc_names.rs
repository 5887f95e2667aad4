// The names the page and the app share: every command and event. Mirrored once in
// `ui/js/ipc.js`; the test below reads that file and fails when the two drift apart.
// `build.rs` includes this file too (so no inner `//!` comments here): every name in
// `COMMANDS` gets an `allow-…` permission in the app manifest, granted in
// `capabilities/default.json` to the main window only.

/// The event the engine sends to the window; the payload is an `EngineEvent`.
pub const EVENT: &str = "deckhand://event";

/// Files dropped onto the window, each with its token; the payload is
/// `chosen_files::DroppedFiles`.
pub const FILES_EVENT: &str = "deckhand://files-dropped";

/// Every command the page may call, as registered in `lib.rs`.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "page_ready",
    "key_status",
    "set_key",
    "remove_key",
    "test_connection",
    "get_settings",
    "save_settings",
    "confirm_insecure_server",
    "list_choices",
    "pick_out_dir",
    "pick_source_file",
    "read_source_file",
    "validate_request",
    "submit_deck",
    "list_jobs",
    "job_counts",
    "get_job",
    "resumed_decks",
    "cancel_job",
    "retry_download",
    "check_again",
    "retry_job",
    "remove_job",
    "open_file",
    "show_in_folder",
    "open_editor",
    "typical_duration",
    "open_url",
    "job_preview",
    "window_state",
    "save_draft",
    "save_choices",
    "open_log_folder",
    "copy_diagnostic_info",
    "third_party_licenses",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ui_ipc_js() -> String {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/js/ipc.js")).unwrap()
    }

    /// The quoted strings inside `export const NAME = { … }` or `[ … ]`.
    fn literal_strings(js: &str, name: &str) -> Vec<String> {
        let start = js.find(&format!("export const {name} =")).unwrap_or_else(|| panic!("{name} missing in ipc.js"));
        let rest = &js[start..];
        let array = rest.find('[').unwrap_or(usize::MAX) < rest.find('{').unwrap_or(usize::MAX);
        let end = rest.find(if array { "];" } else { "};" }).unwrap();
        rest[..end]
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                let value = l.rsplit_once(':').map(|(_, v)| v).unwrap_or(l);
                value.trim().trim_end_matches(',').strip_prefix('"').and_then(|v| v.strip_suffix('"')).map(str::to_string)
            })
            .collect()
    }

    #[test]
    fn the_page_names_exactly_the_commands_the_app_has() {
        let mut ui = literal_strings(&ui_ipc_js(), "COMMANDS");
        let mut rust: Vec<String> = COMMANDS.iter().map(|s| s.to_string()).collect();
        ui.sort();
        rust.sort();
        assert_eq!(ui, rust);
    }

    #[test]
    fn the_page_listens_to_the_events_the_app_sends() {
        assert!(ui_ipc_js().contains(&format!("export const EVENT = \"{EVENT}\";")));
        assert!(ui_ipc_js().contains(&format!("export const FILES_EVENT = \"{FILES_EVENT}\";")));
    }

    #[test]
    fn the_page_knows_every_error_kind() {
        let ui = literal_strings(&ui_ipc_js(), "ERROR_KINDS");
        assert_eq!(ui, deckhand_engine::Error::KINDS.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    }
}
