// Your decks: every deck with a live status, including those from before a restart, newest
// first, a page at a time ("Show older decks" asks the app for the next one).

import { h, announce } from "../dom.js";
import { go } from "../router.js";
import { state, subscribe, jobsNewestFirst } from "../state.js";
import { loadMore } from "../history.js";
import { ACTIVE_STATES, renderJobCard, statusLine, updateDownload } from "../job-card.js";
import { renderProblem } from "../errors.js";

export function renderJobs(root, opts = {}) {
  const list = h("ul", { class: "job-list", "data-testid": "job-list", "aria-label": "Decks" });
  const empty = h("div", { class: "callout", "data-testid": "jobs-empty" },
    h("p", {}, "No decks yet. When you make one, you can follow it here — even after closing Deckhand."),
    h("button", { type: "button", class: "button primary", "data-testid": "jobs-new", onclick: () => go("new-deck") }, "Make a deck"));
  const moreProblem = h("div", { class: "card-problem", "data-testid": "jobs-more-problem" });
  const more = h("button", { type: "button", class: "button", "data-testid": "jobs-more", onclick: showMore }, "Show older decks");
  const moreRow = h("div", { class: "actions jobs-more" }, more, moreProblem);
  root.append(h("div", { class: "page", "data-testid": "screen-jobs" },
    h("div", { class: "page-head" },
      h("h1", {}, "Your decks"),
      h("button", { type: "button", class: "button", "data-testid": "jobs-new-top", onclick: () => go("new-deck") }, "New deck")),
    empty, list, moreRow));

  async function showMore() {
    moreProblem.replaceChildren();
    const before = state.jobs.size;
    try {
      await loadMore();
      const added = state.jobs.size - before;
      announce(added === 1 ? "One older deck is shown." : `${added} older decks are shown.`);
    } catch (err) {
      moreProblem.replaceChildren(renderProblem(err, "Deckhand"));
    }
  }

  function renderMore() {
    moreRow.hidden = !state.history.nextCursor;
    more.disabled = state.history.loading;
    more.textContent = state.history.loading ? "Loading older decks…" : "Show older decks";
  }

  function renderAll() {
    const jobs = jobsNewestFirst();
    empty.hidden = jobs.length > 0;
    list.replaceChildren(...jobs.map((job) => {
      const card = renderJobCard(job);
      if (job.id === opts.highlight) card.classList.add("highlight");
      return card;
    }));
    renderMore();
  }

  /** Replaces one card, keeping keyboard focus where it was. */
  function renderOne(id) {
    const job = state.jobs.get(id);
    const old = list.querySelector(`[data-testid="job-${CSS.escape(id)}"]`);
    if (!job || !old) { renderAll(); return; }
    const focused = old.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
    const card = renderJobCard(job);
    old.replaceWith(card);
    if (focused) {
      const again = card.querySelector(`[data-testid="${focused}"]`);
      if (again) again.focus();
      else card.querySelector("button")?.focus();
    }
  }

  const unsubscribe = subscribe((topic, id) => {
    if (topic === "history") renderMore();
    if (topic === "jobs") {
      if (id && state.jobs.has(id) && list.querySelector(`[data-testid="job-${CSS.escape(id)}"]`)) renderOne(id);
      else renderAll();
    } else if (topic === "download") {
      const job = state.jobs.get(id);
      const card = list.querySelector(`[data-testid="job-${CSS.escape(id)}"]`);
      if (job && card) updateDownload(card, job);
    }
  });

  // Elapsed time moves every second; only the status lines of running decks change.
  const timer = setInterval(() => {
    for (const job of state.jobs.values()) {
      if (!ACTIVE_STATES.includes(job.state)) continue;
      const line = list.querySelector(`[data-testid="job-${CSS.escape(job.id)}"] [data-testid="job-status"]`);
      if (line) line.textContent = statusLine(job);
    }
  }, 1000);

  renderAll();
  return () => { unsubscribe(); clearInterval(timer); };
}
