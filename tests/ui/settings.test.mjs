// Settings: keys (set, replace, remove, test), the self-hosted server with its plain-http
// confirmation, folder, defaults, appearance, and the notice after a corrupt settings file.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openApp, closePage, calls, KEYS } from "./support/harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test("keys show only their last four; test shows credits; replace and remove work", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, test: { gamma: { message: "Connected to Gamma.", account: "ada@school.org", credits_remaining: 1500 } } });
  try {
    await page.getByTestId("nav-settings").click();
    assert.equal(await page.getByTestId("key-status-gamma").textContent(), "Key set, ends in …9f3a");
    assert.equal(await page.getByTestId("key-status-presenton").textContent(), "No key yet");

    await page.getByTestId("test-gamma").click();
    await page.getByTestId("test-ok-gamma").waitFor();
    assert.equal(await page.getByTestId("test-ok-gamma").textContent(), "Connected to Gamma. Account: ada@school.org. 1,500 credits left.");

    await page.getByTestId("key-input-gamma").fill("sk-gamma-new-key-0042");
    await page.getByTestId("key-save-gamma").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='key-status-gamma']").textContent.includes("0042"));

    await page.getByTestId("remove-key-gamma").click();
    await page.getByTestId("confirm-remove-key").waitFor();
    await page.getByTestId("dialog-confirm").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='key-status-gamma']").textContent === "No key yet");
    assert.deepEqual((await calls(page, "remove_key")).map((c) => c.args), [{ provider: "gamma" }]);
    assert.ok(!(await page.content()).includes("sk-gamma-new-key-0042"));

    // Credits learned in Settings show on the new-deck screen.
    await page.getByTestId("key-input-gamma").fill("sk-gamma-again-1111");
    await page.getByTestId("key-save-gamma").click();
    await page.getByTestId("key-ok-gamma").waitFor();
    await page.getByTestId("test-gamma").click();
    await page.getByTestId("test-ok-gamma").waitFor();
    await page.getByTestId("nav-new-deck").click();
    assert.match(await page.getByTestId("credits-left").textContent(), /1,500 credits left/);
  } finally { await closePage(page); }
});

test("a failed connection test explains itself", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, fail: { test_connection: { kind: "network", message: "Could not connect.", details: { provider_message: "connection refused" } } } });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("test-gamma").click();
    await page.getByTestId("test-result-gamma").getByTestId("problem-network").waitFor();
    assert.match(await page.getByTestId("test-result-gamma").textContent(), /Deckhand couldn't reach Gamma/);
  } finally { await closePage(page); }
});

test("a keychain error in Settings offers the session-only option", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, failOnce: { set_key: { kind: "keychain", message: "Secret Service is not running." } } });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("key-input-presenton").fill("sk-presenton-abcd");
    await page.getByTestId("key-save-presenton").click();
    await page.getByTestId("key-session-only-presenton").click();
    assert.equal(await page.getByTestId("key-session-presenton").isChecked(), true);
    await page.getByTestId("key-input-presenton").fill("sk-presenton-abcd");
    await page.getByTestId("key-save-presenton").click();
    await page.waitForFunction(() => /this session only/.test(document.querySelector("[data-testid='key-status-presenton']").textContent));
  } finally { await closePage(page); }
});

