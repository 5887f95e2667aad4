// "Your decks" over the history contract: a page at a time, newest first, the title or the
// notes' first line (lists carry no notes), every deck in progress counted even when it is old
// (the app's counts) and found under "Being made", and a deck a newer Deckhand made shown but
// left alone.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openApp, closePage, calls, makeJob, KEYS, seriousViolations, screenshot } from "./support/harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const cards = (page) => page.locator("[data-testid='job-list'] > li");

/** `n` finished decks, one a minute, the newest first in id order; every fifth without a title. */
function history(n) {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) => makeJob({
    id: `job-${String(i).padStart(3, "0")}`,
    state: ["done", "failed", "cancelled"][i % 3],
    created_ms: now - (n - i) * 60000,
    updated_ms: now - (n - i) * 60000 + 30000,
    request: { content: `Notes number ${i}\n${"more notes ".repeat(2000)}`, ...(i % 5 ? { title: `Deck ${i}` } : {}), format: "pptx" },
  }));
}

test("decks come a page at a time, newest first, and older ones on request", async () => {
  const jobs = history(120);
  // An old deck still being made: known at once, wherever it falls in the history.
  jobs[3] = { ...jobs[3], state: "running" };
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs });
  try {
    assert.equal(await page.getByTestId("jobs-count").textContent(), "1", "the old deck in progress is counted");
    // At start only the counts and the newest finished decks' credits are asked for.
    assert.deepEqual((await calls(page, "list_jobs")).map((c) => c.args.query), [{ states: ["done"], limit: 20 }]);

    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("job-job-119").waitFor();
    assert.deepEqual((await calls(page, "list_jobs")).at(-1).args.query, { limit: 50 });
    assert.equal(await cards(page).count(), 50, "the newest 50");
    assert.equal(await cards(page).first().getAttribute("data-testid"), "job-job-119");
    // No title: the notes' first line, which lists carry as `topic`.
    assert.equal(await page.getByTestId("job-job-115").locator(".job-title").textContent(), "Notes number 115");
    assert.equal(await page.getByTestId("job-job-118").locator(".job-title").textContent(), "Deck 118");

    await page.getByTestId("jobs-more").click();
    await page.getByTestId("job-job-020").waitFor();
    assert.equal(await cards(page).count(), 100, "50 more");
    const more = (await calls(page, "list_jobs")).at(-1).args.query;
    assert.equal(more.limit, 50);
    assert.match(more.cursor, /^\d+:job-070$/);
    await page.waitForFunction(() => /50 older decks are shown/.test(document.getElementById("announcer").textContent));

    await page.getByTestId("jobs-more").click();
    await page.getByTestId("job-job-000").waitFor();
    assert.equal(await cards(page).count(), 120);
    assert.ok(await page.getByTestId("jobs-more").isHidden(), "nothing older");
    const order = await cards(page).evaluateAll((els) => els.map((e) => e.dataset.testid));
    assert.deepEqual(order, jobs.map((j) => `job-${j.id}`).reverse());
    assert.deepEqual(await seriousViolations(page), []);
    // The old deck still being made is one choice away, wherever it falls in the history.
    await page.getByTestId("jobs-filter-state").selectOption("active");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid='job-list'] > li").length === 1);
    assert.equal(await cards(page).first().getAttribute("data-testid"), "job-job-003");
    assert.deepEqual(page.problems, []);
  } finally { await closePage(page); }
});

