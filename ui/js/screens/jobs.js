// Your decks: every deck, newest first, a page at a time (2,000 decks open as fast as 20;
// "Show older decks" asks for the next page, and says how many came), searched by title or
// topic and filtered by state and service through the app's history queries, with live status
// from engine events.

import { COMMANDS, call } from "../ipc.js";
import { h, announce } from "../dom.js";
import { go } from "../router.js";
import { state, subscribe, rememberJob, totalDecks, ACTIVE_STATES } from "../state.js";
import { PROVIDERS } from "../providers.js";
import { renderJobCard, updateProgress, jobTitle } from "../job-card.js";
import { formatNumber, plural } from "../format.js";
import { renderProblem } from "../errors.js";

const PAGE = 50;

/** The state filter's choices: label, and the job states they stand for. */
export const STATE_FILTERS = [
  { id: "all", label: "All decks", states: [] },
  { id: "active", label: "Being made", states: ACTIVE_STATES },
  { id: "done", label: "Ready", states: ["done"] },
  { id: "attention", label: "Need you", states: ["needs_attention"] },
  { id: "failed", label: "Didn't work", states: ["failed"] },
  { id: "cancelled", label: "Cancelled", states: ["cancelled"] },
];

/** What the list shows, kept while the person visits other screens. */
const view = { text: "", filter: "all", provider: "" };

