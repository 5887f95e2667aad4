// The one place in ui/ that names Tauri commands and events (mirrors docs ipc.md and the Rust
// side; a Rust test parses the literals below, so keep them plain `key: "value"` pairs).

/**
 * Command names, by the name the UI code uses. `open_url` is not in ipc.md: it opens an https
 * page (where keys come from, billing) in the person's browser.
 */
export const COMMANDS = {
  appInfo: "app_info",
  pageReady: "page_ready",
  keyStatus: "key_status",
  setKey: "set_key",
  removeKey: "remove_key",
  testConnection: "test_connection",
  getSettings: "get_settings",
  saveSettings: "save_settings",
  confirmInsecureServer: "confirm_insecure_server",
  listChoices: "list_choices",
  pickOutDir: "pick_out_dir",
  pickSourceFile: "pick_source_file",
  readSourceFile: "read_source_file",
  validateRequest: "validate_request",
  submitDeck: "submit_deck",
  listJobs: "list_jobs",
  jobCounts: "job_counts",
  getJob: "get_job",
  resumedDecks: "resumed_decks",
  cancelJob: "cancel_job",
  retryDownload: "retry_download",
  checkAgain: "check_again",
  retryJob: "retry_job",
  removeJob: "remove_job",
  openFile: "open_file",
  showInFolder: "show_in_folder",
  openEditor: "open_editor",
  typicalDuration: "typical_duration",
  openUrl: "open_url",
  jobPreview: "job_preview",
  windowState: "window_state",
  saveDraft: "save_draft",
  saveChoices: "save_choices",
  openLogFolder: "open_log_folder",
  copyDiagnosticInfo: "copy_diagnostic_info",
  thirdPartyLicenses: "third_party_licenses",
};

/** The event the engine sends; the payload is tagged by `type`. */
export const EVENT = "deckhand://event";

/** Files dropped onto the window, each with a token ({files: ChosenFile[]}); sent by Rust. */
export const FILES_EVENT = "deckhand://files-dropped";

/**
 * Events Tauri itself sends while files are dragged over the window: for the hover look only.
 * Their paths are of no use to the page: files are read and sent only by token.
 */
export const DRAG_EVENTS = {
  enter: "tauri://drag-enter",
  over: "tauri://drag-over",
  drop: "tauri://drag-drop",
  leave: "tauri://drag-leave",
};

/** Every error `kind` the engine can send (src-tauri/engine/src/error.rs `Error::KINDS`). */
export const ERROR_KINDS = [
  "auth",
  "credits",
  "rate_limited",
  "invalid_input",
  "not_found",
  "setup_required",
  "server",
  "provider_failed",
  "network",
  "name_not_found",
  "connection_refused",
  "tls",
  "timeout",
  "submit_uncertain",
  "expired_link",
  "file_unavailable",
  "bad_file",
  "disk",
  "keychain",
  "insecure_connection",
  "unconfirmed_server",
  "cancelled",
  "journal",
  "in_use",
  "file_action",
  "internal",
];

/** Provider ids in the order the UI lists them. */
export const PROVIDER_IDS = ["gamma", "presenton", "presenton-self"];

