// A searchable language list (names in the language's own words, from list_choices), built as
// an ARIA combobox so keyboards and screen readers can use it.

import { COMMANDS, call } from "./ipc.js";
import { h, nextId } from "./dom.js";
import { providerSubject } from "./providers.js";

const MAX_SHOWN = 60;

/**
 * @param {{provider: string, initial?: string|null, onChange?: () => void}} o
 * @returns {{element: HTMLElement, value: () => string|null, input: HTMLInputElement}}
 */
export function languagePicker(o) {
  const id = nextId("language");
  const listId = `${id}-list`;
  /** @type {{id: string, name: string, detail?: string}[]} */
  let items = [];
  let shown = [];
  let active = -1;
  let chosen = null;

  const input = h("input", {
    id, class: "input", type: "text", role: "combobox", autocomplete: "off", spellcheck: "false",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
    "aria-describedby": `${id}-hint`, placeholder: "Search languages", "data-testid": "field-language",
  });
  const list = h("ul", { id: listId, role: "listbox", class: "listbox", hidden: true, "aria-label": "Languages" });
  const hint = h("p", { id: `${id}-hint`, class: "hint" }, `Leave it empty and ${providerSubject(o.provider)} chooses (usually the language of your text).`);

  const label = (item) => (item.detail && item.detail !== item.name ? `${item.name} — ${item.detail}` : item.name);

  function open() {
    const q = input.value.trim().toLowerCase();
    shown = items.filter((it) => !q || [it.name, it.detail || "", it.id].some((s) => s.toLowerCase().includes(q))).slice(0, MAX_SHOWN);
    active = shown.length ? 0 : -1;
    list.replaceChildren(...shown.map((it, i) => h("li", {
      id: `${listId}-${i}`, role: "option", class: "option", "aria-selected": i === active ? "true" : "false",
      "data-testid": `language-option-${it.id}`, lang: it.id,
      onmousedown: (e) => { e.preventDefault(); pick(it); },
    }, label(it))));
    const visible = shown.length > 0 && document.activeElement === input;
    list.hidden = !visible;
    input.setAttribute("aria-expanded", visible ? "true" : "false");
    syncActive();
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function syncActive() {
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", i === active ? "true" : "false"));
    if (active >= 0 && !list.hidden) {
      input.setAttribute("aria-activedescendant", `${listId}-${active}`);
      const li = list.children[active];
      if (li && li.scrollIntoView) li.scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  }

  function pick(item) {
    chosen = item;
    input.value = item.name;
    close();
    if (o.onChange) o.onChange();
  }

  input.addEventListener("input", () => { chosen = null; open(); if (o.onChange) o.onChange(); });
  input.addEventListener("focus", open);
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (list.hidden) { open(); return; }
      const step = e.key === "ArrowDown" ? 1 : -1;
      active = Math.max(0, Math.min(shown.length - 1, active + step));
      syncActive();
    } else if (e.key === "Enter" && !list.hidden && active >= 0) {
      // Enter picks a language here instead of submitting the form.
      e.preventDefault();
      pick(shown[active]);
    } else if (e.key === "Escape" && !list.hidden) {
      e.preventDefault();
      close();
    }
  });

  call(COMMANDS.listChoices, { provider: o.provider, kind: "languages" })
    .then((page) => {
      items = (page && page.items) || [];
      const initial = o.initial && items.find((it) => it.id === o.initial || it.name === o.initial);
      if (initial) { chosen = initial; input.value = initial.name; }
    })
    .catch(() => {
      hint.textContent = "The list of languages isn't available right now; type the language's name.";
    });

  const element = h("div", { class: "field" },
    h("label", { for: id, class: "label" }, "Language"),
    h("div", { class: "combo" }, input, list), hint);

  return {
    element,
    input,
    value: () => {
      if (chosen) return chosen.id;
      const typed = input.value.trim();
      if (!typed) return null;
      const exact = items.find((it) => [it.name, it.detail || "", it.id].some((s) => s.toLowerCase() === typed.toLowerCase()));
      return exact ? exact.id : typed;
    },
  };
}
