// End to end, as a presenter does it: the real Deckhand binary under Xvfb, the real keychain
// (scripts/private-session.sh's throwaway gnome-keyring), the fake Gamma and Presenton servers
// (tests/src/bin/fake_server.rs) on 127.0.0.1, and a stand-in file manager on the private
// session bus. Paste a key, make a deck with each service through the page, watch it progress,
// find the file on disk, show it in its folder; quit during a generation, start again, and see
// it finish by itself. Needs APP_BIN, FAKE_SERVER and FAKE_FILE_MANAGER (scripts/test.sh).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startDriver, Session, waitFor } from "./webdriver.mjs";
import { HELPER_LIFETIME_S, startFake as startFakeServer, startHelper, stopHelpers, submits } from "./fakes.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const artifacts = process.env.E2E_ARTIFACTS || join(root, "tests/artifacts/e2e");
const { APP_BIN, FAKE_SERVER, FAKE_FILE_MANAGER } = process.env;

let home;
let documents;
let fileManagerLog;
let gamma;
let presenton;
let driver;
let s;

before(async () => {
  for (const [name, value] of Object.entries({ APP_BIN, FAKE_SERVER, FAKE_FILE_MANAGER })) {
    assert.ok(value, `${name} must be set (scripts/test.sh sets it)`);
  }
  mkdirSync(artifacts, { recursive: true });
  home = mkdtempSync(join(tmpdir(), "deckhand-e2e-generate-"));
  documents = join(home, "Documents");
  mkdirSync(documents);
  // The person's Documents folder, as a Linux desktop declares it: the default save folder is
  // Documents/Deckhand.
  const config = join(home, "config");
  mkdirSync(config);
  writeFileSync(join(config, "user-dirs.dirs"), `XDG_DOCUMENTS_DIR="${documents}"\n`);
  fileManagerLog = join(home, "file-manager.log");

  // Gamma takes 60 simulated seconds (6 s here); Presenton 12 s, slow enough to quit during.
  [gamma, presenton] = await Promise.all([startFakeServer(FAKE_SERVER, "gamma", 0.1), startFakeServer(FAKE_SERVER, "presenton", 1.0)]);
  await startHelper(FAKE_FILE_MANAGER, ["--log", fileManagerLog, "--exit-after", String(HELPER_LIFETIME_S)],
    (out) => out.includes("ready"), "the fake file manager");

  // What the app inherits through tauri-driver and WebKitWebDriver: the fakes' addresses, its
  // own data folder and config folder. Keys are NOT given this way; the test pastes them.
  Object.assign(process.env, {
    DECKHAND_GAMMA_BASE_URL: gamma.url,
    DECKHAND_PRESENTON_BASE_URL: presenton.url,
    DECKHAND_DATA_DIR: join(home, "data"),
    XDG_CONFIG_HOME: config,
  });
  driver = await startDriver();
  s = await Session.start(driver.base, resolve(APP_BIN));
});

after(async () => {
  if (s) {
    await shot("generate-last").catch(() => {});
    // Leave the shared test keyring as it was found.
    await s.invoke("remove_key", { provider: "gamma" }).catch(() => {});
    await s.invoke("remove_key", { provider: "presenton" }).catch(() => {});
    await s.end();
  }
  if (driver) await driver.stop();
  stopHelpers();
  if (home) rmSync(home, { recursive: true, force: true });
});

const shot = (name) => s.saveScreenshot(artifacts, name);

