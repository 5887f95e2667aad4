// Your decks: recognisable cards (title, preview, look, type, slides, size, folder, time), live
// progress with plain steps, decks picked up after a restart, cancel and "needs attention"
// decisions, file actions that fail gracefully, and a history of 2,000 decks that opens a page
// at a time and is searched and filtered through the history queries.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openApp, closePage, calls, emit, makeJob, KEYS, screenshot } from "./support/harness.mjs";
import { JOBS, PREVIEW, OWN_SERVER } from "./support/scenes.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const card = (page, id) => page.getByTestId(`job-${id}`);
const status = (page, id) => card(page, id).getByTestId("job-status");
const text = (page, id, testid) => card(page, id).getByTestId(testid).textContent();

test("a finished card says what makes the deck different, with its picture and folder", async () => {
  const page = await openApp(browser, server, { keys: KEYS.both, settings: OWN_SERVER, jobs: JOBS, previews: { "job-done": PREVIEW } });
  try {
    await page.getByTestId("nav-jobs").click();
    const done = card(page, "job-done");
    await done.waitFor();
    // The title is the deck's title (the service's, as the person gave none), not the file name.
    assert.equal(await text(page, "job-done", "job-title"), "Why our school is switching to a four-day week");
    assert.equal(await text(page, "job-done", "job-facts"), "General · PowerPoint · 5 slides · 92 KB · made in 1 min 20 s");
    assert.match(await text(page, "job-done", "job-service"), /^Presenton \(self-hosted\) · started /);
    assert.equal(await done.getByTestId("job-folder").textContent(), "/home/ada/Documents/Deckhand");
    assert.match(await text(page, "job-done", "job-file"), /Why our school is switching to a four-day week\.pptx/);
    // "Ready" is said once, by the badge: no status line repeats it.
    assert.equal(await text(page, "job-done", "job-state"), "Ready");
    assert.equal(await done.getByTestId("job-status").count(), 0);
    assert.equal((await done.textContent()).match(/Ready/g).length, 1);
    // The deck's own picture, as the app made it from the file, reaches the page as a data URL.
    await page.waitForFunction(() => document.querySelector("[data-testid='job-job-done'] img").dataset.kind === "deck");
    const img = await done.getByTestId("job-preview").evaluate((i) => ({ src: i.src.slice(0, 23), alt: i.alt, w: i.naturalWidth }));
    assert.deepEqual(img, { src: "data:image/jpeg;base64,", alt: "A picture from Why our school is switching to a four-day week", w: 480 });
    assert.deepEqual((await calls(page, "job_preview")).map((c) => c.args), [{ id: "job-done" }], "asked only for decks that have one");
    // A deck whose file has no picture shows a placeholder with its look and type.
    const placeholder = await card(page, "job-gamma-done").getByTestId("job-preview").evaluate((i) => ({ kind: i.dataset.kind, src: decodeURIComponent(i.src) }));
    assert.equal(placeholder.kind, "placeholder");
    assert.match(placeholder.src, /Default look/);
    assert.match(placeholder.src, />PDF</);
    assert.equal(await text(page, "job-gamma-done", "job-facts"), "Default look · PDF · 10 slides · 2.3 MB");
    // Show in folder and Open name the job, never a path.
    await done.getByTestId("job-show").click();
    await done.getByTestId("job-open").click();
    assert.deepEqual((await calls(page, "show_in_folder")).map((c) => c.args), [{ id: "job-done" }]);
    assert.deepEqual((await calls(page, "open_file")).map((c) => c.args), [{ id: "job-done" }]);
  } finally { await closePage(page); }
});

test("elapsed times move on in place, and only for the decks on screen", async () => {
  const now = Date.now();
  const jobs = Array.from({ length: 30 }, (_, i) => makeJob({ id: `job-r${i}`, provider: "gamma", state: "running", created_ms: now - 20000 - i, history: [{ state: "running", at_ms: now - 20000 }] }));
  const page = await openApp(browser, server, { keys: KEYS.both, settings: OWN_SERVER, jobs, typical: { gamma: 40 } });
  try {
    await page.getByTestId("nav-jobs").click();
    await card(page, "job-r29").waitFor({ state: "attached" });
    const read = (id) => page.evaluate((id) => {
      const s = document.querySelector(`[data-testid='job-${id}'] [data-testid='job-status']`);
      return { text: s.textContent, same: s.dataset.mark === "1" };
    }, id);
    const mark = (id) => page.evaluate((id) => { document.querySelector(`[data-testid='job-${id}'] [data-testid='job-status']`).dataset.mark = "1"; }, id);
    assert.ok(await card(page, "job-r0").isVisible() && !(await card(page, "job-r29").evaluate((c) => c.getBoundingClientRect().top < innerHeight)), "the last card starts below the window");
    await mark("job-r0");
    await mark("job-r29");
    const first = await read("job-r0");
    const last = await read("job-r29");
    await page.waitForTimeout(2300);
    const firstLater = await read("job-r0");
    assert.notEqual(firstLater.text, first.text, "the time on screen moved on");
    assert.ok(firstLater.same, "by changing the words, not by rebuilding the card's progress");
    assert.equal((await read("job-r29")).text, last.text, "a card below the window is left alone");
    // Scrolled into view, it is brought up to date at once.
    await card(page, "job-r29").scrollIntoViewIfNeeded();
    await page.waitForFunction((before) => document.querySelector("[data-testid='job-job-r29'] [data-testid='job-status']").textContent !== before, last.text, { timeout: 1500 });
    assert.ok((await read("job-r29")).same);
  } finally { await closePage(page); }
});

