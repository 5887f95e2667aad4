// Your decks: live status from events, download progress, finished decks, cancel and
// "needs attention" decisions, decks restored after a restart.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openApp, closePage, calls, emit, makeJob, KEYS } from "./support/harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const card = (page, id) => page.getByTestId(`job-${id}`);
const status = (page, id) => card(page, id).getByTestId("job-status");

test("decks from before a restart are listed and keep updating from events", async () => {
  const running = makeJob({ id: "job-g", provider: "gamma", state: "running" });
  const presenton = makeJob({ id: "job-p", provider: "presenton", state: "running", progress: "Generating slide 3 of 8", request: { content: "Sales kickoff", format: "pdf" } });
  const page = await openApp(browser, server, { keys: KEYS.both, jobs: [running, presenton], typical: { gamma: 150 } });
  try {
    assert.equal(await page.getByTestId("jobs-count").textContent(), "2");
    await page.getByTestId("nav-jobs").click();
    await card(page, "job-g").waitFor();
    // Gamma: elapsed time and the typical duration learned by the app.
    await page.waitForFunction(() => /usually takes about 2 min 30 s/.test(document.querySelector("[data-testid='job-job-g'] [data-testid='job-status']").textContent));
    assert.match(await status(page, "job-g").textContent(), /Gamma is making your deck — 1 min \d+ s so far/);
    // Presenton: its own progress words.
    assert.match(await status(page, "job-p").textContent(), /^Generating slide 3 of 8/);
    assert.match(await card(page, "job-p").textContent(), /Sales kickoff/);

    await emit(page, { type: "job_changed", job: { ...presenton, progress: "Generating slide 7 of 8" } });
    await page.waitForFunction(() => /slide 7 of 8/.test(document.querySelector("[data-testid='job-job-p'] [data-testid='job-status']").textContent));

    // Downloading with progress events.
    await emit(page, { type: "job_changed", job: { ...running, state: "downloading" } });
    await card(page, "job-g").getByTestId("job-download").waitFor();
    await emit(page, { type: "download_progress", job_id: "job-g", bytes: 524288, total: 2097152 });
    await page.waitForFunction(() => document.querySelector("[data-testid='job-job-g'] progress").value === 524288);
    assert.equal(await card(page, "job-g").locator("progress").getAttribute("max"), "2097152");
    assert.match(await status(page, "job-g").textContent(), /512 KB of 2\.0 MB/);
    await emit(page, { type: "download_progress", job_id: "job-g", bytes: 2097152, total: 2097152 });
    await page.waitForFunction(() => document.querySelector("[data-testid='job-job-g'] progress").value === 2097152);

    // Done.
    await emit(page, { type: "job_changed", job: { ...running, state: "done", updated_ms: Date.now(), file: "/home/ada/Documents/Deckhand/The four-day week.pptx", edit_url: "https://gamma.app/docs/abc", credits: { used: 40, remaining: 380 } } });
    await card(page, "job-g").getByTestId("job-open").waitFor();
    assert.equal(await card(page, "job-g").getAttribute("data-state"), "done");
    assert.match(await status(page, "job-g").textContent(), /Ready: The four-day week\.pptx/);
    assert.match(await card(page, "job-g").getByTestId("job-finished").textContent(), /Finished at/);
    assert.equal(await card(page, "job-g").getByTestId("job-credits").textContent(), "Used 40 credits · 380 left on your account");
    assert.equal(await page.getByTestId("jobs-count").textContent(), "1");
    await page.waitForFunction(() => /Gamma deck is ready/.test(document.getElementById("announcer").textContent));

    await card(page, "job-g").getByTestId("job-open").click();
    await card(page, "job-g").getByTestId("job-show").click();
    await card(page, "job-g").getByTestId("job-editor").click();
    for (const cmd of ["open_file", "show_in_folder", "open_editor"]) {
      assert.deepEqual((await calls(page, cmd)).map((c) => c.args), [{ id: "job-g" }], cmd);
    }

    // Removed elsewhere (e.g. the CLI): it leaves the list.
    await emit(page, { type: "job_removed", job_id: "job-p" });
    await card(page, "job-p").waitFor({ state: "detached" });
  } finally { await closePage(page); }
});

test("cancel asks first and says the service may still charge", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [makeJob({ id: "job-c" })] });
  try {
    await page.getByTestId("nav-jobs").click();
    await card(page, "job-c").getByTestId("job-cancel").click();
    const dialog = page.getByTestId("confirm-cancel");
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /may still finish the deck and charge your account/);
    await page.getByTestId("dialog-cancel").click();
    assert.equal((await calls(page, "cancel_job")).length, 0);
    await card(page, "job-c").getByTestId("job-cancel").click();
    await page.getByTestId("dialog-confirm").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='job-job-c']").dataset.state === "cancelled");
    assert.deepEqual((await calls(page, "cancel_job")).map((c) => c.args), [{ id: "job-c" }]);
    assert.match(await card(page, "job-c").textContent(), /may still finish it and charge your account/);
  } finally { await closePage(page); }
});

