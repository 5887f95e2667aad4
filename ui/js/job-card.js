// One deck in the list: what it is, where it stands, and what the person can do now.

import { COMMANDS, call } from "./ipc.js";
import { h, announce } from "./dom.js";
import { go } from "./router.js";
import { state, changed, rememberJob } from "./state.js";
import { PROVIDERS, FORMAT_LABELS, providerName } from "./providers.js";
import { ACTIONS, describeError, actionLabel, renderProblem, renderDetails } from "./errors.js";
import { confirmDialog } from "./dialogs.js";
import { formatBytes, formatDuration, formatNumber, formatTime, fileName } from "./format.js";

export const ACTIVE_STATES = ["queued", "submitting", "running", "downloading"];

const typicalCache = new Map();
/** Seconds a deck like this usually takes (learned by the app), or null. */
function typicalSeconds(job) {
  const key = `${job.provider}:${job.request.slides ?? ""}`;
  if (!typicalCache.has(key)) {
    const args = { provider: job.provider };
    if (job.request.slides) args.slides = job.request.slides;
    const entry = { seconds: null };
    typicalCache.set(key, entry);
    call(COMMANDS.typicalDuration, args)
      .then((r) => { entry.seconds = r && typeof r.seconds === "number" ? r.seconds : null; })
      .catch(() => {});
  }
  return typicalCache.get(key).seconds;
}

export function jobTitle(job) {
  const request = job.request || {};
  if (request.title) return request.title;
  // Lists and events carry the notes' first line as `topic`, not the notes.
  const firstLine = job.topic || (request.content || "").split("\n").map((s) => s.trim()).find(Boolean);
  if (firstLine) return firstLine.length > 80 ? `${firstLine.slice(0, 77)}…` : firstLine;
  const file = (request.source_files || [])[0];
  return file ? fileName(file) : "Untitled deck";
}

const STATE_LABELS = {
  queued: "Waiting", submitting: "Sending", running: "Being made", downloading: "Downloading",
  done: "Ready", failed: "Didn't work", cancelled: "Cancelled", needs_attention: "Needs you",
};

/** The one line that says where the deck stands right now. */
export function statusLine(job, now = Date.now()) {
  const p = providerName(job.provider);
  switch (job.state) {
    case "queued": return `Waiting for its turn — ${p} makes a few decks at a time.`;
    case "submitting": return `Sending to ${p}…`;
    case "running": {
      if (job.stalled) return `${p} is taking much longer than usual, so Deckhand stopped checking. Check again to keep waiting.`;
      const elapsed = formatDuration((now - runningSince(job)) / 1000);
      if (job.provider !== "gamma" && job.progress) return `${job.progress} (${elapsed} so far)`;
      const typical = typicalSeconds(job);
      const usual = typical ? `, usually takes about ${formatDuration(typical)}` : "";
      // A sentence of the engine's ("Having trouble reaching Gamma; still trying.") loses its
      // full stop before the dash.
      const words = job.progress ? `${job.progress.replace(/[.…]+$/, "")} — ` : `${p} is making your deck — `;
      return `${words}${elapsed} so far${usual}.`;
    }
    case "downloading": {
      const d = state.downloads.get(job.id);
      if (!d) return "Downloading the file…";
      return d.total ? `Downloading the file — ${formatBytes(d.bytes)} of ${formatBytes(d.total)}.` : `Downloading the file — ${formatBytes(d.bytes)} so far.`;
    }
    case "done": return job.file ? `Ready: ${fileName(job.file)}` : "Ready.";
    case "cancelled": return "You cancelled this deck.";
    case "needs_attention": return "This deck needs your decision.";
    case "failed": return describeError(job.error || { kind: "internal" }, p).sentence;
    default: return job.state;
  }
}

/** When the service accepted the deck (the job's history says), else when it was created. */
function runningSince(job) {
  const stamp = (job.history || []).find((h) => h.state === "running");
  return stamp && typeof stamp.at_ms === "number" ? stamp.at_ms : job.created_ms;
}

/** The <progress> of a download, kept live by download_progress events. */
function downloadBar(job) {
  const d = state.downloads.get(job.id);
  const bar = h("progress", { class: "download", "data-testid": "job-download", "aria-label": "Download progress", max: 1 });
  if (d && d.total) { bar.max = d.total; bar.value = Math.min(d.bytes, d.total); }
  else bar.removeAttribute("value");
  return bar;
}

export function updateDownload(card, job) {
  const old = card.querySelector('[data-testid="job-download"]');
  if (old) old.replaceWith(downloadBar(job));
  const status = card.querySelector('[data-testid="job-status"]');
  if (status) status.textContent = statusLine(job);
}

