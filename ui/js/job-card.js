// One deck in the list: what makes it recognisable (its title, a picture, its look, file type,
// slides, size, folder, time taken), where it stands, and what the person can do now.

import { COMMANDS, call } from "./ipc.js";
import { h, announce } from "./dom.js";
import { go } from "./router.js";
import { state, changed, rememberJob, ACTIVE_STATES } from "./state.js";
import { PROVIDERS, FORMAT_LABELS, providerName, providerSubject, ProviderSubject } from "./providers.js";
import { ACTIONS, adviceFor, describeError, renderProblem, renderDetails } from "./errors.js";
import { confirmDialog } from "./dialogs.js";
import { formatBytes, formatDuration, formatNumber, formatTime, fileName, folderOf, plural } from "./format.js";
import { progressOf } from "./progress.js";
import { deckPlaceholder } from "./look-sketch.js";
import { editAgain } from "./draft.js";

export { ACTIVE_STATES };

const typicalCache = new Map();
/** Seconds a deck like this usually takes (learned by the app), or null while unknown. */
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

/** The deck's title: the person's, else the service's, else what it is about. */
export function jobTitle(job) {
  const request = job.request || {};
  if (request.title) return request.title;
  if (job.deck_title) return job.deck_title;
  const topic = job.topic || (request.content || "").split("\n").map((s) => s.trim()).find(Boolean);
  if (topic) return topic.length > 80 ? `${topic.slice(0, 77)}…` : topic;
  const file = (request.source_files || [])[0];
  return file ? fileName(file) : "Untitled deck";
}

const STATE_LABELS = {
  queued: "Waiting", submitting: "Sending", running: "Being made", downloading: "Downloading",
  done: "Ready", failed: "Didn't work", cancelled: "Cancelled", needs_attention: "Needs you",
};

/** When the deck entered `state` last (its history says). */
function enteredAt(job, s) {
  const stamps = (job.history || []).filter((x) => x.state === s);
  return stamps.length ? stamps[stamps.length - 1].at_ms : null;
}

/** "Modern · PowerPoint · 12 slides · 2.3 MB · made in 1 min 40 s" */
export function factsLine(job) {
  const request = job.request || {};
  const facts = [job.look || "Default look", FORMAT_LABELS[request.format] || request.format];
  if (job.slide_count) facts.push(plural(job.slide_count, "slide"));
  else if (request.slides) facts.push(`${plural(request.slides, "slide")} asked for`);
  if (job.state === "done") {
    if (typeof job.file_size === "number") facts.push(formatBytes(job.file_size));
    const done = enteredAt(job, "done");
    if (done) facts.push(`made in ${formatDuration((done - job.created_ms) / 1000)}`);
  }
  return facts.join(" · ");
}

/** The line under the facts: the service and when it started. */
function serviceLine(job) {
  return `${providerName(job.provider)} · started ${formatTime(job.created_ms)}`;
}

/** The words for a deck being made or downloaded (the card's status line). */
export function statusLine(job, now = Date.now()) {
  if (job.state === "downloading") {
    const d = state.downloads.get(job.id);
    if (!d) return "Downloading the file…";
    return d.total ? `Downloading the file: ${formatBytes(d.bytes)} of ${formatBytes(d.total)}.` : `Downloading the file: ${formatBytes(d.bytes)} so far.`;
  }
  if (job.state === "running" && job.stalled) {
    return `${ProviderSubject(job.provider)} is taking much longer than usual, so Deckhand stopped checking. Check again to keep waiting.`;
  }
  return progressOf(job, { now, typicalSeconds: typicalSeconds(job) }).text;
}

