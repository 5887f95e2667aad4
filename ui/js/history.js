// "Your decks" data: the history comes from the app a page at a time, newest first, and is
// kept current by engine events. Every deck still being made is loaded too, wherever it falls
// in the history, so what is in progress is always known (the count by "Your decks").

import { COMMANDS, call } from "./ipc.js";
import { state, changed, noteCredits, rememberJob } from "./state.js";

/** Decks per page of "Your decks". */
export const PAGE_SIZE = 50;
const ACTIVE = ["queued", "submitting", "running", "downloading"];

/** Adds jobs from the app; an event may have brought a newer record while they were on their way. */
function merge(jobs) {
  for (const job of jobs) {
    if (rememberJob(job) && job.credits) noteCredits(job.provider, job.credits.remaining);
  }
}

/** The first page and every deck in progress; replaces what was loaded. Rejects as `call` does. */
export async function loadFirstPage() {
  const [page, active] = await Promise.all([
    call(COMMANDS.listJobs, { query: { limit: PAGE_SIZE } }),
    call(COMMANDS.listJobs, { query: { states: ACTIVE, limit: 500 } }),
  ]);
  state.jobs.clear();
  merge(active.jobs);
  merge(page.jobs);
  state.history = { nextCursor: page.next_cursor, total: page.total, loading: false };
  changed("jobs");
}

/** The next (older) page, if there is one. */
export async function loadMore() {
  const history = state.history;
  if (!history.nextCursor || history.loading) return;
  history.loading = true;
  changed("history");
  try {
    const page = await call(COMMANDS.listJobs, { query: { limit: PAGE_SIZE, cursor: history.nextCursor } });
    merge(page.jobs);
    Object.assign(history, { nextCursor: page.next_cursor, total: page.total });
  } finally {
    history.loading = false;
    changed("jobs");
  }
}
