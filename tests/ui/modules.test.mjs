// The page's pure modules, run directly in Node: limits, plain-http rule, error copy, names.

import { test } from "node:test";
import assert from "node:assert/strict";
import { COMMANDS, EVENT, FILES_EVENT, ERROR_KINDS, PROVIDER_IDS } from "../../ui/js/ipc.js";
import { checkLimits } from "../../ui/js/limits.js";
import { needsInsecureConfirmation, parseServer } from "../../ui/js/server-address.js";
import { describeError } from "../../ui/js/errors.js";
import { formatDuration, formatBytes, fileName } from "../../ui/js/format.js";

test("command and event names are those of the IPC contract", () => {
  const contract = ["app_info", "key_status", "set_key", "remove_key", "test_connection", "get_settings", "save_settings",
    "confirm_insecure_server", "list_choices", "pick_out_dir", "pick_source_file", "read_source_file", "validate_request",
    "submit_deck", "list_jobs", "cancel_job", "retry_download", "check_again", "retry_job", "remove_job", "open_file",
    "show_in_folder", "open_editor", "typical_duration", "job_counts", "get_job"];
  const names = Object.values(COMMANDS);
  for (const name of contract) assert.ok(names.includes(name), name);
  // Additions asked of the Rust side: open an https page in the browser; the log folder, the
  // diagnostic info and the third-party licenses of Settings › Help and about (issue 14).
  assert.deepEqual(names.filter((n) => !contract.includes(n)), ["open_url", "open_log_folder", "copy_diagnostic_info", "third_party_licenses"]);
  assert.equal(new Set(names).size, names.length);
  assert.equal(EVENT, "deckhand://event");
  assert.equal(FILES_EVENT, "deckhand://files-dropped");
  assert.deepEqual(PROVIDER_IDS, ["gamma", "presenton", "presenton-self"]);
});

test("Gamma limits: boundaries are allowed, one past them is explained", () => {
  assert.deepEqual(checkLimits("gamma", { content: "x".repeat(400000), slides: "75", instructions: "i".repeat(2000) }), {});
  const over = checkLimits("gamma", { content: "x".repeat(400001), slides: "76", instructions: "i".repeat(2001) });
  assert.deepEqual(Object.keys(over).sort(), ["content", "instructions", "slides"]);
  assert.match(checkLimits("gamma", { content: "a", slides: "0" }).slides, /1 to 75/);
  assert.match(checkLimits("gamma", { content: "a", slides: "2.5" }).slides, /whole number/);
  assert.match(checkLimits("gamma", { content: "a", slides: "5", cardSplit: "inputTextBreaks" }).slides, /breaks decide/);
  assert.deepEqual(checkLimits("gamma", { content: "a", slides: "", cardSplit: "inputTextBreaks" }), {});
  assert.match(checkLimits("gamma", { content: "   ", slides: "" }).content, /Type a topic/);
});

test("Presenton limits: 100 000 characters, 1–50 slides, at least 3 with a table of contents, files count as content", () => {
  assert.deepEqual(checkLimits("presenton", { content: "x".repeat(100000), slides: "50", instructions: "i".repeat(10000) }), {});
  assert.ok(checkLimits("presenton", { content: "x".repeat(100001) }).content);
  assert.ok(checkLimits("presenton-self", { content: "a", slides: "51" }).slides);
  assert.ok(checkLimits("presenton", { content: "a", slides: "2", toc: true }).slides);
  assert.deepEqual(checkLimits("presenton", { content: "a", slides: "3", toc: true }), {});
  assert.ok(checkLimits("presenton", { content: "a", instructions: "i".repeat(10001) }).instructions);
  assert.deepEqual(checkLimits("presenton", { content: "", hasFiles: true }), {});
});

test("plain http needs confirmation only for other machines not yet confirmed", () => {
  assert.equal(needsInsecureConfirmation("http://localhost:5001"), false);
  assert.equal(needsInsecureConfirmation("http://127.0.0.1:5000"), false);
  assert.equal(needsInsecureConfirmation("http://[::1]:5000"), false);
  assert.equal(needsInsecureConfirmation("https://slides.example.com"), false);
  assert.equal(needsInsecureConfirmation("http://slides.example.com"), true);
  // As the engine decides: a *.localhost name may resolve elsewhere, so it is confirmed too.
  assert.equal(needsInsecureConfirmation("http://slides.localhost:5001"), true);
  assert.equal(needsInsecureConfirmation("http://10.0.0.5:5001/", ["http://10.0.0.5:5001"]), false);
  assert.equal(needsInsecureConfirmation("http://10.0.0.5:5002/", ["http://10.0.0.5:5001"]), true);
  assert.equal(parseServer("ftp://x"), null);
  assert.equal(parseServer("slides.example.com"), null);
});

test("every error kind has its own sentence and a next step; unknown kinds still read well", () => {
  const seen = new Set();
  for (const kind of ERROR_KINDS) {
    const { sentence, next } = describeError({ kind, message: "m" }, "Gamma");
    assert.ok(sentence && next, kind);
    assert.ok(!seen.has(sentence), kind);
    seen.add(sentence);
  }
  assert.equal(describeError({ kind: "brand_new_kind" }, "Gamma").sentence, describeError({ kind: "internal" }).sentence);
  assert.match(describeError({ kind: "rate_limited", retry_after_secs: 300 }, "Gamma").next, /5 minutes/);
});

test("connection failures are told apart: address, not started, certificate, connect or answer timeout", () => {
  const p = "Presenton (self-hosted)";
  assert.match(describeError({ kind: "name_not_found" }, p).next, /server address in Settings/);
  assert.match(describeError({ kind: "connection_refused" }, p).next, /is it started\?/);
  assert.match(describeError({ kind: "tls" }, p).next, /self-signed certificate/);
  const connect = describeError({ kind: "timeout", phase: "connect" }, p);
  const read = describeError({ kind: "timeout", phase: "read" }, p);
  assert.notEqual(connect.sentence, read.sentence);
  assert.match(connect.sentence, /when Deckhand tried to connect/);
  assert.equal(read.sentence, describeError({ kind: "timeout" }, p).sentence, "no phase reads as a slow answer");
});

test("durations, sizes and file names read naturally", () => {
  assert.equal(formatDuration(45), "45 s");
  assert.equal(formatDuration(125), "2 min 5 s");
  assert.equal(formatDuration(120), "2 min");
  assert.equal(formatDuration(3720), "1 h 2 min");
  assert.equal(formatBytes(500), "500 B");
  assert.equal(formatBytes(2 * 1024 * 1024), "2.0 MB");
  assert.equal(fileName("C:\\Users\\ada\\deck.pptx"), "deck.pptx");
  assert.equal(fileName("/home/ada/deck.pdf"), "deck.pdf");
});
