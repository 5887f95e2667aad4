// Every engine error kind becomes one plain sentence, a next step and a "Details" disclosure.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { startServer, launch, openApp, closePage, calls, makeJob, KEYS, REPO } from "./support/harness.mjs";
import { ERROR_KINDS } from "../../ui/js/ipc.js";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The kinds as the engine defines them: `Variant => "kind"` lines of error_enum! in error.rs. */
async function engineKinds() {
  const source = await fs.readFile(path.join(REPO, "src-tauri/engine/src/error.rs"), "utf8");
  const block = source.slice(source.indexOf("error_enum! {"));
  return [...block.matchAll(/^\s*[A-Z]\w*\s*=>\s*"([a-z_]+)"/gm)].map((m) => m[1]);
}

test("ui/js/ipc.js lists exactly the engine's error kinds", async () => {
  const kinds = await engineKinds();
  assert.ok(kinds.length >= 19, `parsed ${kinds.length} kinds`);
  assert.deepEqual([...ERROR_KINDS].sort(), [...kinds].sort());
});

test("every error kind renders a distinct sentence, a next step and details with the service's words", async () => {
  const kinds = await engineKinds();
  const jobs = kinds.map((kind, i) => makeJob({
    id: `job-${kind}`, state: "failed", created_ms: Date.now() - i * 1000,
    remote: { id: "gen-1" },
    error: { kind, message: `Engine message for ${kind}.`, details: { provider_message: `Service says ${kind}`, request_id: `req-${kind}`, status: 500 }, ...(kind === "rate_limited" ? { retry_after_secs: 30 } : {}) },
  }));
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs });
  try {
    await page.getByTestId("nav-jobs").click();
    const sentences = new Set();
    for (const kind of kinds) {
      const box = page.getByTestId(`job-job-${kind}`).getByTestId(`problem-${kind}`);
      await box.waitFor();
      const sentence = (await box.locator(".problem-sentence").textContent()).trim();
      const next = (await box.locator(".problem-next").textContent()).trim();
      assert.ok(sentence.length > 10 && /[.!]$/.test(sentence), `${kind}: sentence "${sentence}"`);
      assert.ok(next.length > 10, `${kind}: next step "${next}"`);
      assert.ok(!sentences.has(sentence), `${kind}: sentence is not shared with another kind`);
      sentences.add(sentence);
      // Details are closed until asked for, then show what the service said.
      const details = box.getByTestId("error-details");
      assert.equal(await details.evaluate((d) => d.open), false);
      await details.locator("summary").click();
      const text = await details.textContent();
      assert.match(text, new RegExp(`Service says ${kind}`));
      assert.match(text, new RegExp(`req-${kind}`));
    }
    assert.match(await page.getByTestId("problem-rate_limited").textContent(), /Wait about 30 seconds/);
    assert.match(await page.getByTestId("problem-auth").textContent(), /Your Gamma key was refused/);
  } finally { await closePage(page); }
});

test("each error's main button does the next step", async () => {
  const failed = (kind) => makeJob({ id: `job-${kind}`, state: "failed", remote: { id: "gen-1", file_id: "g_1" }, error: { kind, message: "x" } });
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: ["expired_link", "credits", "network", "timeout", "auth"].map(failed) });
  try {
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("job-job-expired_link").getByTestId("job-retry-download").click();
    await page.getByTestId("job-job-credits").getByTestId("job-account").click();
    await page.getByTestId("job-job-network").getByTestId("job-retry").click();
    await page.getByTestId("job-job-timeout").getByTestId("job-check-again").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='job-job-timeout']")?.dataset.state === "running");
    assert.deepEqual((await calls(page, "retry_download")).map((c) => c.args), [{ id: "job-expired_link" }]);
    assert.deepEqual((await calls(page, "open_url")).map((c) => c.args.url), ["https://gamma.app/settings/billing"]);
    assert.deepEqual((await calls(page, "retry_job")).map((c) => c.args), [{ id: "job-network" }]);
    assert.deepEqual((await calls(page, "check_again")).map((c) => c.args), [{ id: "job-timeout" }]);
    // A network failure after the deck was made also offers fetching the file again.
    assert.equal(await page.getByTestId("job-job-network").getByTestId("job-retry-download").count(), 1);

    await page.getByTestId("job-job-auth").getByTestId("job-new-key").click();
    await page.getByTestId("screen-settings").waitFor();
    await page.waitForFunction(() => document.activeElement && document.activeElement.closest("#section-gamma"));
  } finally { await closePage(page); }
});

