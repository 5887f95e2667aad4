// What the window knows right now, and who wants to hear when it changes. Filled from
// commands at start and kept current by engine events.

import { PROVIDER_IDS } from "./ipc.js";

export const state = {
  /** @type {{name: string, version: string, providers: {id: string, name: string}[]}|null} */
  info: null,
  /** @type {Object<string, import("./ipc.js").KeyStatus>} */
  keys: {},
  /** @type {import("./ipc.js").Settings|null} */
  settings: null,
  /** @type {string|null} the settings notice (a corrupt file was reset) */
  notice: null,
  /** @type {Map<string, import("./ipc.js").Job>} the decks loaded so far (see history.js) */
  jobs: new Map(),
  /** Where "Your decks" stands in the history: the next page's cursor, how many there are. */
  history: { nextCursor: null, total: 0, loading: false },
  /** @type {Map<string, {bytes: number, total: number|null}>} */
  downloads: new Map(),
  /** Credits the account has left, by provider, when known. */
  credits: {},
};

const listeners = new Set();

/** Calls `fn(topic)` on every change; returns an unsubscribe function. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Tells subscribers what changed: "jobs", "keys", "settings", "download", "credits". */
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

/**
 * Remembers a job a command answered with or a list brought, unless an event already brought
 * a newer record of it: events can overtake the answer of the command that started them.
 * Returns whether it was taken.
 */
export function rememberJob(job) {
  const known = state.jobs.get(job.id);
  if (known && known.updated_ms >= job.updated_ms) return false;
  state.jobs.set(job.id, job);
  return true;
}

/** Jobs newest first. */
export function jobsNewestFirst() {
  return [...state.jobs.values()].sort((a, b) => b.created_ms - a.created_ms);
}