export function renderJobs(root, opts = {}) {
  if (opts.filter && STATE_FILTERS.some((f) => f.id === opts.filter)) view.filter = opts.filter;
  if (opts.highlight) Object.assign(view, { text: "", filter: "all", provider: "" });

  const search = h("input", { id: "jobs-search", class: "input", type: "search", value: view.text, placeholder: "Search by title or topic", "data-testid": "jobs-search", "aria-controls": "job-list" });
  const stateSelect = h("select", { id: "jobs-state", class: "input", "data-testid": "jobs-filter-state", "aria-controls": "job-list" });
  const serviceSelect = h("select", { id: "jobs-service", class: "input", "data-testid": "jobs-filter-service", "aria-controls": "job-list" });
  const summary = h("p", { class: "hint", role: "status", "data-testid": "jobs-summary" });
  const list = h("ul", { id: "job-list", class: "job-list", "data-testid": "job-list", "aria-label": "Decks" });
  const more = h("button", { type: "button", class: "button", "data-testid": "jobs-more" }, "Show older decks");
  // A later page that cannot be loaded says so by its button; what is shown stays.
  const moreProblem = h("div", { class: "card-problem", "data-testid": "jobs-more-problem" });
  const moreRow = h("div", { class: "actions jobs-more", hidden: true }, more, moreProblem);
  const problem = h("div", { "data-testid": "jobs-problem" });
  const empty = h("div", { class: "callout", "data-testid": "jobs-empty", hidden: true },
    h("p", {}, "No decks yet. When you make one, you can follow it here — even after closing Deckhand."),
    h("button", { type: "button", class: "button primary", "data-testid": "jobs-new", onclick: () => go("new-deck") }, "Make a deck"));
  const noMatch = h("div", { class: "callout", "data-testid": "jobs-no-match", hidden: true },
    h("p", {}, "No decks match this search."),
    h("button", { type: "button", class: "button", "data-testid": "jobs-clear", onclick: () => { search.value = ""; Object.assign(view, { text: "", filter: "all", provider: "" }); drawFilters(); reload(); search.focus(); } }, "Show all decks"));

  const filters = h("div", { class: "jobs-filters", role: "search", "aria-label": "Find decks" },
    h("div", { class: "field grow" }, h("label", { for: "jobs-search", class: "label" }, "Search"), search),
    h("div", { class: "field" }, h("label", { for: "jobs-state", class: "label" }, "Show"), stateSelect),
    h("div", { class: "field" }, h("label", { for: "jobs-service", class: "label" }, "Service"), serviceSelect));

  root.append(h("div", { class: "page", "data-testid": "screen-jobs" },
    h("div", { class: "page-head" },
      h("h1", {}, "Your decks"),
      h("button", { type: "button", class: "button", "data-testid": "jobs-new-top", onclick: () => go("new-deck") }, "New deck")),
    filters, summary, problem, empty, noMatch, list, moreRow));

  /** Loaded ids, in list order (newest first), and where the next page starts. */
  let shown = [];
  let cursor = null;
  let total = 0;
  let loading = false;
  let generation = 0;

  function query() {
    const f = STATE_FILTERS.find((x) => x.id === view.filter) || STATE_FILTERS[0];
    const q = { limit: PAGE };
    if (view.text.trim()) q.text = view.text.trim();
    if (f.states.length) q.states = f.states;
    if (view.provider) q.providers = [view.provider];
    return q;
  }

  /** Whether a job belongs in the list as filtered now (for decks that change or arrive). */
  function matches(job) {
    const f = STATE_FILTERS.find((x) => x.id === view.filter) || STATE_FILTERS[0];
    if (f.states.length && !f.states.includes(job.state)) return false;
    if (view.provider && job.provider !== view.provider) return false;
    const needle = view.text.trim().toLowerCase();
    if (!needle) return true;
    const topic = job.topic || ((job.request && job.request.content) || "").split("\n").map((s) => s.trim()).find(Boolean) || "";
    return [job.request && job.request.title, job.deck_title, topic].some((t) => t && t.toLowerCase().includes(needle));
  }

  function drawFilters() {
    const byState = state.counts.by_state || {};
    const byProvider = state.counts.by_provider || {};
    const countOf = (f) => (f.states.length ? f.states.reduce((n, s) => n + (byState[s] || 0), 0) : totalDecks());
    stateSelect.replaceChildren(...STATE_FILTERS.map((f) => h("option", { value: f.id, selected: f.id === view.filter }, `${f.label} (${formatNumber(countOf(f))})`)));
    const services = Object.keys(PROVIDERS).filter((id) => byProvider[id] || id === view.provider);
    serviceSelect.replaceChildren(h("option", { value: "", selected: !view.provider }, "All services"),
      ...services.map((id) => h("option", { value: id, selected: id === view.provider }, `${PROVIDERS[id].name} (${formatNumber(byProvider[id] || 0)})`)));
  }

  function drawSummary() {
    const all = totalDecks();
    const filtered = Boolean(view.text.trim()) || view.filter !== "all" || Boolean(view.provider);
    empty.hidden = all > 0 || shown.length > 0;
    noMatch.hidden = !(filtered && shown.length === 0 && !loading);
    moreRow.hidden = !cursor;
    more.disabled = loading;
    more.textContent = loading && shown.length ? "Loading older decks…" : "Show older decks";
    if (!shown.length) summary.textContent = "";
    else if (filtered) summary.textContent = `${plural(total, "deck")} match. Showing ${formatNumber(shown.length)}.`;
    else summary.textContent = shown.length < total ? `Showing the newest ${formatNumber(shown.length)} of ${plural(total, "deck")}.` : `${plural(total, "deck")}.`;
  }

  function card(job) {
    const c = renderJobCard(job);
    c.dataset.jobId = job.id;
    if (job.id === opts.highlight) c.classList.add("highlight");
    return c;
  }

  /** Loads the next page; resolves to how many decks it added (0 when it failed). */
  async function loadPage() {
    if (loading) return 0;
    loading = true;
    const mine = generation;
    const q = query();
    const later = Boolean(cursor);
    if (later) q.cursor = cursor;
    drawSummary();
    try {
      const page = await call(COMMANDS.listJobs, { query: q });
      if (mine !== generation) return 0;
      // A deck an event brought while the page was on its way keeps its newer record.
      const fresh = page.jobs.map(rememberJob).filter((j) => !shown.includes(j.id));
      shown = shown.concat(fresh.map((j) => j.id));
      list.append(...fresh.map(card));
      cursor = page.next_cursor || null;
      total = page.total;
      problem.replaceChildren();
      moreProblem.replaceChildren();
      return fresh.length;
    } catch (err) {
      if (mine === generation) (later ? moreProblem : problem).replaceChildren(renderProblem(err, "Deckhand"));
      return 0;
    } finally {
      if (mine === generation) loading = false;
      drawSummary();
    }
  }

  function reload() {
    generation += 1;
    loading = false;
    shown = [];
    cursor = null;
    total = 0;
    list.replaceChildren();
    problem.replaceChildren();
    moreProblem.replaceChildren();
    return loadPage();
  }

  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { view.text = search.value; reload(); }, 200);
  });
  stateSelect.addEventListener("change", () => { view.filter = stateSelect.value; reload(); });
  serviceSelect.addEventListener("change", () => { view.provider = serviceSelect.value; reload(); });
  more.addEventListener("click", () => loadPage().then((added) => {
    if (added) announce(added === 1 ? "One older deck is shown." : `${formatNumber(added)} older decks are shown.`);
  }));

  /** Replaces one card, keeping keyboard focus where it was. */
  function renderOne(id, old) {
    const job = state.jobs.get(id);
    const focused = old.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
    const fresh = card(job);
    old.replaceWith(fresh);
    if (focused) {
      const again = fresh.querySelector(`[data-testid="${focused}"]`);
      if (again) again.focus();
      else fresh.querySelector("button")?.focus();
    }
  }

  function onJob(id) {
    const job = state.jobs.get(id);
    const old = list.querySelector(`[data-testid="job-${CSS.escape(id)}"]`);
    if (!job) {
      if (old) {
        old.remove();
        shown = shown.filter((x) => x !== id);
        total = Math.max(0, total - 1);
      }
    } else if (old) {
      // A deck on screen stays where the person is looking, even when it no longer fits the
      // filter ("Being made" and it just finished): it leaves when the list is next asked for.
      renderOne(id, old);
    } else if (matches(job)) {
      // A new deck, or one that now fits the filter: in its place by age, if that place is loaded.
      const later = shown.findIndex((x) => (state.jobs.get(x) || {}).created_ms < job.created_ms);
      if (later >= 0) {
        list.insertBefore(card(job), list.children[later]);
        shown.splice(later, 0, id);
        total += 1;
      } else if (!cursor) {
        list.append(card(job));
        shown.push(id);
        total += 1;
      }
    }
    drawSummary();
  }

  const unsubscribe = subscribe((topic, id) => {
    if (topic === "jobs" && id) onJob(id);
    else if (topic === "jobs") reload();
    else if (topic === "counts") { drawFilters(); drawSummary(); }
    else if (topic === "download") {
      const job = state.jobs.get(id);
      const c = list.querySelector(`[data-testid="job-${CSS.escape(id)}"]`);
      if (job && c) updateProgress(c, job);
    }
  });

  // Elapsed time moves every second; only the progress of decks being made changes, and only
  // cards on screen are redrawn (a card scrolled into view is brought up to date at once).
  const onScreen = new Set();
  const tick = (c, now) => {
    const job = state.jobs.get(c.dataset.jobId);
    if (job && ACTIVE_STATES.includes(job.state) && job.state !== "downloading") updateProgress(c, job, now);
  };
  const visibility = new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) { onScreen.add(e.target); tick(e.target, Date.now()); } else onScreen.delete(e.target);
    }
  });
  const watchCards = new MutationObserver((changes) => {
    for (const m of changes) {
      for (const n of m.addedNodes) if (n.dataset && n.dataset.jobId) visibility.observe(n);
      for (const n of m.removedNodes) if (n.dataset && n.dataset.jobId) { visibility.unobserve(n); onScreen.delete(n); }
    }
  });
  watchCards.observe(list, { childList: true });
  const timer = setInterval(() => {
    if (document.hidden) return;
    const now = Date.now();
    for (const c of onScreen) if (c.isConnected) tick(c, now);
  }, 1000);

  drawFilters();
  drawSummary();
  loadPage().then(() => {
    if (!opts.highlight) return;
    // The deck just sent is shown even if the page was read a moment before it was recorded.
    if (!shown.includes(opts.highlight) && state.jobs.has(opts.highlight)) onJob(opts.highlight);
    list.querySelector(`[data-testid="job-${CSS.escape(opts.highlight)}"]`)?.scrollIntoView({ block: "nearest" });
  });
  return () => { unsubscribe(); clearInterval(timer); clearTimeout(typing); visibility.disconnect(); watchCards.disconnect(); };
}

export { jobTitle };