test("plain http to another machine is asked natively by the app before the server is saved", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, nativeAnswer: false });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("server-url").fill("http://192.168.1.20:5001/");
    await page.getByTestId("server-auth").selectOption("basic");
    await page.getByTestId("server-user").fill("ada");
    // The person says no in the app's dialog: nothing is saved, and the page draws no dialog.
    await page.getByTestId("server-save").click();
    await page.waitForFunction(() => window.__FAKE__.questions.length === 1);
    assert.equal(await page.getByTestId("confirm-insecure").count(), 0, "the question is not the page's to draw");
    assert.equal((await calls(page, "save_settings")).length, 0);

    // Then yes.
    await page.evaluate(() => { window.__FAKE_CONFIG__.nativeAnswer = true; });
    await page.getByTestId("server-save").click();
    await page.getByTestId("key-input-presenton-self").waitFor();
    assert.deepEqual(await page.evaluate(() => window.__FAKE__.questions), ["http://192.168.1.20:5001", "http://192.168.1.20:5001"]);
    const order = (await calls(page)).map((c) => c.cmd).filter((c) => c === "confirm_insecure_server" || c === "save_settings");
    assert.deepEqual(order, ["confirm_insecure_server", "confirm_insecure_server", "save_settings"]);
    assert.deepEqual((await calls(page, "confirm_insecure_server"))[0].args, { baseUrl: "http://192.168.1.20:5001" });
    const saved = (await calls(page, "save_settings"))[0].args.settings.servers.presenton_self;
    // Using a server of one's own is a setting the app keeps, not the page.
    assert.deepEqual(saved, { enabled: true, base_url: "http://192.168.1.20:5001", auth: "basic", user: "ada" });
    assert.match(await page.locator("label[for^='key-presenton-self']").first().textContent(), /Password for ada/);

    // Now the self-hosted server is offered once it has a password.
    await page.getByTestId("key-input-presenton-self").fill("hunter2-long");
    await page.getByTestId("key-save-presenton-self").click();
    await page.getByTestId("key-ok-presenton-self").waitFor();
    await page.getByTestId("nav-new-deck").click();
    await page.getByTestId("provider-presenton-self").waitFor({ state: "attached" });

    // "Stop using this server" is saved by the app too, and the server is no longer offered.
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("server-stop").click();
    await page.waitForFunction(() => !document.querySelector("[data-testid='server-stop']"));
    const stopped = (await calls(page, "save_settings")).pop().args.settings.servers.presenton_self;
    assert.equal(stopped.enabled, false);
    assert.equal(stopped.base_url, "http://192.168.1.20:5001", "the address is kept for next time");
    await page.getByTestId("nav-new-deck").click();
    await page.getByTestId("screen-new-deck").waitFor();
    assert.equal(await page.getByTestId("provider-presenton-self").count(), 0);
  } finally { await closePage(page); }
});

test("this computer needs no confirmation, an https server of one's own is asked once by the app; a bad address is explained", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("server-url").fill("slides.example.com");
    await page.getByTestId("server-save").click();
    assert.match(await page.getByTestId("error-server-url").textContent(), /starting with http:\/\/ or https:\/\//);
    await page.getByTestId("server-url").fill("http://localhost:5001");
    await page.getByTestId("server-save").click();
    await page.getByTestId("server-stop").waitFor();
    assert.deepEqual(await page.evaluate(() => window.__FAKE__.questions), [], "this computer: no question");
    // Another computer receives the notes and files: the app asks the person first, once.
    await page.getByTestId("server-url").fill("https://slides.example.com");
    await page.getByTestId("server-save").click();
    await page.waitForFunction(() => window.__FAKE__.callsOf("save_settings").length === 2);
    assert.deepEqual(await page.evaluate(() => window.__FAKE__.questions), ["https://slides.example.com"]);
    assert.deepEqual((await calls(page, "save_settings")).at(-1).args.settings.servers.presenton_self.base_url, "https://slides.example.com");
    await page.getByTestId("server-url").fill("https://slides.example.com/presenton");
    await page.getByTestId("server-save").click();
    await page.waitForFunction(() => window.__FAKE__.callsOf("save_settings").length === 3);
    assert.equal((await page.evaluate(() => window.__FAKE__.questions)).length, 1, "a confirmed server is not asked again");
    assert.equal(await page.getByTestId("confirm-insecure").count(), 0, "the question is not the page's to draw");
  } finally { await closePage(page); }
});

test("an own server the person does not confirm is not saved", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, nativeAnswer: false });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("server-url").fill("https://slides.example.com");
    await page.getByTestId("server-save").click();
    await page.waitForFunction(() => window.__FAKE__.questions.length === 1);
    await page.waitForFunction(() => /did not confirm/.test(document.getElementById("announcer")?.textContent || ""));
    assert.equal((await calls(page, "save_settings")).length, 0);
    assert.equal(await page.evaluate(() => window.__FAKE__.settings.servers.presenton_self.enabled), false);
  } finally { await closePage(page); }
});

