// End to end: the real Deckhand binary in a real WebKit window (Xvfb), driven through
// tauri-driver. Run by scripts/test.sh inside scripts/private-session.sh, so the app's keychain
// is a throwaway gnome-keyring and its data folder a temp dir. Needs APP_BIN.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startDriver, Session, waitFor } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const artifacts = process.env.E2E_ARTIFACTS || join(root, "tests/artifacts/e2e");
const appBin = process.env.APP_BIN;

// What the keychain crate names things: service = app identifier + ".dev" for debug builds.
const KEYCHAIN_SERVICE = "app.deckhand.desktop.dev";

let driver;
let s;

before(async () => {
  assert.ok(appBin, "APP_BIN must point at the built app (scripts/test.sh sets it)");
  mkdirSync(artifacts, { recursive: true });
  driver = await startDriver();
  s = await Session.start(driver.base, resolve(appBin));
});

after(async () => {
  if (s) {
    await shot("last").catch(() => {});
    await s.end();
  }
  if (driver) await driver.stop();
});

const shot = (name) => s.saveScreenshot(artifacts, name);

function workspaceVersion() {
  const toml = readFileSync(join(root, "Cargo.toml"), "utf8");
  const m = /\[workspace\.package\][^[]*?\nversion\s*=\s*"([^"]+)"/.exec(toml);
  assert.ok(m, "workspace version not found in Cargo.toml");
  return m[1];
}

/** secret-tool's view of the Secret Service: null when nothing is stored under that account. */
function secretServiceLookup(account) {
  try {
    return execFileSync("secret-tool", ["lookup", "service", KEYCHAIN_SERVICE, "username", account], {
      encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return null;
  }
}

test("the window is titled Deckhand and shows the app's page", async () => {
  assert.equal(await s.title(), "Deckhand");
  const nav = await waitFor(() => s.byTestId("nav-new-deck"), { what: "the navigation" });
  assert.equal(await s.displayed(nav), true);
  assert.equal(await s.text(nav), "New deck");
  // With no key yet (a fresh keyring), the app greets the person first.
  const welcome = await waitFor(() => s.byTestId("screen-welcome"), { what: "the welcome screen" });
  assert.equal(await s.displayed(welcome), true);
  await s.waitForText("app-version", (t) => t !== "…" && t.length > 0);
  await shot("window");
});

test("the page shows the version app_info reports, which is the workspace version", async () => {
  const info = await s.invoke("app_info");
  assert.ok(info.ok, `app_info failed: ${JSON.stringify(info.error)}`);
  assert.equal(info.ok.name, "Deckhand");
  assert.equal(info.ok.version, workspaceVersion());
  assert.deepEqual(info.ok.providers.map((p) => p.id), ["gamma", "presenton", "presenton-self"]);
  const shown = await s.waitForText("app-version", (t) => t !== "…" && t.length > 0);
  assert.equal(shown, info.ok.version);
});

/**
 * Click "Settings" once the page has finished starting, i.e. shows its first screen
 * (start-up would otherwise replace the settings screen with it).
 */
async function openSettings(firstScreen) {
  await waitFor(() => s.byTestId(`screen-${firstScreen}`), { what: `the first screen (${firstScreen})` });
  await s.click(await s.byTestId("nav-settings"));
  await waitFor(() => s.byTestId("screen-settings"), { what: "the settings screen" });
}

test("clicking Settings opens the settings screen", async () => {
  await openSettings("welcome");
  const services = await s.byTestId("settings-services");
  assert.equal(await s.displayed(services), true);
  await shot("settings");
});

test("a key saved in the real app lands in the real Secret Service, and the page shows its last four", async () => {
  const key = `sk-gamma-e2e-${process.pid}-wxyz`;
  const saved = await s.invoke("set_key", { provider: "gamma", key, verify: false, sessionOnly: false });
  assert.ok(saved.ok, `set_key failed: ${JSON.stringify(saved.error)}`);
  assert.deepEqual(saved.ok, { set: true, last4: "wxyz", sessionOnly: false });
  // Another Secret Service client sees it: it is in gnome-keyring, not in the app's memory.
  assert.equal(secretServiceLookup("gamma-api-key"), key);

  // A fresh page load reads the status back from the app and shows only the last four. With a
  // key set, the page starts on "New deck" instead of the welcome screen.
  await s.refresh();
  await openSettings("new-deck");
  const status = await s.waitForText("key-status-gamma", (t) => t.includes("wxyz"));
  assert.ok(!status.includes(key), "the page must never show the whole key");
  await shot("key-set");

  const removed = await s.invoke("remove_key", { provider: "gamma" });
  assert.ok(removed.ok, `remove_key failed: ${JSON.stringify(removed.error)}`);
  assert.equal(removed.ok.set, false);
  assert.equal(secretServiceLookup("gamma-api-key"), null);
});

test("a command the app does not have is refused, not ignored", async () => {
  const r = await s.invoke("no_such_command");
  assert.ok(r.error, "an unknown command must reject");
});
