// Start-up: learn what the app knows, follow engine events, show the first screen.

import { COMMANDS, EVENT, PROVIDER_IDS, call, listen } from "./ipc.js";
import { state, changed, noteCredits, readyProviders, subscribe } from "./state.js";
import { loadFirstPage } from "./history.js";
import { ACTIVE_STATES } from "./job-card.js";
import { announce } from "./dom.js";
import { register, go } from "./router.js";
import { applyAppearance } from "./appearance.js";
import { showBanner } from "./banners.js";
import { providerName } from "./providers.js";
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

async function loadJobs() {
  try {
    await loadFirstPage();
  } catch (e) {
    showBanner(e.message || "Deckhand couldn't load its list of decks.", { tone: "warning" });
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
      const job = event.job;
      const before = state.jobs.get(job.id);
      state.jobs.set(job.id, job);
      if (job.state !== "downloading") state.downloads.delete(job.id);
      if (job.credits) noteCredits(job.provider, job.credits.remaining);
      if ((!before || before.state !== job.state) && FINISHED_WORDS[job.state]) {
        announce(`Your ${providerName(job.provider)} deck ${FINISHED_WORDS[job.state]}.`);
      }
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
      changed("jobs", event.job_id);
      break;
    case "notice":
      showBanner(event.message, { tone: "info" });
      break;
    case "jobs_available":
      // The list could not be read at start (another Deckhand held it); it can now.
      loadJobs();
      break;
    default:
      // Newer engines may send more; ignoring them keeps this window working.
      break;
  }
}

function updateJobCount() {
  const badge = document.querySelector('[data-testid="jobs-count"]');
  if (!badge) return;
  // A newer Deckhand's deck may be in a state this one does not know; it is not in progress here.
  const active = [...state.jobs.values()].filter((j) => ACTIVE_STATES.includes(j.state) && !j.made_by_newer_version).length;
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
  await Promise.all([loadInfo(), loadSettings()]);
  await Promise.all([loadKeys(), loadJobs()]);
  subscribe((topic) => { if (topic === "jobs") updateJobCount(); });
  updateJobCount();
  const first = readyProviders().length === 0 && state.jobs.size === 0 ? "welcome" : "new-deck";
  go(first, { focus: false });
  document.body.dataset.ready = "true";
}

boot();
