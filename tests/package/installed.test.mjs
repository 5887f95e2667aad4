// The installed package, as a presenter gets it: scripts/test.sh builds the .deb and .rpm with
// scripts/package.sh, installs the .deb with apt-get (which checks its dependencies) and runs
// this file inside scripts/private-session.sh under Xvfb; afterwards it removes the package.
//
// Needs DEB and RPM (the packages), FAKE_SERVER (tests/src/bin/fake_server.rs); the installed
// app is /usr/bin/deckhand unless INSTALLED_APP says otherwise. Tests run in order: the
// WebDriver session ends before the app is started by hand, as a presenter would.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startDriver, Session, waitFor } from "../e2e/webdriver.mjs";
import { startFake, stopHelpers } from "../e2e/fakes.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = process.env.PACKAGE_ARTIFACTS || resolve(here, "../artifacts/package");
const { DEB, RPM, FAKE_SERVER } = process.env;
const APP = process.env.INSTALLED_APP || "/usr/bin/deckhand";
const IDENTIFIER = "app.deckhand.desktop";
const MAX_DEB_BYTES = 12_000_000;
// The platform's folders, as the private session sets them.
const dataHome = process.env.XDG_DATA_HOME || join(process.env.HOME, ".local/share");
const configHome = process.env.XDG_CONFIG_HOME || join(process.env.HOME, ".config");
const logFile = join(dataHome, IDENTIFIER, "logs", "deckhand.log");
// Notes unlike any other text, so that any piece of them in the log is a leak.
const NOTES = "Tidal pools of the Breton coast, for a class of nine-year-olds (package canary 8e1f)";

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: "utf8", ...opts });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let gamma;

before(async () => {
  for (const [name, value] of Object.entries({ DEB, RPM, FAKE_SERVER })) assert.ok(value, `${name} must be set (scripts/test.sh sets it)`);
  mkdirSync(artifacts, { recursive: true });
  gamma = await startFake(FAKE_SERVER, "gamma", 0.05);
  // What the app inherits: the fake Gamma's address. Keys are pasted through the page.
  process.env.DECKHAND_GAMMA_BASE_URL = gamma.url;
});

after(() => {
  stopHelpers();
  stopApps();
});

