// Files as the source of a deck: chosen with the system picker or dragged onto the window.
// Presenton gets them as source documents; for Gamma their text is read on this computer.

import { COMMANDS, DRAG_EVENTS, call, dialogOpen, listen } from "./ipc.js";

export const SOURCE_EXTENSIONS = ["txt", "md", "docx", "pdf"];

export function isSupported(path) {
  const ext = String(path).split(".").pop().toLowerCase();
  return SOURCE_EXTENSIONS.includes(ext);
}

/** Asks the person for one file; null when they close the picker. */
export async function chooseSourceFile() {
  const open = dialogOpen();
  if (open) {
    const picked = await open({ multiple: false, directory: false, filters: [{ name: "Notes and documents", extensions: SOURCE_EXTENSIONS }] });
    return Array.isArray(picked) ? picked[0] || null : picked || null;
  }
  return call(COMMANDS.pickSourceFile);
}

/** {text, name, chars} of a local file (Gamma). */
export function readSourceFile(path) {
  return call(COMMANDS.readSourceFile, { path });
}

/**
 * Follows Tauri's window drag-and-drop (which carries real paths).
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
  add(DRAG_EVENTS.drop, (payload) => {
    onHover(false);
    const paths = payload && Array.isArray(payload.paths) ? payload.paths : [];
    if (paths.length) onDrop(paths);
  });
  return () => { stopped = true; for (const un of stops) un(); };
}
