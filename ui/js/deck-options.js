// "More options": each service's own choices, by their API names (DeckRequest.options).

import { COMMANDS, call } from "./ipc.js";
import { h, nextId } from "./dom.js";

/** @typedef {{name: string, label: string, kind: "select"|"text"|"check", choices?: [string, string][], initial?: any, hint?: string, max?: number}} OptionSpec */

/** @type {Object<string, OptionSpec[]>} */
const GAMMA = [
  { name: "textMode", label: "What to do with your text", kind: "select", initial: "generate", choices: [
    ["generate", "Write the slides from my topic or notes"],
    ["condense", "Shorten my notes into slides"],
    ["preserve", "Keep my wording"]] },
  { name: "cardSplit", label: "How to split into slides", kind: "select", initial: "auto", choices: [
    ["auto", "Let Gamma decide"],
    ["inputTextBreaks", "One slide per --- break in my text"]] },
  { name: "textOptions.amount", label: "Amount of text", kind: "select", initial: "", choices: [
    ["", "Gamma's default"], ["brief", "Brief"], ["medium", "Medium"], ["detailed", "Detailed"], ["extensive", "Extensive"]] },
  { name: "textOptions.tone", label: "Tone", kind: "text", max: 500, hint: "For example: friendly and encouraging" },
  { name: "textOptions.audience", label: "Audience", kind: "text", max: 500, hint: "For example: new customers, year 9 students" },
  { name: "imageOptions.source", label: "Pictures", kind: "select", initial: "", choices: [
    ["", "Gamma's default"], ["aiGenerated", "Made by AI"], ["webFreeToUse", "Free photos from the web"],
    ["webFreeToUseCommercially", "Photos free for business use"], ["pexels", "Photos from Pexels"],
    ["pictographic", "Simple illustrations"], ["giphy", "GIFs"], ["themeAccent", "Only the theme's accents"],
    ["placeholder", "Empty picture boxes to fill later"], ["noImages", "No pictures"]] },
  // Filled from list_choices: models change often and depend on the plan.
  { name: "imageOptions.model", label: "AI picture model", kind: "select", initial: "", remote: "image_models", choices: [["", "Gamma's choice"]] },
  { name: "cardOptions.dimensions", label: "Slide shape", kind: "select", initial: "", choices: [
    ["", "Gamma's default"], ["16x9", "Widescreen (16:9)"], ["4x3", "Classic (4:3)"], ["fluid", "Flexible height"]] },
];

const PRESENTON = [
  { name: "tone", label: "Tone", kind: "select", initial: "", choices: [
    ["", "Presenton's default"], ["casual", "Casual"], ["professional", "Professional"], ["educational", "Educational"],
    ["sales_pitch", "Sales pitch"], ["funny", "Funny"]] },
  { name: "verbosity", label: "Amount of text", kind: "select", initial: "", choices: [
    ["", "Presenton's default"], ["concise", "Concise"], ["standard", "Standard"], ["text-heavy", "Detailed"]] },
  { name: "content_generation", label: "What to do with your text", kind: "select", initial: "", choices: [
    ["", "Presenton's default"], ["enhance", "Write the slides from my topic or notes"], ["condense", "Shorten my notes into slides"], ["preserve", "Keep my wording"]] },
  { name: "image_type", label: "Pictures", kind: "select", initial: "", choices: [
    ["", "Presenton's default"], ["stock", "Stock photos"], ["ai-generated", "Made by AI"]] },
  { name: "include_title_slide", label: "Start with a title slide", kind: "check", initial: true },
  { name: "include_table_of_contents", label: "Add a table of contents", kind: "check", initial: false },
  { name: "web_search", label: "Look things up on the web while writing", kind: "check", initial: false },
];

export function optionSpecs(provider) {
  return provider === "gamma" ? GAMMA : PRESENTON;
}

/**
 * Builds the option fields; `values` are the draft's current options.
 * @returns {{element: HTMLElement, read: () => Object<string, any>, inputs: Map<string, HTMLElement>}}
 */
export function optionFields(provider, values, onChange) {
  const inputs = new Map();
  const fields = optionSpecs(provider).map((spec) => {
    const id = nextId("opt");
    const testid = `option-${spec.name}`;
    const current = values[spec.name] ?? spec.initial ?? "";
    let input;
    if (spec.kind === "select") {
      input = h("select", { id, class: "input", "data-testid": testid, "data-option": spec.name },
        spec.choices.map(([value, label]) => h("option", { value, selected: String(current) === value }, label)));
    } else if (spec.kind === "check") {
      input = h("input", { id, type: "checkbox", "data-testid": testid, "data-option": spec.name, checked: Boolean(current) });
    } else {
      input = h("input", { id, type: "text", class: "input", maxlength: spec.max, value: String(current), "data-testid": testid, "data-option": spec.name, "aria-describedby": spec.hint ? `${id}-hint` : null });
    }
    input.addEventListener("change", onChange);
    inputs.set(spec.name, input);
    if (spec.remote) loadRemoteChoices(provider, spec, input, current);
    if (spec.kind === "check") return h("div", { class: "check" }, input, h("label", { for: id }, spec.label));
    return h("div", { class: "field" },
      h("label", { for: id, class: "label" }, spec.label), input,
      spec.hint ? h("p", { id: `${id}-hint`, class: "hint" }, spec.hint) : null,
      h("p", { class: "field-error", id: `${id}-error`, "data-testid": `error-option-${spec.name}` }));
  });

  const read = () => {
    const out = {};
    for (const spec of optionSpecs(provider)) {
      const input = inputs.get(spec.name);
      if (spec.kind === "check") {
        // Send a checkbox only when it differs from the service's own default.
        if (input.checked !== Boolean(spec.initial)) out[spec.name] = input.checked;
      } else if (input.value.trim() !== "") {
        out[spec.name] = input.value.trim();
      }
    }
    // Gamma requires textMode; the select always has one.
    return out;
  };
  return { element: h("div", { class: "grid two options" }, fields), read, inputs };
}

/** Adds a service's own list (e.g. image models) to a select; the default stays if it fails. */
function loadRemoteChoices(provider, spec, select, current) {
  call(COMMANDS.listChoices, { provider, kind: spec.remote })
    .then((page) => {
      for (const item of (page && page.items) || []) {
        select.append(h("option", { value: item.id, selected: item.id === current }, item.detail ? `${item.name} — ${item.detail}` : item.name));
      }
    })
    .catch(() => {});
}