test("progress reads at a glance: Presenton's messages as plain steps, Gamma's time against the usual", async () => {
  const now = Date.now();
  const gamma = makeJob({ id: "job-g", provider: "gamma", state: "running", history: [{ state: "running", at_ms: now - 20000 }] });
  const presenton = makeJob({ id: "job-p", provider: "presenton-self", state: "running", history: [{ state: "running", at_ms: now - 65000 }], request: { content: "Sales kickoff", format: "pdf" } });
  const page = await openApp(browser, server, { keys: KEYS.both, settings: OWN_SERVER, jobs: [gamma, presenton], typical: { gamma: 40 } });
  try {
    assert.equal(await page.getByTestId("jobs-count").textContent(), "2");
    await page.getByTestId("nav-jobs").click();
    await card(page, "job-g").waitFor();
    await page.waitForFunction(() => /usually about 40 s/.test(document.querySelector("[data-testid='job-job-g'] [data-testid='job-status']").textContent));
    assert.match(await status(page, "job-g").textContent(), /^Gamma is making your deck — 2\d s so far, usually about 40 s\.$/);
    const bar = await card(page, "job-g").getByTestId("job-bar").evaluate((b) => b.value);
    assert.ok(bar > 0.45 && bar < 0.75, `about half of the usual time: ${bar}`);

    // Presenton's own words become steps: "Fetching assets for slides" reads "Adding pictures".
    const step = (message, extra = {}) => emit(page, { type: "job_changed", job: { ...presenton, updated_ms: Date.now(), progress: message, service_progress: { message, ...extra } } });
    await step("Generating slides", { slides_done: 3, slides_total: 8 });
    await page.waitForFunction(() => /Writing the slides: 3 of 8/.test(document.querySelector("[data-testid='job-job-p'] [data-testid='job-status']").textContent));
    assert.match(await status(page, "job-p").textContent(), /^Writing the slides: 3 of 8 — 1 min \d+ s so far\.$/);
    await step("Fetching assets for slides");
    await page.waitForFunction(() => /^Adding pictures/.test(document.querySelector("[data-testid='job-job-p'] [data-testid='job-status']").textContent));
    const steps = await card(page, "job-p").getByTestId("job-steps").locator("li").evaluateAll((lis) => lis.map((l) => `${l.className.replace("step ", "")}:${l.textContent}`));
    assert.deepEqual(steps, ["done:Planning the slides", "done:Choosing layouts", "done:Writing the slides", "now:Adding pictures", "next:Making the file"]);
    assert.equal(await card(page, "job-p").locator("[aria-current='step']").textContent(), "Adding pictures");
    assert.ok(!/Fetching assets/.test(await card(page, "job-p").textContent()), "no service jargon");
    await screenshot(page, "jobs-progress");

    // Downloading with progress events.
    await emit(page, { type: "job_changed", job: { ...gamma, state: "downloading", updated_ms: Date.now() } });
    await card(page, "job-g").getByTestId("job-download").waitFor();
    await emit(page, { type: "download_progress", job_id: "job-g", bytes: 524288, total: 2097152 });
    await page.waitForFunction(() => document.querySelector("[data-testid='job-job-g'] progress").value === 524288);
    assert.equal(await status(page, "job-g").textContent(), "Downloading the file: 512 KB of 2.0 MB.");

    // Done: announced by its title, the count of decks being made goes down.
    await emit(page, { type: "job_changed", job: { ...gamma, state: "done", updated_ms: Date.now(), file: "/home/ada/Documents/Deckhand/The four-day week.pptx", credits: { used: 40, remaining: 380 } } });
    await card(page, "job-g").getByTestId("job-open").waitFor();
    await page.waitForFunction(() => /“The four-day week” is ready\./.test(document.getElementById("announcer").textContent));
    assert.equal(await text(page, "job-g", "job-credits"), "Used 40 credits · 380 left on your account");
  } finally { await closePage(page); }
});