/** Runs a job command; shows a failure inside the card. */
async function act(card, job, command, doneWords) {
  const slot = card.querySelector(".card-problem");
  slot.replaceChildren();
  try {
    const result = await call(command, { id: job.id });
    if (command === COMMANDS.removeJob) {
      state.jobs.delete(job.id);
      state.downloads.delete(job.id);
      changed("jobs", job.id);
    } else if (result && result.id) {
      rememberJob(result);
      changed("jobs", result.id);
    }
    if (doneWords) announce(doneWords);
  } catch (err) {
    slot.replaceChildren(renderProblem(err, providerName(job.provider)));
    announce(describeError(err, providerName(job.provider)).sentence);
  }
}

function openAccount(job) {
  const url = PROVIDERS[job.provider] && PROVIDERS[job.provider].accountUrl;
  if (url) call(COMMANDS.openUrl, { url }).catch(() => {});
  else go("settings", { section: job.provider });
}

/** A deck a newer Deckhand made: shown as it was kept, and only removed from here. */
function renderNewerCard(job) {
  const card = h("li", { class: "job-card state-newer", "data-testid": `job-${job.id}`, "data-state": "newer", "aria-labelledby": `job-title-${job.id}` });
  const meta = [providerName(job.provider) || job.provider, job.created_ms ? `started ${formatTime(job.created_ms)}` : null].filter(Boolean);
  card.append(
    h("div", { class: "job-head" },
      h("h2", { id: `job-title-${job.id}`, class: "job-title" }, jobTitle(job)),
      h("span", { class: "badge newer", "data-testid": "job-state" }, "Newer version")),
    h("p", { class: "job-meta" }, meta.join(" · ")),
    h("p", { class: "job-status", "data-testid": "job-status" }, "A newer version of Deckhand made this deck. Open that version to work on it."),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "button quiet", "data-testid": "job-remove", onclick: () => act(card, job, COMMANDS.removeJob, "Removed from the list. Any file stays in its folder.") }, "Remove from list")),
    h("div", { class: "card-problem", "data-testid": "job-action-problem" }));
  return card;
}

