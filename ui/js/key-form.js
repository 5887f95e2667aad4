// Paste a key: it goes to the app in one set_key call and the field is emptied at once,
// so the page never keeps it. Only "set, ends in …1234" comes back.

import { COMMANDS, call } from "./ipc.js";
import { h, nextId, announce } from "./dom.js";
import { state, changed } from "./state.js";
import { renderProblem } from "./errors.js";
import { PROVIDERS } from "./providers.js";

/** "Set, ends in …1234" (plus "for this session only"). */
export function keyStatusText(status) {
  if (!status || !status.set) return "No key yet";
  const ends = status.last4 ? `, ends in …${status.last4}` : "";
  return `Key set${ends}${status.sessionOnly ? " (this session only)" : ""}`;
}

/**
 * @param {string} provider
 * @param {{label?: string, onSaved?: (status: object) => void, compact?: boolean}} o
 */
export function keyForm(provider, o = {}) {
  const id = nextId(`key-${provider}`);
  const status = state.keys[provider];
  const label = o.label || (status && status.set ? `Replace your ${PROVIDERS[provider].name} key` : `Paste your ${PROVIDERS[provider].name} key`);
  const input = h("input", {
    id, type: "password", class: "input", autocomplete: "off", spellcheck: "false",
    "data-testid": `key-input-${provider}`, "aria-describedby": `${id}-hint`,
  });
  const session = h("input", { id: `${id}-session`, type: "checkbox", "data-testid": `key-session-${provider}` });
  const save = h("button", { type: "submit", class: "button primary", "data-testid": `key-save-${provider}` }, "Save and check");
  const result = h("div", { class: "key-result", "data-testid": `key-result-${provider}` });

  const form = h("form", { class: "key-form", "data-testid": `key-form-${provider}` },
    h("label", { for: id, class: "label" }, label),
    h("div", { class: "row" }, input, save),
    h("p", { id: `${id}-hint`, class: "hint" }, "Deckhand keeps it in your computer's keychain and shows only its last four characters."),
    h("div", { class: "check" }, session, h("label", { for: `${id}-session` }, "Keep it for this session only (don't save it on this computer)")),
    result);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const key = input.value;
    input.value = "";
    if (!key.trim()) {
      result.replaceChildren(h("p", { class: "field-error", role: "alert" }, "Paste a key first."));
      input.focus();
      return;
    }
    save.disabled = true;
    result.replaceChildren(h("p", { class: "hint" }, "Checking the key…"));
    try {
      const next = await call(COMMANDS.setKey, { provider, key, verify: true, sessionOnly: session.checked });
      state.keys[provider] = next;
      changed("keys", provider);
      const text = `${PROVIDERS[provider].name} is ready. ${keyStatusText(next)}.`;
      result.replaceChildren(h("p", { class: "ok", "data-testid": `key-ok-${provider}` }, text));
      announce(text);
      if (o.onSaved) o.onSaved(next);
    } catch (err) {
      const buttons = [];
      if (err.kind === "keychain") {
        buttons.push(h("button", {
          type: "button", class: "button", "data-testid": `key-session-only-${provider}`,
          onclick: () => {
            session.checked = true;
            result.replaceChildren(h("p", { class: "hint" }, "Paste the key again; it will be kept until you close Deckhand."));
            input.focus();
          },
        }, "Use it for this session only"));
      }
      result.replaceChildren(renderProblem(err, provider, buttons));
      announce(result.querySelector(".problem-sentence").textContent);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
