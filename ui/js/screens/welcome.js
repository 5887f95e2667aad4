// First run: the three ways to make decks side by side — Gamma, Presenton, and a Presenton
// server of one's own — each with what it needs, and a way to start as soon as one is ready.

import { h } from "../dom.js";
import { go } from "../router.js";
import { keyForm } from "../key-form.js";
import { externalLink } from "../links.js";
import { PROVIDERS } from "../providers.js";
import { readyProviders, subscribe } from "../state.js";
import { serverSetup } from "../server-form.js";

function needsText() {
  return readyProviders().length
    ? "You're set up. You can add another service below or start right away."
    : "Set up one of these three to start. It takes about a minute.";
}

export function renderWelcome(root) {
  const start = h("button", {
    type: "button", class: "button primary large", "data-testid": "welcome-start",
    onclick: () => go("new-deck"),
  }, "Make my first deck");
  const startWrap = h("div", { class: "welcome-start", hidden: readyProviders().length === 0 }, start);
  const needs = h("p", { "data-testid": "welcome-needs" }, needsText());
  const onSaved = () => { startWrap.hidden = false; needs.textContent = needsText(); start.focus(); };

  const card = (id) => h("section", { class: "card service-card", "aria-labelledby": `welcome-${id}`, "data-testid": `welcome-${id}` },
    h("h2", { id: `welcome-${id}` }, PROVIDERS[id].name),
    h("p", {}, PROVIDERS[id].keyHow),
    externalLink(PROVIDERS[id].keyUrl, `Get a ${PROVIDERS[id].name} key`, `welcome-get-key-${id}`),
    keyForm(id, { onSaved }));

  const own = h("section", { class: "card service-card", "aria-labelledby": "welcome-presenton-self-heading", "data-testid": "welcome-presenton-self" },
    h("h2", { id: "welcome-presenton-self-heading" }, "My own Presenton server"),
    h("p", {}, "If you or your company run Presenton yourselves, no key from us is needed: enter the server's address, and a password or key if it asks for one."),
    serverSetup({ idPrefix: "welcome-server", narrow: true }));

  root.append(
    h("div", { class: "page wide", "data-testid": "screen-welcome" },
      h("h1", {}, "Welcome to Deckhand"),
      h("p", { class: "lead" }, "Type a topic or paste your notes, and Deckhand has a finished slide deck made for you by Gamma or Presenton — saved as PowerPoint or PDF in your folder."),
      h("div", { class: "callout", "data-testid": "welcome-what-is-key" },
        h("h2", {}, "How Deckhand makes decks"),
        h("p", {}, "Deckhand uses your Gamma or Presenton account, or a Presenton server you run. For an account you need a key: a long code from the service that lets Deckhand make decks with your account, like a password just for this app. Decks use your account's credits."),
        needs),
      h("div", { class: "grid three services" }, card("gamma"), card("presenton"), own),
      startWrap,
      h("p", {}, h("button", { type: "button", class: "button link", "data-testid": "welcome-skip", onclick: () => go("new-deck") }, "Look around first"))));

  // A server of one's own set up here counts as ready too.
  return subscribe((topic) => {
    if (topic === "keys" || topic === "settings") {
      startWrap.hidden = readyProviders().length === 0;
      needs.textContent = needsText();
    }
  });
}