test("a deck a newer Deckhand made is shown, and can only be removed from the list", async () => {
  const newer = {
    id: "job-newer", provider: "gamma", state: "paused", created_ms: Date.now() - 1000, updated_ms: Date.now() - 1000,
    request: { content: "Volcanoes of Iceland", format: "pptx", tone_preset: "calm" }, out_dir: "/tmp", made_by_newer_version: true,
  };
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [newer, makeJob({ id: "job-ok", state: "done" })] });
  try {
    await page.getByTestId("nav-jobs").click();
    const card = page.getByTestId("job-job-newer");
    await card.waitFor();
    assert.equal(await page.getByTestId("jobs-count").textContent(), "", "not in progress here, whatever its state");
    assert.equal(await card.locator(".job-title").textContent(), "Volcanoes of Iceland");
    assert.equal(await card.getByTestId("job-state").textContent(), "Newer version");
    assert.match(await card.getByTestId("job-status").textContent(), /A newer version of Deckhand made this deck/);
    assert.deepEqual(await card.locator("button").allTextContents(), ["Remove from list"]);
    await screenshot(page, "jobs-newer-version");
    await card.getByTestId("job-remove").click();
    await card.waitFor({ state: "detached" });
    assert.deepEqual((await calls(page, "remove_job")).map((c) => c.args), [{ id: "job-newer" }]);
    assert.deepEqual(await seriousViolations(page), []);
  } finally { await closePage(page); }
});

test("a page that cannot be loaded says so where the button is", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: history(60) });
  try {
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("jobs-more").waitFor();
    await page.evaluate(() => { window.__FAKE__.failOnce.list_jobs = { kind: "journal", message: "Deckhand could not read its list of decks." }; });
    await page.getByTestId("jobs-more").click();
    await page.getByTestId("jobs-more-problem").getByTestId("problem-journal").waitFor();
    assert.equal(await cards(page).count(), 50, "what was shown stays");
    await page.getByTestId("jobs-more").click();
    await page.getByTestId("job-job-000").waitFor();
    assert.equal(await page.getByTestId("jobs-more-problem").textContent(), "");
  } finally { await closePage(page); }
});

test("a change that arrives before the answer of the command that caused it is not undone by the answer", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [makeJob({ id: "job-stalled", stalled: true })] });
  try {
    // The engine starts a deck at once; its first events can reach the window before the
    // command's answer (a record of an earlier moment) does.
    await page.evaluate(() => {
      const racing = (job) => window.__FAKE__.emit({ type: "job_changed", job: { ...job, state: "running", updated_ms: job.updated_ms + 5 } });
      window.__FAKE__.beforeAnswer.submit_deck = racing;
      window.__FAKE__.beforeAnswer.check_again = racing;
    });
    await page.getByTestId("field-content").fill("Photosynthesis for ten-year-olds");
    await page.getByTestId("generate").click();
    const card = page.getByTestId("job-job-1");
    await card.waitFor();
    assert.equal(await card.getAttribute("data-state"), "running");
    assert.match(await card.getByTestId("job-status").textContent(), /Gamma is making your deck/);

    await page.getByTestId("job-job-stalled").getByTestId("job-check-again").click();
    await page.waitForFunction(() => (window.__FAKE__.callsOf("check_again").length === 1));
    await page.waitForTimeout(100);
    assert.equal(await page.getByTestId("job-job-stalled").getByTestId("job-status").textContent().then((t) => /Check again/.test(t)), false);
    assert.deepEqual(page.problems, []);
  } finally { await closePage(page); }
});

test("the search finds a deck by the title its service gave it, and the card is named so", async () => {
  const named = makeJob({ id: "job-named", state: "done", file: "/d/How plants eat light.pptx", deck_title: "How Plants Eat Light", request: { content: "Photosynthesis for year 7", format: "pptx" } });
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [named, makeJob({ id: "job-other", state: "done", file: "/d/x.pptx", request: { content: "Volcanoes", format: "pptx" } })] });
  try {
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("job-job-other").waitFor();
    await page.getByTestId("jobs-search").fill("plants eat");
    await page.getByTestId("job-job-other").waitFor({ state: "detached" });
    assert.deepEqual((await calls(page, "list_jobs")).at(-1).args.query, { limit: 50, text: "plants eat" }, "the app does the search");
    assert.equal(await cards(page).count(), 1);
    assert.equal(await page.getByTestId("job-job-named").locator(".job-title").textContent(), "How Plants Eat Light");
  } finally { await closePage(page); }
});
