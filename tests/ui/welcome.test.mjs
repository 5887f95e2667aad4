// First run: the welcome explains keys, links to where they come from, and takes one.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openApp, closePage, calls } from "./support/harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test("with no key the app opens on the welcome, says what is needed, and shows the version", async () => {
  const page = await openApp(browser, server, { info: { name: "Deckhand", version: "1.2.3", providers: [] } });
  try {
    await page.getByTestId("screen-welcome").waitFor();
    assert.equal(await page.getByTestId("app-version").textContent(), "1.2.3");
    assert.match(await page.getByTestId("welcome-what-is-key").textContent(), /A key is/);
    assert.match(await page.getByTestId("welcome-needs").textContent(), /don't have a key yet/);
    // New deck without a key says what is needed instead of a form.
    await page.getByTestId("nav-new-deck").click();
    await page.getByTestId("needs-service").waitFor();
    assert.equal(await page.getByTestId("generate").count(), 0);
    await page.getByTestId("needs-service-welcome").click();
    await page.getByTestId("screen-welcome").waitFor();
    assert.deepEqual(page.problems, []);
  } finally { await closePage(page); }
});

test("the key page opens in the browser through the app", async () => {
  const page = await openApp(browser, server, {});
  try {
    await page.getByTestId("welcome-get-key-gamma").click();
    await page.getByTestId("welcome-get-key-presenton").click();
    const opened = (await calls(page, "open_url")).map((c) => c.args.url);
    assert.deepEqual(opened, ["https://gamma.app/settings", "https://presenton.ai/api-key"]);
  } finally { await closePage(page); }
});

test("a pasted key is sent once with verify, cleared at once, and shown only by its last four", async () => {
  const page = await openApp(browser, server, { latencyMs: 300 });
  try {
    const key = "sk-gamma-0123456789abcdef7777";
    await page.getByTestId("key-input-gamma").fill(key);
    await page.getByTestId("key-save-gamma").click();
    // Cleared while the check is still running.
    assert.equal(await page.getByTestId("key-input-gamma").inputValue(), "");
    await page.getByTestId("key-ok-gamma").waitFor();
    assert.match(await page.getByTestId("key-ok-gamma").textContent(), /ends in …7777/);
    const sent = await calls(page, "set_key");
    assert.deepEqual(sent.map((c) => c.args), [{ provider: "gamma", key, verify: true, sessionOnly: false }]);
    const html = await page.content();
    assert.ok(!html.includes(key), "the key appears nowhere in the page");
    await page.getByTestId("welcome-start").click();
    await page.getByTestId("new-deck-form").waitFor();
  } finally { await closePage(page); }
});

test("a refused key says so plainly and the field is empty again", async () => {
  const page = await openApp(browser, server, { failOnce: { set_key: { kind: "auth", message: "Gamma refused this key.", details: { provider_message: "Invalid API key", request_id: "req-42", status: 401 } } } });
  try {
    await page.getByTestId("key-input-presenton").fill("sk-presenton-wrong");
    await page.getByTestId("key-save-presenton").click();
    const problem = page.getByTestId("key-result-presenton").getByTestId("problem-auth");
    await problem.waitFor();
    assert.match(await problem.textContent(), /Your Presenton key was refused/);
    await problem.locator("summary").click();
    assert.match(await problem.getByTestId("error-details").textContent(), /req-42/);
    assert.equal(await page.getByTestId("key-input-presenton").inputValue(), "");
  } finally { await closePage(page); }
});

test("a keychain failure offers keeping the key for this session only", async () => {
  const page = await openApp(browser, server, { failOnce: { set_key: { kind: "keychain", message: "The keychain is locked." } } });
  try {
    await page.getByTestId("key-input-gamma").fill("sk-gamma-abcdefgh1234");
    await page.getByTestId("key-save-gamma").click();
    await page.getByTestId("problem-keychain").waitFor();
    assert.match(await page.getByTestId("problem-keychain").textContent(), /keychain couldn't keep the key/);
    await page.getByTestId("key-session-only-gamma").click();
    assert.equal(await page.getByTestId("key-session-gamma").isChecked(), true);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "key-input-gamma");
    await page.getByTestId("key-input-gamma").fill("sk-gamma-abcdefgh1234");
    await page.getByTestId("key-save-gamma").click();
    await page.getByTestId("key-ok-gamma").waitFor();
    assert.match(await page.getByTestId("key-ok-gamma").textContent(), /this session only/);
    const sent = await calls(page, "set_key");
    assert.equal(sent.length, 2);
    assert.equal(sent[1].args.sessionOnly, true);
  } finally { await closePage(page); }
});
