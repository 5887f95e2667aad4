// Every screen in a representative state, for the accessibility audit, the screenshots and
// the network/CSP checks.

import { openApp, emit, makeJob, KEYS } from "./harness.mjs";

const now = Date.now();
const JOBS = [
  makeJob({ id: "job-run", provider: "presenton", state: "running", progress: "Generating slide 4 of 10", request: { content: "Quarterly sales review", title: "Q3 sales review", slides: 10, format: "pdf" } }),
  makeJob({ id: "job-dl", provider: "gamma", state: "downloading", request: { content: "Onboarding", title: "Welcome to the team", format: "pptx" } }),
  makeJob({ id: "job-done", provider: "gamma", state: "done", created_ms: now - 600000, updated_ms: now - 420000, file: "/home/ada/Documents/Deckhand/The four-day week.pptx", edit_url: "https://gamma.app/docs/x", credits: { used: 40, remaining: 380 }, warnings: ["imageOptions.model was dropped because images are not AI-generated."] }),
  makeJob({ id: "job-fail", provider: "gamma", state: "failed", created_ms: now - 900000, updated_ms: now - 880000, request: { content: "Pitch deck for the bakery", format: "pptx" }, error: { kind: "auth", message: "Gamma refused the key.", details: { provider_message: "Invalid API key.", request_id: "req-4f2a", status: 401 } } }),
  makeJob({ id: "job-att", provider: "gamma", state: "needs_attention", created_ms: now - 1200000, updated_ms: now - 1100000, request: { content: "Science fair: volcanoes", title: "Volcanoes", format: "pdf" }, error: { kind: "submit_uncertain", message: "The connection dropped after the request was sent." } }),
];

/** name → async (browser, server, options) → page showing that screen. */
export const SCENES = {
  async welcome(browser, server, o) {
    const page = await openApp(browser, server, {}, o);
    await page.getByTestId("screen-welcome").waitFor();
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
    await page.waitForFunction(() => document.querySelectorAll("[data-testid='field-look'] option").length > 1);
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
    const page = await openApp(browser, server, { keys: KEYS.both, jobs: JOBS, typical: { gamma: 140 } }, o);
    await page.getByTestId("nav-jobs").click();
    await emit(page, { type: "download_progress", job_id: "job-dl", bytes: 1300000, total: 3400000 });
    await page.getByTestId("job-job-fail").getByTestId("error-details").locator("summary").click();
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
