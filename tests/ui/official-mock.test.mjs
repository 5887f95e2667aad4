// The same page against Tauri's own JavaScript API (`@tauri-apps/api` core/event with
// `mockIPC`), so argument shapes, event payload unwrapping and rejections are those of the
// real `invoke`/`listen`, not only of our hand-written fake.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch } from "./support/harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// Runs in the page before its scripts. The page looks up window.__TAURI__ at call time, so the
// forwarding functions below may wait for the modules to load.
function installOfficialMock() {
  window.__MOCK_LOG__ = [];
  const now = Date.now();
  const settings = {
    schema_version: 1, default_provider: "gamma", save_folder: null,
    defaults: { gamma: {}, presenton: {}, "presenton-self": {} }, concurrency: { gamma: 2, presenton: 2, "presenton-self": 1 },
    notifications: true, appearance: "system",
    servers: { presenton_self: { base_url: "http://localhost:5001", auth: "none", user: null }, insecure_confirmed: [] },
  };
  const job = { id: "j1", provider: "gamma", state: "running", created_ms: now - 5000, updated_ms: now, out_dir: "/tmp", request: { content: "Tides", title: "Tides", format: "pptx" } };
  const ready = (async () => {
    const mocks = await import("/node_modules/@tauri-apps/api/mocks.js");
    const core = await import("/node_modules/@tauri-apps/api/core.js");
    const event = await import("/node_modules/@tauri-apps/api/event.js");
    mocks.mockIPC((cmd, args) => {
      window.__MOCK_LOG__.push({ cmd, args: JSON.parse(JSON.stringify(args ?? {})) });
      switch (cmd) {
        case "app_info": return { name: "Deckhand", version: "9.9.9", providers: [] };
        case "key_status": return args.provider === "gamma" ? { set: true, last4: "abcd", sessionOnly: false } : { set: false, last4: null, sessionOnly: false };
        case "get_settings": return { settings, notice: null };
        case "list_jobs": return { jobs: [job], next_cursor: null, total: 1 };
        case "job_counts": return { by_state: { running: 1 }, by_provider: { gamma: 1 } };
        case "window_state": return { draft: null, choices: {} };
        case "resumed_decks": return { count: 0 };
        case "list_choices": return { items: [] };
        case "typical_duration": return { seconds: null };
        case "validate_request": return null;
        case "submit_deck": return { ...job, id: "j2", state: "queued", request: args.request };
        case "set_key": throw { kind: "auth", message: "Refused.", details: { request_id: "req-x" } };
        default: return null;
      }
    }, { shouldMockEvents: true });
    window.__EMIT__ = event.emit;
    return { core, event };
  })();
  window.__TAURI__ = {
    core: { invoke: async (cmd, args) => (await ready).core.invoke(cmd, args) },
    event: { listen: async (name, handler) => (await ready).event.listen(name, handler) },
  };
}

test("the page works over @tauri-apps/api's invoke and listen", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    await page.addInitScript(installOfficialMock);
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready='true']");
    assert.equal(await page.getByTestId("app-version").textContent(), "9.9.9");

    // An event sent through Tauri's event API reaches the list, payload unwrapped.
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("job-j1").waitFor();
    await page.evaluate(() => window.__EMIT__("deckhand://event", { type: "job_changed", job: { id: "j1", provider: "gamma", state: "done", created_ms: Date.now() - 9000, updated_ms: Date.now(), out_dir: "/tmp", file: "/tmp/Tides.pptx", request: { content: "Tides", title: "Tides", format: "pptx" } } }));
    await page.waitForFunction(() => document.querySelector("[data-testid='job-j1']").dataset.state === "done");

    // Arguments arrive as the contract names them (camelCase on this side).
    await page.getByTestId("nav-new-deck").click();
    await page.getByTestId("field-content").fill("Tides and the moon");
    await page.getByTestId("generate").click();
    await page.getByTestId("job-j2").waitFor();
    const submit = await page.evaluate(() => window.__MOCK_LOG__.find((c) => c.cmd === "submit_deck"));
    assert.deepEqual(submit.args, { provider: "gamma", request: { content: "Tides and the moon", format: "pptx", options: { textMode: "generate", cardSplit: "auto" } } });

    // A rejection carrying the engine's Error is shown as such.
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("key-input-gamma").fill("sk-gamma-bad");
    await page.getByTestId("key-save-gamma").click();
    await page.getByTestId("key-result-gamma").getByTestId("problem-auth").waitFor();
    const setKey = await page.evaluate(() => window.__MOCK_LOG__.find((c) => c.cmd === "set_key"));
    assert.deepEqual(setKey.args, { provider: "gamma", key: "sk-gamma-bad", verify: true, sessionOnly: false });
    assert.deepEqual(errors, []);
  } finally { await context.close(); }
});
