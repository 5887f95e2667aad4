// Settings: services and keys, a self-hosted server, where decks go, defaults, notifications
// and appearance. General settings save as soon as they change.

import { COMMANDS, call } from "../ipc.js";
import { h, announce } from "../dom.js";
import { state, changed, noteCredits, readyProviders, subscribe } from "../state.js";
import { PROVIDERS, FORMAT_LABELS } from "../providers.js";
import { keyForm, keyStatusText } from "../key-form.js";
import { externalLink } from "../links.js";
import { renderProblem } from "../errors.js";
import { confirmDialog } from "../dialogs.js";
import { applyAppearance } from "../appearance.js";
import { formatNumber } from "../format.js";
import { serverSetup } from "../server-form.js";
import { forgetFormats } from "../draft.js";
import { go } from "../router.js";

export function renderSettings(root, opts = {}) {
  const cleanups = [];
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
      result.replaceChildren(renderProblem(err, id));
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
      problem.replaceChildren(renderProblem(err, id));
    }
  }

  // ----- self-hosted Presenton
  function selfHostedSection() {
    return h("section", { class: "card", "aria-labelledby": "self-heading", "data-testid": "settings-self-hosted", id: "section-presenton-self" },
      h("h2", { id: "self-heading", tabindex: "-1" }, "Your own Presenton server"),
      h("p", { class: "hint" }, "If you or your company run Presenton yourselves, enter its address and how it signs you in. Leave this alone otherwise."),
      serverSetup({ idPrefix: "settings-server" }));
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

    // Only services that are set up can make the next deck.
    const providerField = h("div", { class: "field", "data-testid": "default-provider-field" });
    const drawProviders = () => {
      const ready = readyProviders();
      if (!ready.length) {
        providerField.replaceChildren(h("p", { class: "label" }, "Service for new decks"),
          h("p", { class: "hint", "data-testid": "default-provider-none" }, "Set up a service above first."));
        return;
      }
      const current = ready.includes(state.settings.default_provider) ? state.settings.default_provider : ready[0];
      const provider = h("select", { id: "default-provider", class: "input", "data-testid": "default-provider" },
        ready.map((id) => h("option", { value: id, selected: current === id }, PROVIDERS[id].name)));
      provider.addEventListener("change", () => save((s) => { s.default_provider = provider.value; }));
      providerField.replaceChildren(h("label", { for: "default-provider", class: "label" }, "Service for new decks"), provider);
    };
    drawProviders();
    const unsubscribe = subscribe((topic) => { if (topic === "keys" || topic === "settings") drawProviders(); });
    cleanups.push(unsubscribe);

    const currentFormat = ((state.settings.defaults || {})[state.settings.default_provider] || {}).format || "pptx";
    const format = h("select", { id: "default-format", class: "input", "data-testid": "default-format" },
      ["pptx", "pdf"].map((f) => h("option", { value: f, selected: currentFormat === f }, FORMAT_LABELS[f])));
    format.addEventListener("change", () => {
      // The new default applies to every service, over what was chosen last time.
      forgetFormats();
      save((s) => {
        s.defaults = s.defaults || {};
        for (const id of Object.keys(PROVIDERS)) s.defaults[id] = { ...(s.defaults[id] || {}), format: format.value };
      });
    });

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
        providerField,
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
  return () => { for (const stop of cleanups) stop(); };
}