/** @param {import("./ipc.js").Job} job */
export function renderJobCard(job) {
  if (job.made_by_newer_version) return renderNewerCard(job);
  const p = providerName(job.provider);
  const card = h("li", { class: `job-card state-${job.state}`, "data-testid": `job-${job.id}`, "data-state": job.state, "aria-labelledby": `job-title-${job.id}` });
  const button = (label, testid, onclick, cls = "button") => h("button", { type: "button", class: cls, "data-testid": testid, onclick }, label);
  const remove = () => button("Remove from list", "job-remove", () => act(card, job, COMMANDS.removeJob, "Removed from the list. Any file stays in its folder."), "button quiet");
  const remakeWithCare = (label) => button(label, "job-retry", async () => {
    const ok = await confirmDialog({
      title: "Make this deck again?", testid: "confirm-retry",
      body: [`Deckhand will send it to ${p} as a new deck, which uses credits again.`, job.state === "needs_attention" ? `If ${p} already received the first request, you may be charged twice.` : ""].filter(Boolean),
      confirm: "Make it again", cancel: "Go back",
    });
    if (ok) act(card, job, COMMANDS.retryJob, `Sent again to ${p}.`);
  });

  const meta = [p, FORMAT_LABELS[job.request.format] || job.request.format, `started ${formatTime(job.created_ms)}`];
  if (job.request.slides) meta.splice(2, 0, `${job.request.slides} slides`);
  card.append(
    h("div", { class: "job-head" },
      h("h2", { id: `job-title-${job.id}`, class: "job-title" }, jobTitle(job)),
      h("span", { class: `badge ${job.state}`, "data-testid": "job-state" }, STATE_LABELS[job.state] || job.state)),
    h("p", { class: "job-meta" }, meta.join(" · ")));
  // A stopped deck explains itself in its problem box below; a status line would repeat it.
  if (!["failed", "needs_attention"].includes(job.state)) {
    card.append(h("p", { class: "job-status", "data-testid": "job-status" }, statusLine(job)));
  }

  if (job.state === "downloading") card.append(downloadBar(job));
  if (["done", "failed", "cancelled", "needs_attention"].includes(job.state)) {
    card.append(h("p", { class: "job-meta", "data-testid": "job-finished" }, `${job.state === "done" ? "Finished" : "Stopped"} at ${formatTime(job.updated_ms)}`));
  }
  if (job.credits && (job.credits.used != null || job.credits.remaining != null)) {
    const parts = [];
    if (job.credits.used != null) parts.push(`Used ${formatNumber(job.credits.used)} credits`);
    if (job.credits.remaining != null) parts.push(`${formatNumber(job.credits.remaining)} left on your account`);
    card.append(h("p", { class: "job-meta", "data-testid": "job-credits" }, parts.join(" · ")));
  }
  if (job.warnings && job.warnings.length) {
    card.append(h("details", { class: "details warnings", "data-testid": "job-warnings" },
      h("summary", {}, `${p} adjusted ${job.warnings.length === 1 ? "one setting" : `${job.warnings.length} settings`}`),
      h("ul", {}, job.warnings.map((w) => h("li", {}, w)))));
  }

  const actions = h("div", { class: "actions" });
  if (ACTIVE_STATES.includes(job.state)) {
    // Polling stopped at its deadline while the service still works: the person resumes it.
    if (job.stalled) actions.append(button("Check again", "job-check-again", () => act(card, job, COMMANDS.checkAgain, "Checking again."), "button primary"));
    actions.append(button("Cancel", "job-cancel", async () => {
      const ok = await confirmDialog({
        title: "Cancel this deck?", testid: "confirm-cancel",
        body: [`Deckhand will stop waiting for it. ${p} may still finish the deck and charge your account for it.`],
        confirm: "Cancel the deck", cancel: "Keep going", danger: true,
      });
      if (ok) act(card, job, COMMANDS.cancelJob, "Cancelled.");
    }));
  } else if (job.state === "done") {
    actions.append(
      button("Open", "job-open", () => act(card, job, COMMANDS.openFile), "button primary"),
      button("Show in folder", "job-show", () => act(card, job, COMMANDS.showInFolder)));
    if (job.edit_url) actions.append(button(`Edit in ${PROVIDERS[job.provider] ? PROVIDERS[job.provider].name : p}`, "job-editor", () => act(card, job, COMMANDS.openEditor)));
    actions.append(remove());
  } else if (job.state === "needs_attention") {
    // Most often a request that may or may not have arrived; otherwise the error says what
    // happened (a deck that was made but whose file cannot be fetched, a key to fix, …).
    const uncertain = !job.error || job.error.kind === "submit_uncertain";
    const { sentence, next } = uncertain
      ? { sentence: `Deckhand can't tell whether ${p} received this request.`, next: `Check your ${p} account before trying again — trying again may charge you twice.` }
      : describeError(job.error, p);
    card.append(h("div", { class: "problem attention", "data-testid": "job-attention" },
      h("p", { class: "problem-sentence" }, sentence),
      h("p", { class: "problem-next" }, next),
      job.error ? renderDetails(job.error) : null));
    actions.append(
      button("Check again", "job-check-again", () => act(card, job, COMMANDS.checkAgain, "Checked again."), "button primary"));
    if (!uncertain && job.edit_url) actions.append(button(`Open in ${PROVIDERS[job.provider] ? PROVIDERS[job.provider].name : p}`, "job-editor", () => act(card, job, COMMANDS.openEditor)));
    if (uncertain && PROVIDERS[job.provider] && PROVIDERS[job.provider].accountUrl) actions.append(button(`Open my ${p} account`, "job-account", () => openAccount(job)));
    actions.append(remakeWithCare("Make it again anyway"), remove());
  } else if (job.state === "cancelled") {
    card.append(h("p", { class: "hint" }, `${p} may still finish it and charge your account.`));
    actions.append(remakeWithCare("Make it again"), remove());
  } else if (job.state === "failed") {
    const error = job.error || { kind: "internal", message: "" };
    const { action } = describeError(error, p);
    const main = [];
    if (action === ACTIONS.settings) main.push(button(actionLabel(action, p), "job-settings", () => go("settings", { section: job.provider }), "button primary"));
    if (action === ACTIONS.account) main.push(button(actionLabel(action, p), "job-account", () => openAccount(job), "button primary"));
    if (action === ACTIONS.checkAgain) main.push(button(actionLabel(action, p), "job-check-again", () => act(card, job, COMMANDS.checkAgain, "Checked again."), "button primary"));
    // A deck the service finished can be fetched again without making it again.
    if (action === ACTIONS.retryDownload || (job.remote && job.remote.file_id && ["network", "name_not_found", "connection_refused", "timeout", "server"].includes(error.kind))) {
      main.push(button("Try the download again", "job-retry-download", () => act(card, job, COMMANDS.retryDownload, "Downloading again."), main.length ? "button" : "button primary"));
    }
    if (action === ACTIONS.retry) {
      main.push(button(actionLabel(action, p), "job-retry", () => act(card, job, COMMANDS.retryJob, `Sent again to ${p}.`), main.length ? "button" : "button primary"));
    }
    card.append(renderProblem(error, p, main));
    if (action !== ACTIONS.retry) actions.append(remakeWithCare("Make it again"));
    actions.append(remove());
  }
  card.append(actions, h("div", { class: "card-problem", "data-testid": "job-action-problem" }));
  return card;
}
