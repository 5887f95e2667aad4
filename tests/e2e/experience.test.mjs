// End to end, a presenter with a Presenton server of their own: the real Deckhand binary under
// Xvfb against the fake self-hosted Presenton 0.7.3 (no sign-in; like the real server tried in
// issue 12, its PDF export fails while PowerPoint works, and it names files after the title cut
// mid-word at 95 characters). Set the server up on the welcome screen and see the test result
// beside the button; make a PDF, take the advice to make it as PowerPoint instead; find the deck
// named after its title, cut at a word, and recognisable on its card with its own picture; and on
// a desktop with no program for .pptx and no file manager, "Open" and "Show in folder" say so
// plainly, with the file's path to copy. Needs APP_BIN and FAKE_SERVER (scripts/test.sh).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startDriver, Session, waitFor } from "./webdriver.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const artifacts = process.env.E2E_ARTIFACTS || join(root, "tests/artifacts/e2e");
const { APP_BIN, FAKE_SERVER } = process.env;

// The fake stops by itself after this long, even if this file is killed.
const HELPER_LIFETIME_S = 600;
const TOPIC = "Why our school is switching to a four-day week and what it means for families in the first milestone year";

let fake;
let fakeOut = "";
let home;
let documents;
let driver;
let s;

before(async () => {
  for (const [name, value] of Object.entries({ APP_BIN, FAKE_SERVER })) assert.ok(value, `${name} must be set (scripts/test.sh sets it)`);
  mkdirSync(artifacts, { recursive: true });
  home = mkdtempSync(join(tmpdir(), "deckhand-e2e-experience-"));
  documents = join(home, "Documents");
  mkdirSync(documents);
  const config = join(home, "config");
  mkdirSync(config);
  writeFileSync(join(config, "user-dirs.dirs"), `XDG_DOCUMENTS_DIR="${documents}"\n`);

  // 12 simulated seconds per deck, 3.6 s here.
  fake = spawn(FAKE_SERVER, ["--provider", "presenton-self", "--generation", "0.7.3", "--fail-pdf", "--port", "0", "--time-scale", "0.3", "--exit-after", String(HELPER_LIFETIME_S)], { stdio: ["ignore", "pipe", "inherit"] });
  fake.stdout.on("data", (chunk) => { fakeOut += chunk; });
  await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(fakeOut), { timeoutMs: 30_000, what: "the fake Presenton server" });

  // A desktop with no program for decks: the launchers Deckhand tries answer as they do then
  // (xdg-open: "no method available", exit 3). No file manager is on the session bus.
  const bin = join(home, "bin");
  mkdirSync(bin);
  for (const [name, code] of [["xdg-open", 3], ["gio", 1]]) {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name}: no method available for opening '$1'" >&2\nexit ${code}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  Object.assign(process.env, { DECKHAND_DATA_DIR: join(home, "data"), XDG_CONFIG_HOME: config, PATH: `${bin}:${process.env.PATH}` });
  driver = await startDriver();
  s = await Session.start(driver.base, resolve(APP_BIN));
});

after(async () => {
  if (s) {
    await shot("experience-last").catch(() => {});
    await s.end();
  }
  if (driver) await driver.stop();
  if (fake && fake.exitCode === null) fake.kill("SIGTERM");
  if (home) rmSync(home, { recursive: true, force: true });
});