test("needs attention explains the double-charge risk and offers explicit choices", async () => {
  const job = makeJob({ id: "job-n", state: "needs_attention", error: { kind: "submit_uncertain", message: "The connection dropped after sending.", details: { request_id: "req-77" } } });
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [job] });
  try {
    await page.getByTestId("nav-jobs").click();
    const box = card(page, "job-n").getByTestId("job-attention");
    await box.waitFor();
    assert.match(await box.textContent(), /Deckhand can't tell whether Gamma received this request\.\s*Check your Gamma account before trying again — trying again may charge you twice\./);
    await box.locator("summary").click();
    assert.match(await box.textContent(), /req-77/);

    await card(page, "job-n").getByTestId("job-account").click();
    assert.deepEqual((await calls(page, "open_url")).map((c) => c.args.url), ["https://gamma.app/settings/billing"]);

    await card(page, "job-n").getByTestId("job-retry").click();
    assert.match(await page.getByTestId("confirm-retry").textContent(), /charged twice/);
    await page.getByTestId("dialog-cancel").click();
    assert.equal((await calls(page, "retry_job")).length, 0);

    await card(page, "job-n").getByTestId("job-check-again").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='job-job-n']").dataset.state === "running");
    assert.deepEqual((await calls(page, "check_again")).map((c) => c.args), [{ id: "job-n" }]);
  } finally { await closePage(page); }
});

test("a deck that was made but cannot be fetched says so and where to get it", async () => {
  const job = makeJob({ id: "job-f", state: "needs_attention", edit_url: "https://gamma.app/docs/solar-g_1",
    error: { kind: "file_unavailable", message: "Gamma made this deck, but its download link stopped working. Open it in Gamma (https://gamma.app/docs/solar-g_1) and export it there. Nothing was charged twice: the deck was made once.", details: { status: 405 } } });
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [job] });
  try {
    await page.getByTestId("nav-jobs").click();
    const box = card(page, "job-f").getByTestId("job-attention");
    await box.waitFor();
    const text = await box.textContent();
    assert.match(text, /Gamma made this deck, but Deckhand can't fetch its file\./);
    assert.match(text, /Nothing was charged twice\./);
    assert.doesNotMatch(text, /can't tell whether/, "not the uncertain-submit words");
    await card(page, "job-f").getByTestId("job-editor").click();
    assert.equal((await calls(page, "open_editor")).length, 1);
  } finally { await closePage(page); }
});

test("make it again after confirming creates a new deck; remove takes one off the list", async () => {
  const job = makeJob({ id: "job-n", state: "needs_attention", error: { kind: "submit_uncertain", message: "?" } });
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [job] });
  try {
    await page.getByTestId("nav-jobs").click();
    await card(page, "job-n").getByTestId("job-retry").click();
    await page.getByTestId("dialog-confirm").click();
    await card(page, "job-1").waitFor();
    assert.deepEqual((await calls(page, "retry_job")).map((c) => c.args), [{ id: "job-n" }]);
    await card(page, "job-n").getByTestId("job-remove").click();
    await card(page, "job-n").waitFor({ state: "detached" });
    assert.deepEqual((await calls(page, "remove_job")).map((c) => c.args), [{ id: "job-n" }]);
  } finally { await closePage(page); }
});

test("a failed action shows its own problem inside the card", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [makeJob({ id: "job-d", state: "done", file: "/gone/x.pptx" })], fail: { open_file: { kind: "disk", message: "The file is no longer there." } } });
  try {
    await page.getByTestId("nav-jobs").click();
    await card(page, "job-d").getByTestId("job-open").click();
    await card(page, "job-d").getByTestId("job-action-problem").getByTestId("problem-disk").waitFor();
  } finally { await closePage(page); }
});

test("an empty list invites making a deck", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma });
  try {
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("jobs-empty").waitFor();
    await page.getByTestId("jobs-new").click();
    await page.getByTestId("new-deck-form").waitFor();
  } finally { await closePage(page); }
});

test("a deck whose checks stopped at the deadline says so and can be checked again", async () => {
  const now = Date.now();
  const job = makeJob({ id: "job-s", state: "running", stalled: true, history: [{ state: "queued", at_ms: now - 4000000 }, { state: "running", at_ms: now - 3600000 }] });
  const fresh = makeJob({ id: "job-h", state: "running", created_ms: now - 600000, history: [{ state: "running", at_ms: now - 30000 }] });
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [job, fresh] });
  try {
    await page.getByTestId("nav-jobs").click();
    assert.match(await status(page, "job-s").textContent(), /taking much longer than usual/);
    // Elapsed time counts from when the service accepted the deck.
    assert.match(await status(page, "job-h").textContent(), /— 3\d s so far/);
    await card(page, "job-s").getByTestId("job-check-again").click();
    assert.deepEqual((await calls(page, "check_again")).map((c) => c.args), [{ id: "job-s" }]);
  } finally { await closePage(page); }
});
