// Start-up: learn what the app knows, follow engine events, show the first screen.

import { COMMANDS, EVENT, PROVIDER_IDS, call, listen } from "./ipc.js";
import { state, changed, noteCredits, readyProviders, subscribe, totalDecks, activeDecks } from "./state.js";
import { announce } from "./dom.js";
import { register, go } from "./router.js";
import { applyAppearance } from "./appearance.js";
import { showBanner } from "./banners.js";
import { restoreDraft } from "./draft.js";
import { jobTitle } from "./job-card.js";
import { plural } from "./format.js";
import { renderWelcome } from "./screens/welcome.js";
import { renderNewDeck } from "./screens/new-deck.js";
import { renderJobs } from "./screens/jobs.js";
import { renderSettings } from "./screens/settings.js";
import { renderAbout } from "./screens/about.js";

register("welcome", renderWelcome);
register("new-deck", renderNewDeck);
register("jobs", renderJobs);
register("settings", renderSettings);
register("about", renderAbout);

async function loadInfo() {
  try {
    state.info = await call(COMMANDS.appInfo);
    const version = document.querySelector('[data-testid="app-version"]');
    if (version) version.textContent = state.info.version;
  } catch {
    // The version is nice to have; everything else still works without it.
  }
}

async function loadSettings() {
  try {
    const { settings, notice } = await call(COMMANDS.getSettings);
    state.settings = settings;
    state.notice = notice || null;
    applyAppearance(settings.appearance);
    if (notice) showBanner(notice, { testid: "settings-notice", tone: "warning" });
  } catch (e) {
    showBanner(`Deckhand couldn't read its settings, so it is using the defaults. ${e.message || ""}`.trim(), { tone: "warning" });
  }
}

export async function loadKeys() {
  await Promise.all(PROVIDER_IDS.map(async (id) => {
    try {
      state.keys[id] = await call(COMMANDS.keyStatus, { provider: id });
    } catch {
      state.keys[id] = { set: false, last4: null, sessionOnly: false };
    }
  }));
  changed("keys");
}

/** How many decks there are in each state and service (the history itself comes a page at a time). */
async function loadCounts() {
  try {
    state.counts = await call(COMMANDS.jobCounts);
    changed("counts");
    return true;
  } catch (e) {
    showBanner(e.message || "Deckhand couldn't load its list of decks.", { tone: "warning" });
    return false;
  }
}

/** Credits left, as the newest finished decks of each service reported them. */
async function loadRecentCredits() {
  try {
    const page = await call(COMMANDS.listJobs, { query: { states: ["done"], limit: 20 } });
    // Oldest first, so the newest deck's word is the last.
    for (const job of [...page.jobs].reverse()) {
      if (job.credits) noteCredits(job.provider, job.credits.remaining);
    }
  } catch {
    // Credits show once a deck or a connection test reports them.
  }
}

let countsTimer = null;
/** Counts change with every finished or new deck; asked again at most twice a second. */
function refreshCountsSoon() {
  if (countsTimer) return;
  countsTimer = setTimeout(() => { countsTimer = null; loadCounts(); }, 500);
}

/** The half-written deck and the last choices per service, as the window left them. */
async function loadWindowState() {
  try {
    state.windowState = await call(COMMANDS.windowState);
    restoreDraft(state.windowState.draft);
  } catch {
    // Without it the form starts empty; nothing else depends on it.
  }
}

/** After a restart: say which decks Deckhand picked up and is still making. */
async function announceResumed() {
  try {
    const { count } = await call(COMMANDS.resumedDecks);
    if (!count) return;
    const message = count === 1 ? "1 deck is still being made — Deckhand picked it up." : `${plural(count, "deck")} are still being made — Deckhand picked them up.`;
    showBanner(message, { tone: "info", testid: "resumed-banner", action: { label: count === 1 ? "See it in Your decks" : "See them in Your decks", testid: "resumed-see", onClick: () => go("jobs", { filter: "all" }) } });
  } catch {
    // The decks show in Your decks anyway.
  }
}

const FINISHED_WORDS = {
  done: "is ready",
  failed: "could not be made",
  needs_attention: "needs your attention",
  cancelled: "was cancelled",
};

/** @param {import("./ipc.js").EngineEvent} event */
function onEngineEvent(event) {
  if (!event || typeof event !== "object") return;
  switch (event.type) {
    case "job_changed": {
      // Events come in the order the engine made the changes: the newest record, always.
      const job = event.job;
      const before = state.jobs.get(job.id);
      state.jobs.set(job.id, job);
      if (job.state !== "downloading") state.downloads.delete(job.id);
      if (job.credits) noteCredits(job.provider, job.credits.remaining);
      if ((!before || before.state !== job.state) && FINISHED_WORDS[job.state]) {
        announce(`“${jobTitle(job)}” ${FINISHED_WORDS[job.state]}.`);
      }
      if (!before || before.state !== job.state) refreshCountsSoon();
      changed("jobs", job.id);
      break;
    }
    case "download_progress":
      state.downloads.set(event.job_id, { bytes: event.bytes, total: event.total ?? null });
      changed("download", event.job_id);
      break;
    case "job_removed":
      state.jobs.delete(event.job_id);
      state.downloads.delete(event.job_id);
      refreshCountsSoon();
      changed("jobs", event.job_id);
      break;
    case "notice":
      showBanner(event.message, { tone: "info" });
      break;
    case "jobs_available":
      // The list could not be read at start (another Deckhand held it); it can now.
      loadCounts().then(() => changed("jobs"));
      break;
    default:
      // Newer engines may send more; ignoring them keeps this window working.
      break;
  }
}

function updateJobCount() {
  const badge = document.querySelector('[data-testid="jobs-count"]');
  if (!badge) return;
  const active = activeDecks();
  badge.textContent = active ? String(active) : "";
  badge.setAttribute("aria-label", active ? `${active} in progress` : "");
  if (!active) badge.removeAttribute("aria-label");
}

async function boot() {
  for (const button of document.querySelectorAll(".nav-item")) {
    button.addEventListener("click", () => go(button.dataset.screen));
  }
  try {
    await listen(EVENT, onEngineEvent);
  } catch {
    showBanner("Deckhand can't follow progress right now. Restart Deckhand if decks don't update.", { tone: "warning" });
  }
  // Everything the first screen needs, asked at once (the app answers in parallel; asking in
  // two rounds made the first screen wait for the slower round twice).
  await Promise.all([loadInfo(), loadSettings(), loadWindowState(), loadKeys(), loadCounts().then((ok) => ok && loadRecentCredits())]);
  subscribe((topic) => { if (topic === "counts") updateJobCount(); });
  updateJobCount();
  const first = readyProviders().length === 0 && totalDecks() === 0 ? "welcome" : "new-deck";
  go(first, { focus: false });
  await announceResumed();
  document.body.dataset.ready = "true";
  // Said once the first screen is painted (after the next frame): the start-up benchmark's mark.
  requestAnimationFrame(() => requestAnimationFrame(() => call(COMMANDS.pageReady).catch(() => {})));
}

boot();
