// Where a deck being made stands, readable at a glance: a bar and a few plain steps.
// Presenton says what it is doing ("Fetching assets for slides") and counts slides; those map
// to steps in plain words. Gamma says nothing until the end, so its bar is the time so far
// against how long decks like this usually take (learned by the app).

import { formatDuration, formatNumber } from "./format.js";
import { providerSubject, ProviderSubject } from "./providers.js";

/** Presenton's messages (REFERENCE §2.4) in order, as the steps a person reads. */
export const PRESENTON_STEPS = [
  { id: "queued", label: "Waiting to start", match: /queued/i },
  { id: "outline", label: "Planning the slides", match: /starting|outline/i },
  { id: "layout", label: "Choosing layouts", match: /layout/i },
  { id: "slides", label: "Writing the slides", match: /generating slides/i },
  { id: "pictures", label: "Adding pictures", match: /asset|image/i },
  { id: "file", label: "Making the file", match: /export/i },
];

/** The step a service message belongs to, or -1 (an unknown message: shown as it is). */
export function stepOf(message) {
  if (!message) return -1;
  return PRESENTON_STEPS.findIndex((s) => s.match.test(message));
}

/** When the service accepted the deck (its history says), else when it was created. */
export function runningSince(job) {
  const stamp = (job.history || []).find((s) => s.state === "running");
  return stamp && typeof stamp.at_ms === "number" ? stamp.at_ms : job.created_ms;
}

/**
 * The bar and words for a deck being made.
 * @returns {{value: number|null, text: string, steps: {label: string, state: "done"|"now"|"next"}[]|null}}
 *   value: 0..1, or null when unknown (an indeterminate bar)
 */
export function progressOf(job, { now = Date.now(), typicalSeconds = null } = {}) {
  const subject = providerSubject(job.provider);
  const elapsed = Math.max(0, (now - runningSince(job)) / 1000);
  if (job.state === "queued") {
    return { value: 0, text: job.progress ? plainSentence(job.progress) : `Waiting for its turn. ${ProviderSubject(job.provider)} makes a few decks at a time.`, steps: null };
  }
  if (job.state === "submitting") return { value: 0, text: `Sending to ${subject}…`, steps: null };
  const sp = job.service_progress || null;
  const step = stepOf(sp && sp.message);
  if (job.provider !== "gamma" && (step >= 0 || (sp && sp.slides_total))) {
    const at = Math.max(step, sp && sp.slides_total ? 1 : 0);
    let within = 0;
    let label = PRESENTON_STEPS[at].label;
    if (at === 3 && sp.slides_total) {
      const done = Math.min(sp.slides_done || 0, sp.slides_total);
      within = done / sp.slides_total;
      label = `${label}: ${formatNumber(done)} of ${formatNumber(sp.slides_total)}`;
    }
    const value = Math.min(0.97, (at + within) / PRESENTON_STEPS.length);
    const steps = PRESENTON_STEPS.slice(1).map((s, i) => ({ label: s.label, state: i + 1 < at ? "done" : i + 1 === at ? "now" : "next" }));
    return { value, text: `${label} — ${formatDuration(elapsed)} so far.`, steps };
  }
  if (job.provider !== "gamma" && sp && sp.message) {
    // A message this version of Deckhand does not know: the service's own words.
    return { value: null, text: `${sp.message.replace(/[.…]+$/, "")} — ${formatDuration(elapsed)} so far.`, steps: null };
  }
  // Trouble polling is the engine's own sentence ("Having trouble reaching Gamma; still trying.").
  const trouble = job.progress && !/^Checking with /.test(job.progress) ? `${job.progress.replace(/[.…]+$/, "")}. ` : "";
  if (typicalSeconds) {
    const ratio = elapsed / typicalSeconds;
    const usual = `usually about ${formatDuration(typicalSeconds)}`;
    const text = ratio <= 1
      ? `${trouble}${ProviderSubject(job.provider)} is making your deck — ${formatDuration(elapsed)} so far, ${usual}.`
      : `${trouble}Taking longer than usual (${usual}) — ${formatDuration(elapsed)} so far.`;
    return { value: Math.min(0.95, ratio), text, steps: null };
  }
  return { value: null, text: `${trouble}${ProviderSubject(job.provider)} is making your deck — ${formatDuration(elapsed)} so far.`, steps: null };
}

/** A sentence with exactly one full stop at its end. */
export function plainSentence(s) {
  const t = String(s || "").trim().replace(/[.…]+$/, "");
  return t ? `${t}.` : "";
}