test("folder, defaults, notifications and appearance save at once", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, pickDir: "/home/ada/Slides" });
  try {
    await page.getByTestId("nav-settings").click();
    assert.match(await page.getByTestId("save-folder").textContent(), /Documents › Deckhand/);
    await page.getByTestId("choose-folder").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='save-folder']").textContent === "/home/ada/Slides");
    // The app opens the folder picker and keeps the folder; the page never sends a path.
    assert.deepEqual((await calls(page, "pick_out_dir"))[0].args, {});
    assert.equal((await calls(page, "save_settings")).length, 0);

    await page.getByTestId("default-format").selectOption("pdf");
    await page.getByTestId("notifications").uncheck();
    await page.locator("label[for='appearance-dark']").click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
    const last = (await calls(page, "save_settings")).at(-1).args.settings;
    assert.equal(last.save_folder, "/home/ada/Slides", "sent back as it was; the app keeps its own");
    assert.equal(last.defaults.gamma.format, "pdf");
    assert.equal(last.notifications, false);
    assert.equal(last.appearance, "dark");
    assert.equal(await page.getByTestId("settings-saved").textContent(), "Saved.");

    await page.locator("label[for='appearance-system']").click();
    await page.waitForFunction(() => !document.documentElement.dataset.theme);
    // Back to the default folder: the page may ask for that.
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("reset-folder").click();
    await page.waitForFunction(() => /Documents › Deckhand/.test(document.querySelector("[data-testid='save-folder']").textContent));
    assert.equal((await calls(page, "save_settings")).at(-1).args.settings.save_folder, null);
    // New decks use the default file type.
    await page.getByTestId("nav-new-deck").click();
    assert.equal(await page.getByTestId("format-pdf").isChecked(), true);
  } finally { await closePage(page); }
});

test("a closed folder picker changes nothing", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, pickDir: null, settings: { save_folder: "/home/ada/Talks" } });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("choose-folder").click();
    await page.waitForFunction(() => window.__FAKE__.callsOf("pick_out_dir").length === 1);
    assert.equal(await page.getByTestId("save-folder").textContent(), "/home/ada/Talks");
    assert.equal(await page.getByTestId("settings-saved").textContent(), "");
  } finally { await closePage(page); }
});

test("a corrupt settings file is reported with the notice from get_settings", async () => {
  const notice = "Your settings file was damaged, so Deckhand started with the defaults. The old file is kept as settings.json.bad.";
  const page = await openApp(browser, server, { keys: KEYS.gamma, notice, settings: { appearance: "dark" } });
  try {
    assert.equal(await page.getByTestId("settings-notice").locator("p").textContent(), notice);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
    await page.getByTestId("nav-settings").click();
    assert.equal(await page.getByTestId("settings-notice-inline").count(), 0, "shown once, not twice");
    await page.getByTestId("settings-notice-dismiss").click();
    assert.equal(await page.getByTestId("settings-notice").count(), 0);
    // Dismissed from the top, it still waits in Settings.
    await page.getByTestId("nav-new-deck").click();
    await page.getByTestId("nav-settings").click();
    assert.equal(await page.getByTestId("settings-notice-inline").textContent(), notice);
  } finally { await closePage(page); }
});

test("an engine notice event appears as a banner", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma });
  try {
    await page.evaluate(() => window.__FAKE__.emit({ type: "notice", message: "The deck history was damaged and has been set aside." }));
    await page.getByTestId("banner").waitFor();
    assert.match(await page.getByTestId("banner").textContent(), /set aside/);
  } finally { await closePage(page); }
});

test("the server address holds a placeholder until a server is used; the default service is offered only among ready ones", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma });
  try {
    await page.getByTestId("nav-settings").click();
    assert.equal(await page.getByTestId("server-url").inputValue(), "");
    assert.equal(await page.getByTestId("server-url").getAttribute("placeholder"), "http://localhost:5001");
    assert.deepEqual(await page.locator("#default-provider option").allTextContents(), ["Gamma"]);
    // Adding a key makes that service a choice at once.
    await page.getByTestId("key-input-presenton").fill("sk-presenton-abcd1234");
    await page.getByTestId("key-save-presenton").click();
    await page.getByTestId("key-ok-presenton").waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#default-provider option").length === 2);
    // Use this server: tested, and the result shown beside the button.
    await page.getByTestId("server-url").fill("http://localhost:5001");
    await page.getByTestId("server-save").click();
    await page.getByTestId("server-ok").waitFor();
    await page.getByTestId("server-first-deck").waitFor();
    await page.waitForFunction(() => document.querySelectorAll("#default-provider option").length === 3);
  } finally { await closePage(page); }
  const none = await openApp(browser, server, {});
  try {
    await none.getByTestId("nav-settings").click();
    assert.equal(await none.getByTestId("default-provider").count(), 0);
    assert.equal(await none.getByTestId("default-provider-none").textContent(), "Set up a service above first.");
  } finally { await closePage(none); }
});
