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
    assert.match(await page.getByTestId("welcome-what-is-key").textContent(), /you need a key: a long code from the service/);
    assert.equal(await page.getByTestId("welcome-needs").textContent(), "Set up one of these three to start. It takes about a minute.");
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

test("the welcome offers Gamma, Presenton and my own Presenton server side by side", async () => {
  const page = await openApp(browser, server, {}, { viewport: { width: 1280, height: 800 } });
  try {
    const boxes = [];
    for (const id of ["gamma", "presenton", "presenton-self"]) boxes.push(await page.getByTestId(`welcome-${id}`).boundingBox());
    assert.ok(boxes.every((b) => Math.abs(b.y - boxes[0].y) < 2), "one row");
    assert.ok(boxes[0].x < boxes[1].x && boxes[1].x < boxes[2].x);
    assert.equal(await page.getByTestId("welcome-presenton-self").locator("h2").textContent(), "My own Presenton server");
    // A placeholder, not a value that would be saved as the person's server.
    const url = page.getByTestId("welcome-presenton-self").getByTestId("server-url");
    assert.equal(await url.inputValue(), "");
    assert.equal(await url.getAttribute("placeholder"), "http://localhost:5001");
  } finally { await closePage(page); }
});

test("Use this server saves it, tests it, says so next to the button and offers the first deck", async () => {
  const page = await openApp(browser, server, { latencyMs: 150, test: { "presenton-self": { message: "Connected to the Presenton server at http://localhost:5001/." } } });
  try {
    const own = page.getByTestId("welcome-presenton-self");
    await own.getByTestId("server-save").click();
    assert.match(await own.getByTestId("error-server-url").textContent(), /starting with http:\/\/ or https:\/\//, "an empty address is not saved");
    assert.equal((await calls(page, "save_settings")).length, 0);
    await own.getByTestId("server-url").fill("http://localhost:5001");
    await own.getByTestId("server-save").click();
    await own.getByTestId("server-ok").waitFor();
    assert.equal(await own.getByTestId("server-ok").textContent(), "Connected to the Presenton server at http://localhost:5001/.");
    assert.deepEqual((await calls(page)).map((c) => c.cmd).filter((c) => ["save_settings", "test_connection"].includes(c)), ["save_settings", "test_connection"]);
    assert.deepEqual((await calls(page, "test_connection"))[0].args, { provider: "presenton-self" });
    // The result sits next to the button that asked: beside it, or right under it in a narrow column.
    const button = await own.getByTestId("server-save").boundingBox();
    const result = await own.getByTestId("server-result").boundingBox();
    const beside = Math.abs(result.y - button.y) < 10 && result.x > button.x;
    const under = result.y >= button.y + button.height && result.y - (button.y + button.height) < 16 && Math.abs(result.x - button.x) < 4;
    assert.ok(beside || under, `result next to the button: ${JSON.stringify({ button, result })}`);
    // A server with no sign-in is ready: never "you can't make decks".
    assert.equal(await page.getByTestId("welcome-needs").textContent(), "You're set up. You can add another service below or start right away.");
    await own.getByTestId("server-first-deck").click();
    await page.getByTestId("new-deck-form").waitFor();
    assert.equal(await page.getByTestId("provider-only").textContent(), "Presenton (self-hosted)");
  } finally { await closePage(page); }
});

test("a server that does not answer is said next to the button, in the server's terms", async () => {
  const page = await openApp(browser, server, { fail: { test_connection: { kind: "network", message: "Could not reach the Presenton server. Is the server running at http://localhost:5001/?", details: { provider_message: "connection refused" } } } });
  try {
    const own = page.getByTestId("welcome-presenton-self");
    await own.getByTestId("server-url").fill("http://localhost:5001");
    await own.getByTestId("server-save").click();
    const problem = own.getByTestId("server-result").getByTestId("problem-network");
    await problem.waitFor();
    assert.match(await problem.textContent(), /Deckhand couldn't reach your Presenton server\.\s*Check that the server is running/);
    assert.equal(await own.getByTestId("server-first-deck").count(), 0);
  } finally { await closePage(page); }
});

test("a server with a sign-in asks for its password next, then offers the first deck", async () => {
  const page = await openApp(browser, server, {});
  try {
    const own = page.getByTestId("welcome-presenton-self");
    await own.getByTestId("server-url").fill("http://localhost:5001");
    await own.getByTestId("server-auth").selectOption("basic");
    await own.getByTestId("server-user").fill("admin");
    await own.getByTestId("server-save").click();
    await own.getByTestId("server-needs-sign-in").waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "key-input-presenton-self");
    await own.getByTestId("key-input-presenton-self").fill("fake-password");
    await own.getByTestId("key-save-presenton-self").click();
    await own.getByTestId("server-first-deck").waitFor();
  } finally { await closePage(page); }
});
