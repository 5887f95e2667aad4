// Looks chosen by looking: each theme or template as a small picture with its name, as the
// service names it, in a group of radio buttons (arrow keys move between them). Services that
// describe a look's colours get a sketch in those colours; the first choice is the service's
// own default, worded for each service.

import { COMMANDS, call } from "./ipc.js";
import { h, nextId } from "./dom.js";
import { PROVIDERS } from "./providers.js";
import { formatNumber } from "./format.js";
import { lookSketch } from "./look-sketch.js";

/** Past this many, a box to find a look by name appears. */
const FIND_FROM = 9;

/** "Gamma's default theme", "Your server's default template". */
export function defaultLookName(provider) {
  const word = PROVIDERS[provider].lookWord;
  if (PROVIDERS[provider].selfHosted) return `Your server's default ${word}`;
  return `${PROVIDERS[provider].name}'s default ${word}`;
}

/**
 * @param {{provider: string, initial?: string, initialName?: string, onChange?: () => void}} o
 * @returns {{element: HTMLElement, group: HTMLElement, value: () => {id: string, name: string}, focus: () => void}}
 */
export function lookPicker({ provider, initial = "", initialName = "", onChange = () => {} }) {
  const group = nextId("look");
  const word = PROVIDERS[provider].lookWord;
  // Focusable itself, so a problem with the look can move focus here.
  const list = h("div", { class: "looks", role: "radiogroup", tabindex: "-1", "aria-labelledby": `${group}-legend`, "aria-describedby": `${group}-hint`, "data-testid": "field-look" });
  const hint = h("p", { id: `${group}-hint`, class: "hint", "data-testid": "look-hint", role: "status" }, `Loading ${word}s…`);
  const find = h("input", { class: "input look-find", type: "search", placeholder: `Find a ${word}`, "aria-label": `Find a ${word} by name`, "data-testid": "look-find", hidden: true });
  const more = h("button", { type: "button", class: "button small", "data-testid": "look-more", hidden: true }, `Show more ${word}s`);
  let chosen = { id: initial || "", name: initial ? initialName : "" };
  let cursor = null;
  let loaded = false;
  /** @type {{id: string, name: string, detail?: string, colors?: string[]}[]} */
  let items = [];

  function option(item) {
    const id = `${group}-${item.id || "default"}`;
    const radio = h("input", { type: "radio", name: group, id, value: item.id, checked: item.id === chosen.id, "data-testid": `look-${item.id || "default"}` });
    radio.addEventListener("change", () => { chosen = { id: item.id, name: item.id ? item.name : "" }; onChange(); });
    return h("div", { class: "look", "data-name": item.name.toLowerCase() },
      radio,
      h("label", { for: id },
        h("img", { src: lookSketch({ colors: item.colors || [], label: item.id ? "" : "Aa" }), alt: "", width: 120, height: 68 }),
        h("span", { class: "look-name" }, item.name),
        item.detail ? h("span", { class: "look-detail" }, item.detail) : null));
  }

  function draw() {
    const all = [{ id: "", name: defaultLookName(provider) }, ...items];
    if (chosen.id && !all.some((it) => it.id === chosen.id)) {
      // A look remembered from last time that the service no longer offers: its default.
      if (loaded && !cursor) chosen = { id: "", name: "" };
      else all.push({ id: chosen.id, name: chosen.name || `The ${word} you chose last time` });
    }
    list.replaceChildren(...all.map(option));
    find.hidden = items.length < FIND_FROM;
    more.hidden = !cursor;
    filter();
  }

  function filter() {
    const q = find.value.trim().toLowerCase();
    for (const el of list.children) el.hidden = Boolean(q) && !el.dataset.name.includes(q) && !el.querySelector("input").checked;
  }
  find.addEventListener("input", filter);

  async function load() {
    const args = { provider, kind: PROVIDERS[provider].look };
    if (cursor) args.cursor = cursor;
    try {
      const page = await call(COMMANDS.listChoices, args);
      const fresh = ((page && page.items) || []).filter((it) => !items.some((x) => x.id === it.id));
      items = items.concat(fresh);
      cursor = (page && page.next_cursor) || null;
      if (chosen.id) chosen.name = (items.find((it) => it.id === chosen.id) || {}).name || chosen.name;
      loaded = true;
      hint.textContent = items.length ? `${formatNumber(items.length)} ${word}s to choose from.` : `${PROVIDERS[provider].subject === "your Presenton server" ? "Your server" : PROVIDERS[provider].name} offers no other ${word}s.`;
    } catch (err) {
      hint.textContent = ["network", "name_not_found", "connection_refused", "timeout"].includes(err.kind)
        ? `You seem to be offline, so the ${word}s can't be shown. ${defaultLookName(provider)} will be used.`
        : `The ${word}s can't be shown right now. ${defaultLookName(provider)} will be used.`;
    }
    draw();
  }
  more.addEventListener("click", load);

  const element = h("fieldset", { class: "field look-field" },
    h("legend", { id: `${group}-legend`, class: "label" }, word === "theme" ? "Theme" : "Template"),
    find, list, more, hint);
  draw();
  load();
  return {
    element,
    group: list,
    value: () => chosen,
    focus: () => { (list.querySelector("input:checked") || list.querySelector("input"))?.focus(); },
  };
}
