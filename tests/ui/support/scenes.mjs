// Every screen in a representative state, for the accessibility audit, the screenshots and
// the network/CSP checks.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openApp, emit, makeJob, KEYS } from "./harness.mjs";

/** A preview as the engine makes it from a real self-hosted Presenton file (slide 1's picture). */
export const PREVIEW = `data:image/jpeg;base64,${fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "preview-presenton-0.7.3.jpg")).toString("base64")}`;

const now = Date.now();
export const JOBS = [
  makeJob({ id: "job-run", provider: "presenton", state: "running", look: "Modern", progress: "Generating slides (4/10 slides)", service_progress: { message: "Generating slides", slides_done: 4, slides_total: 10 }, request: { content: "Quarterly sales review", title: "Q3 sales review", slides: 10, format: "pdf", template: "modern" } }),
  makeJob({ id: "job-dl", provider: "gamma", state: "downloading", look: "Night Sky", request: { content: "Onboarding", title: "Welcome to the team", format: "pptx" } }),
  makeJob({
    id: "job-done", provider: "presenton-self", state: "done", created_ms: now - 600000, updated_ms: now - 420000, look: "General",
    deck_title: "Why our school is switching to a four-day week", slide_count: 5, file_size: 94419, preview: { source: "slide_picture", width: 480, height: 300 },
    history: [{ state: "queued", at_ms: now - 600000 }, { state: "running", at_ms: now - 598000 }, { state: "done", at_ms: now - 520000 }],
    file: "/home/ada/Documents/Deckhand/Why our school is switching to a four-day week.pptx", edit_url: "http://localhost:5001/presentation?id=x",
    request: { content: "Why our school is switching to a four-day week", format: "pptx", template: "general" },
  }),
  makeJob({ id: "job-gamma-done", provider: "gamma", state: "done", created_ms: now - 700000, updated_ms: now - 640000, file: "/home/ada/Documents/Deckhand/The four-day week.pdf", file_size: 2400000, slide_count: 10, edit_url: "https://gamma.app/docs/x", credits: { used: 40, remaining: 380 }, warnings: ["imageOptions.model was dropped because images are not AI-generated."], request: { content: "Why our school is switching to a four-day week", title: "The four-day week", slides: 10, format: "pdf" } }),
  makeJob({ id: "job-pdf", provider: "presenton-self", state: "failed", created_ms: now - 800000, updated_ms: now - 780000, look: "Modern", service_progress: { message: "Exporting presentation" }, request: { content: "Budget 2027 for the school board", format: "pdf", slides: 8 }, error: { kind: "provider_failed", message: "The Presenton server could not make this deck.", details: { provider_message: "Presentation generation failed", request_id: "task-28a5d3c8", status: 500 } } }),
  makeJob({ id: "job-fail", provider: "gamma", state: "failed", created_ms: now - 900000, updated_ms: now - 880000, request: { content: "Pitch deck for the bakery", format: "pptx" }, error: { kind: "auth", message: "Gamma refused the key.", details: { provider_message: "Invalid API key.", request_id: "req-4f2a", status: 401 } } }),
  makeJob({ id: "job-att", provider: "gamma", state: "needs_attention", created_ms: now - 1200000, updated_ms: now - 1100000, request: { content: "Science fair: volcanoes", title: "Volcanoes", format: "pdf" }, error: { kind: "submit_uncertain", message: "The connection dropped after the request was sent." } }),
];

/** Settings with a self-hosted server that needs no sign-in, in use. */
export const OWN_SERVER = { servers: { gamma_base_url: null, presenton_base_url: null, presenton_self: { enabled: true, base_url: "http://localhost:5001", auth: "none", user: null }, insecure_confirmed: [] } };