const serverUrl = () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(fakeOut)[1];
const submits = () => {
  const all = [...fakeOut.matchAll(/^submits: (\d+)$/gm)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
};

const shot = (name) => s.saveScreenshot(artifacts, name);

async function screen(name) {
  return waitFor(() => s.byTestId(`screen-${name}`), { what: `the ${name} screen`, timeoutMs: 30_000 });
}

const inCard = (id, testid) => s.css(`[data-testid="job-${id}"] [data-testid="${testid}"]`);

/** The newest job's id once there are `n` jobs. */
async function newestJob(n) {
  return waitFor(async () => {
    const r = await s.invoke("list_jobs", { query: { limit: 10 } });
    return r.ok && r.ok.total >= n ? r.ok.jobs[0] : null;
  }, { what: `${n} jobs`, timeoutMs: 30_000 });
}

async function cardState(id, state, timeoutMs = 60_000) {
  await waitFor(async () => (await s.attribute(await s.byTestId(`job-${id}`), "data-state")) === state, { timeoutMs, what: `job ${id} to be ${state}` });
}

test("set up my own Presenton server on the welcome screen: tested beside the button, then the first deck", async () => {
  await screen("welcome");
  const url = await s.css('[data-testid="welcome-presenton-self"] [data-testid="server-url"]');
  assert.equal(await s.attribute(url, "value"), "", "a placeholder, not a value");
  await s.type(url, serverUrl());
  await s.click(await s.css('[data-testid="welcome-presenton-self"] [data-testid="server-save"]'));
  const ok = await s.waitForText("server-ok", (t) => t.length > 0, 30_000);
  assert.match(ok, /^Connected to the Presenton server at http:\/\/127\.0\.0\.1:\d+\/\.$/);
  assert.equal(await s.text(await s.byTestId("welcome-needs")), "You're set up. You can add another service below or start right away.");
  await shot("experience-welcome-server");
  await s.click(await s.byTestId("server-first-deck"));
  await screen("new-deck");
  assert.equal(await s.text(await s.byTestId("provider-only")), "Presenton (self-hosted)");
});

test("a PDF the server cannot export gets advice that fits; PowerPoint instead works and is named after the deck", async () => {
  await s.type(await s.byTestId("field-content"), TOPIC);
  await s.type(await s.byTestId("field-slides"), "5");
  await s.click(await s.css("label[for='format-pdf']"));
  await s.click(await s.byTestId("generate"));
  await screen("jobs");
  const pdf = await newestJob(1);
  await cardState(pdf.id, "failed");
  assert.equal(await s.text(await inCard(pdf.id, "advice-sentence")), "Your Presenton server couldn't make the PDF.");
  const advice = await s.text(await inCard(pdf.id, "advice-next"));
  assert.ok(!/shorter notes|fewer slides/.test(advice), advice);
  await shot("experience-pdf-advice");

  await s.click(await inCard(pdf.id, "job-make-pptx"));
  const pptx = await newestJob(2);
  assert.notEqual(pptx.id, pdf.id);
  assert.equal(pptx.request.format, "pptx");
  assert.equal(pptx.retry_of, pdf.id);
  await cardState(pptx.id, "done");
  assert.equal(submits(), 2, "one request per deck, no more");

  // Named after the deck's title, cut at a word boundary, not after the server's file name.
  const decks = readdirSync(join(documents, "Deckhand"));
  assert.deepEqual(decks, ["Why our school is switching to a four-day week and what it means for families in.pptx"]);
  assert.ok(readFileSync(join(documents, "Deckhand", decks[0])).subarray(0, 2).toString() === "PK");

  // The card says what makes the deck different, and shows its own first slide's picture.
  assert.equal(await s.text(await inCard(pptx.id, "job-title")), TOPIC);
  assert.match(await s.text(await inCard(pptx.id, "job-facts")), /^Default look · PowerPoint · 5 slides · 92 KB · made in .+$/);
  assert.equal(await s.text(await inCard(pptx.id, "job-folder")), join(documents, "Deckhand"));
  await waitFor(async () => (await s.attribute(await inCard(pptx.id, "job-preview"), "data-kind")) === "deck", { what: "the deck's picture" });
  const preview = await s.exec("const img = document.querySelector(arguments[0]); return [img.src.slice(0, 23), img.naturalWidth];", [`[data-testid="job-${pptx.id}"] img`]);
  assert.deepEqual(preview, ["data:image/jpeg;base64,", 480]);
  await shot("experience-card");
  assert.ok(existsSync(join(home, "data", "window-state.json")), "the window's own state is kept by the app");
});

test("with no program for .pptx and no file manager, Open and Show in folder say what happened and offer the path", async () => {
  const [job] = (await s.invoke("list_jobs", { query: { states: ["done"], limit: 1 } })).ok.jobs;
  const file = join(documents, "Deckhand", readdirSync(join(documents, "Deckhand"))[0]);
  await s.click(await inCard(job.id, "job-open"));
  const problem = await waitFor(() => inCard(job.id, "problem-file_action"), { what: "Open's problem in the card" });
  const said = await s.text(problem);
  assert.match(said, /^No program on this computer opened “Why our school is switching .+\.pptx”\. Install one that opens PowerPoint files/);
  assert.ok(!/unexpected|service said/i.test(said), said);
  assert.equal(await s.exec("return document.querySelector(arguments[0]).value;", [`[data-testid="job-${job.id}"] [data-testid="problem-path"]`]), file);
  await shot("experience-open-failed");

  await s.click(await inCard(job.id, "job-show"));
  await waitFor(async () => /No file manager answered/.test(await s.text(await inCard(job.id, "job-action-problem"))), { what: "Show in folder's problem" });
  const sentence = await s.text(await s.css(`[data-testid="job-${job.id}"] [data-testid="job-action-problem"] .problem-sentence`));
  assert.ok(!/DBus|org\.freedesktop/.test(sentence), `the bus error stays under Details: ${sentence}`);
  assert.equal(await s.exec("return document.querySelector(arguments[0]).value;", [`[data-testid="job-${job.id}"] [data-testid="problem-path"]`]), file);
  await shot("experience-show-failed");
});
