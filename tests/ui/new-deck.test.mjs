// New deck: limits checked as the person types, the app's own check, and what is sent.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, openApp, closePage, calls, makeJob, KEYS } from "./support/harness.mjs";

let server;
let browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const err = (page, name) => page.getByTestId(`error-${name}`);

test("Gamma: limits are explained next to each field while typing", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma });
  try {
    await page.getByTestId("new-deck-form").waitFor();
    assert.equal(await page.getByTestId("provider-only").textContent(), "Gamma");
    await page.getByTestId("field-content").fill("x".repeat(400001));
    assert.match(await err(page, "content").textContent(), /up to 400,000 characters; this has 400,001/);
    assert.equal(await page.getByTestId("field-content").getAttribute("aria-invalid"), "true");
    await page.getByTestId("field-content").fill("Our quarterly results");
    assert.equal(await err(page, "content").textContent(), "");

    await page.getByTestId("field-slides").fill("80");
    assert.match(await err(page, "slides").textContent(), /1 to 75 slides\. Pro plans allow up to 60/);
    await page.getByTestId("field-slides").fill("12");
    assert.equal(await err(page, "slides").textContent(), "");

    await page.getByTestId("more-options").locator("summary").click();
    await page.getByTestId("field-instructions").fill("y".repeat(2001));
    assert.match(await err(page, "instructions").textContent(), /up to 2,000 characters; these have 2,001/);
    await page.getByTestId("field-instructions").fill("Keep it upbeat");

    await page.getByTestId("option-cardSplit").selectOption("inputTextBreaks");
    assert.match(await err(page, "slides").textContent(), /breaks decide the number of slides/);
    // Nothing is sent while a field is wrong.
    await page.getByTestId("generate").click();
    assert.equal((await calls(page, "validate_request")).length, 0);
    assert.equal(await page.evaluate(() => document.activeElement.id), "slides");
  } finally { await closePage(page); }
});

test("Gamma: an empty topic is caught on submit, not while typing", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma });
  try {
    assert.equal(await err(page, "content").textContent(), "");
    await page.getByTestId("generate").click();
    assert.match(await err(page, "content").textContent(), /Type a topic/);
    assert.equal((await calls(page, "submit_deck")).length, 0);
  } finally { await closePage(page); }
});

test("Gamma: the request carries the chosen language, theme, PNG format and options", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, settings: { save_folder: "/home/ada/Talks" } });
  try {
    await page.getByTestId("field-content").fill("The water cycle for year 5");
    await page.getByTestId("field-title").fill("Water cycle");
    await page.getByTestId("field-slides").fill("8");
    await page.getByTestId("field-language").fill("deu");
    await page.getByTestId("language-option-de").waitFor();
    await page.getByTestId("field-language").press("Enter");
    assert.equal(await page.getByTestId("field-language").inputValue(), "Deutsch");
    await page.getByTestId("field-look").selectOption("night-sky");
    await page.locator("label[for='format-png']").click();
    await page.getByTestId("more-options").locator("summary").click();
    await page.getByTestId("option-textOptions.amount").selectOption("brief");
    await page.getByTestId("option-textOptions.audience").fill("ten-year-olds");
    await page.getByTestId("option-imageOptions.source").selectOption("aiGenerated");
    await page.getByTestId("option-imageOptions.model").selectOption("imagen-4-pro");
    await page.getByTestId("generate").click();
    await page.getByTestId("screen-jobs").waitFor();

    const [validated] = await calls(page, "validate_request");
    const [submitted] = await calls(page, "submit_deck");
    const expected = {
      content: "The water cycle for year 5", title: "Water cycle", slides: 8, language: "de", format: "png", theme: "night-sky",
      options: { textMode: "generate", cardSplit: "auto", "textOptions.amount": "brief", "textOptions.audience": "ten-year-olds", "imageOptions.source": "aiGenerated", "imageOptions.model": "imagen-4-pro" },
    };
    assert.deepEqual(validated.args, { provider: "gamma", request: expected });
    // No folder from the page: the app sends the deck to the folder chosen in Settings.
    assert.deepEqual(submitted.args, { provider: "gamma", request: expected });
    // The new deck is in the list at once.
    await page.getByTestId("job-job-1").waitFor();
    assert.match(await page.getByTestId("job-job-1").textContent(), /Water cycle/);
  } finally { await closePage(page); }
});

test("a field refused by validate_request is shown at that field", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, failOnce: { validate_request: { kind: "invalid_input", field: "numCards", message: "Your Gamma plan allows at most 60 slides." } } });
  try {
    await page.getByTestId("field-content").fill("Roadmap");
    await page.getByTestId("field-slides").fill("70");
    await page.getByTestId("generate").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='error-slides']").textContent.includes("at most 60"));
    assert.equal(await page.evaluate(() => document.activeElement.id), "slides");
    assert.equal((await calls(page, "submit_deck")).length, 0);
  } finally { await closePage(page); }
});