test("after a restart, decks still being made are announced with a way to Your decks", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, resumed: 2, jobs: [makeJob({ id: "job-r1" }), makeJob({ id: "job-r2", created_ms: Date.now() - 90000 }), makeJob({ id: "job-old", state: "done", file: "/d/x.pptx", created_ms: Date.now() - 900000 })] });
  try {
    const banner = page.getByTestId("resumed-banner");
    await banner.waitFor();
    assert.equal(await banner.locator("p").textContent(), "2 decks are still being made — Deckhand picked them up.");
    await page.getByTestId("resumed-see").click();
    await page.getByTestId("screen-jobs").waitFor();
    await card(page, "job-r1").waitFor();
    // Every deck, newest first, so the two being made stay in view when they finish.
    assert.equal(await page.getByTestId("jobs-filter-state").inputValue(), "all");
    const order = await page.locator("[data-testid='job-list'] > li").evaluateAll((lis) => lis.map((l) => l.dataset.testid));
    assert.deepEqual(order.slice(0, 2), ["job-job-r1", "job-job-r2"]);
    assert.equal(await page.getByTestId("resumed-banner").count(), 0, "the banner has done its job");
  } finally { await closePage(page); }
  const quiet = await openApp(browser, server, { keys: KEYS.gamma, resumed: 0 });
  try {
    assert.equal(await quiet.getByTestId("resumed-banner").count(), 0);
  } finally { await closePage(quiet); }
});

/** Milliseconds from clicking "Your decks" to its first card on screen, with `count` decks. */
async function timeToOpen(count) {
  const page = await openApp(browser, server, { keys: KEYS.both, generate: { count } });
  try {
    const ms = await page.evaluate(async () => {
      const start = performance.now();
      document.querySelector("[data-testid='nav-jobs']").click();
      while (!document.querySelector("[data-testid='job-gen-00000']")) await new Promise((r) => requestAnimationFrame(r));
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - start;
    });
    return { ms, nodes: await page.evaluate(() => document.getElementsByTagName("*").length) };
  } finally { await closePage(page); }
}

test("opening Your decks costs the same with 2,000 decks as with 20 (ratio printed, measured in this run)", async (t) => {
  const small = await timeToOpen(20);
  const large = await timeToOpen(2000);
  t.diagnostic(`Your decks, first page on screen: 20 decks ${small.ms.toFixed(0)} ms, 2,000 decks ${large.ms.toFixed(0)} ms, ratio ${(large.ms / small.ms).toFixed(2)}; elements in the page ${small.nodes} vs ${large.nodes}`);
  // What is drawn does not grow with the history: one page of cards.
  assert.ok(large.nodes < small.nodes * 3, `${large.nodes} elements with 2,000 decks vs ${small.nodes} with 20`);
});

test("with 2,000 decks the list opens with one page, shows older ones a page at a time, and is searched and filtered by the app", async () => {
  const page = await openApp(browser, server, { keys: KEYS.both, generate: { count: 2000 } });
  try {
    await page.getByTestId("nav-jobs").click();
    await card(page, "gen-00000").waitFor();
    assert.equal(await page.locator("[data-testid='job-list'] > li").count(), 50, "one page, not 2,000 cards");
    assert.equal(await page.getByTestId("jobs-summary").textContent(), "Showing the newest 50 of 2,000 decks.");
    assert.equal(await page.locator("#jobs-state option[value='all']").textContent(), "All decks (2,000)");
    // Newest first.
    const first = await page.locator("[data-testid='job-list'] > li").first().getAttribute("data-testid");
    assert.equal(first, "job-gen-00000");
    // "Show older decks" brings the next page, one page a click.
    await page.getByTestId("jobs-more").click();
    await page.waitForFunction(() => document.querySelectorAll("[data-testid='job-list'] > li").length === 100);
    await page.getByTestId("jobs-more").click();
    await page.waitForFunction(() => document.querySelectorAll("[data-testid='job-list'] > li").length === 150);
    assert.equal(await page.getByTestId("jobs-summary").textContent(), "Showing the newest 150 of 2,000 decks.");
    const pages = (await calls(page, "list_jobs")).filter((c) => !c.args.query.states);
    assert.ok(pages.every((c) => c.args.query.limit === 50), "the app is asked a page at a time");
    assert.ok(pages.slice(1).every((c) => typeof c.args.query.cursor === "string"), "later pages continue from a cursor");

    // Search by topic and filter by state and service: the app does the work.
    await page.getByTestId("jobs-search").fill("water");
    await page.waitForFunction(() => /^250 decks match/.test(document.querySelector("[data-testid='jobs-summary']").textContent));
    await page.getByTestId("jobs-filter-state").selectOption("done");
    await page.getByTestId("jobs-filter-service").selectOption("presenton");
    await page.waitForFunction(() => /^84 decks match/.test(document.querySelector("[data-testid='jobs-summary']").textContent));
    const last = (await calls(page, "list_jobs")).filter((c) => c.args.query.providers)[0].args.query;
    assert.deepEqual(last, { limit: 50, text: "water", states: ["done"], providers: ["presenton"] });
    for (const li of await page.locator("[data-testid='job-list'] > li").all()) {
      assert.equal(await li.getAttribute("data-state"), "done");
      assert.match(await li.getByTestId("job-service").textContent(), /^Presenton ·/);
      assert.match(await li.getByTestId("job-title").textContent(), /water/i);
    }
    await page.getByTestId("jobs-search").fill("no such deck anywhere");
    await page.getByTestId("jobs-no-match").waitFor();
    await page.getByTestId("jobs-clear").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='jobs-summary']").textContent === "Showing the newest 50 of 2,000 decks.");
  } finally { await closePage(page); }
});

