// Benchmark 4: many decks at once. The real app (release build) through tauri-driver, with a
// self-hosted Presenton fake that never finishes (a slow service): 200 decks are submitted
// (as many generate at once as Settings allow, 8; the rest wait their turn), "Your decks" is on
// screen, then over 60 s of waiting: the app's CPU time (and its WebKit processes'), the events
// sent to the window per second, and how long a click on "Your decks" takes to show its cards
// again. The baseline is the same window after every deck was cancelled (the same cards,
// nothing waiting). Writes one JSON object to OUT (or stdout).
//
//   APP_BIN=… FAKE_SERVER=… [DECKS=200] [WAIT_SECONDS=60] [CLICKS=5] [OUT=file] node bench/many-decks.mjs
// Run inside Xvfb and a private session (scripts/bench.sh does).

import { mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawn } from "node:child_process";
import { startDriver, Session, waitFor } from "../tests/e2e/webdriver.mjs";

const { APP_BIN, FAKE_SERVER } = process.env;
const DECKS = Number(process.env.DECKS || 200);
const SECONDS = Number(process.env.WAIT_SECONDS || 60);
const CLICKS = Number(process.env.CLICKS || 5);
const IDLE_SECONDS = Number(process.env.IDLE_SECONDS || 20);
const log = (...a) => console.error("many:", ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HZ = 100; // USER_HZ on Linux

if (!APP_BIN || !FAKE_SERVER) {
  console.error("APP_BIN and FAKE_SERVER must be set");
  process.exit(2);
}

/** utime + stime of a process, in seconds; 0 when it is gone. */
function cpuSecs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / HZ;
  } catch {
    return 0;
  }
}

function ppid(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return -1;
  }
}

const pids = () => readdirSync("/proc").filter((n) => /^\d+$/.test(n)).map(Number);

/** The app's process (the newest running APP_BIN) and its descendants (WebKit's). */
function appTree() {
  const bin = realpathSync(APP_BIN);
  const app = pids().filter((p) => { try { return readlinkSync(`/proc/${p}/exe`) === bin; } catch { return false; } }).sort((a, b) => b - a)[0];
  if (!app) throw new Error(`no running ${bin}`);
  const all = pids().map((p) => [p, ppid(p)]);
  const tree = [app];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of all) if (pp === tree[i]) tree.push(p);
  return { app, others: tree.slice(1) };
}

