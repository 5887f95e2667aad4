// A small W3C WebDriver client for the real app: starts tauri-driver (which starts
// WebKitWebDriver, which starts the app) and speaks plain HTTP to it with Node's fetch.
// No npm dependencies, so the e2e layer needs nothing but Node 20 and the two drivers.

import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns a truthy value or `timeoutMs` passes; errors count as "not yet". */
export async function waitFor(fn, { timeoutMs = 20_000, what = "condition" } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
    await sleep(150);
  }
}

export class WebDriverError extends Error {}

/** tauri-driver on free ports; `stop()` ends it (and with it WebKitWebDriver). */
export async function startDriver() {
  const port = await freePort();
  const nativePort = await freePort();
  const bin = process.env.TAURI_DRIVER || "tauri-driver";
  const child = spawn(bin, ["--port", String(port), "--native-port", String(nativePort)], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let spawnError = null;
  child.once("error", (e) => { spawnError = e; });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (spawnError) throw new Error(`could not start ${bin}: ${spawnError.message}`);
    const res = await fetch(`${base}/status`);
    return res.ok;
  }, { timeoutMs: 30_000, what: `tauri-driver on ${base}` });
  return {
    base,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /** Launch `application` (absolute path of the app binary) in a new session. */
  static async start(base, application) {
    const body = { capabilities: { alwaysMatch: { "tauri:options": { application } } } };
    const value = await request(base, "POST", "/session", body, 90_000);
    return new Session(base, value.sessionId);
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  title() { return this.cmd("GET", "/title"); }
  refresh() { return this.cmd("POST", "/refresh", {}); }

  /** The element with this data-testid; throws "no such element" when it is not there. */
  async byTestId(testid) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: `[data-testid="${testid}"]` });
    return v[ELEMENT];
  }

  /** The first element matching a CSS selector; throws "no such element" when there is none. */
  async css(selector) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: selector });
    return v[ELEMENT];
  }

  /** Type `text` into an input or textarea, as keystrokes. */
  type(el, text) { return this.cmd("POST", `/element/${el}/value`, { text }); }
  clear(el) { return this.cmd("POST", `/element/${el}/clear`, {}); }
  attribute(el, name) { return this.cmd("GET", `/element/${el}/attribute/${name}`); }

  text(el) { return this.cmd("GET", `/element/${el}/text`); }
  displayed(el) { return this.cmd("GET", `/element/${el}/displayed`); }
  click(el) { return this.cmd("POST", `/element/${el}/click`, {}); }

  /** Text of the element with this data-testid, waiting until it exists and `ok(text)` holds. */
  waitForText(testid, ok = (t) => t.length > 0, timeoutMs = 20_000) {
    return waitFor(async () => {
      const t = await this.text(await this.byTestId(testid));
      return ok(t) ? t : null;
    }, { timeoutMs, what: `text of [data-testid="${testid}"]` });
  }

  /**
   * Call one of the app's commands through the page's own IPC bridge, as ui/ does. Resolves
   * with the command's result; a rejected command resolves to {error} so the test can look.
   */
  invoke(command, args = {}) {
    const script = `
      const [cmd, args, done] = arguments;
      window.__TAURI__.core.invoke(cmd, args).then(
        (ok) => done({ ok }),
        (error) => done({ error: typeof error === "object" ? error : { message: String(error) } }));`;
    return this.cmd("POST", "/execute/async", { script, args: [command, args] });
  }

  /** Runs `script` (a function body; `arguments` are `args`) in the page and returns its value. */
  exec(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /**
   * A PNG screenshot of the window, as a Buffer, of what the DOM holds now. WebKit is first let
   * paint (a screenshot shows the last painted frame). Then, while the screenshot is pending,
   * the page repaints one invisible pixel every 100 ms for a few seconds: drawing without
   * compositing (what Deckhand asks for on a computer without a GPU, as under Xvfb) WebKit
   * answers a screenshot only after the page next paints, and a page where nothing changes
   * does not paint: without this the screenshot of a still page waited out its 30 s.
   */
  async screenshot() {
    await this.cmd("POST", "/execute/async", { script: PAINT_THEN_KEEP_PAINTING, args: [] });
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  /** Writes a screenshot to `dir/name.png`. */
  async saveScreenshot(dir, name) {
    writeFileSync(join(dir, `${name}.png`), await this.screenshot());
  }

  async end() {
    try {
      await this.cmd("DELETE", "");
    } catch {
      // The app may already be gone; the driver cleans up either way.
    }
  }
}

const PAINT_THEN_KEEP_PAINTING = `
  const done = arguments[0];
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const pixel = document.createElement("div");
    pixel.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;background:rgba(0,0,0,0.004)";
    document.documentElement.append(pixel);
    let n = 0;
    const timer = setInterval(() => {
      pixel.style.background = n % 2 ? "rgba(0,0,0,0.004)" : "rgba(0,0,0,0.005)";
      if (++n === 50) { clearInterval(timer); pixel.remove(); }
    }, 100);
    done(true);
  }));`;

async function request(base, method, path, body, timeoutMs = 30_000) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  const value = json.value;
  if (!res.ok || (value && typeof value === "object" && "error" in value && "message" in value)) {
    throw new WebDriverError(`${method} ${path}: ${value?.error || res.status}: ${value?.message || text.slice(0, 200)}`);
  }
  return value;
}
