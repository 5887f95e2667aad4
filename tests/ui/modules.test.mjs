// The page's pure modules, run directly in Node: limits, plain-http rule, error copy, names.

import { test } from "node:test";
import assert from "node:assert/strict";
import { COMMANDS, EVENT, FILES_EVENT, ERROR_KINDS, PROVIDER_IDS } from "../../ui/js/ipc.js";
import { checkLimits } from "../../ui/js/limits.js";
import { needsConfirmation, parseServer } from "../../ui/js/server-address.js";
import { describeError, adviceFor } from "../../ui/js/errors.js";
import { formatDuration, formatBytes, fileName, plural } from "../../ui/js/format.js";
import { progressOf, stepOf, PRESENTON_STEPS } from "../../ui/js/progress.js";
import { lookSketch, colorsOf, deckPlaceholder } from "../../ui/js/look-sketch.js";

test("command and event names are those of the IPC contract", () => {
  const contract = ["app_info", "key_status", "set_key", "remove_key", "test_connection", "get_settings", "save_settings",
    "confirm_insecure_server", "list_choices", "pick_out_dir", "pick_source_file", "read_source_file", "validate_request",
    "submit_deck", "list_jobs", "cancel_job", "retry_download", "check_again", "retry_job", "remove_job", "open_file",
    "show_in_folder", "open_editor", "typical_duration", "job_counts", "get_job"];
  const names = Object.values(COMMANDS);
  for (const name of contract) assert.ok(names.includes(name), name);
  // Additions: the page says when its first screen is painted (the start-up benchmark's mark);
  // open an https page in the browser; decks picked up after a restart; a deck's preview; the
  // window's own state; the log folder, the diagnostic info and the third-party licenses of
  // Settings › Help and about (issue 14).
  assert.deepEqual(names.filter((n) => !contract.includes(n)),
    ["page_ready", "resumed_decks", "open_url", "job_preview", "window_state", "save_draft", "save_choices", "open_log_folder", "copy_diagnostic_info", "third_party_licenses"]);
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

test("a server needs the person's confirmation unless it is this computer or already confirmed", () => {
  assert.equal(needsConfirmation("http://localhost:5001"), false);
  assert.equal(needsConfirmation("http://127.0.0.1:5000"), false);
  assert.equal(needsConfirmation("http://[::1]:5000"), false);
  assert.equal(needsConfirmation("https://slides.example.com"), true);
  assert.equal(needsConfirmation("https://slides.example.com/api", { confirmed_servers: ["https://slides.example.com"] }), false);
  assert.equal(needsConfirmation("http://slides.example.com"), true);
  // As the engine decides: a *.localhost name may resolve elsewhere, so it is confirmed too.
  assert.equal(needsConfirmation("http://slides.localhost:5001"), true);
  assert.equal(needsConfirmation("http://10.0.0.5:5001/", { insecure_confirmed: ["http://10.0.0.5:5001"] }), false);
  assert.equal(needsConfirmation("http://10.0.0.5:5002/", { insecure_confirmed: ["http://10.0.0.5:5001"] }), true);
  // A server kept from an earlier version is confirmed as a server, not yet for plain http.
  assert.equal(needsConfirmation("http://10.0.0.5:5001/", { confirmed_servers: ["http://10.0.0.5:5001"] }), true);
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
  // A service is named by its id, so its name reads well in each sentence.
  const p = "presenton-self";
  assert.match(describeError({ kind: "name_not_found" }, p).next, /server address in Settings/);
  assert.match(describeError({ kind: "connection_refused" }, p).sentence, /^Nothing is answering at your Presenton server's address\.$/);
  assert.match(describeError({ kind: "connection_refused" }, p).next, /Is the server started\?/);
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

test("advice fits the failure: a PDF export that fails offers PowerPoint, not shorter notes", () => {
  const failed = (over) => ({ provider: "presenton-self", state: "failed", request: { format: "pdf", slides: 8 }, error: { kind: "provider_failed", message: "x", details: { provider_message: "Presentation generation failed", status: 500 } }, ...over });
  const pdf = adviceFor(failed({ service_progress: { message: "Exporting presentation" } }));
  assert.equal(pdf.sentence, "Your Presenton server couldn't make the PDF.");
  assert.deepEqual(pdf.actions.map((a) => a.id), ["make_pptx", "check_server", "retry"]);
  assert.equal(pdf.actions[0].label, "Make it as PowerPoint instead");
  assert.ok(!/shorter notes/.test(pdf.next), pdf.next);
  // "Try again" that repeats the same failing request asks first, and says why it may work.
  assert.match(pdf.actions[2].confirm.body.join(" "), /may work if the problem was temporary/);

  const llm = adviceFor(failed({ request: { format: "pptx" }, error: { kind: "provider_failed", message: "x", details: { provider_message: "OpenAI API error: Error code: 500" } } }));
  assert.equal(llm.actions[0].id, "check_server");
  assert.match(llm.sentence, /AI model/);

  const big = adviceFor(failed({ provider: "gamma", request: { format: "pptx", slides: 60 }, error: { kind: "provider_failed", message: "x" } }));
  assert.equal(big.actions[0].id, "edit");
  assert.match(big.next, /fewer slides or shorter notes/);

  const credits = adviceFor({ provider: "gamma", state: "failed", request: { format: "pptx" }, error: { kind: "credits", message: "x" } });
  assert.deepEqual(credits.actions.map((a) => a.label), ["Add credits", "Make it again"]);
  const key = adviceFor({ provider: "presenton", state: "failed", request: {}, error: { kind: "auth", message: "x" } });
  assert.equal(key.actions[0].label, "Paste a new key");
  const offline = adviceFor({ provider: "presenton-self", state: "failed", request: {}, error: { kind: "network", message: "x" } });
  assert.deepEqual(offline.actions.map((a) => a.label), ["Check the server", "Try again"]);
  assert.equal(offline.actions[1].confirm, undefined, "a lost connection is worth trying again without asking");
  // The service's name reads well inside sentences.
  for (const a of [pdf, llm, big, credits, key, offline]) assert.ok(!/Presenton \(self-hosted\)/.test(`${a.sentence} ${a.next}`), a.sentence);
});

test("Presenton's messages become plain steps; Gamma's time is measured against the usual", () => {
  assert.equal(PRESENTON_STEPS[stepOf("Fetching assets for slides")].label, "Adding pictures");
  assert.equal(PRESENTON_STEPS[stepOf("Generating presentation outlines")].label, "Planning the slides");
  assert.equal(stepOf("Something new"), -1);
  const now = 1_000_000;
  const running = (over) => ({ provider: "presenton-self", state: "running", created_ms: now - 30000, history: [{ state: "running", at_ms: now - 20000 }], request: {}, ...over });
  const slides = progressOf(running({ service_progress: { message: "Generating slides", slides_done: 3, slides_total: 8 } }), { now });
  assert.equal(slides.text, "Writing the slides: 3 of 8 — 20 s so far.");
  assert.ok(slides.value > 0.5 && slides.value < 0.67, String(slides.value));
  assert.deepEqual(slides.steps.map((s) => s.state), ["done", "done", "now", "next", "next"]);
  const gamma = progressOf(running({ provider: "gamma" }), { now, typicalSeconds: 40 });
  assert.equal(gamma.text, "Gamma is making your deck — 20 s so far, usually about 40 s.");
  assert.equal(gamma.value, 0.5);
  const slow = progressOf(running({ provider: "gamma" }), { now, typicalSeconds: 10 });
  assert.equal(slow.text, "Taking longer than usual (usually about 10 s) — 20 s so far.");
  assert.equal(progressOf(running({ provider: "gamma" }), { now }).value, null, "no typical time yet: an open-ended bar");
  const unknown = progressOf(running({ service_progress: { message: "Polishing." } }), { now });
  assert.equal(unknown.text, "Polishing — 20 s so far.");
});

test("looks become pictures in their colours; a deck without a picture gets a placeholder with its look", () => {
  assert.deepEqual(colorsOf(["Black", "pastel", "no-such-colour"]), ["#1d1f24", "#f3d9e6"]);
  const sketch = decodeURIComponent(lookSketch({ colors: ["black", "yellow"] }));
  assert.ok(sketch.startsWith("data:image/svg+xml"));
  assert.match(sketch, /fill="#1d1f24"/);
  assert.match(sketch, /fill="#f2c94c"/);
  const placeholder = decodeURIComponent(deckPlaceholder({ look: "Modern <b>", format: "pdf" }));
  assert.match(placeholder, /Modern &lt;b&gt;/);
  assert.match(placeholder, />PDF</);
});

test("counts read with their nouns and the locale's separators", () => {
  assert.equal(plural(1, "slide"), "1 slide");
  assert.equal(plural(12, "slide"), "12 slides");
  assert.equal(plural(2000, "deck"), "2,000 decks");
  assert.equal(formatBytes(2.25 * 1024 * 1024), "2.3 MB");
});