function startFake() {
  const child = spawn(FAKE_SERVER, ["--provider", "presenton-self", "--generation", "0.7.3", "--auth", "none", "--port", "0",
    "--time-scale", "1", "--generation-secs", "86400", "--exit-after", String(SECONDS * 3 + 600)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (c) => { out += c; });
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the fake did not start: ${out}`)), 30_000);
    child.stdout.on("data", () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolveUrl({ child, url: m[1] }); }
    });
  });
}

/** The cards "Your decks" shows now (a long history may be shown a page at a time). */
const CARDS = `document.querySelectorAll('[data-testid="screen-jobs"] [data-testid="job-list"] > li').length`;

/** Click "New deck", then "Your decks", and time in the page until its cards are painted. */
const CLICK_SCRIPT = `
  const [want, done] = arguments;
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  document.querySelector('[data-testid="nav-new-deck"]').click();
  (async () => {
    await frame(); await frame();
    const t0 = performance.now();
    document.querySelector('[data-testid="nav-jobs"]').click();
    while (${CARDS} < want) await frame();
    await frame(); await frame();
    done(performance.now() - t0);
  })();`;

/** Each click's time (ms); the list must show as many cards as it does now. */
async function clicks(s) {
  const want = await s.cmd("POST", "/execute/sync", { script: `return ${CARDS}`, args: [] });
  if (!(want > 0)) throw new Error("Your decks shows no deck to click back to");
  const out = [];
  for (let i = 0; i < CLICKS; i++) out.push(await s.cmd("POST", "/execute/async", { script: CLICK_SCRIPT, args: [want] }));
  return { cards: want, ms: out };
}

/** Every deck, through every page when list_jobs answers a page at a time. */
const ALL_JOBS = `
  async function allJobs() {
    const first = await window.__TAURI__.core.invoke("list_jobs", { query: { limit: 200 } });
    if (Array.isArray(first)) return first;
    const jobs = [...first.jobs];
    for (let page = first; page.next_cursor; ) {
      page = await window.__TAURI__.core.invoke("list_jobs", { query: { cursor: page.next_cursor, limit: 200 } });
      jobs.push(...page.jobs);
    }
    return jobs;
  }`;

async function jobStates(s) {
  const script = `${ALL_JOBS}
    const done = arguments[0];
    allJobs().then((jobs) => { const n = {}; for (const j of jobs) n[j.state] = (n[j.state] || 0) + 1; done(n); }, (e) => done({ error: String(e) }));`;
  return s.cmd("POST", "/execute/async", { script, args: [] });
}

async function cpuOver(seconds) {
  const { app, others } = appTree();
  const a0 = cpuSecs(app), w0 = others.map(cpuSecs).reduce((x, y) => x + y, 0);
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const secs = (Date.now() - t0) / 1000;
  const w1 = others.map(cpuSecs).reduce((x, y) => x + y, 0);
  return { app_percent: (100 * (cpuSecs(app) - a0)) / secs, webkit_percent: (100 * (w1 - w0)) / secs, secs };
}

const home = mkdtempSync(join(tmpdir(), "deckhand-bench-many-"));
let fake, driver, s;
try {
  fake = await startFake();
  Object.assign(process.env, { DECKHAND_DATA_DIR: join(home, "data"), HOME: home });
  driver = await startDriver();
  s = await Session.start(driver.base, resolve(APP_BIN));
  await waitFor(async () => (await s.cmd("POST", "/execute/sync", { script: "return document.body.dataset.ready === 'true'", args: [] })), { timeoutMs: 60_000, what: "the page" });

  const { settings } = (await s.invoke("get_settings")).ok;
  settings.servers.presenton_self = { ...settings.servers.presenton_self, enabled: true, base_url: fake.url, auth: "none", user: null };
  const saved = await s.invoke("save_settings", { settings: { ...settings, concurrency: { ...settings.concurrency, "presenton-self": 8 } } });
  if (saved.error) throw new Error(`settings: ${JSON.stringify(saved.error)}`);
  const atOnce = saved.ok.concurrency["presenton-self"];

  // Every event the window receives, counted from before the first deck (a count that moves
  // while they are submitted shows the counter works; the wait is what is measured).
  await s.cmd("POST", "/execute/async", {
    script: "const done = arguments[0]; window.__benchEvents = 0; window.__TAURI__.event.listen('deckhand://event', () => { window.__benchEvents++; }).then(() => done(true));",
    args: [],
  });
  const eventsNow = () => s.cmd("POST", "/execute/sync", { script: "return window.__benchEvents", args: [] });

  log(`submitting ${DECKS} decks (${atOnce} at once on the slow service)`);
  const submitted = await s.cmd("POST", "/execute/async", {
    script: `
      const [n, done] = arguments;
      (async () => {
        let ok = 0, err = null;
        for (let i = 0; i < n; i++) {
          try {
            await window.__TAURI__.core.invoke("submit_deck", { provider: "presenton-self", request: { content: "Deck " + i + ": the water cycle for a class of ten-year-olds", slides: 5, format: "pptx" } });
            ok++;
          } catch (e) { err = e; }
        }
        done({ ok, err });
      })();`,
    args: [DECKS],
  });
  if (submitted.ok !== DECKS) throw new Error(`only ${submitted.ok} of ${DECKS} decks were accepted: ${JSON.stringify(submitted.err)}`);
  await waitFor(async () => (await jobStates(s)).running >= Math.min(atOnce, DECKS), { timeoutMs: 60_000, what: "decks running on the fake" });
  await s.click(await s.byTestId("nav-jobs"));
  await sleep(5_000);
  const eventsSubmitting = await eventsNow();
  const statesWaiting = await jobStates(s);

  log(`waiting ${SECONDS} s: ${JSON.stringify(statesWaiting)}`);
  const waiting = await cpuOver(SECONDS);
  const events = (await eventsNow()) - eventsSubmitting;
  const statesAfter = await jobStates(s);
  if ((statesAfter.running || 0) + (statesAfter.queued || 0) !== DECKS) throw new Error(`decks stopped waiting: ${JSON.stringify(statesAfter)}`);
  const busyClicks = await clicks(s);

  log("cancelling every deck");
  const cancelled = await s.cmd("POST", "/execute/async", {
    script: `${ALL_JOBS}
      const done = arguments[0];
      (async () => {
        let n = 0;
        for (const j of await allJobs()) if (await window.__TAURI__.core.invoke("cancel_job", { id: j.id }).then(() => true, () => false)) n++;
        done(n);
      })();`,
    args: [],
  });
  await waitFor(async () => (await jobStates(s)).cancelled === DECKS, { timeoutMs: 60_000, what: `every deck cancelled (${cancelled} asked)` });
  await sleep(3_000);
  const eventsCancelled = await eventsNow();
  const idle = await cpuOver(IDLE_SECONDS);
  const idleEvents = (await eventsNow()) - eventsCancelled;
  const idleClicks = await clicks(s);

  const result = JSON.stringify({
    decks: DECKS,
    at_once: atOnce,
    seconds: waiting.secs,
    app_cpu_percent: waiting.app_percent,
    webkit_cpu_percent: waiting.webkit_percent,
    events_per_s: events / waiting.secs,
    events_while_submitting: eventsSubmitting,
    states_while_waiting: statesWaiting,
    cards_shown: busyClicks.cards,
    click_ms_waiting: busyClicks.ms,
    idle_seconds: idle.secs,
    idle_app_cpu_percent: idle.app_percent,
    idle_webkit_cpu_percent: idle.webkit_percent,
    idle_events_per_s: idleEvents / idle.secs,
    click_ms_idle: idleClicks.ms,
  }, null, 2);
  // OUT: into a file (the desktop session around this script may print on stdout too).
  if (process.env.OUT) writeFileSync(process.env.OUT, `${result}\n`);
  else console.log(result);
} finally {
  if (s) await s.end();
  if (driver) await driver.stop();
  if (fake) fake.child.kill("SIGTERM");
  rmSync(home, { recursive: true, force: true });
}