test("a refused submit explains itself with a way to Settings", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, failOnce: { submit_deck: { kind: "auth", message: "Gamma refused the key.", details: { request_id: "req-9", status: 401 } } } });
  try {
    await page.getByTestId("field-content").fill("Roadmap");
    await page.getByTestId("generate").click();
    const box = page.getByTestId("form-problem").getByTestId("problem-auth");
    await box.waitFor();
    assert.match(await box.textContent(), /Your Gamma key was refused\.\s*Check it in Settings/);
    await page.getByTestId("problem-open-settings").click();
    await page.getByTestId("screen-settings").waitFor();
  } finally { await closePage(page); }
});

test("Presenton: its own limits, no PNG, table of contents needs 3 slides, files go as source documents", async () => {
  const page = await openApp(browser, server, { keys: KEYS.both, pickFile: "/home/ada/notes/plan.pdf" });
  try {
    await page.locator("label[for='provider-presenton']").click();
    await page.getByTestId("format-pdf").waitFor();
    assert.equal(await page.getByTestId("format-png").count(), 0);
    assert.equal(await page.getByTestId("field-look").locator("option").nth(1).textContent(), "General");

    await page.getByTestId("field-content").fill("z".repeat(100001));
    assert.match(await err(page, "content").textContent(), /Presenton accepts up to 100,000/);
    await page.getByTestId("field-content").fill("");
    await page.getByTestId("field-slides").fill("51");
    assert.match(await err(page, "slides").textContent(), /1 to 50/);
    await page.getByTestId("field-slides").fill("2");
    await page.getByTestId("more-options").locator("summary").click();
    await page.getByTestId("option-include_table_of_contents").check();
    assert.match(await err(page, "slides").textContent(), /at least 3 slides/);
    await page.getByTestId("field-slides").fill("5");
    await page.getByTestId("field-instructions").fill("i".repeat(10001));
    assert.match(await err(page, "instructions").textContent(), /10,000/);
    await page.getByTestId("field-instructions").fill("");

    await page.getByTestId("choose-file").click();
    await page.getByTestId("attachments").getByText("plan.pdf").waitFor();
    // Dropped files arrive from the app with a token each (Tauri's own event, with paths,
    // comes first and only ends the hover look).
    await page.evaluate(() => window.__FAKE__.drop(["/home/ada/notes/extra.md", "/home/ada/photo.jpg"]));
    await page.getByTestId("attachments").getByText("extra.md").waitFor();
    assert.match(await page.getByTestId("drop-note").textContent(), /photo\.jpg is none of these/);

    await page.getByTestId("generate").click();
    await page.getByTestId("screen-jobs").waitFor();
    const [submitted] = await calls(page, "submit_deck");
    assert.equal(submitted.args.provider, "presenton");
    // Files go by token; the page never sends a path.
    assert.deepEqual(submitted.args.request.source_files, ["file-1", "file-2"]);
    assert.deepEqual(await page.evaluate(() => window.__FAKE__.jobs[0].request.source_files), ["/home/ada/notes/plan.pdf", "/home/ada/notes/extra.md"]);
    assert.equal(submitted.args.request.content, "");
    assert.equal(submitted.args.request.slides, 5);
    assert.equal(submitted.args.request.options.include_table_of_contents, true);
    assert.deepEqual((await calls(page, "pick_source_file")).map((c) => c.args), [{}], "the app opens the picker");
  } finally { await closePage(page); }
});

test("Gamma: a chosen file's text is read locally into the notes", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, pickFile: "/home/ada/notes/week.docx" });
  try {
    await page.getByTestId("field-content").fill("Intro");
    await page.getByTestId("choose-file").click();
    await page.waitForFunction(() => document.querySelector("#content").value.includes("Notes from week.docx"));
    assert.deepEqual((await calls(page, "read_source_file")).map((c) => c.args), [{ token: "file-1" }]);
    assert.match(await page.getByTestId("drop-note").textContent(), /Added the text of week\.docx/);
    assert.match(await page.getByTestId("field-content").inputValue(), /^Intro\n\nNotes from week\.docx/);
  } finally { await closePage(page); }
});

test("offline: the looks can't load and a friendly message says the default is used", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma, fail: { list_choices: { kind: "network", message: "No connection." } } });
  try {
    await page.waitForFunction(() => /offline/.test(document.querySelector("[data-testid='look-hint']").textContent));
    assert.match(await page.getByTestId("look-hint").textContent(), /Gamma's default look will be used/);
  } finally { await closePage(page); }
});

test("credits left on the account are shown when known", async () => {
  const job = makeJob({ state: "done", file: "/d/a.pptx", credits: { used: 40, remaining: 1234 } });
  const page = await openApp(browser, server, { keys: KEYS.gamma, jobs: [job] });
  try {
    assert.equal(await page.getByTestId("credits-left").textContent(), "Your Gamma account has 1,234 credits left.");
  } finally { await closePage(page); }
});

test("a text file dropped on the page (no path) is read in the page", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma });
  try {
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(["# Agenda\n- Budget\n- Hiring"], "agenda.md", { type: "text/markdown" }));
      document.querySelector("[data-testid='drop-zone']").dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.waitForFunction(() => document.querySelector("#content").value.includes("# Agenda"));
    assert.match(await page.getByTestId("drop-note").textContent(), /Added the text of agenda\.md/);
    assert.equal((await calls(page, "read_source_file")).length, 0);
  } finally { await closePage(page); }
});
