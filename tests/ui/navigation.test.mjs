// Every screen opens at its top, with focus on its heading for screen readers.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openApp, closePage, makeJob, KEYS } from "./support/harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test("from a Settings page scrolled to its end, each screen opens at its top with focus on its heading", async () => {
  const jobs = Array.from({ length: 12 }, (_, i) => makeJob({ id: `job-${i}`, state: "done", file: `/d/${i}.pptx`, created_ms: Date.now() - i * 60000 }));
  const page = await openApp(browser, server, { keys: KEYS.both, jobs }, { viewport: { width: 900, height: 600 } });
  try {
    for (const [nav, heading] of [["nav-new-deck", "New deck"], ["nav-jobs", "Your decks"], ["nav-settings", "Settings"]]) {
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("screen-settings").waitFor();
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      assert.ok(await page.evaluate(() => window.scrollY) > 300, "Settings is scrolled down first");
      await page.getByTestId(nav).click();
      await page.waitForFunction((h) => document.querySelector("#screen h1")?.textContent === h, heading);
      assert.equal(await page.evaluate(() => window.scrollY), 0, `${heading} opens at its top`);
      assert.deepEqual(await page.evaluate(() => [document.activeElement.tagName, document.activeElement.textContent]), ["H1", heading]);
    }
  } finally { await closePage(page); }
});
