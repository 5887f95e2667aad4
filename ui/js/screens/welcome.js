// First run: what a key is, where to get one, and a place to paste it.

import { h } from "../dom.js";
import { go } from "../router.js";
import { keyForm } from "../key-form.js";
import { externalLink } from "../links.js";
import { PROVIDERS } from "../providers.js";
import { readyProviders } from "../state.js";

export function renderWelcome(root) {
  const start = h("button", {
    type: "button", class: "button primary large", "data-testid": "welcome-start",
    onclick: () => go("new-deck"),
  }, "Make my first deck");
  const startWrap = h("div", { class: "welcome-start", hidden: readyProviders().length === 0 }, start);
  const onSaved = () => { startWrap.hidden = false; start.focus(); };

  const card = (id) => h("section", { class: "card service-card", "aria-labelledby": `welcome-${id}`, "data-testid": `welcome-${id}` },
    h("h2", { id: `welcome-${id}` }, PROVIDERS[id].name),
    h("p", {}, PROVIDERS[id].keyHow),
    externalLink(PROVIDERS[id].keyUrl, `Get a ${PROVIDERS[id].name} key`, `welcome-get-key-${id}`),
    keyForm(id, { onSaved }));

  root.append(
    h("div", { class: "page narrow", "data-testid": "screen-welcome" },
      h("h1", {}, "Welcome to Deckhand"),
      h("p", { class: "lead" }, "Type a topic or paste your notes, and Deckhand has a finished slide deck made for you by Gamma or Presenton — saved as PowerPoint or PDF in your folder."),
      h("div", { class: "callout", "data-testid": "welcome-what-is-key" },
        h("h2", {}, "First, a key"),
        h("p", {}, "A key is a long code from the service that lets Deckhand make decks with your account, like a password just for this app. You need one for at least one service. Decks use your account's credits."),
        h("p", { "data-testid": "welcome-needs" }, readyProviders().length
          ? "You're set up. You can add another service below or start right away."
          : "You don't have a key yet, so Deckhand can't make decks. Get one below — it takes about a minute.")),
      h("div", { class: "grid two" }, card("gamma"), card("presenton")),
      h("p", { class: "hint" }, "Running Presenton on your own server? ",
        h("button", { type: "button", class: "button link", "data-testid": "welcome-self-hosted", onclick: () => go("settings", { section: "presenton-self" }) }, "Set up your server in Settings"), "."),
      startWrap,
      h("p", {}, h("button", { type: "button", class: "button link", "data-testid": "welcome-skip", onclick: () => go("new-deck") }, "Look around first"))));
}
