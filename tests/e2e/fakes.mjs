// Helper processes for the tests that drive the real app: the fake Gamma and Presenton servers
// (tests/src/bin/fake_server.rs) and the stand-in file manager, each started from its binary
// and read from what it prints. Every one stops by itself after HELPER_LIFETIME_S, even if the
// test file is killed; `stopHelpers()` ends them sooner.

import { spawn } from "node:child_process";

export const HELPER_LIFETIME_S = 600;

const children = [];

/**
 * Start a helper binary and wait until `ready(stdout so far)` returns something; resolves with
 * that, plus `output()` for everything it printed since.
 */
export function startHelper(bin, args, ready, what) {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let out = "";
  child.stdout.on("data", (chunk) => { out += chunk; });
  const output = () => out;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}`)), 30_000);
    child.once("error", (e) => { clearTimeout(timer); reject(new Error(`could not run ${bin}: ${e.message}`)); });
    child.once("exit", (code) => { clearTimeout(timer); reject(new Error(`${what} exited (${code}) before it was ready: ${out}`)); });
    child.stdout.on("data", () => {
      const found = ready(out);
      if (found) { clearTimeout(timer); resolvePromise({ ...found, output }); }
    });
  });
}

/** A fake service: its base URL and the credential it accepts, read from what it prints. */
export function startFake(fakeServer, provider, timeScale) {
  const args = ["--provider", provider, "--port", "0", "--time-scale", String(timeScale), "--exit-after", String(HELPER_LIFETIME_S)];
  return startHelper(fakeServer, args, (out) => {
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    const key = provider === "gamma" ? /X-API-KEY: (\S+)/.exec(out) : /auth: bearer (\S+)/.exec(out);
    return url && key ? { url: url[1], key: key[1] } : null;
  }, `the fake ${provider}`);
}

/** Generations the fake accepted (each one a charge), from the "submits: N" lines it prints. */
export function submits(fake) {
  const all = [...fake.output().matchAll(/^submits: (\d+)$/gm)];
  return all.length ? Number(all[all.length - 1][1]) : 0;
}

export function stopHelpers() {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
}
