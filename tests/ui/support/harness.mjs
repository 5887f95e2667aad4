// Shared test plumbing: a local static server for ui/ (with the app's CSP), headless Chromium,
// the fake backend, axe audits and screenshots.

import http from "node:http";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const TESTS_DIR = path.resolve(here, "..");
export const REPO = path.resolve(TESTS_DIR, "../..");
export const UI_DIR = path.join(REPO, "ui");
const NODE_MODULES = path.join(TESTS_DIR, "node_modules");
export const ARTIFACTS = path.join(REPO, "tests/artifacts/ui");

// The window's CSP from tauri.conf.json, with 'self' standing in for Tauri's IPC origin.
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml", ".json": "application/json" };

/** Serves ui/ at / and the test packages at /node_modules/, on 127.0.0.1 only. */
export async function startServer() {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    requests.push(req.url);
    const url = new URL(req.url, "http://127.0.0.1");
    let file;
    if (url.pathname.startsWith("/node_modules/")) file = path.join(NODE_MODULES, decodeURIComponent(url.pathname.slice("/node_modules/".length)));
    else file = path.join(UI_DIR, decodeURIComponent(url.pathname === "/" ? "index.html" : url.pathname.slice(1)));
    const root = url.pathname.startsWith("/node_modules/") ? NODE_MODULES : UI_DIR;
    if (!path.resolve(file).startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      const body = await fs.readFile(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "content-security-policy": CSP, "cache-control": "no-store" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, origin: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Opens the app with a fake backend configured by `config` (see support/fake-backend.js).
 * @returns {Promise<import("playwright-core").Page>}
 */
export async function openApp(browser, server, config = {}, { colorScheme = "light", viewport = { width: 1100, height: 760 } } = {}) {
  const context = await browser.newContext({ colorScheme, viewport, reducedMotion: "reduce" });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.problems = problems;
  // Every URL the page asked for, from the very first load on.
  page.requestsSeen = [];
  page.on("request", (r) => page.requestsSeen.push(r.url()));
  await page.addInitScript(`window.__FAKE_CONFIG__ = ${JSON.stringify(config)};`);
  await page.addInitScript({ path: path.join(here, "fake-backend.js") });
  await page.goto(server.url);
  await page.waitForSelector("body[data-ready='true']");
  return page;
}

export async function closePage(page) {
  await page.context().close();
}

/** Ready-made key states. */
export const KEYS = {
  gamma: { gamma: { set: true, last4: "9f3a", sessionOnly: false } },
  both: { gamma: { set: true, last4: "9f3a", sessionOnly: false }, presenton: { set: true, last4: "c0de", sessionOnly: false } },
};

/** The commands the page sent, in order, optionally only those named `cmd`. */
export async function calls(page, cmd) {
  return page.evaluate((c) => (c ? window.__FAKE__.callsOf(c) : window.__FAKE__.calls), cmd);
}

export async function emit(page, payload) {
  await page.evaluate((p) => window.__FAKE__.emit(p), payload);
}

/** Runs axe-core; returns violations of impact serious or critical. */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) {
    await page.addScriptTag({ url: "/node_modules/axe-core/axe.min.js" });
  }
  const results = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

export async function screenshot(page, name) {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  // Grow the window to the page's height (rather than a stitched full-page capture) so the
  // sticky sidebar is drawn as a person would see it in a tall window.
  const original = page.viewportSize();
  // A long list (Your decks with 2,000 decks) is shown as its first screens, not all of it.
  const height = Math.min(2400, await page.evaluate(() => document.documentElement.scrollHeight));
  await page.setViewportSize({ width: original.width, height: Math.max(original.height, height) });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  await page.setViewportSize(original);
}

/** A job record like the engine's. */
export function makeJob(over = {}) {
  const now = Date.now();
  return {
    id: "job-a", provider: "gamma", state: "running", created_ms: now - 65000, updated_ms: now - 1000,
    request: { content: "Why our school is switching to a four-day week", title: "The four-day week", slides: 10, format: "pptx" },
    out_dir: "/home/ada/Documents/Deckhand",
    ...over,
  };
}