/** The bar, the words and (Presenton) the steps of a deck being made. */
function progressBlock(job, now = Date.now()) {
  const wrap = h("div", { class: "job-progress", "data-testid": "job-progress" });
  if (job.state === "downloading") {
    const d = state.downloads.get(job.id);
    const bar = h("progress", { class: "bar", "data-testid": "job-download", "aria-label": "Download progress", max: 1 });
    if (d && d.total) { bar.max = d.total; bar.value = Math.min(d.bytes, d.total); } else bar.removeAttribute("value");
    wrap.append(bar, h("p", { class: "job-status", "data-testid": "job-status" }, statusLine(job, now)));
    return wrap;
  }
  const p = job.stalled ? { value: null, steps: null } : progressOf(job, { now, typicalSeconds: typicalSeconds(job) });
  const bar = h("progress", { class: "bar", "data-testid": "job-bar", "aria-label": "Progress", max: 1 });
  if (typeof p.value === "number") bar.value = p.value; else bar.removeAttribute("value");
  wrap.append(bar, h("p", { class: "job-status", "data-testid": "job-status" }, statusLine(job, now)));
  if (p.steps) {
    wrap.append(h("ol", { class: "steps", "data-testid": "job-steps", "aria-label": "Steps" },
      p.steps.map((s) => h("li", { class: `step ${s.state}`, "aria-current": s.state === "now" ? "step" : null }, s.label))));
  }
  return wrap;
}

/**
 * Redraws the progress of a deck being made (every second, and on download events), touching
 * only what changed: most seconds that is one line of words, and rebuilding the whole block
 * made WebKit lay out and repaint the list around it every second.
 */
export function updateProgress(card, job, now = Date.now()) {
  const old = card.querySelector('[data-testid="job-progress"]');
  if (!old) return;
  const fresh = progressBlock(job, now);
  if (old.isEqualNode(fresh)) return;
  const before = [...old.children];
  const after = [...fresh.children];
  const sameShape = before.length === after.length && before.every((el, i) => el.tagName === after[i].tagName && el.dataset.testid === after[i].dataset.testid);
  if (!sameShape) { old.replaceWith(fresh); return; }
  before.forEach((el, i) => {
    const next = after[i];
    if (el.isEqualNode(next)) return;
    if (el.tagName === "P") el.textContent = next.textContent;
    else if (el.tagName === "PROGRESS") {
      el.max = next.max;
      if (next.hasAttribute("value")) el.value = next.value; else el.removeAttribute("value");
    } else el.replaceWith(next);
  });
}

/** The card's picture: the deck's own when its file has one, else a placeholder in its look. */
const previews = new Map();
function previewImage(job) {
  const title = jobTitle(job);
  const img = h("img", { class: "job-preview", width: 160, height: 90, alt: "", "data-testid": "job-preview", "data-kind": "placeholder",
    src: deckPlaceholder({ look: job.look, format: (job.request || {}).format }) });
  if (job.state !== "done" || !job.preview) return img;
  const show = (url) => {
    if (!url) return;
    img.src = url;
    img.alt = `A picture from ${title}`;
    img.dataset.kind = "deck";
  };
  if (previews.has(job.id)) {
    const known = previews.get(job.id);
    if (typeof known === "string") show(known); else known.then(show);
  } else {
    const asked = call(COMMANDS.jobPreview, { id: job.id }).then((url) => {
      previews.set(job.id, url || null);
      return url;
    }).catch(() => null);
    previews.set(job.id, asked);
    asked.then(show);
  }
  return img;
}

/** Runs a job command; shows a failure inside the card. */
async function act(card, job, command, doneWords, args = {}) {
  const slot = card.querySelector(".card-problem");
  slot.replaceChildren();
  try {
    const result = await call(command, { id: job.id, ...args });
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
    slot.replaceChildren(renderProblem(err, job.provider));
    announce(describeError(err, job.provider).sentence);
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
  const service = [providerName(job.provider) || job.provider, job.created_ms ? `started ${formatTime(job.created_ms)}` : null].filter(Boolean);
  const body = h("div", { class: "job-body" },
    h("div", { class: "job-head" },
      h("h2", { id: `job-title-${job.id}`, class: "job-title", "data-testid": "job-title" }, jobTitle(job)),
      h("span", { class: "badge newer", "data-testid": "job-state" }, "Newer version")),
    h("p", { class: "job-meta", "data-testid": "job-service" }, service.join(" · ")),
    h("p", { class: "job-status", "data-testid": "job-status" }, "A newer version of Deckhand made this deck. Open that version to work on it."),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "button quiet", "data-testid": "job-remove", onclick: () => act(card, job, COMMANDS.removeJob, "Removed from the list. Any file stays in its folder.") }, "Remove from list")),
    h("div", { class: "card-problem", "data-testid": "job-action-problem" }));
  card.append(h("div", { class: "job-layout" }, previewImage(job), body));
  return card;
}