test(`the .deb is at most ${MAX_DEB_BYTES / 1e6} MB and says what Deckhand needs`, () => {
  const size = statSync(DEB).size;
  assert.ok(size <= MAX_DEB_BYTES, `the .deb is ${size} bytes`);
  const field = (name) => run("dpkg-deb", ["-f", DEB, name]).trim();
  assert.equal(field("Package"), "deckhand");
  const depends = field("Depends").split(/,\s*/);
  for (const p of ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libdbus-1-3"]) assert.ok(depends.includes(p), `Depends: ${depends}`);
  assert.match(field("Recommends"), /^gnome-keyring \| /, "a Secret Service provider is recommended");
  assert.ok(field("Homepage").startsWith("https://"));
  assert.match(field("Description"), /slide deck/);
});

/** Packages the given ones depend on, directly or not (their names, virtual ones included). */
function dependencyClosure(packages) {
  const out = run("apt-cache", ["depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks",
    "--no-replaces", "--no-enhances", ...packages], { maxBuffer: 64 * 1024 * 1024 });
  const names = new Set();
  for (const line of out.split("\n")) {
    const m = /^\s*(?:\|?(?:Pre)?Depends: )?<?([a-z0-9][a-z0-9.+-]*)(?::[a-z0-9]+)?>?\s*$/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

/** The Debian package that holds a shared library, found the way the loader finds it. */
function ownerOf(soname) {
  const cache = run("ldconfig", ["-p"]);
  const line = cache.split("\n").find((l) => l.trim().startsWith(`${soname} `) && l.includes("x86-64"));
  assert.ok(line, `${soname} is not installed`);
  const path = line.split(" => ")[1].trim();
  for (const candidate of [path, path.replace(/^\/lib\//, "/usr/lib/"), path.replace(/^\/usr\/lib\//, "/lib/")]) {
    try {
      return run("dpkg", ["-S", candidate], { stdio: ["ignore", "pipe", "ignore"] }).split(":")[0].trim();
    } catch { /* try the other spelling of a merged /usr */ }
  }
  throw new Error(`no package owns ${path}`);
}

test("every library the installed binary loads comes with the package's dependencies", () => {
  const needed = run("readelf", ["-d", APP]).split("\n").map((l) => /\(NEEDED\).*\[(.+)\]/.exec(l)).filter(Boolean).map((m) => m[1]);
  assert.ok(needed.includes("libwebkit2gtk-4.1.so.0") && needed.includes("libdbus-1.so.3"), `NEEDED: ${needed}`);
  const depends = run("dpkg-deb", ["-f", DEB, "Depends"]).trim().split(/,\s*/);
  const closure = dependencyClosure(depends);
  const missing = needed.map((so) => [so, ownerOf(so)]).filter(([, pkg]) => !closure.has(pkg));
  assert.deepEqual(missing, [], "libraries whose package the .deb does not depend on, directly or not");
});

test("the .rpm is built and requires WebKitGTK, GTK and D-Bus", () => {
  assert.ok(statSync(RPM).size > 1_000_000);
  assert.equal(run("rpm", ["-qp", "--queryformat", "%{NAME}", RPM], { stdio: ["ignore", "pipe", "ignore"] }), "deckhand");
  const requires = run("rpm", ["-qp", "--requires", RPM], { stdio: ["ignore", "pipe", "ignore"] }).split("\n").map((l) => l.trim());
  for (const r of ["libwebkit2gtk-4.1.so.0()(64bit)", "libgtk-3.so.0()(64bit)", "libdbus-1.so.3()(64bit)"]) {
    assert.ok(requires.includes(r), `${r} in ${requires}`);
  }
});

test("the menu entry validates, opens the installed app and has its icon", () => {
  const entry = "/usr/share/applications/Deckhand.desktop";
  run("desktop-file-validate", [entry]);
  const text = readFileSync(entry, "utf8");
  const value = (key) => (new RegExp(`^${key}=(.*)$`, "m").exec(text) || [])[1];
  assert.equal(value("Name"), "Deckhand");
  assert.equal(value("Exec"), "deckhand");
  assert.equal(value("Icon"), "deckhand");
  assert.match(value("Comment"), /slide deck/);
  assert.match(value("Categories"), /^Office;/);
  assert.ok(existsSync(APP) && (statSync(APP).mode & 0o111), `${APP} is an executable`);
  for (const size of ["32x32", "128x128", "256x256@2"]) {
    assert.ok(existsSync(`/usr/share/icons/hicolor/${size}/apps/deckhand.png`), `the ${size} icon`);
  }
  assert.ok(existsSync("/usr/share/doc/deckhand/copyright"), "the license is installed");
});

test("the installed app: paste a key through the page, make a deck, copy diagnostic info", async () => {
  const driver = await startDriver();
  let s;
  try {
    s = await Session.start(driver.base, APP);
    assert.equal(await s.title(), "Deckhand");
    await waitFor(() => s.byTestId("screen-welcome"), { what: "the welcome screen", timeoutMs: 30_000 });
    await s.type(await s.byTestId("key-input-gamma"), gamma.key);
    await s.click(await s.byTestId("key-save-gamma"));
    await s.waitForText("key-ok-gamma", (t) => t.includes(gamma.key.slice(-4)), 30_000);

    const submitted = await s.invoke("submit_deck", { provider: "gamma", request: { content: NOTES, title: "Tide pools", slides: 5, format: "pptx" }, outDir: null });
    assert.ok(submitted.ok, `submit_deck: ${JSON.stringify(submitted.error)}`);
    const done = await waitFor(async () => {
      const job = (await s.invoke("list_jobs", { query: { limit: 100 } })).ok.jobs.find((j) => j.id === submitted.ok.id);
      if (["failed", "needs_attention", "cancelled"].includes(job.state)) throw new Error(`the deck stopped: ${JSON.stringify(job)}`);
      return job.state === "done" && job;
    }, { timeoutMs: 90_000, what: "the deck to be made" });
    assert.equal(readFileSync(done.file).subarray(0, 2).toString("latin1"), "PK", "a PowerPoint file on disk");

    await s.click(await s.byTestId("nav-settings"));
    await s.click(await s.byTestId("copy-diagnostics"));
    await s.waitForText("diagnostics-status", (t) => t.startsWith("Copied."));
    // The clipboard, read by another program while Deckhand (its owner) still runs.
    const clipboard = run("xclip", ["-o", "-selection", "clipboard"], { timeout: 10_000 });
    assert.match(clipboard, new RegExp(`^Deckhand \\S+ \\(${IDENTIFIER.replaceAll(".", "\\.")}\\)\n`));
    assert.match(clipboard, /Keys set: Gamma: yes/);
    assert.match(clipboard, /gamma: done/);
    assert.ok(!clipboard.includes(gamma.key) && !clipboard.includes(NOTES.slice(0, 20)), "no key and no notes in the report");
    writeFileSync(join(artifacts, "diagnostic-info.txt"), clipboard);
    writeFileSync(join(artifacts, "window.png"), Buffer.from(await s.cmd("GET", "/screenshot"), "base64"));
  } finally {
    if (s) await s.end();
    await driver.stop();
  }
});

test("the log is in the platform's log folder, tells what happened, and holds no key and no notes", () => {
  const log = readFileSync(logFile, "utf8");
  writeFileSync(join(artifacts, "deckhand.log"), log);
  assert.match(log, /^\d{4}-\d\d-\d\dT\S+ INFO  deckhand_app::logging: Deckhand \S+ starting on /m);
  assert.match(log, /deckhand_engine::activity_log: job \S+ gamma: done /);
  const key = gamma.key;
  const pieces = [];
  for (let i = 0; i + 12 <= key.length; i++) pieces.push(key.slice(i, i + 12));
  for (let i = 0; i + 12 <= NOTES.length; i++) pieces.push(NOTES.slice(i, i + 12));
  const found = pieces.filter((p) => log.includes(p));
  assert.deepEqual(found, [], "pieces of the key or the notes in the log");
  assert.doesNotMatch(log, /(authorization|x-api-key)["']?\s*[:=]\s*["']?(?!<redacted>)\S/i);
  assert.doesNotMatch(log, /https?:\/\/[^\s?"]+\?(?!<redacted>)/, "a link with its query");
});

// ---- the app started as from the menu, without WebDriver ------------------------------------

const started = [];

/** The installed app, started as the menu starts it; what it prints goes to the artifacts. */
function startApp() {
  const out = openSync(join(artifacts, `app-${started.length + 1}.out`), "w");
  const child = spawn(APP, [], { stdio: ["ignore", out, out], detached: true });
  started.push(child);
  return child;
}

/** Waits for exactly one Deckhand window; says what there is instead when it times out. */
async function oneWindow(what) {
  try {
    return await waitFor(() => windows().length === 1 && windows(), { timeoutMs: 30_000, what });
  } catch (e) {
    const exits = started.map((c) => `${c.pid}: ${c.exitCode ?? c.signalCode ?? "running"}`).join(", ");
    throw new Error(`${e.message}; windows ${JSON.stringify(windows())}, processes ${JSON.stringify(processes())}, started ${exits}`);
  }
}

function stopApps() {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
}

/** X windows named exactly "Deckhand" that are shown. */
function windows() {
  try {
    return run("xdotool", ["search", "--onlyvisible", "--name", "^Deckhand$"]).trim().split("\n").filter(Boolean);
  } catch {
    return []; // xdotool exits 1 when there is none
  }
}

/** Running processes of the installed app (not a build from source someone else runs). */
function processes() {
  let pids;
  try {
    pids = run("pgrep", ["-x", "deckhand"]).trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
  return pids.filter((pid) => {
    try {
      return run("readlink", [`/proc/${pid}/exe`]).trim() === APP;
    } catch {
      return false; // it ended meanwhile
    }
  });
}

/** { x, y, width, height } of a window, as X reports it. */
function geometry(id) {
  const out = run("xdotool", ["getwindowgeometry", "--shell", id]);
  const v = Object.fromEntries(out.trim().split("\n").map((l) => l.split("=")));
  return { x: Number(v.X), y: Number(v.Y), width: Number(v.WIDTH), height: Number(v.HEIGHT) };
}

const exited = (child) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));

test("opening Deckhand again shows the window already open: one process, one window", async () => {
  // WebKitWebDriver leaves the Deckhand it started running when its session ends; a start
  // before that one is gone would hand over to it.
  for (const pid of processes()) process.kill(Number(pid), "SIGTERM");
  await waitFor(() => processes().length === 0 && windows().length === 0, { what: "no Deckhand running" });
  const first = startApp();
  const [id] = await oneWindow("the Deckhand window");
  assert.equal(run("xprop", ["-id", id, "WM_CLASS"]).includes('"deckhand"'), true, "the window belongs to the menu entry (StartupWMClass)");

  const secondOut = openSync(join(artifacts, "app-second.out"), "w");
  const second = spawn(APP, [], { stdio: ["ignore", secondOut, secondOut] });
  const code = await Promise.race([new Promise((r) => second.once("exit", (c) => r(c))), sleep(20_000).then(() => "still running")]);
  assert.equal(code, 0, "the second launch hands over to the first and ends");
  await sleep(500);
  assert.deepEqual(processes(), [String(first.pid)]);
  assert.deepEqual(windows(), [id]);
  await waitFor(() => readFileSync(logFile, "utf8").includes("Deckhand was opened again"), { what: "the first Deckhand to hear of the second" })
    .catch((e) => { throw new Error(`${e.message}; the log ends: ${readFileSync(logFile, "utf8").split("\n").slice(-6).join(" / ")}`); });
});

test("the window's size and place are remembered", async () => {
  const [id] = windows();
  assert.ok(id, "the window of the previous test is open");
  run("xdotool", ["windowsize", id, "913", "677"]);
  run("xdotool", ["windowmove", id, "61", "43"]);
  const wanted = await waitFor(() => {
    const g = geometry(id);
    return g.width === 913 && g.height === 677 && g.x === 61 && g.y === 43 && g;
  }, { what: "the window to take its new size and place" });
  const stateFile = join(configHome, IDENTIFIER, ".window-state.json");
  await waitFor(() => existsSync(stateFile) && readFileSync(stateFile, "utf8").includes("913"), { what: "the window's state to be saved" })
    .catch((e) => { throw new Error(`${e.message}; ${stateFile}: ${existsSync(stateFile) ? readFileSync(stateFile, "utf8") : "absent"}; geometry now ${JSON.stringify(geometry(id))}; log: ${readFileSync(logFile, "utf8").split("\n").slice(-8).join(" / ")}`); });

  // Ended the way a desktop session ends it; then opened again.
  const [first] = started;
  first.kill("SIGTERM");
  await exited(first);
  await waitFor(() => windows().length === 0 && processes().length === 0, { what: "Deckhand to close" });
  startApp();
  const [again] = await oneWindow("the Deckhand window, again");
  const g = await waitFor(() => {
    const now = geometry(again);
    return now.width === wanted.width && now.height === wanted.height && now;
  }, { what: `the size ${wanted.width}×${wanted.height} back; state file: ${readFileSync(stateFile, "utf8")}` });
  assert.ok(Math.abs(g.x - wanted.x) <= 2 && Math.abs(g.y - wanted.y) <= 2, `placed at ${g.x},${g.y}, was ${wanted.x},${wanted.y}`);
});
