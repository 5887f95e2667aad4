// Settings: services and keys, a self-hosted server, where decks go, defaults, notifications
// and appearance. General settings save as soon as they change.

import { COMMANDS, call } from "../ipc.js";
import { h, announce } from "../dom.js";
import { state, changed, noteCredits, selfHostedEnabled } from "../state.js";
import { PROVIDERS, FORMAT_LABELS } from "../providers.js";
import { keyForm, keyStatusText } from "../key-form.js";
import { externalLink } from "../links.js";
import { renderProblem } from "../errors.js";
import { confirmDialog } from "../dialogs.js";
import { applyAppearance } from "../appearance.js";
import { formatNumber } from "../format.js";
import { parseServer, needsInsecureConfirmation } from "../server-address.js";
import { go } from "../router.js";

export function renderSettings(root, opts = {}) {
  const settings = state.settings;
  const page = h("div", { class: "page", "data-testid": "screen-settings" }, h("h1", {}, "Settings"));
  root.append(page);
  // The notice shows once: as the window's banner, or here if that banner was dismissed.
  if (state.notice && !document.querySelector('[data-testid="settings-notice"]')) {
    page.append(h("div", { class: "banner warning", "data-testid": "settings-notice-inline" }, h("p", {}, state.notice)));
  }
  const saved = h("p", { class: "hint saved", role: "status", "data-testid": "settings-saved" });
  const problem = h("div", { "data-testid": "settings-problem" });

  /** Saves a changed copy of the settings; the app answers with what it stored. */
  async function save(mutate) {
    const next = structuredClone(state.settings);
    mutate(next);
    problem.replaceChildren();
    try {
      state.settings = await call(COMMANDS.saveSettings, { settings: next });
      applyAppearance(state.settings.appearance);
      changed("settings");
      saved.textContent = "Saved.";
      return true;
    } catch (err) {
      problem.replaceChildren(renderProblem(err, "Deckhand"));
      saved.textContent = "";
      return false;
    }
  }

  // ----- services
  const services = h("section", { class: "card", "aria-labelledby": "services-heading", "data-testid": "settings-services" },
    h("h2", { id: "services-heading" }, "Services and keys"),
    h("p", { class: "hint" }, "Keys stay in your computer's keychain. Deckhand only ever shows their last four characters."),
    ["gamma", "presenton"].map((id) => serviceBlock(id)));
  page.append(services, selfHostedSection(), generalSection(), helpSection(), problem, saved);

  function serviceBlock(id) {
    const head = h("div", {});
    const result = h("div", { "data-testid": `test-result-${id}`, role: "status" });
    // The key form stays put when a key is saved, so its confirmation stays visible.
    const drawHead = () => {
      const status = state.keys[id];
      const actions = h("div", { class: "actions" });
      if (status && status.set) {
        actions.append(
          h("button", { type: "button", class: "button", "data-testid": `test-${id}`, onclick: () => testConnection(id, result) }, "Test connection"),
          h("button", { type: "button", class: "button quiet", "data-testid": `remove-key-${id}`, onclick: () => removeKey(id, drawHead) }, "Remove key"));
      }
      head.replaceChildren(
        h("div", { class: "service-head" },
          h("h3", { tabindex: "-1" }, PROVIDERS[id].name),
          h("span", { class: status && status.set ? "badge done" : "badge", "data-testid": `key-status-${id}` }, keyStatusText(status))),
        PROVIDERS[id].keyUrl ? h("p", { class: "hint" }, PROVIDERS[id].keyHow, " ", externalLink(PROVIDERS[id].keyUrl, "Get a key", `get-key-${id}`)) : null,
        actions);
    };
    drawHead();
    return h("div", { class: "service", "data-testid": `service-${id}`, id: `section-${id}` },
      head, result, keyForm(id, { onSaved: drawHead }));
  }

  async function testConnection(id, result) {
    result.replaceChildren(h("p", { class: "hint" }, "Checking…"));
    try {
      const r = await call(COMMANDS.testConnection, { provider: id });
      noteCredits(id, r.credits_remaining);
      const parts = [r.message];
      if (r.account) parts.push(`Account: ${r.account}.`);
      if (typeof r.credits_remaining === "number") parts.push(`${formatNumber(r.credits_remaining)} credits left.`);
      result.replaceChildren(h("p", { class: "ok", "data-testid": `test-ok-${id}` }, parts.join(" ")));
      announce(parts.join(" "));
    } catch (err) {
      result.replaceChildren(renderProblem(err, PROVIDERS[id].name));
      announce(result.querySelector(".problem-sentence").textContent);
    }
  }

  async function removeKey(id, redraw) {
    const ok = await confirmDialog({
      title: `Remove your ${PROVIDERS[id].name} key?`, testid: "confirm-remove-key",
      body: [`Deckhand will forget the key and can't make ${PROVIDERS[id].name} decks until you add one again. Your key still works elsewhere.`],
      confirm: "Remove key", cancel: "Keep it", danger: true,
    });
    if (!ok) return;
    try {
      state.keys[id] = await call(COMMANDS.removeKey, { provider: id });
      changed("keys", id);
      redraw();
      announce(`${PROVIDERS[id].name} key removed.`);
    } catch (err) {
      problem.replaceChildren(renderProblem(err, PROVIDERS[id].name));
    }
  }

  // ----- self-hosted Presenton
  function selfHostedSection() {
    const server = settings.servers.presenton_self;
    const section = h("section", { class: "card", "aria-labelledby": "self-heading", "data-testid": "settings-self-hosted", id: "section-presenton-self" });
    const url = h("input", { id: "server-url", class: "input", type: "url", value: server.base_url || "", "data-testid": "server-url", "aria-describedby": "server-url-hint server-url-error", spellcheck: "false" });
    const auth = h("select", { id: "server-auth", class: "input", "data-testid": "server-auth" },
      [["none", "No sign-in"], ["basic", "User name and password"], ["bearer", "API key"]].map(([v, l]) => h("option", { value: v, selected: server.auth === v }, l)));
    const user = h("input", { id: "server-user", class: "input", type: "text", autocomplete: "username", value: server.user || "", "data-testid": "server-user" });
    const userField = h("div", { class: "field", hidden: auth.value !== "basic" }, h("label", { for: "server-user", class: "label" }, "User name"), user);
    const urlError = h("p", { id: "server-url-error", class: "field-error", "data-testid": "error-server-url" });
    const result = h("div", { "data-testid": "server-result", role: "status" });
    const keyArea = h("div", { class: "server-sign-in" });
    const enabled = selfHostedEnabled();

    auth.addEventListener("change", () => { userField.hidden = auth.value !== "basic"; });

    const drawKeyArea = () => {
      const current = state.settings.servers.presenton_self;
      keyArea.replaceChildren();
      if (!selfHostedEnabled()) return;
      const statusText = () => (current.auth === "none" ? "No sign-in needed" : keyStatusText(state.keys["presenton-self"]));
      const statusLine = h("span", { "data-testid": "key-status-presenton-self" }, statusText());
      keyArea.append(h("p", {}, "Status: ", statusLine));
      if (current.auth !== "none") {
        keyArea.append(keyForm("presenton-self", { label: current.auth === "basic" ? `Password for ${current.user || "the server"}` : "The server's API key", onSaved: () => { statusLine.textContent = statusText(); } }));
      }
      keyArea.append(h("div", { class: "actions" },
        h("button", { type: "button", class: "button", "data-testid": "test-presenton-self", onclick: () => testConnection("presenton-self", result) }, "Test connection"),
        h("button", { type: "button", class: "button quiet", "data-testid": "server-stop", onclick: async () => {
          if (await save((s) => { s.servers.presenton_self = { ...s.servers.presenton_self, enabled: false }; })) {
            changed("keys");
            drawKeyArea();
            saveButton.textContent = "Use this server";
          }
        } }, "Stop using this server")));
    };

    const saveButton = h("button", { type: "submit", class: "button primary", "data-testid": "server-save" }, enabled ? "Save server" : "Use this server");
    const form = h("form", { class: "server-form", novalidate: true },
      h("div", { class: "grid two" },
        h("div", { class: "field" },
          h("label", { for: "server-url", class: "label" }, "Server address"), url,
          h("p", { id: "server-url-hint", class: "hint" }, "For example http://localhost:5001 or https://slides.example.com"), urlError),
        h("div", { class: "field" }, h("label", { for: "server-auth", class: "label" }, "Sign-in"), auth),
        userField),
      h("div", { class: "actions" }, saveButton));

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      urlError.textContent = "";
      url.removeAttribute("aria-invalid");
      const parsed = parseServer(url.value);
      if (!parsed) {
        urlError.textContent = "Enter the whole address, starting with http:// or https://.";
        url.setAttribute("aria-invalid", "true");
        url.focus();
        return;
      }
      const address = url.value.trim().replace(/\/+$/, "");
      if (needsInsecureConfirmation(address, state.settings.servers.insecure_confirmed || [])) {
        if (!(await confirmInsecure(address))) return;
      }
      let ok = await save((s) => {
        s.servers.presenton_self = { ...s.servers.presenton_self, enabled: true, base_url: address, auth: auth.value, user: auth.value === "basic" ? user.value.trim() || null : null };
      });
      // The app has the last word on plain http; if it still refuses, ask once and try again.
      const refusal = problem.querySelector('[data-kind="insecure_connection"]');
      if (!ok && refusal && (await confirmInsecure(address))) {
        ok = await save((s) => {
          s.servers.presenton_self = { ...s.servers.presenton_self, enabled: true, base_url: address, auth: auth.value, user: auth.value === "basic" ? user.value.trim() || null : null };
        });
      }
      if (ok) {
        changed("keys");
        saveButton.textContent = "Save server";
        drawKeyArea();
      }
    });

    /** The app asks the person in a native dialog (the page cannot answer for them). */
    async function confirmInsecure(address) {
      try {
        const answer = await call(COMMANDS.confirmInsecureServer, { baseUrl: address });
        state.settings = answer.settings;
        if (!answer.confirmed) announce("Plain http was not confirmed; the server was not saved.");
        return answer.confirmed;
      } catch (err) {
        problem.replaceChildren(renderProblem(err, "Deckhand"));
        return false;
      }
    }

    section.append(
      h("h2", { id: "self-heading", tabindex: "-1" }, "Your own Presenton server"),
      h("p", { class: "hint" }, "If you or your company run Presenton yourselves, enter its address and how it signs you in. Leave this alone otherwise."),
      form, keyArea, result);
    drawKeyArea();
    return section;
  }

  // ----- folder, defaults, notifications, appearance
  function generalSection() {
    const folder = h("p", { class: "path", "data-testid": "save-folder" });
    const drawFolder = () => { folder.textContent = state.settings.save_folder || "Documents › Deckhand (the default)"; };
    drawFolder();
    const choose = h("button", { type: "button", class: "button", "data-testid": "choose-folder" }, "Choose folder…");
    choose.addEventListener("click", async () => {
      problem.replaceChildren();
      try {
        // The system's folder picker, opened by the app, which keeps the folder picked.
        const settings = await call(COMMANDS.pickOutDir);
        if (!settings) return;
        state.settings = settings;
        changed("settings");
        saved.textContent = "Saved.";
        drawFolder();
      } catch (err) {
        problem.replaceChildren(renderProblem(err, "Deckhand"));
      }
    });
    const reset = h("button", { type: "button", class: "button quiet", "data-testid": "reset-folder" }, "Use the default");
    reset.addEventListener("click", async () => { if (await save((s) => { s.save_folder = null; })) drawFolder(); });

    const provider = h("select", { id: "default-provider", class: "input", "data-testid": "default-provider" },
      Object.entries(PROVIDERS).map(([id, p]) => h("option", { value: id, selected: state.settings.default_provider === id }, p.name)));
    provider.addEventListener("change", () => save((s) => { s.default_provider = provider.value; }));

    const currentFormat = ((state.settings.defaults || {})[state.settings.default_provider] || {}).format || "pptx";
    const format = h("select", { id: "default-format", class: "input", "data-testid": "default-format" },
      ["pptx", "pdf"].map((f) => h("option", { value: f, selected: currentFormat === f }, FORMAT_LABELS[f])));
    format.addEventListener("change", () => save((s) => {
      s.defaults = s.defaults || {};
      for (const id of Object.keys(PROVIDERS)) s.defaults[id] = { ...(s.defaults[id] || {}), format: format.value };
    }));

    const notify = h("input", { id: "notifications", type: "checkbox", checked: state.settings.notifications, "data-testid": "notifications" });
    notify.addEventListener("change", () => save((s) => { s.notifications = notify.checked; }));

    const appearance = h("fieldset", { class: "field segmented-field" },
      h("legend", { class: "label" }, "Appearance"),
      h("div", { class: "segmented" }, [["system", "Like my computer"], ["light", "Light"], ["dark", "Dark"]].map(([v, l]) => {
        const radio = h("input", { type: "radio", name: "appearance", id: `appearance-${v}`, value: v, checked: state.settings.appearance === v, "data-testid": `appearance-${v}` });
        radio.addEventListener("change", () => save((s) => { s.appearance = v; }));
        return h("div", { class: "segment" }, radio, h("label", { for: `appearance-${v}` }, l));
      })));

    return h("section", { class: "card", "aria-labelledby": "general-heading", "data-testid": "settings-general" },
      h("h2", { id: "general-heading" }, "Decks and this app"),
      h("div", { class: "field" }, h("p", { class: "label" }, "Save finished decks in"), folder, h("div", { class: "actions" }, choose, reset)),
      h("div", { class: "grid two" },
        h("div", { class: "field" }, h("label", { for: "default-provider", class: "label" }, "Service for new decks"), provider),
        h("div", { class: "field" }, h("label", { for: "default-format", class: "label" }, "File type for new decks"), format)),
      h("div", { class: "check" }, notify, h("label", { for: "notifications" }, "Tell me when a deck is ready (a desktop notification)")),
      appearance);
  }

  // ----- help with a problem, and About
  function helpSection() {
    const status = h("p", { class: "hint", role: "status", "data-testid": "diagnostics-status" });
    const result = h("div", {});
    const copied = h("pre", { class: "diagnostics-text", "data-testid": "diagnostics-text" });
    const shown = h("details", { class: "diagnostics", "data-testid": "diagnostics-details", hidden: true },
      h("summary", {}, "What was copied"), copied);

    const openLog = h("button", { type: "button", class: "button", "data-testid": "open-log-folder" }, "Open the log folder");
    openLog.addEventListener("click", async () => {
      result.replaceChildren();
      try {
        await call(COMMANDS.openLogFolder);
      } catch (err) {
        result.replaceChildren(renderProblem(err, "Deckhand"));
      }
    });
    const copy = h("button", { type: "button", class: "button", "data-testid": "copy-diagnostics" }, "Copy diagnostic info");
    copy.addEventListener("click", async () => {
      result.replaceChildren();
      status.textContent = "";
      try {
        const info = await call(COMMANDS.copyDiagnosticInfo);
        copied.textContent = info.text;
        shown.hidden = false;
        status.textContent = "Copied. Paste it into your email or bug report.";
      } catch (err) {
        result.replaceChildren(renderProblem(err, "Deckhand"));
      }
    });

    return h("section", { class: "card", "aria-labelledby": "help-heading", "data-testid": "settings-help", id: "section-help" },
      h("h2", { id: "help-heading", tabindex: "-1" }, "Help and about"),
      h("p", { class: "hint" }, "If something goes wrong, these help whoever helps you see what happened. Your keys, passwords and notes are never in them."),
      h("div", { class: "actions" }, openLog, copy),
      status, result, shown,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "button quiet", "data-testid": "open-about", onclick: () => go("about") }, "About Deckhand and its licenses")));
  }

  if (opts.section) {
    const target = document.getElementById(`section-${opts.section}`);
    const heading = target && target.querySelector("h2, h3");
    if (heading) {
      setTimeout(() => { heading.focus(); target.scrollIntoView({ block: "start" }); }, 0);
    }
  }
}
