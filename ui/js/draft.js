// The half-written deck and the last choices per service. Both are the window's own state,
// kept by the app (tauri-plugin-store, through window_state / save_draft / save_choices), so
// the notes survive leaving the screen, a restart or a crash.

import { COMMANDS, call } from "./ipc.js";
import { go } from "./router.js";
import { state } from "./state.js";

/** The New deck form as the person left it. `files` stay in this window only. */
export const draft = {
  provider: null, content: "", title: "", slides: "", format: null, formatChosen: false,
  look: "", lookName: "", instructions: "", files: [], options: {}, language: null,
};

const EMPTY = { ...draft, files: [], options: {} };

/** Puts a saved draft (from window_state) back into the form. */
export function restoreDraft(saved) {
  if (!saved) return;
  Object.assign(draft, {
    provider: saved.provider || null,
    content: saved.content || "",
    title: saved.title || "",
    slides: saved.slides || "",
    format: saved.format || null,
    formatChosen: Boolean(saved.format),
    look: saved.look || "",
    lookName: saved.look_name || "",
    language: saved.language || null,
    instructions: saved.instructions || "",
    options: saved.options && typeof saved.options === "object" ? { ...saved.options } : {},
  });
}

function saved() {
  return {
    provider: draft.provider, content: draft.content, title: draft.title, slides: String(draft.slides ?? ""),
    format: draft.formatChosen ? draft.format : null, look: draft.look, look_name: draft.lookName,
    language: draft.language, instructions: draft.instructions, options: draft.options,
  };
}

let timer = null;
/** Keeps the draft a moment after the last keystroke. */
export function saveDraftSoon(delayMs = 400) {
  clearTimeout(timer);
  timer = setTimeout(() => { timer = null; saveDraftNow(); }, delayMs);
}

export function saveDraftNow() {
  clearTimeout(timer);
  timer = null;
  // A draft the app refuses (too long for any service) stays in this window only.
  return call(COMMANDS.saveDraft, { draft: saved() }).catch(() => {});
}

/** Forgets the deck just sent; the service and look chosen stay for the next one. */
export function clearDraft() {
  const keep = { provider: draft.provider, format: draft.format, formatChosen: draft.formatChosen, look: draft.look, lookName: draft.lookName, language: draft.language, slides: draft.slides };
  Object.assign(draft, EMPTY, { files: [], options: {} }, keep);
  clearTimeout(timer);
  timer = null;
  return call(COMMANDS.saveDraft, { draft: null }).catch(() => {});
}

/** What was chosen last with `provider`: {look, look_name, slides, language, format}. */
export function lastChoices(provider) {
  return (state.windowState.choices || {})[provider] || {};
}

/** Keeps what was chosen with `provider` for next time. */
export function rememberChoices(provider, choices) {
  const clean = Object.fromEntries(Object.entries(choices).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  state.windowState.choices = { ...(state.windowState.choices || {}), [provider]: clean };
  return call(COMMANDS.saveChoices, { provider, choices: clean }).catch(() => {});
}

/** Forgets the remembered file type of every service (Settings' default was just changed). */
export function forgetFormats() {
  for (const [provider, c] of Object.entries(state.windowState.choices || {})) {
    if (c.format) {
      const { format, ...rest } = c;
      rememberChoices(provider, rest);
    }
  }
}

/** Opens New deck filled in with a deck's request, to change it and make it again. */
export async function editAgain(job) {
  let full = job;
  try {
    full = await call(COMMANDS.getJob, { id: job.id });
  } catch {
    // The list's view still has everything but the notes and instructions.
  }
  const r = full.request || {};
  Object.assign(draft, EMPTY, {
    provider: full.provider,
    content: r.content ?? full.topic ?? "",
    title: r.title || "",
    slides: r.slides ? String(r.slides) : "",
    format: r.format || null,
    formatChosen: Boolean(r.format),
    look: r.theme || r.template || "",
    lookName: r.look_name || "",
    language: r.language || null,
    instructions: r.instructions || "",
    files: [],
    options: { ...(r.options || {}) },
  });
  saveDraftNow();
  go("new-deck", { provider: full.provider });
}