const savedDecks = () => {
  const dir = join(documents, "Deckhand");
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

/** Every job, newest first, as the list shows them (no notes). */
async function allJobs() {
  const r = await s.invoke("list_jobs", { query: { limit: 200 } });
  assert.ok(r.ok, `list_jobs failed: ${JSON.stringify(r.error)}`);
  return r.ok.jobs;
}

/** One job's whole record. */
async function fullJob(id) {
  const r = await s.invoke("get_job", { id });
  assert.ok(r.ok, `get_job failed: ${JSON.stringify(r.error)}`);
  return r.ok;
}

async function screen(name) {
  return waitFor(() => s.byTestId(`screen-${name}`), { what: `the ${name} screen`, timeoutMs: 30_000 });
}

/** Paste `key` into the key form of `provider` on the current screen and wait for "ready". */
async function pasteKey(provider, key) {
  await s.type(await s.byTestId(`key-input-${provider}`), key);
  await s.click(await s.byTestId(`key-save-${provider}`));
  await s.waitForText(`key-ok-${provider}`, (t) => t.includes(key.slice(-4)), 30_000);
}

/** Fill in the new-deck form for `provider` and press Generate; resolves with the new job. */
async function generate(provider, topic) {
  await screen("new-deck");
  // The service choice is shown only when more than one is set up.
  const choice = await s.css(`label[for="provider-${provider}"]`).catch(() => null);
  if (choice) await s.click(choice);
  await s.type(await s.byTestId("field-content"), topic);
  // The form keeps the last deck's number of slides; replace it.
  const slides = await s.byTestId("field-slides");
  await s.clear(slides);
  await s.type(slides, "5");
  const before = new Set((await allJobs()).map((j) => j.id));
  await s.click(await s.byTestId("generate"));
  await screen("jobs");
  const jobs = await allJobs();
  const view = jobs.find((j) => !before.has(j.id));
  assert.ok(view, `no new job after Generate; jobs: ${JSON.stringify(jobs)}`);
  const job = await fullJob(view.id);
  assert.equal(job.provider, provider);
  // Lists carry the notes' first line only; get_job has the notes.
  assert.equal(view.topic, topic);
  assert.equal(view.request.content, undefined);
  assert.equal(job.request.content, topic);
  return job;
}

/** The newest page of "Your decks", as the page gets it. */
/** The job's card as the page shows it: its data-state and status line. */
async function card(id) {
  const el = await s.byTestId(`job-${id}`);
  const state = await s.attribute(el, "data-state");
  // Finished decks have no status line (the badge says it); a missing one reads as "".
  const status = await s.css(`[data-testid="job-${id}"] [data-testid="job-status"]`).then((line) => s.text(line)).catch(() => "");
  return { el, state, status };
}

/** Watch the card until it is done; returns every (state, status) pair seen on the way. */
async function watchUntilDone(id, timeoutMs = 90_000) {
  const seen = [];
  await waitFor(async () => {
    const c = await card(id);
    const last = seen[seen.length - 1];
    if (!last || last.state !== c.state || last.status !== c.status) seen.push({ state: c.state, status: c.status });
    if (c.state === "failed" || c.state === "needs_attention") {
      throw new Error(`the deck stopped: ${JSON.stringify(await fullJob(id))}`);
    }
    return c.state === "done";
  }, { timeoutMs, what: `job ${id} to be done` }).catch(async (e) => {
    const page = await s.exec("return [document.getElementById('screen').dataset.screen, document.querySelector('[data-testid=job-list]')?.children.length, document.querySelector('[data-testid=jobs-summary]')?.textContent, document.querySelector('#jobs-state')?.value]").catch(() => null);
    throw new Error(`${e.message}\nseen: ${JSON.stringify(seen)}\nthe page: ${JSON.stringify(page)}`);
  });
  return seen;
}

function assertDeck(path, magic = "PK") {
  assert.ok(existsSync(path), `${path} is not on disk`);
  const bytes = readFileSync(path);
  assert.ok(bytes.length > 1000, `${path} is only ${bytes.length} bytes`);
  assert.equal(bytes.subarray(0, 2).toString("latin1"), magic, `${path} is not a ${magic === "PK" ? "PowerPoint (zip)" : "PDF"} file`);
}

test("paste a Gamma key on the welcome screen, make a deck, and watch it arrive in Documents/Deckhand", async () => {
  await screen("welcome");
  await pasteKey("gamma", gamma.key);
  await s.click(await s.byTestId("welcome-start"));

  const job = await generate("gamma", "Photosynthesis for a class of ten-year-olds");
  const seen = await watchUntilDone(job.id);
  assert.equal(submits(gamma), 1, "Gamma was asked once");
  assert.equal((await s.invoke("get_job", { id: job.id })).ok.request.content, "Photosynthesis for a class of ten-year-olds");
  // The page said where the deck stood while it was being made, not only at the end.
  assert.ok(seen.some((x) => x.state === "running" && /Gamma is making your deck — .+ so far/.test(x.status)),
    `no live status while Gamma worked: ${JSON.stringify(seen)}`);
  await shot("generate-gamma-done");

  const done = await fullJob(job.id);
  assert.equal(dirname(done.file), join(documents, "Deckhand"));
  assertDeck(done.file);
  // Named after the deck (no title was typed: Gamma's title for it), not after the server.
  assert.deepEqual(savedDecks(), ["Photosynthesis for a class of ten-year-olds.pptx"]);
  assert.equal(done.deck_title, "Photosynthesis for a class of ten-year-olds");
  // The card: the deck's title, what makes it different, its folder; "Ready" said once.
  assert.equal(await s.text(await s.css(`[data-testid="job-${job.id}"] [data-testid="job-title"]`)), "Photosynthesis for a class of ten-year-olds");
  const facts = await s.text(await s.css(`[data-testid="job-${job.id}"] [data-testid="job-facts"]`));
  assert.match(facts, /^Default look · PowerPoint · 5 slides · \d+ KB · made in .+$/);
  assert.equal(await s.text(await s.css(`[data-testid="job-${job.id}"] [data-testid="job-folder"]`)), join(documents, "Deckhand"));
  const c = await card(job.id);
  assert.equal(c.status, "", "no status line repeats Ready");
  assert.ok(done.edit_url && done.edit_url.startsWith("http"), "Gamma's editor link is kept");

  // "Show in folder" asks the desktop's file manager to show this very file.
  await s.click(await s.css(`[data-testid="job-${job.id}"] [data-testid="job-show"]`));
  const shown = await waitFor(() => existsSync(fileManagerLog) && readFileSync(fileManagerLog, "utf8"),
    { what: "the file manager to be asked to show the deck" });
  assert.equal(shown.trim(), `ShowItems ${pathToFileURL(done.file).href}`);
});

test("add Presenton in Settings, quit while it makes a deck, start again, and see it finish by itself", async () => {
  await s.click(await s.byTestId("nav-settings"));
  await screen("settings");
  await pasteKey("presenton", presenton.key);
  await s.click(await s.byTestId("nav-new-deck"));

  const job = await generate("presenton", "Quarterly sales review for the regional team");
  // Wait until Presenton has accepted it (the journal holds its task id), then quit mid-way.
  await waitFor(async () => {
    const c = await card(job.id);
    return c.state === "running" && c.status.length > 0;
  }, { timeoutMs: 30_000, what: "Presenton to start making the deck" });
  const running = await fullJob(job.id);
  assert.ok(running.remote && running.remote.id, "the task id is known before we quit");
  await shot("generate-presenton-running");
  const decksBefore = savedDecks();
  await s.end();
  s = null;

  // A new start of the app: the deck is in the list and continues without anyone clicking,
  // and the window says so, with a way to it.
  s = await Session.start(driver.base, resolve(APP_BIN));
  await screen("new-deck");
  const notice = await s.waitForText("resumed-banner", (t) => t.length > 0, 30_000);
  assert.match(notice, /^1 deck is still being made — Deckhand picked it up\./);
  await shot("generate-restart-notice");
  await s.click(await s.byTestId("resumed-see"));
  await screen("jobs");
  const seen = await watchUntilDone(job.id);
  assert.ok(seen.length >= 1);
  await shot("generate-presenton-done");

  const done = await fullJob(job.id);
  assert.equal(done.remote.id, running.remote.id, "the same task was resumed, not a new one sent");
  assertDeck(done.file);
  assert.equal(done.file, join(documents, "Deckhand", "Quarterly sales review for the regional team.pptx"));
  const decksAfter = savedDecks();
  assert.equal(decksAfter.length, decksBefore.length + 1, `exactly one new file: ${JSON.stringify(decksAfter)}`);
  // Presenton was asked once for this deck: a second submit would be a second charge.
  assert.equal(submits(presenton), 1, "Presenton was asked once, before and after the restart together");
  const presentonJobs = (await allJobs()).filter((j) => j.provider === "presenton");
  assert.equal(presentonJobs.length, 1);
});

test("every screen opens at its top, with focus on its heading", async () => {
  for (const [nav, heading] of [["nav-new-deck", "New deck"], ["nav-jobs", "Your decks"]]) {
    await s.click(await s.byTestId("nav-settings"));
    await screen("settings");
    const scrolled = await s.exec("window.scrollTo(0, document.documentElement.scrollHeight); return window.scrollY;");
    assert.ok(scrolled > 100, `Settings scrolls in this window (${scrolled})`);
    await s.click(await s.byTestId(nav));
    await waitFor(async () => (await s.exec("return document.querySelector('#screen h1')?.textContent")) === heading, { what: heading });
    assert.equal(await s.exec("return window.scrollY;"), 0, `${heading} opens at its top`);
    assert.deepEqual(await s.exec("return [document.activeElement.tagName, document.activeElement.textContent];"), ["H1", heading]);
  }
  await shot("generate-screen-top");
});

test("Settings › Help: the log is shown in the file manager, diagnostic info is copied, and the log holds no key and no notes", async () => {
  await s.click(await s.byTestId("nav-settings"));
  await screen("settings");
  const logFile = join(home, "data", "logs", "deckhand.log");

  await s.click(await s.byTestId("open-log-folder"));
  const asked = await waitFor(() => {
    const lines = existsSync(fileManagerLog) ? readFileSync(fileManagerLog, "utf8").trim().split("\n") : [];
    return lines.length >= 2 && lines[lines.length - 1];
  }, { what: "the file manager to be asked to show the log" });
  assert.equal(asked, `ShowItems ${pathToFileURL(logFile).href}`);

  await s.click(await s.byTestId("copy-diagnostics"));
  const status = await s.waitForText("diagnostics-status", (t) => t.length > 0);
  assert.equal(status, "Copied. Paste it into your email or bug report.");
  const text = await s.invoke("copy_diagnostic_info");
  assert.ok(text.ok, `copy_diagnostic_info failed: ${JSON.stringify(text.error)}`);
  const report = text.ok.text;
  assert.match(report, /^Deckhand \d+\.\d+\.\d+ \(app\.deckhand\.desktop\)\n/);
  assert.match(report, /\nWebKit\/WebView: 2\.\d+/);
  assert.match(report, /Keys set: Gamma: yes, Presenton: yes/);
  assert.match(report, / deckhand_engine::activity_log: job \S+ gamma: done /, "the log's last lines are in it");
  await shot("help-copied");

  // The log: there, telling what happened, and holding neither key nor a word of the notes.
  const log = readFileSync(logFile, "utf8");
  assert.match(log, / INFO  deckhand_app::logging: Deckhand \S+ starting on /);
  assert.match(log, /: job \S+ presenton: done /);
  for (const [what, secret] of [["Gamma key", gamma.key], ["Presenton key", presenton.key]]) {
    assert.ok(!log.includes(secret) && !report.includes(secret), `${what} in the log or the report`);
  }
  for (const notes of ["Photosynthesis for a class of ten-year-olds", "Quarterly sales review for the regional team"]) {
    assert.ok(!log.includes(notes.slice(0, 14)) && !report.includes(notes.slice(0, 14)), `notes "${notes}" in the log or the report`);
  }
});