test("ui code names commands only through ipc.js", async () => {
  const files = await fs.readdir(path.join(REPO, "ui/js"), { recursive: true });
  for (const f of files.filter((f) => f.endsWith(".js") && f !== "ipc.js")) {
    const text = await fs.readFile(path.join(REPO, "ui/js", f), "utf8");
    assert.doesNotMatch(text, /call\(\s*["'`]/, `${f} calls a command by a literal name`);
    assert.doesNotMatch(text, /__TAURI__/, `${f} reaches window.__TAURI__ directly`);
  }
});

test("a PDF the server could not export offers PowerPoint first, and trying the same again asks", async () => {
  const now = Date.now();
  const job = makeJob({ id: "job-pdf", provider: "presenton-self", state: "failed", service_progress: { message: "Exporting presentation" },
    request: { content: "Budget 2027", format: "pdf", slides: 8 },
    error: { kind: "provider_failed", message: "x", details: { provider_message: "Presentation generation failed", request_id: "task-28a5", status: 500 } } });
  const settings = { servers: { gamma_base_url: null, presenton_base_url: null, presenton_self: { enabled: true, base_url: "http://localhost:5001", auth: "none", user: null }, insecure_confirmed: [] } };
  const page = await openApp(browser, server, { keys: KEYS.gamma, settings, jobs: [job] });
  try {
    await page.getByTestId("nav-jobs").click();
    const c = page.getByTestId("job-job-pdf");
    assert.equal(await c.getByTestId("advice-sentence").textContent(), "Your Presenton server couldn't make the PDF.");
    assert.match(await c.getByTestId("advice-next").textContent(), /as PowerPoint usually works/);
    assert.ok(!/shorter notes|fewer slides/.test(await c.textContent()), "advice fits the failure");
    const buttons = await c.locator(".problem .actions button").allTextContents();
    assert.deepEqual(buttons, ["Make it as PowerPoint instead", "Check the server", "Try again"]);
    // Technical details stay under Details.
    assert.equal(await c.getByTestId("error-details").evaluate((d) => d.open), false);
    await c.getByTestId("error-details").locator("summary").click();
    assert.match(await c.getByTestId("error-details").textContent(), /Request idtask-28a5.*HTTP status500.*Error codeprovider_failed/);

    // Trying the very same request again asks first, and says why it may work.
    await c.getByTestId("job-retry").click();
    const dialog = page.getByTestId("confirm-retry");
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /may work if the problem was temporary/);
    await page.getByTestId("dialog-cancel").click();
    assert.equal((await calls(page, "retry_job")).length, 0);

    await c.getByTestId("job-make-pptx").click();
    await page.getByTestId("job-job-1").waitFor();
    assert.deepEqual((await calls(page, "retry_job")).map((x) => x.args), [{ id: "job-pdf", format: "pptx" }]);
    assert.match(await page.getByTestId("job-job-1").getByTestId("job-facts").textContent(), /PowerPoint/);

    await c.getByTestId("job-check-server").click();
    await page.getByTestId("screen-settings").waitFor();
    await page.waitForFunction(() => document.activeElement && document.activeElement.closest("#section-presenton-self"));
  } finally { await closePage(page); }
});

test("when the notes are the problem, the deck opens in New deck to change it and make it again", async () => {
  const job = makeJob({ id: "job-big", provider: "gamma", state: "failed", request: { content: "Forty chapters of notes", title: "Everything", slides: 60, format: "pptx", theme: "oasis", look_name: "Oasis" }, error: { kind: "provider_failed", message: "x", details: { provider_message: "Failed to generate text" } } });
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [job] });
  try {
    await page.getByTestId("nav-jobs").click();
    const c = page.getByTestId("job-job-big");
    assert.match(await c.getByTestId("advice-next").textContent(), /fewer slides or shorter notes/);
    await c.getByTestId("job-edit").click();
    await page.getByTestId("new-deck-form").waitFor();
    // The whole request comes back (the list only had its topic).
    assert.deepEqual((await calls(page, "get_job")).map((x) => x.args), [{ id: "job-big" }]);
    assert.equal(await page.getByTestId("field-content").inputValue(), "Forty chapters of notes");
    assert.equal(await page.getByTestId("field-title").inputValue(), "Everything");
    assert.equal(await page.getByTestId("field-slides").inputValue(), "60");
    await page.waitForFunction(() => document.querySelector("[data-testid='look-oasis']")?.checked === true);
  } finally { await closePage(page); }
});
