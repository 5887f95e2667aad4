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
    await page.locator("[data-testid='look-night-sky'] + label").click();
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
      content: "The water cycle for year 5", title: "Water cycle", slides: 8, language: "de", format: "png", theme: "night-sky", look_name: "Night Sky",
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
    assert.match(await box.textContent(), /Your Gamma key was refused\.\s*It may have been removed, or your plan may not include the API\. Paste a new key in Settings\./);
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
    await page.getByTestId("look-general").waitFor({ state: "attached" });
    assert.deepEqual(await page.getByTestId("field-look").locator(".look-name").allTextContents(), ["Presenton's default template", "General", "Modern", "Swift"]);

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
    assert.match(await page.getByTestId("look-hint").textContent(), /Gamma's default theme will be used/);
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

test("the half-written deck is kept by the app as it is typed, and comes back after a restart", async () => {
  const page = await openApp(browser, server, { keys: KEYS.both });
  try {
    await page.getByTestId("field-content").fill("Why our school is switching to a four-day week");
    await page.getByTestId("field-title").fill("Four days");
    await page.locator("label[for='format-pdf']").click();
    await page.waitForFunction(() => window.__FAKE__.windowState.draft && window.__FAKE__.windowState.draft.title === "Four days");
    const saved = await page.evaluate(() => window.__FAKE__.windowState.draft);
    assert.equal(saved.content, "Why our school is switching to a four-day week");
    assert.equal(saved.format, "pdf");
    assert.equal(saved.provider, "gamma");
    assert.ok(!("files" in saved), "files picked in this window are not kept");
  } finally { await closePage(page); }

  // A new window (after a restart or a crash) with that saved state.
  const draft = { provider: "presenton", content: "Quarterly review\n- sales up", title: "Q3", slides: "7", format: "pdf", look: "modern", look_name: "Modern", language: null, instructions: "Keep it short", options: { tone: "casual" } };
  const again = await openApp(browser, server, { keys: KEYS.both, windowState: { draft, choices: {} } });
  try {
    await again.getByTestId("new-deck-form").waitFor();
    assert.equal(await again.getByTestId("field-content").inputValue(), "Quarterly review\n- sales up");
    assert.equal(await again.getByTestId("field-title").inputValue(), "Q3");
    assert.equal(await again.getByTestId("field-slides").inputValue(), "7");
    assert.equal(await again.getByTestId("provider-presenton").isChecked(), true);
    assert.equal(await again.getByTestId("format-pdf").isChecked(), true);
    assert.equal(await again.getByTestId("field-instructions").inputValue(), "Keep it short");
    assert.equal(await again.getByTestId("option-tone").inputValue(), "casual");
    await again.waitForFunction(() => document.querySelector("[data-testid='look-modern']")?.checked === true);
    // Sent: the draft is forgotten, the choices are remembered for this service.
    await again.getByTestId("generate").click();
    await again.getByTestId("screen-jobs").waitFor();
    await again.waitForFunction(() => window.__FAKE__.callsOf("save_choices").length === 1);
    assert.equal(await again.evaluate(() => window.__FAKE__.windowState.draft), null);
    assert.deepEqual((await calls(again, "save_choices"))[0].args, { provider: "presenton", choices: { look: "modern", look_name: "Modern", slides: 7, format: "pdf" } });
  } finally { await closePage(again); }
});

test("last time's choices for a service come back for the next deck; Settings' file type resets them", async () => {
  const choices = { gamma: { look: "night-sky", look_name: "Night Sky", slides: 12, format: "pdf", language: "de" } };
  const page = await openApp(browser, server, { keys: KEYS.both, windowState: { draft: null, choices } });
  try {
    await page.getByTestId("new-deck-form").waitFor();
    assert.equal(await page.getByTestId("field-slides").inputValue(), "12");
    assert.equal(await page.getByTestId("format-pdf").isChecked(), true);
    await page.waitForFunction(() => document.querySelector("[data-testid='look-night-sky']")?.checked === true);
    await page.waitForFunction(() => document.querySelector("[data-testid='field-language']").value === "Deutsch");
    // Another service has its own (none yet): the defaults.
    await page.locator("label[for='provider-presenton']").click();
    await page.getByTestId("format-pptx").waitFor();
    assert.equal(await page.getByTestId("format-pptx").isChecked(), true);
    assert.equal(await page.getByTestId("field-slides").inputValue(), "");
    // A new default file type in Settings applies over what was chosen last time.
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("default-format").selectOption("pptx");
    await page.waitForFunction(() => window.__FAKE__.callsOf("save_choices").length === 1);
    assert.deepEqual((await calls(page, "save_choices"))[0].args, { provider: "gamma", choices: { look: "night-sky", look_name: "Night Sky", slides: 12, language: "de" } });
  } finally { await closePage(page); }
});

test("wording fits the chosen service: its name reads well in sentences and hints that do not apply are hidden", async () => {
  const settings = { servers: { gamma_base_url: null, presenton_base_url: null, presenton_self: { enabled: true, base_url: "http://localhost:5001", auth: "none", user: null }, insecure_confirmed: [] } };
  const page = await openApp(browser, server, { keys: KEYS.gamma, settings });
  try {
    assert.equal(await page.getByTestId("slides-hint").textContent(), "From 1 to 75 (Pro plans allow up to 60). Leave it empty and Gamma decides.");
    await page.locator("label[for='provider-presenton-self']").click();
    await page.getByTestId("look-general").waitFor({ state: "attached" });
    const form = await page.getByTestId("new-deck-form").textContent();
    assert.equal(await page.getByTestId("slides-hint").textContent(), "From 1 to 50. Leave it empty and your Presenton server decides.");
    assert.match(form, /Leave it empty and your Presenton server chooses \(usually the language of your text\)\./);
    assert.ok(!/Presenton \(self-hosted\) decide/.test(form), "no label pasted into a sentence");
    assert.ok(!/PNG/.test(form), "no PNG hint where PNG is not offered");
    assert.ok(!/Pro plans/.test(form), "Gamma's plan note is Gamma's only");
    // Looks by their natural names, the default worded for this service.
    assert.deepEqual(await page.getByTestId("field-look").locator(".look-name").allTextContents(), ["Your server's default template", "General", "Modern", "Swift"]);
    assert.deepEqual(await page.getByTestId("field-look").locator(".look-detail").allTextContents(), ["9 layouts", "12 layouts", "8 layouts"]);
    // Locale number separators, also in the counters.
    await page.getByTestId("field-content").fill("x".repeat(12345));
    assert.equal(await page.getByTestId("content-count").textContent(), "12,345 of 100,000 characters");
  } finally { await closePage(page); }
});

test("looks are chosen by looking: pictures in the look's colours, arrow keys move between them", async () => {
  const page = await openApp(browser, server, { keys: KEYS.gamma });
  try {
    await page.getByTestId("look-oasis").waitFor({ state: "attached" });
    const pictures = await page.getByTestId("field-look").locator("img").evaluateAll((imgs) => imgs.map((i) => decodeURIComponent(i.src)));
    assert.equal(pictures.length, 4);
    assert.ok(pictures.every((p) => p.startsWith("data:image/svg+xml")));
    assert.match(pictures[1], /#e8dcc4/, "Oasis in beige");
    assert.match(pictures[2], /#1e2a55/, "Night Sky in navy");
    assert.equal(await page.getByTestId("look-default").isChecked(), true, "the service's default first");
    await page.getByTestId("look-default").focus();
    await page.keyboard.press("ArrowRight");
    assert.equal(await page.getByTestId("look-oasis").isChecked(), true);
    await page.getByTestId("field-content").fill("Tides");
    await page.getByTestId("generate").click();
    await page.getByTestId("screen-jobs").waitFor();
    const [sent] = await calls(page, "submit_deck");
    assert.equal(sent.args.request.theme, "oasis");
    assert.equal(sent.args.request.look_name, "Oasis");
  } finally { await closePage(page); }
});