/** name → async (browser, server, options) → page showing that screen. */
export const SCENES = {
  async welcome(browser, server, o) {
    const page = await openApp(browser, server, {}, o);
    await page.getByTestId("screen-welcome").waitFor();
    return page;
  },
  async "welcome-own-server"(browser, server, o) {
    const page = await openApp(browser, server, { test: { "presenton-self": { message: "Connected to the Presenton server at http://localhost:5001/." } } }, o);
    await page.getByTestId("welcome-presenton-self").getByTestId("server-url").fill("http://localhost:5001");
    await page.getByTestId("welcome-presenton-self").getByTestId("server-save").click();
    await page.getByTestId("server-first-deck").waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    return page;
  },
  async "needs-key"(browser, server, o) {
    const page = await openApp(browser, server, {}, o);
    await page.getByTestId("nav-new-deck").click();
    await page.getByTestId("needs-service").waitFor();
    return page;
  },
  async "new-deck-gamma"(browser, server, o) {
    const page = await openApp(browser, server, { keys: KEYS.both, jobs: [JOBS[2]] }, o);
    await page.getByTestId("field-content").fill("Why our school is switching to a four-day week\n\n- More time for projects\n- Fewer commutes");
    await page.getByTestId("field-title").fill("The four-day week");
    await page.getByTestId("more-options").locator("summary").click();
    await page.waitForFunction(() => document.querySelectorAll("[data-testid='field-look'] input").length > 1);
    return page;
  },
  async "new-deck-errors"(browser, server, o) {
    const page = await openApp(browser, server, { keys: KEYS.gamma, failOnce: { submit_deck: { kind: "credits", message: "No credits left.", details: { provider_message: "Insufficient credits", request_id: "req-1" } } } }, o);
    await page.getByTestId("field-content").fill("Roadmap");
    await page.getByTestId("field-slides").fill("90");
    await page.getByTestId("generate").click();
    await page.getByTestId("field-slides").fill("12");
    await page.getByTestId("generate").click();
    await page.getByTestId("problem-credits").waitFor();
    await page.getByTestId("field-slides").fill("90");
    return page;
  },
  async "new-deck-presenton"(browser, server, o) {
    const page = await openApp(browser, server, { keys: KEYS.both, pickFile: "/home/ada/notes/plan.pdf" }, o);
    await page.locator("label[for='provider-presenton']").click();
    await page.getByTestId("choose-file").click();
    await page.getByTestId("attachments").getByText("plan.pdf").waitFor();
    await page.getByTestId("more-options").locator("summary").click();
    await page.getByTestId("field-language").click();
    await page.getByTestId("field-language").fill("es");
    return page;
  },
  async jobs(browser, server, o) {
    const page = await openApp(browser, server, { keys: KEYS.both, settings: OWN_SERVER, jobs: JOBS, typical: { gamma: 140 }, previews: { "job-done": PREVIEW } }, o);
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("job-job-att").waitFor();
    await emit(page, { type: "download_progress", job_id: "job-dl", bytes: 1300000, total: 3400000 });
    await page.getByTestId("job-job-fail").getByTestId("error-details").locator("summary").click();
    await page.waitForFunction(() => document.querySelector("[data-testid='job-job-done'] img").dataset.kind === "deck");
    return page;
  },
  async "jobs-many"(browser, server, o) {
    const page = await openApp(browser, server, { keys: KEYS.both, generate: { count: 2000 }, resumed: 2 }, o);
    await page.getByTestId("resumed-banner").waitFor();
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("jobs-search").fill("water");
    await page.getByTestId("jobs-filter-state").selectOption("done");
    await page.waitForFunction(() => /match/.test(document.querySelector("[data-testid='jobs-summary']").textContent));
    return page;
  },
  async "file-problem"(browser, server, o) {
    const failure = { kind: "file_action", message: "No program on this computer opened “Why our school is switching to a four-day week.pptx”. Install one that opens PowerPoint files (LibreOffice does), or open it from its folder.", path: "/home/ada/Documents/Deckhand/Why our school is switching to a four-day week.pptx", details: { provider_message: "Launcher \"xdg-open\" failed with exit status: 3" } };
    const page = await openApp(browser, server, { keys: KEYS.both, settings: OWN_SERVER, jobs: [JOBS[2]], previews: { "job-done": PREVIEW }, fail: { open_file: failure } }, o);
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("job-job-done").getByTestId("job-open").click();
    await page.getByTestId("job-job-done").getByTestId("problem-file_action").waitFor();
    return page;
  },
  async "cancel-dialog"(browser, server, o) {
    const page = await openApp(browser, server, { keys: KEYS.both, jobs: JOBS }, o);
    await page.getByTestId("nav-jobs").click();
    await page.getByTestId("job-job-run").getByTestId("job-cancel").click();
    await page.getByTestId("confirm-cancel").waitFor();
    return page;
  },
  async settings(browser, server, o) {
    const notice = "Your settings file was damaged, so Deckhand started with the defaults.";
    const page = await openApp(browser, server, { keys: KEYS.gamma, notice }, o);
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("server-url").fill("http://localhost:5001");
    await page.getByTestId("server-auth").selectOption("bearer");
    await page.getByTestId("server-save").click();
    await page.getByTestId("key-input-presenton-self").waitFor();
    await page.getByTestId("test-gamma").click();
    await page.getByTestId("test-ok-gamma").waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    return page;
  },
  async "settings-help"(browser, server, o) {
    const page = await openApp(browser, server, { keys: KEYS.gamma }, o);
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("copy-diagnostics").click();
    await page.getByTestId("diagnostics-details").locator("summary").click();
    await page.getByTestId("settings-help").scrollIntoViewIfNeeded();
    return page;
  },
  async about(browser, server, o) {
    const page = await openApp(browser, server, { keys: KEYS.gamma }, o);
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("open-about").click();
    await page.getByTestId("license-MIT").locator("summary").click();
    await page.getByTestId("license-MIT").locator("pre").first().waitFor();
    return page;
  },
};
