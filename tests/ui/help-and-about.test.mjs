// Settings › Help and about: open the log folder, copy diagnostic info (and see what was
// copied), and the About screen with the licenses of the components Deckhand is built from.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openApp, closePage, calls, KEYS } from "./support/harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test("Open the log folder asks the app, and says so when it cannot", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, failOnce: { open_log_folder: { kind: "disk", message: "Deckhand is not writing a log in this run." } } });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("open-log-folder").click();
    await page.getByTestId("settings-help").getByTestId("problem-disk").waitFor();
    await page.getByTestId("open-log-folder").click();
    await page.waitForFunction(() => window.__FAKE__.callsOf("open_log_folder").length === 2);
    assert.equal(await page.getByTestId("settings-help").getByTestId("problem-disk").count(), 0, "the old problem is cleared");
    assert.deepEqual((await calls(page, "open_log_folder")).map((c) => c.args), [{}, {}]);
  } finally { await closePage(page); }
});

test("Copy diagnostic info says it was copied and shows exactly what", async () => {
  const text = "Deckhand 0.1.0 (app.deckhand.desktop)\nSystem: Debian GNU/Linux 12\nKeys set: Gamma: yes, Presenton: no\n";
  const page = await openApp(browser, server, { keys: KEYS.gamma, diagnostics: text });
  try {
    await page.getByTestId("nav-settings").click();
    assert.equal(await page.getByTestId("diagnostics-details").isVisible(), false, "nothing to show before copying");
    await page.getByTestId("copy-diagnostics").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='diagnostics-status']").textContent !== "");
    assert.equal(await page.getByTestId("diagnostics-status").textContent(), "Copied. Paste it into your email or bug report.");
    assert.equal(await page.getByTestId("diagnostics-details").isVisible(), true);
    await page.getByTestId("diagnostics-details").locator("summary").click();
    assert.equal(await page.getByTestId("diagnostics-text").textContent(), text);
  } finally { await closePage(page); }
});

test("a clipboard that cannot be reached is explained, and nothing claims it was copied", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, failOnce: { copy_diagnostic_info: { kind: "internal", message: "Deckhand could not put the text on your clipboard." } } });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("copy-diagnostics").click();
    await page.getByTestId("settings-help").getByTestId("problem-internal").waitFor();
    assert.equal(await page.getByTestId("diagnostics-status").textContent(), "");
    assert.equal(await page.getByTestId("diagnostics-details").isVisible(), false);
  } finally { await closePage(page); }
});

test("About shows the version and the licenses, grouped by license, texts when opened", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, info: { name: "Deckhand", version: "1.2.3", providers: [] } });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("open-about").click();
    await page.getByTestId("screen-about").waitFor();
    assert.equal(await page.locator("#about-app-heading").textContent(), "Deckhand 1.2.3");
    assert.match(await page.getByTestId("about-licenses-count").textContent(), /built from 4 components/);
    assert.equal(await page.getByTestId("license-MIT").locator("summary").textContent(), "MIT License (3 components)");
    assert.equal(await page.getByTestId("license-Apache-2.0").locator("summary").textContent(), "Apache License 2.0 (1 component)");
    // Most used first.
    const order = await page.locator("details.license").evaluateAll((els) => els.map((e) => e.dataset.testid));
    assert.deepEqual(order, ["license-MIT", "license-Apache-2.0"]);
    assert.equal(await page.getByTestId("license-MIT").locator("pre").count(), 0, "texts load when opened");
    await page.getByTestId("license-MIT").locator("summary").click();
    // The texts are added by the "toggle" event, which comes just after the click.
    await page.getByTestId("license-MIT").locator("pre").nth(1).waitFor();
    const texts = await page.getByTestId("license-MIT").locator("pre").allTextContents();
    assert.equal(texts.length, 2, "each authors' copy of the MIT text");
    assert.match(texts[1], /Tokio Contributors/);
    assert.match(await page.getByTestId("license-MIT").textContent(), /serde 1\.0\.229, serde_json 1\.0\.154/);
    await page.getByTestId("about-back").click();
    await page.getByTestId("screen-settings").waitFor();
  } finally { await closePage(page); }
});

test("a license list that cannot be read is explained on the About screen", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, failOnce: { third_party_licenses: { kind: "internal", message: "Something unexpected happened." } } });
  try {
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("open-about").click();
    await page.getByTestId("about-licenses").getByTestId("problem-internal").waitFor();
  } finally { await closePage(page); }
});
