// About Deckhand: its version and license, and the licenses of the open-source components it
// is built from (a list generated at build time and shipped inside the app).

import { COMMANDS, call } from "../ipc.js";
import { h } from "../dom.js";
import { state } from "../state.js";
import { renderProblem } from "../errors.js";
import { go } from "../router.js";

export function renderAbout(root) {
  const version = (state.info && state.info.version) || "";
  const components = h("div", { "data-testid": "about-licenses" }, h("p", { class: "hint" }, "Loading the list…"));
  const page = h("div", { class: "page", "data-testid": "screen-about" },
    h("h1", {}, "About Deckhand"),
    h("section", { class: "card", "aria-labelledby": "about-app-heading" },
      h("h2", { id: "about-app-heading" }, version ? `Deckhand ${version}` : "Deckhand"),
      h("p", {}, "Deckhand turns a topic or your notes into a finished slide deck, made by Gamma or Presenton."),
      h("p", {}, "It is free software under the MIT license. Your notes go only to the service you choose, and your keys stay in your computer's keychain."),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "button quiet", "data-testid": "about-back", onclick: () => go("settings", { section: "help" }) }, "Back to Settings"))),
    h("section", { class: "card", "aria-labelledby": "about-components-heading" },
      h("h2", { id: "about-components-heading" }, "Made with open-source software"),
      components));
  root.append(page);
  loadLicenses(components);
}

async function loadLicenses(container) {
  try {
    /** @type {import("../ipc.js").ThirdPartyLicenses} */
    const list = await call(COMMANDS.thirdPartyLicenses);
    const groups = byLicense(list.licenses);
    const total = new Set(list.licenses.flatMap((l) => l.crates)).size;
    container.replaceChildren(
      h("p", { "data-testid": "about-licenses-count" },
        `Deckhand is built from ${total} components that other people wrote and share. Their licenses are below, each with the components it covers.`),
      ...groups.map(licenseBlock));
  } catch (err) {
    container.replaceChildren(renderProblem(err, "Deckhand"));
  }
}

/**
 * The list has one entry per distinct license text (each MIT copy names its own authors);
 * people look for a license by name, so entries are grouped by license, most used first.
 */
function byLicense(licenses) {
  const groups = new Map();
  for (const l of licenses) {
    if (!groups.has(l.id)) groups.set(l.id, { id: l.id, name: l.name, texts: [], count: 0 });
    const g = groups.get(l.id);
    g.texts.push(l);
    g.count += l.crates.length;
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}

/** One license: its name and how many components use it; its texts when opened. */
function licenseBlock(group) {
  const body = h("div", { class: "license-body" });
  const block = h("details", { class: "license", "data-testid": `license-${group.id}` },
    h("summary", {}, `${group.name} (${group.count} ${group.count === 1 ? "component" : "components"})`),
    body);
  // Filled in when opened: the texts together are long, and most people open none.
  block.addEventListener("toggle", () => {
    if (!block.open || body.childElementCount) return;
    for (const copy of group.texts) {
      body.append(
        h("p", { class: "hint license-crates" }, copy.crates.join(", ")),
        h("pre", { class: "license-text" }, copy.text));
    }
  });
  return block;
}
