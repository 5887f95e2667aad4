// Each screen in light and dark: no serious or critical axe-core violations, a screenshot for
// people to look at, and a layout that fits 800×600. Plus a keyboard-only run to Generate.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, closePage, calls, openApp, screenshot, seriousViolations, KEYS } from "./support/harness.mjs";
import { SCENES } from "./support/scenes.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

for (const [name, scene] of Object.entries(SCENES)) {
  for (const colorScheme of ["light", "dark"]) {
    test(`${name} (${colorScheme}): no serious or critical accessibility problems`, async () => {
      const page = await scene(browser, server, { colorScheme });
      try {
        await page.waitForTimeout(100);
        await screenshot(page, `${name}-${colorScheme}`);
        assert.deepEqual(await seriousViolations(page), []);
        assert.deepEqual(page.problems, []);
      } finally { await closePage(page); }
    });
  }
}

for (const name of ["welcome", "new-deck-gamma", "jobs", "settings"]) {
  test(`${name} fits an 800×600 window without sideways scrolling`, async () => {
    const page = await SCENES[name](browser, server, { viewport: { width: 800, height: 600 } });
    try {
      await screenshot(page, `${name}-800x600`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
    } finally { await closePage(page); }
  });
}

test("the appearance setting overrides the system: dark chosen on a light system", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, settings: { appearance: "dark" } }, { colorScheme: "light" });
  try {
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, "rgb(17, 19, 25)");
    assert.deepEqual(await seriousViolations(page), []);
  } finally { await closePage(page); }
});

test("keyboard only: Tab reaches the notes and Generate in a sensible order, Enter submits", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma });
  try {
    await page.getByTestId("new-deck-form").waitFor();
    const order = [];
    const tabTo = async (testid, limit = 40) => {
      for (let i = 0; i < limit; i += 1) {
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return { testid: el.dataset.testid || el.tagName, outline: style.outlineStyle, shadow: style.boxShadow };
        });
        order.push(focused.testid);
        if (focused.testid === testid) return focused;
      }
      throw new Error(`Tab never reached ${testid}: ${order.join(" → ")}`);
    };
    const content = await tabTo("field-content");
    assert.notEqual(content.outline, "none", "focus is visible on the notes field");
    await page.keyboard.type("Photosynthesis for year 7");
    const generate = await tabTo("generate");
    assert.notEqual(generate.outline, "none", "focus is visible on Generate");
    // The navigation comes before the form, and the form's fields come in reading order.
    const idx = (t) => order.indexOf(t);
    assert.ok(idx("nav-settings") < idx("field-content"));
    assert.ok(idx("field-content") < idx("field-title") && idx("field-title") < idx("field-slides") && idx("field-slides") < idx("field-language") && idx("field-language") < idx("generate"), order.join(" → "));
    await page.keyboard.press("Enter");
    await page.getByTestId("screen-jobs").waitFor();
    const [submitted] = await calls(page, "submit_deck");
    assert.equal(submitted.args.request.content, "Photosynthesis for year 7");
  } finally { await closePage(page); }
});

test("keyboard only: the language list works with arrows and Enter", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [] });
  try {
    await page.getByTestId("field-language").focus();
    await page.keyboard.type("fr");
    assert.equal(await page.getByTestId("field-language").getAttribute("aria-expanded"), "true");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("Enter");
    assert.equal(await page.getByTestId("field-language").inputValue(), "Français");
    assert.equal(await page.getByTestId("field-language").getAttribute("aria-expanded"), "false");
    // Enter in the language list picked a language; it did not send the form.
    assert.equal((await calls(page, "validate_request")).length, 0);
  } finally { await closePage(page); }
});

test("keyboard only: Escape answers a confirmation with no, and focus returns to the button", async () => {
  const page = await SCENES["cancel-dialog"](browser, server, {});
  try {
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "dialog-cancel", "the safe answer has focus");
    await page.keyboard.press("Escape");
    await page.getByTestId("confirm-cancel").waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), "job-cancel");
    assert.equal((await calls(page, "cancel_job")).length, 0);
  } finally { await closePage(page); }
});
