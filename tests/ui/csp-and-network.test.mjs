// The page stays inside its CSP: no inline scripts or styles in the markup, no markup built
// from strings, and no request anywhere but the app itself (no remote fonts, scripts, images).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { startServer, launch, closePage, seriousViolations, openApp, UI_DIR } from "./support/harness.mjs";
import { SCENES } from "./support/scenes.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function uiFiles(ext) {
  const all = await fs.readdir(UI_DIR, { recursive: true });
  return all.filter((f) => f.endsWith(ext)).map((f) => path.join(UI_DIR, f));
}

test("ui/*.html has no inline script, inline style or inline event handler", async () => {
  const pages = await uiFiles(".html");
  assert.ok(pages.length >= 1);
  for (const file of pages) {
    const html = await fs.readFile(file, "utf8");
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      assert.match(m[1], /\bsrc=/, `${file}: a <script> without src`);
      assert.equal(m[2].trim(), "", `${file}: a <script> with inline code`);
    }
    assert.doesNotMatch(html, /<style\b/i, `${file}: a <style> block`);
    assert.doesNotMatch(html, /\sstyle\s*=/i, `${file}: a style="" attribute`);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${file}: an inline event handler`);
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i, `${file}: a remote resource`);
  }
});

test("ui scripts and styles load nothing remote and build no markup from strings", async () => {
  for (const file of await uiFiles(".js")) {
    const js = await fs.readFile(file, "utf8");
    assert.doesNotMatch(js, /\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=|document\.write|\beval\(|new Function\(/, `${file}`);
    assert.doesNotMatch(js, /setAttribute\(\s*["']style["']|\.style\./, `${file}: inline styles (use classes)`);
    assert.doesNotMatch(js, /\bfetch\(|XMLHttpRequest|WebSocket|EventSource/, `${file}: the page never goes online itself`);
  }
  for (const file of await uiFiles(".css")) {
    const css = await fs.readFile(file, "utf8");
    assert.doesNotMatch(css, /@import|url\(\s*["']?(https?:)?\/\//i, `${file}: a remote font or image`);
  }
});

test("every screen requests only the local app and breaks no CSP rule", async () => {
  for (const [name, scene] of Object.entries(SCENES)) {
    const page = await scene(browser, server, {});
    try {
      await page.waitForTimeout(150);
      const elsewhere = page.requestsSeen.filter((u) => !u.startsWith(`${server.origin}/`) && !u.startsWith("data:"));
      assert.ok(page.requestsSeen.length > 5, `${name}: requests were recorded`);
      assert.deepEqual(elsewhere, [], `${name}: requests outside the app`);
      assert.deepEqual(await page.evaluate(() => window.__FAKE__.cspViolations), [], `${name}: CSP violations`);
      assert.deepEqual(page.problems, [], `${name}: console errors`);
    } finally { await closePage(page); }
  }
  // All requests the server saw were for ui/ files (and axe, for the audits).
  for (const url of server.requests) assert.match(url, /^\/(index\.html|css\/|js\/|img\/|node_modules\/axe-core\/|$)/, url);
});

test("the CSP checks are live: an inline style in the page is reported", async () => {
  const page = await openApp(browser, server, {});
  try {
    await page.evaluate(() => {
      const div = document.createElement("div");
      div.innerHTML = '<p style="color: red">x</p>';
      document.body.append(div);
    });
    await page.waitForFunction(() => window.__FAKE__.cspViolations.length > 0);
  } finally { await closePage(page); }
});

test("the accessibility audit is live: an unlabeled field with faint text is caught", async () => {
  const page = await openApp(browser, server, {});
  try {
    await page.evaluate(() => {
      const input = document.createElement("input");
      input.type = "text";
      document.querySelector("#screen").append(input);
      const img = document.createElement("img");
      img.src = "img/icon.png";
      document.querySelector("#screen").append(img);
    });
    const found = await seriousViolations(page);
    assert.ok(found.some((v) => v.startsWith("label")), found.join("\n"));
    assert.ok(found.some((v) => v.startsWith("image-alt")), found.join("\n"));
  } finally { await closePage(page); }
});
