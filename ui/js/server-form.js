// "My own Presenton server": its address (a placeholder until the person gives one, so no
// example is ever saved as their server), how it signs in, and "Use this server", which saves
// it, tests the connection and says how that went right next to the button. Used on the
// welcome screen and in Settings.

import { COMMANDS, call } from "./ipc.js";
import { h, announce } from "./dom.js";
import { go } from "./router.js";
import { state, changed, selfHostedEnabled, noteCredits } from "./state.js";
import { keyForm, keyStatusText } from "./key-form.js";
import { renderProblem } from "./errors.js";
import { parseServer, needsConfirmation } from "./server-address.js";

export const SERVER_PLACEHOLDER = "http://localhost:5001";

/** Saves a changed copy of the settings; the app answers with what it stored. */
async function saveSettings(mutate, problem) {
  const next = structuredClone(state.settings);
  mutate(next);
  problem.replaceChildren();
  try {
    state.settings = await call(COMMANDS.saveSettings, { settings: next });
    changed("settings");
    return true;
  } catch (err) {
    problem.replaceChildren(renderProblem(err, "Deckhand"));
    return false;
  }
}

/**
 * @param {{idPrefix?: string, narrow?: boolean}} o ids must differ when the form is on a page
 *   twice; narrow: one field under the other (a column of the welcome screen)
 * @returns {HTMLElement}
 */
export function serverSetup({ idPrefix = "server", narrow = false } = {}) {
  const server = state.settings.servers.presenton_self;
  const enabled = selfHostedEnabled();
  const id = (s) => `${idPrefix}-${s}`;
  const url = h("input", {
    id: id("url"), class: "input", type: "url", value: enabled ? server.base_url || "" : "", placeholder: SERVER_PLACEHOLDER,
    "data-testid": "server-url", "aria-describedby": `${id("url-hint")} ${id("url-error")}`, spellcheck: "false", autocomplete: "url",
  });
  const auth = h("select", { id: id("auth"), class: "input", "data-testid": "server-auth" },
    [["none", "No sign-in"], ["basic", "User name and password"], ["bearer", "API key"]].map(([v, l]) => h("option", { value: v, selected: (enabled ? server.auth : "none") === v }, l)));
  const user = h("input", { id: id("user"), class: "input", type: "text", autocomplete: "username", value: enabled ? server.user || "" : "", "data-testid": "server-user" });
  const userField = h("div", { class: "field", hidden: auth.value !== "basic" }, h("label", { for: id("user"), class: "label" }, "User name"), user);
  const urlError = h("p", { id: id("url-error"), class: "field-error", "data-testid": "error-server-url" });
  const result = h("div", { class: "inline-result", "data-testid": "server-result", role: "status" });
  const problem = h("div", { "data-testid": "server-problem" });
  const keyArea = h("div", { class: "server-sign-in" });
  const saveButton = h("button", { type: "submit", class: "button primary", "data-testid": "server-save" }, enabled ? "Save and test" : "Use this server");

  auth.addEventListener("change", () => { userField.hidden = auth.value !== "basic"; });

  const firstDeck = () => h("button", { type: "button", class: "button primary", "data-testid": "server-first-deck", onclick: () => go("new-deck", { provider: "presenton-self" }) }, "Make your first deck");

  /** Tests the saved server and says how it went next to the button. */
  async function test() {
    result.replaceChildren(h("p", { class: "hint" }, "Testing the connection…"));
    try {
      const r = await call(COMMANDS.testConnection, { provider: "presenton-self" });
      noteCredits("presenton-self", r.credits_remaining);
      result.replaceChildren(h("p", { class: "ok", "data-testid": "server-ok" }, r.message), firstDeck());
      announce(`${r.message} You can make your first deck now.`);
      return true;
    } catch (err) {
      result.replaceChildren(renderProblem(err, "presenton-self"));
      announce(result.querySelector(".problem-sentence").textContent);
      return false;
    }
  }

  function drawKeyArea() {
    const current = state.settings.servers.presenton_self;
    keyArea.replaceChildren();
    if (!selfHostedEnabled()) return;
    const statusText = () => (current.auth === "none" ? "No sign-in needed" : keyStatusText(state.keys["presenton-self"]));
    const statusLine = h("span", { "data-testid": "key-status-presenton-self" }, statusText());
    keyArea.append(h("p", {}, "Sign-in: ", statusLine));
    if (current.auth !== "none") {
      keyArea.append(keyForm("presenton-self", {
        label: current.auth === "basic" ? `Password for ${current.user || "the server"}` : "The server's API key",
        onSaved: () => {
          statusLine.textContent = statusText();
          result.replaceChildren(h("p", { class: "ok", "data-testid": "server-ok" }, "The server accepted the sign-in."), firstDeck());
        },
      }));
    }
    keyArea.append(h("div", { class: "actions" },
      h("button", { type: "button", class: "button", "data-testid": "test-presenton-self", onclick: test }, "Test connection"),
      h("button", { type: "button", class: "button quiet", "data-testid": "server-stop", onclick: async () => {
        if (await saveSettings((s) => { s.servers.presenton_self = { ...s.servers.presenton_self, enabled: false }; }, problem)) {
          changed("keys");
          result.replaceChildren();
          drawKeyArea();
          saveButton.textContent = "Use this server";
          announce("Deckhand no longer uses this server.");
        }
      } }, "Stop using this server")));
  }

  /** The app asks the person in a native dialog (the page cannot answer for them). */
  async function confirmInsecure(address) {
    try {
      const answer = await call(COMMANDS.confirmInsecureServer, { baseUrl: address });
      state.settings = answer.settings;
      if (!answer.confirmed) announce("You did not confirm the server, so it was not saved.");
      return answer.confirmed;
    } catch (err) {
      problem.replaceChildren(renderProblem(err, "Deckhand"));
      return false;
    }
  }

  const form = h("form", { class: "server-form", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: id("url"), class: "label" }, "Server address"), url,
      h("p", { id: id("url-hint"), class: "hint" }, `For example ${SERVER_PLACEHOLDER} or https://slides.example.com`), urlError),
    h("div", { class: narrow ? "" : "grid two" },
      h("div", { class: "field" }, h("label", { for: id("auth"), class: "label" }, "Sign-in"), auth),
      userField),
    h("div", { class: "actions with-result" }, saveButton, result));

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
    if (needsConfirmation(address, state.settings.servers)) {
      if (!(await confirmInsecure(address))) return;
    }
    const apply = (s) => {
      s.servers.presenton_self = { ...s.servers.presenton_self, enabled: true, base_url: address, auth: auth.value, user: auth.value === "basic" ? user.value.trim() || null : null };
    };
    let ok = await saveSettings(apply, problem);
    // The app has the last word on which servers are confirmed; if it still refuses, ask once
    // and try again.
    const refusal = problem.querySelector('[data-kind="insecure_connection"], [data-kind="unconfirmed_server"]');
    if (!ok && refusal && (await confirmInsecure(address))) ok = await saveSettings(apply, problem);
    if (!ok) return;
    changed("keys");
    saveButton.textContent = "Save and test";
    drawKeyArea();
    if (auth.value === "none") await test();
    else {
      result.replaceChildren(h("p", { class: "hint", "data-testid": "server-needs-sign-in" }, auth.value === "basic" ? "Saved. Now enter the password below." : "Saved. Now paste the server's API key below."));
      keyArea.querySelector("input[type='password']")?.focus();
    }
  });

  drawKeyArea();
  return h("div", { class: "server-setup" }, form, problem, keyArea);
}
