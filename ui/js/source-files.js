// Files as the source of a deck: chosen in the system's file picker or dragged onto the window.
// Both are handled in Rust, which hands the page a token and a name per file; the page reads
// and sends files only by token. Presenton gets them as source documents; for Gamma their text
// is read on this computer.

import { COMMANDS, DRAG_EVENTS, FILES_EVENT, call, listen } from "./ipc.js";

export const SOURCE_EXTENSIONS = ["txt", "md", "docx", "pdf"];

export function isSupported(name) {
  const ext = String(name).split(".").pop().toLowerCase();
  return SOURCE_EXTENSIONS.includes(ext);
}

/**
 * Asks the person for one file in the system's picker.
 * @returns {Promise<import("./ipc.js").ChosenFile|null>} null when they close the picker
 */
export function chooseSourceFile() {
  return call(COMMANDS.pickSourceFile);
}

/** {text, name, chars} of a chosen file (Gamma). */
export function readSourceFile(file) {
  return call(COMMANDS.readSourceFile, { token: file.token });
}

/**
 * Follows files dragged over and dropped onto the window.
 * @param {{onHover: (on: boolean) => void, onDrop: (files: import("./ipc.js").ChosenFile[]) => void}} handlers
 * @returns {() => void} stop following
 */
export function followDrops({ onHover, onDrop }) {
  const stops = [];
  let stopped = false;
  const add = (name, fn) => {
    try {
      listen(name, fn).then((un) => { if (stopped) un(); else stops.push(un); }).catch(() => {});
    } catch {
      // Not inside Deckhand's window (no Tauri): dragging files is simply unavailable.
    }
  };
  add(DRAG_EVENTS.enter, () => onHover(true));
  add(DRAG_EVENTS.over, () => onHover(true));
  add(DRAG_EVENTS.leave, () => onHover(false));
  add(DRAG_EVENTS.drop, () => onHover(false));
  add(FILES_EVENT, (payload) => {
    const files = payload && Array.isArray(payload.files) ? payload.files : [];
    if (files.length) onDrop(files);
  });
  return () => { stopped = true; for (const un of stops) un(); };
}
