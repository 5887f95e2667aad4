// What the window knows right now, and who wants to hear when it changes. Filled from
// commands at start and kept current by engine events.

import { PROVIDER_IDS } from "./ipc.js";

export const ACTIVE_STATES = ["queued", "submitting", "running", "downloading"];
export const FINISHED_STATES = ["done", "failed", "cancelled", "needs_attention"];

export const state = {
  /** @type {{name: string, version: string, providers: {id: string, name: string}[]}|null} */
  info: null,
  /** @type {Object<string, import("./ipc.js").KeyStatus>} */
  keys: {},
  /** @type {import("./ipc.js").Settings|null} */
  settings: null,
  /** @type {string|null} the settings notice (a corrupt file was reset) */
  notice: null,
  /**
   * Every deck the window has seen (pages of "Your decks", events, command answers): job views,
   * without the notes (`get_job` gives one whole). The history is asked for a page at a time.
   * @type {Map<string, import("./ipc.js").Job>}
   */
  jobs: new Map(),
  /** @type {{by_state: Object<string, number>, by_provider: Object<string, number>}} */
  counts: { by_state: {}, by_provider: {} },
  /** @type {Map<string, {bytes: number, total: number|null}>} */
  downloads: new Map(),
  /** Credits the account has left, by provider, when known. */
  credits: {},
  /** The window's own saved state: the half-written deck and the last choices per service. */
  windowState: { draft: null, choices: {} },
};

const listeners = new Set();

/** Calls `fn(topic)` on every change; returns an unsubscribe function. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Tells subscribers what changed: "jobs", "counts", "keys", "settings", "download", "credits". */
export function changed(topic, detail) {
  for (const fn of listeners) fn(topic, detail);
}

/** Services with a key (or, self-hosted, with a server and any sign-in it needs). */
export function readyProviders() {
  return PROVIDER_IDS.filter((id) => isReady(id));
}

export function isReady(id) {
  const key = state.keys[id];
  if (id === "presenton-self") {
    const server = state.settings && state.settings.servers && state.settings.servers.presenton_self;
    if (!server || !server.base_url || !selfHostedEnabled()) return false;
    return server.auth === "none" || Boolean(key && key.set);
  }
  return Boolean(key && key.set);
}

/** Whether the person uses a Presenton server of their own (a setting, kept by the app). */
export function selfHostedEnabled() {
  return Boolean(state.settings && state.settings.servers && state.settings.servers.presenton_self && state.settings.servers.presenton_self.enabled);
}

export function noteCredits(provider, remaining) {
  if (typeof remaining === "number" && Number.isFinite(remaining)) {
    state.credits[provider] = remaining;
    changed("credits", provider);
  }
}

/** Decks in the history, all states together. */
export function totalDecks() {
  return Object.values(state.counts.by_state || {}).reduce((a, b) => a + b, 0);
}

/** Decks being made now. */
export function activeDecks() {
  return ACTIVE_STATES.reduce((n, s) => n + ((state.counts.by_state || {})[s] || 0), 0);
}

/**
 * Remembers a job a command answered with or a list brought, unless an event already brought
 * a newer record of it: events can overtake the answer of the command that started them.
 * Returns the record kept. (Events themselves are always taken, in the order they come.)
 */
export function rememberJob(job) {
  const known = state.jobs.get(job.id);
  if (known && known.updated_ms >= job.updated_ms) return known;
  state.jobs.set(job.id, job);
  return job;
}