/**
 * @typedef {"gamma"|"presenton"|"presenton-self"} ProviderId
 * @typedef {{provider_message?: string|null, request_id?: string|null, status?: number|null}} ErrorDetails
 * @typedef {{kind: string, message: string, details?: ErrorDetails, retry_after_secs?: number, field?: string, phase?: "connect"|"read"}} EngineError
 * @typedef {{set: boolean, last4: string|null, sessionOnly: boolean}} KeyStatus
 * @typedef {{token: string, name: string}} ChosenFile  a file the person picked or dropped
 * @typedef {{id: string, name: string, detail?: string}} Choice
 * @typedef {{items: Choice[], next_cursor?: string}} ChoicePage
 * @typedef {{content: string, title?: string, slides?: number, language?: string,
 *   format: "pptx"|"pdf"|"png", theme?: string, template?: string, instructions?: string,
 *   source_files?: string[], options?: Object<string, string|number|boolean>}} DeckRequest
 *   (the page sends ChosenFile tokens in `source_files`; a job shows the files' paths)
 * @typedef {"queued"|"submitting"|"running"|"downloading"|"done"|"failed"|"cancelled"|"needs_attention"} JobState
 * @typedef {{id: string, provider: ProviderId, request: DeckRequest, state: JobState,
 *   created_ms: number, updated_ms: number, remote?: {id: string, file_id?: string},
 *   progress?: string, warnings?: string[], out_dir: string, file?: string,
 *   saving?: {part: string, path: string, base: string, size: number, sha256: string}, edit_url?: string,
 *   credits?: {used?: number, remaining?: number}, error?: EngineError,
 *   stalled?: boolean, history?: {state: JobState, at_ms: number}[], retry_of?: string,
 *   origin?: {base_url: string, sign_in: "none"|"key"|"basic", user?: string},
 *   deck_title?: string, look?: string, slide_count?: number, file_size?: number,
 *   preview?: {source: string, width: number, height: number},
 *   service_progress?: {message?: string, slides_done?: number, slides_total?: number},
 *   topic: string, made_by_newer_version?: boolean}} Job
 *   A job as events, lists and job commands send it: its request without `content` and
 *   `instructions` (get_job has the full record), `topic` the first line of the notes; the
 *   card's facts (`deck_title` the service's title for it, `look`, `slide_count`, `file_size`,
 *   `preview` when `job_preview` has a picture) and the service's own `service_progress`.
 *   `made_by_newer_version`: a newer Deckhand's deck, shown but not worked on (its state may
 *   be one this list does not know).
 * @typedef {{text?: string, states?: string[], providers?: string[], cursor?: string, limit?: number}} HistoryQuery
 * @typedef {{jobs: Job[], next_cursor: string|null, total: number}} JobPage
 * @typedef {{by_state: Object<string, number>, by_provider: Object<string, number>}} JobCounts
 * @typedef {{schema_version: 1, default_provider: ProviderId, save_folder: string|null,
 *   defaults: Object<string, Partial<DeckRequest>>, concurrency: Object<string, number>,
 *   notifications: boolean, appearance: "system"|"light"|"dark",
 *   servers: {presenton_self: {enabled: boolean, base_url: string, auth: "none"|"basic"|"bearer", user: string|null},
 *     insecure_confirmed: string[], confirmed_servers: string[]}}} Settings  (`save_settings` ignores
 *   `insecure_confirmed`, `confirmed_servers` and any new `save_folder`: those come from native
 *   dialogs only; it refuses an own server at another computer not confirmed yet)
 * @typedef {{text: string}} DiagnosticInfo
 * @typedef {{id: string, name: string, text: string, crates: string[]}} ComponentLicense
 * @typedef {{licenses: ComponentLicense[], generated_by: string}} ThirdPartyLicenses
 * @typedef {{type: "job_changed", job: Job} | {type: "download_progress", job_id: string, bytes: number, total: number|null}
 *   | {type: "job_removed", job_id: string} | {type: "notice", message: string}
 *   | {type: "jobs_available"}} EngineEvent
 */

// Looked up at call time: Tauri (or a test) may install window.__TAURI__ after this loads.
function tauri() {
  const t = window.__TAURI__;
  if (!t || !t.core) throw { kind: "internal", message: "Deckhand's window is not connected to the app. Restart Deckhand." };
  return t;
}

/** Calls a command; rejects with an EngineError-shaped object. */
export async function call(command, args = {}) {
  try {
    return await tauri().core.invoke(command, args);
  } catch (e) {
    throw asEngineError(e);
  }
}

/** Subscribes to an event name; returns a promise of the unlisten function. */
export function listen(name, handler) {
  return tauri().event.listen(name, (e) => handler(e.payload));
}

/** Whatever a rejection carries becomes an EngineError. */
export function asEngineError(e) {
  if (e && typeof e === "object" && typeof e.kind === "string") return e;
  const text = typeof e === "string" ? e : e && e.message ? String(e.message) : "Something unexpected happened.";
  return { kind: "internal", message: text };
}