test("a new deck appears at the top of the list; a deck on screen that stops matching the filter stays until the list is asked again", async () => {
  const running = makeJob({ id: "job-a", created_ms: Date.now() - 50000 });
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [running, makeJob({ id: "job-b", state: "done", created_ms: Date.now() - 90000, file: "/d/b.pptx" })] });
  try {
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("jobs-filter-state").selectOption("active");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid='job-list'] > li").length === 1);
    await emit(page, { type: "job_changed", job: makeJob({ id: "job-new", state: "queued", created_ms: Date.now(), updated_ms: Date.now(), request: { content: "Brand new", format: "pptx" } }) });
    await page.waitForFunction(() => document.querySelector("[data-testid='job-list'] > li").dataset.testid === "job-job-new");
    await emit(page, { type: "job_changed", job: { ...running, state: "done", updated_ms: Date.now(), file: "/d/a.pptx" } });
    await page.waitForFunction(() => document.querySelector("[data-testid='job-job-a']").dataset.state === "done");
    // The app's history says so too; asking for "Being made" again leaves it out.
    await page.evaluate(() => { window.__FAKE__.jobs.find((j) => j.id === "job-a").state = "done"; });
    await page.getByTestId("jobs-filter-state").selectOption("all");
    await page.getByTestId("jobs-filter-state").selectOption("active");
    await card(page, "job-a").waitFor({ state: "detached" });
  } finally { await closePage(page); }
});

test("Open and Show in folder that fail say what happened and offer the full path", async () => {
  const failure = { kind: "file_action", message: "No program on this computer opened “Deck.pptx”. Install one that opens PowerPoint files (LibreOffice does), or open it from its folder.", path: "/home/ada/Documents/Deckhand/Deck.pptx", details: { provider_message: "Launcher \"xdg-open\" failed with exit status: 3" } };
  const noFileManager = { kind: "file_action", message: "No file manager answered, so Deckhand couldn't show the folder. The deck is here:", path: "/home/ada/Documents/Deckhand/Deck.pptx", details: { provider_message: "org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.FileManager1 was not provided" } };
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [makeJob({ id: "job-d", state: "done", file: "/home/ada/Documents/Deckhand/Deck.pptx" })], fail: { open_file: failure, show_in_folder: noFileManager } });
  try {
    await page.getByTestId("nav-jobs").click();
    await card(page, "job-d").getByTestId("job-open").click();
    const box = card(page, "job-d").getByTestId("job-action-problem").getByTestId("problem-file_action");
    await box.waitFor();
    const said = await box.textContent();
    assert.match(said, /No program on this computer opened “Deck\.pptx”/);
    assert.ok(!/unexpected/i.test(said) && !/service said/i.test(said), said);
    assert.equal(await box.getByTestId("problem-path").inputValue(), "/home/ada/Documents/Deckhand/Deck.pptx");
    // What the system said is under Details, as the computer's words, not the service's.
    await box.getByTestId("error-details").locator("summary").click();
    assert.match(await box.getByTestId("error-details").textContent(), /Your computer saidLauncher "xdg-open" failed/);

    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await box.getByTestId("copy-path").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='copy-path-note']").textContent === "Copied.");
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "/home/ada/Documents/Deckhand/Deck.pptx");

    await card(page, "job-d").getByTestId("job-show").click();
    await page.waitForFunction(() => /No file manager answered/.test(document.querySelector("[data-testid='job-job-d'] [data-testid='job-action-problem']").textContent));
    assert.ok(!/DBus/.test(await card(page, "job-d").getByTestId("job-action-problem").locator(".problem-sentence").textContent()));
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