/** @param {import("./ipc.js").Job} job */
export function renderJobCard(job) {
  if (job.made_by_newer_version) return renderNewerCard(job);
  const request = job.request || {};
  const subject = providerSubject(job.provider);
  const card = h("li", { class: `job-card state-${job.state}`, "data-testid": `job-${job.id}`, "data-state": job.state, "aria-labelledby": `job-title-${job.id}` });
  const button = (label, testid, onclick, cls = "button") => h("button", { type: "button", class: cls, "data-testid": testid, onclick }, label);
  const remove = () => button("Remove from list", "job-remove", () => act(card, job, COMMANDS.removeJob, "Removed from the list. Any file stays in its folder."), "button quiet");
  const remakeWithCare = (label) => button(label, "job-retry", async () => {
    const ok = await confirmDialog({
      title: "Make this deck again?", testid: "confirm-retry",
      body: [`Deckhand will send it to ${subject} as a new deck${PROVIDERS[job.provider] && PROVIDERS[job.provider].selfHosted ? "" : ", which uses credits again"}.`, job.state === "needs_attention" ? `If ${subject} already received the first request, you may be charged twice.` : ""].filter(Boolean),
      confirm: "Make it again", cancel: "Go back",
    });
    if (ok) act(card, job, COMMANDS.retryJob, `Sent again to ${subject}.`);
  });

  const body = h("div", { class: "job-body" },
    h("div", { class: "job-head" },
      h("h2", { id: `job-title-${job.id}`, class: "job-title", "data-testid": "job-title" }, jobTitle(job)),
      h("span", { class: `badge ${job.state}`, "data-testid": "job-state" }, STATE_LABELS[job.state] || job.state)),
    h("p", { class: "job-meta", "data-testid": "job-facts" }, factsLine(job)),
    h("p", { class: "job-meta", "data-testid": "job-service" }, serviceLine(job)));
  card.append(h("div", { class: "job-layout" }, previewImage(job), body));

  if (ACTIVE_STATES.includes(job.state)) body.append(progressBlock(job));
  if (job.state === "done" && job.file) {
    body.append(h("div", { class: "job-file", "data-testid": "job-file" },
      h("span", { class: "file-name" }, fileName(job.file)),
      h("span", { class: "folder" }, "in ", h("span", { class: "path", "data-testid": "job-folder" }, folderOf(job.file)))));
  }
  if (job.credits && (job.credits.used != null || job.credits.remaining != null)) {
    const parts = [];
    if (job.credits.used != null) parts.push(`Used ${formatNumber(job.credits.used)} credits`);
    if (job.credits.remaining != null) parts.push(`${formatNumber(job.credits.remaining)} left on your account`);
    body.append(h("p", { class: "job-meta", "data-testid": "job-credits" }, parts.join(" · ")));
  }
  if (job.warnings && job.warnings.length) {
    body.append(h("details", { class: "details warnings", "data-testid": "job-warnings" },
      h("summary", {}, `${ProviderSubject(job.provider)} adjusted ${job.warnings.length === 1 ? "one setting" : `${formatNumber(job.warnings.length)} settings`}`),
      h("ul", {}, job.warnings.map((w) => h("li", {}, w)))));
  }

  const actions = h("div", { class: "actions" });
  if (ACTIVE_STATES.includes(job.state)) {
    // Polling stopped at its deadline while the service still works: the person resumes it.
    if (job.stalled) actions.append(button("Check again", "job-check-again", () => act(card, job, COMMANDS.checkAgain, "Checking again."), "button primary"));
    actions.append(button("Cancel", "job-cancel", async () => {
      const ok = await confirmDialog({
        title: "Cancel this deck?", testid: "confirm-cancel",
        body: [`Deckhand will stop waiting for it. ${ProviderSubject(job.provider)} may still finish the deck and charge your account for it.`],
        confirm: "Cancel the deck", cancel: "Keep going", danger: true,
      });
      if (ok) act(card, job, COMMANDS.cancelJob, "Cancelled.");
    }));
  } else if (job.state === "done") {
    actions.append(
      button("Open", "job-open", () => act(card, job, COMMANDS.openFile, "Opening the deck."), "button primary"),
      button("Show in folder", "job-show", () => act(card, job, COMMANDS.showInFolder)));
    if (job.edit_url) actions.append(button(`Edit in ${PROVIDERS[job.provider] && !PROVIDERS[job.provider].selfHosted ? providerName(job.provider) : "Presenton"}`, "job-editor", () => act(card, job, COMMANDS.openEditor)));
    actions.append(remove());
  } else if (job.state === "needs_attention") {
    // Most often a request that may or may not have arrived; otherwise the error says what
    // happened (a deck that was made but whose file cannot be fetched, a key to fix, …).
    const uncertain = !job.error || job.error.kind === "submit_uncertain";
    const { sentence, next } = describeError(uncertain ? { kind: "submit_uncertain" } : job.error, job.provider);
    body.append(h("div", { class: "problem attention", "data-testid": "job-attention" },
      h("p", { class: "problem-sentence" }, sentence),
      h("p", { class: "problem-next" }, next),
      job.error ? renderDetails(job.error) : null));
    actions.append(button("Check again", "job-check-again", () => act(card, job, COMMANDS.checkAgain, "Checked again."), "button primary"));
    if (!uncertain && job.edit_url) actions.append(button(`Open in ${PROVIDERS[job.provider] && !PROVIDERS[job.provider].selfHosted ? providerName(job.provider) : "Presenton"}`, "job-editor", () => act(card, job, COMMANDS.openEditor)));
    if (uncertain && PROVIDERS[job.provider] && PROVIDERS[job.provider].accountUrl) actions.append(button(`Open my ${providerName(job.provider)} account`, "job-account", () => openAccount(job)));
    actions.append(remakeWithCare("Make it again anyway"), remove());
  } else if (job.state === "cancelled") {
    body.append(h("p", { class: "hint" }, `${ProviderSubject(job.provider)} may still finish it and charge your account.`));
    actions.append(remakeWithCare("Make it again"), remove());
  } else if (job.state === "failed") {
    const advice = adviceFor(job);
    const error = job.error || { kind: "internal", message: "" };
    const buttons = advice.actions.map((a, i) => button(a.label, `job-${a.id.replace(/_/g, "-")}`, () => runAdvice(card, job, a), i === 0 ? "button primary" : "button"));
    body.append(h("div", { class: "problem", "data-testid": `problem-${error.kind}`, "data-kind": error.kind },
      h("p", { class: "problem-sentence", "data-testid": "advice-sentence" }, advice.sentence),
      h("p", { class: "problem-next", "data-testid": "advice-next" }, advice.next),
      buttons.length ? h("div", { class: "actions" }, buttons) : null,
      renderDetails(error)));
    actions.append(remove());
  }
  body.append(actions, h("div", { class: "card-problem", "data-testid": "job-action-problem" }));
  return card;
}

/** Does what a piece of advice offers. */
async function runAdvice(card, job, a) {
  const subject = providerSubject(job.provider);
  switch (a.id) {
    case ACTIONS.makePptx: return act(card, job, COMMANDS.retryJob, `Sent again to ${subject}, as PowerPoint.`, { format: "pptx" });
    case ACTIONS.newKey: return go("settings", { section: job.provider });
    case ACTIONS.checkServer: return go("settings", { section: "presenton-self" });
    case ACTIONS.settings: return go("settings", { section: job.provider });
    case ACTIONS.account: return openAccount(job);
    case ACTIONS.checkAgain: return act(card, job, COMMANDS.checkAgain, "Checked again.");
    case ACTIONS.retryDownload: return act(card, job, COMMANDS.retryDownload, "Downloading again.");
    case ACTIONS.edit: return editAgain(job);
    case ACTIONS.retry: {
      if (a.confirm && !(await confirmDialog({ title: a.confirm.title, body: a.confirm.body, confirm: "Make it again", cancel: "Go back", testid: "confirm-retry" }))) return undefined;
      return act(card, job, COMMANDS.retryJob, `Sent again to ${subject}.`);
    }
    default: return undefined;
  }
}
