// A scripted stand-in for Deckhand's Rust side, injected into the page before its scripts run.
// It answers the commands of docs ipc.md from window.__FAKE_CONFIG__, records every call, and
// lets a test emit engine events. Plain script (not a module): it runs via addInitScript.
(() => {
  const config = window.__FAKE_CONFIG__ || {};
  const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  const unset = () => ({ set: false, last4: null, sessionOnly: false });
  const defaultSettings = {
    schema_version: 1,
    default_provider: "gamma",
    save_folder: null,
    defaults: { gamma: {}, presenton: {}, "presenton-self": {} },
    concurrency: { gamma: 2, presenton: 2, "presenton-self": 1 },
    notifications: true,
    appearance: "system",
    servers: {
      presenton_self: { enabled: false, base_url: "http://localhost:5001", auth: "none", user: null },
      insecure_confirmed: [],
      confirmed_servers: [],
    },
  };
  const defaultChoices = {
    languages: [
      { id: "en", name: "English" }, { id: "de", name: "Deutsch", detail: "German" },
      { id: "fr", name: "Français", detail: "French" }, { id: "es", name: "Español", detail: "Spanish" },
      { id: "ja", name: "日本語", detail: "Japanese" }, { id: "pt-br", name: "Português (Brasil)", detail: "Portuguese (Brazil)" },
    ],
    themes: [
      { id: "oasis", name: "Oasis", detail: "Gamma · beige, teal, calm", colors: ["beige", "teal"] },
      { id: "night-sky", name: "Night Sky", detail: "Gamma · navy, gold, bold", colors: ["navy", "gold"] },
      { id: "chisel", name: "Chisel", detail: "Gamma · white, black, minimal", colors: ["white", "black"] },
    ],
    templates: [{ id: "general", name: "General", detail: "9 layouts" }, { id: "modern", name: "Modern", detail: "12 layouts" }, { id: "swift", name: "Swift", detail: "8 layouts" }],
    image_models: [{ id: "imagen-4-pro", name: "Imagen 4 Pro", detail: "detailed photos" }, { id: "flux-1-quick", name: "Flux Quick" }],
    folders: [],
  };

  /** `generate: {count}` makes a long history: decks of every state and service, newest first. */
  function generated(count) {
    const states = ["done", "done", "done", "failed", "cancelled", "needs_attention", "done", "running"];
    const providers = ["gamma", "presenton", "presenton-self"];
    const topics = ["Quarterly sales review", "The water cycle", "Onboarding new staff", "Volcanoes for year 6", "Budget 2027", "Why bees matter", "Team offsite plan", "Photosynthesis"];
    const now = Date.now();
    return Array.from({ length: count }, (_, i) => {
      const state = states[i % states.length];
      const created = now - (i + 1) * 3600000;
      const job = {
        id: `gen-${String(i).padStart(5, "0")}`, provider: providers[i % 3], state, created_ms: created, updated_ms: created + 90000,
        request: { content: `${topics[i % topics.length]} #${i}\nnotes`, format: i % 5 === 0 ? "pdf" : "pptx", slides: 8 + (i % 5) },
        out_dir: "/home/ada/Documents/Deckhand",
        history: [{ state: "queued", at_ms: created }, { state: "running", at_ms: created + 1000 }, { state, at_ms: created + 90000 }],
      };
      if (state === "done") Object.assign(job, { file: `/home/ada/Documents/Deckhand/${topics[i % topics.length]} ${i}.pptx`, file_size: 1200000 + i, slide_count: 8 + (i % 5), look: "Modern" });
      if (state === "failed") job.error = { kind: "provider_failed", message: "It failed.", details: { provider_message: "Presentation generation failed", status: 500 } };
      if (state === "needs_attention") job.error = { kind: "submit_uncertain", message: "?" };
      return job;
    });
  }

  const fake = {
    calls: [],
    keys: Object.assign({ gamma: unset(), presenton: unset(), "presenton-self": unset() }, clone(config.keys) || {}),
    settings: Object.assign(clone(defaultSettings), clone(config.settings) || {}),
    jobs: (clone(config.jobs) || []).concat(config.generate ? generated(config.generate.count) : []),
    windowState: clone(config.windowState) || { draft: null, choices: {} },
    fail: clone(config.fail) || {},
    failOnce: clone(config.failOnce) || {},
    listeners: new Map(),
    cspViolations: [],
    nextJob: 1,
    /** cmd → function(answer), run just before the command answers (set from a test). */
    beforeAnswer: {},
    /** Files the "person" picked or dropped: token -> path, as Rust keeps them. */
    tokens: new Map(),
    /** Questions the "person" was asked in native dialogs. */
    questions: [],
    /** Sends an engine event as the Rust side would. */
    emit(payload) { fake.emitNamed("deckhand://event", payload); },
    emitNamed(name, payload) {
      for (const handler of fake.listeners.get(name) || []) handler({ event: name, id: 1, payload: clone(payload) });
    },
    callsOf(cmd) { return fake.calls.filter((c) => c.cmd === cmd); },
    /** A token for a path, as Rust hands out for a picked or dropped file. */
    choose(path) {
      const token = `file-${fake.tokens.size + 1}`;
      fake.tokens.set(token, path);
      return { token, name: path.split("/").pop() };
    },
    /** Files dropped onto the window, as Rust reports them (after Tauri's own drag events). */
    drop(paths) {
      fake.emitNamed("tauri://drag-drop", { paths, position: { x: 1, y: 1 } });
      fake.emitNamed("deckhand://files-dropped", { files: paths.map((p) => fake.choose(p)) });
    },
  };
  document.addEventListener("securitypolicyviolation", (e) => fake.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));

  const isLoopback = (host) => ["localhost", "127.0.0.1", "[::1]"].includes(host);

  // The history contract of the Rust side (list_jobs, job_counts, get_job): jobs travel as
  // views — the record without request.content and request.instructions, plus `topic`.
  const topicOf = (content) => {
    const line = String(content || "").split("\n").map((l) => l.trim()).find(Boolean) || "";
    return line.length > 120 ? `${line.slice(0, 119).trimEnd()}…` : line;
  };
  const view = (j) => {
    if (!j) return j;
    const v = clone(j);
    v.topic = topicOf(j.request && j.request.content);
    if (v.request) { delete v.request.content; delete v.request.instructions; }
    return v;
  };
  const newestFirst = (a, b) => (b.created_ms - a.created_ms) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  function listJobs(query = {}) {
    const q = query || {};
    const limit = q.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw { kind: "invalid_input", field: "limit", message: "A page holds 1 to 500 decks." };
    const text = (q.text || "").trim().toLowerCase();
    // An empty list filters nothing, as in Rust; the text is matched in the person's title, the
    // service's title for the deck and the topic.
    const listed = (list, value) => !(list && list.length) || list.includes(value);
    let jobs = fake.jobs.filter((j) => listed(q.states, j.state) && listed(q.providers, j.provider)
      && (!text || `${(j.request && j.request.title) || ""}\n${j.deck_title || ""}\n${topicOf(j.request && j.request.content)}`.toLowerCase().includes(text)));
    jobs.sort(newestFirst);
    const total = jobs.length;
    if (q.cursor) {
      const [ms, ...rest] = String(q.cursor).split(":");
      const id = rest.join(":");
      jobs = jobs.filter((j) => j.created_ms < Number(ms) || (j.created_ms === Number(ms) && j.id < id));
    }
    const page = jobs.slice(0, limit);
    const last = page[page.length - 1];
    return { jobs: page.map(view), next_cursor: jobs.length > limit ? `${last.created_ms}:${last.id}` : null, total };
  }
  function jobCounts() {
    const counts = { by_state: {}, by_provider: {} };
    for (const j of fake.jobs) {
      counts.by_state[j.state] = (counts.by_state[j.state] || 0) + 1;
      counts.by_provider[j.provider] = (counts.by_provider[j.provider] || 0) + 1;
    }
    return counts;
  }
  const job = (id) => {
    const found = fake.jobs.find((j) => j.id === id);
    if (!found) throw { kind: "not_found", message: "Deckhand has no deck with that id." };
    return found;
  };

  const handlers = {
    app_info: () => clone(config.info) || { name: "Deckhand", version: "0.1.0", providers: [{ id: "gamma", name: "Gamma" }, { id: "presenton", name: "Presenton" }, { id: "presenton-self", name: "Presenton (self-hosted)" }] },
    key_status: ({ provider }) => fake.keys[provider] || unset(),
    set_key: ({ provider, key, sessionOnly }) => {
      fake.keys[provider] = { set: true, last4: String(key).trim().slice(-4), sessionOnly: Boolean(sessionOnly) };
      return fake.keys[provider];
    },
    remove_key: ({ provider }) => { fake.keys[provider] = unset(); return fake.keys[provider]; },
    test_connection: ({ provider }) => (config.test && config.test[provider]) || { message: "Connected.", account: "ada@example.com", credits_remaining: 420 },
    get_settings: () => ({ settings: fake.settings, notice: config.notice || null }),
    save_settings: ({ settings }) => {
      // As Rust does (Settings::with_changes_from_page): the own server may move only to this
      // computer, within the same server, or to a server the person confirmed natively.
      const url = new URL(settings.servers.presenton_self.base_url);
      const { insecure_confirmed, confirmed_servers } = fake.settings.servers;
      const sameServer = url.origin === new URL(fake.settings.servers.presenton_self.base_url).origin;
      if (!sameServer && !isLoopback(url.hostname) && !confirmed_servers.includes(url.origin) && !insecure_confirmed.includes(url.origin)) {
        throw { kind: "unconfirmed_server", message: `Deckhand has not asked you yet whether ${url.origin} is your server. Save the address again and answer Deckhand's question.` };
      }
      // What only native dialogs decide is kept, whatever the page sends.
      settings.servers.insecure_confirmed = insecure_confirmed;
      settings.servers.confirmed_servers = confirmed_servers;
      if (settings.save_folder !== null) settings.save_folder = fake.settings.save_folder;
      fake.settings = settings;
      return fake.settings;
    },
    confirm_insecure_server: ({ baseUrl }) => {
      const url = new URL(baseUrl);
      const origin = url.origin;
      const { insecure_confirmed, confirmed_servers } = fake.settings.servers;
      // As Rust: no question for this computer or a server already confirmed.
      const plainHttp = url.protocol === "http:" && !insecure_confirmed.includes(origin);
      const unknown = !confirmed_servers.includes(origin) && !insecure_confirmed.includes(origin);
      if (isLoopback(url.hostname) || (!plainHttp && !unknown)) return { confirmed: true, settings: fake.settings };
      fake.questions.push(origin);
      const confirmed = config.nativeAnswer ?? true;
      if (confirmed && new URL(baseUrl).protocol === "http:" && !insecure_confirmed.includes(origin)) insecure_confirmed.push(origin);
      if (confirmed && !confirmed_servers.includes(origin)) confirmed_servers.push(origin);
      return { confirmed, settings: fake.settings };
    },
    list_choices: ({ provider, kind }) => ({ items: (config.choices && config.choices[`${provider}:${kind}`]) || defaultChoices[kind] || [] }),
    pick_out_dir: () => {
      const picked = config.pickDir === undefined ? "/home/ada/Decks" : config.pickDir;
      if (picked === null) return null;
      fake.settings.save_folder = picked;
      return fake.settings;
    },
    pick_source_file: () => (config.pickFile ? fake.choose(config.pickFile) : null),
    read_source_file: ({ token }) => {
      const path = fake.tokens.get(token);
      if (!path) throw { kind: "invalid_input", field: "source_files", message: "Deckhand does not know that file. Choose it again." };
      const name = path.split("/").pop();
      const text = `Notes from ${name}: why four-day weeks work.`;
      return { text, name, chars: text.length };
    },
    validate_request: () => null,
    submit_deck: ({ provider, request }) => {
      const now = Date.now();
      const files = (request.source_files || []).map((t) => {
        if (!fake.tokens.has(t)) throw { kind: "invalid_input", field: "source_files", message: "Deckhand does not know that file." };
        return fake.tokens.get(t);
      });
      const sent = files.length ? { ...request, source_files: files } : request;
      const created = { id: `job-${fake.nextJob++}`, provider, request: sent, state: "queued", created_ms: now, updated_ms: now, out_dir: fake.settings.save_folder || "/home/ada/Documents/Deckhand" };
      fake.jobs.push(created);
      return view(created);
    },
    list_jobs: ({ query }) => listJobs(query),
    job_counts: () => jobCounts(),
    get_job: ({ id }) => ({ ...clone(job(id)), topic: topicOf(job(id).request && job(id).request.content) }),
    resumed_decks: () => ({ count: config.resumed || 0 }),
    job_preview: ({ id }) => (config.previews && config.previews[id]) || null,
    window_state: () => fake.windowState,
    save_draft: ({ draft }) => { fake.windowState.draft = draft; return null; },
    save_choices: ({ provider, choices }) => { fake.windowState.choices[provider] = choices; return null; },
    cancel_job: ({ id }) => view(Object.assign(job(id), { state: "cancelled", updated_ms: Date.now() })),
    retry_download: ({ id }) => view(Object.assign(job(id), { state: "downloading", error: undefined, updated_ms: Date.now() })),
    check_again: ({ id }) => view(Object.assign(job(id), { state: "running", stalled: false, error: undefined, updated_ms: Date.now() })),
    retry_job: ({ id, format }) => {
      const old = job(id);
      const now = Date.now();
      const request = format ? { ...old.request, format } : old.request;
      const created = { id: `job-${fake.nextJob++}`, provider: old.provider, request, state: "queued", created_ms: now, updated_ms: now, out_dir: old.out_dir, retry_of: old.id };
      fake.jobs.push(created);
      return view(created);
    },
    remove_job: ({ id }) => { job(id); fake.jobs = fake.jobs.filter((j) => j.id !== id); return null; },
    open_file: () => null,
    show_in_folder: () => null,
    open_editor: () => null,
    open_url: () => null,
    page_ready: () => null,
    typical_duration: ({ provider }) => ({ seconds: (config.typical && config.typical[provider]) ?? null }),
    open_log_folder: () => null,
    copy_diagnostic_info: () => ({ text: config.diagnostics ?? "Deckhand 0.1.0 (app.deckhand.desktop)\nSystem: Debian GNU/Linux 12 (linux, x86_64)\n" }),
    third_party_licenses: () => config.licenses ?? {
      generated_by: "cargo-about (scripts/licenses.sh); do not edit by hand",
      licenses: [
        { id: "MIT", name: "MIT License", text: "Copyright (c) The serde authors\n\nPermission is hereby granted, free of charge…", crates: ["serde 1.0.229", "serde_json 1.0.154"] },
        { id: "Apache-2.0", name: "Apache License 2.0", text: "Apache License\nVersion 2.0, January 2004…", crates: ["tauri 2.12.5"] },
        { id: "MIT", name: "MIT License", text: "Copyright (c) 2019 Tokio Contributors\n\nPermission is hereby granted…", crates: ["tokio 1.54.1"] },
      ],
    },
  };

  async function invoke(cmd, args = {}) {
    fake.calls.push({ cmd, args: clone(args) });
    await new Promise((r) => setTimeout(r, config.latencyMs || 0));
    if (fake.failOnce[cmd]) {
      const err = fake.failOnce[cmd];
      delete fake.failOnce[cmd];
      throw clone(err);
    }
    if (fake.fail[cmd]) throw clone(fake.fail[cmd]);
    const handler = handlers[cmd];
    if (!handler) throw { kind: "internal", message: `The fake backend has no command ${cmd}.` };
    const result = clone(handler(args));
    // A test may send events before the answer arrives, as the engine's can be.
    if (fake.beforeAnswer[cmd]) fake.beforeAnswer[cmd](clone(result));
    return result;
  }

  function listen(name, handler) {
    if (!fake.listeners.has(name)) fake.listeners.set(name, []);
    fake.listeners.get(name).push(handler);
    return Promise.resolve(() => {
      fake.listeners.set(name, (fake.listeners.get(name) || []).filter((h) => h !== handler));
    });
  }

  window.__FAKE__ = fake;
  // No dialog plugin: the page is granted none, and the pickers are opened by Rust.
  window.__TAURI__ = { core: { invoke }, event: { listen } };
})();
