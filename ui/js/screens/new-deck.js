// New deck: the topic or notes, the service, and how the deck should look; checked as the
// person types, checked again by the app, then sent.

import { COMMANDS, call } from "../ipc.js";
import { h, announce } from "../dom.js";
import { go } from "../router.js";
import { state, changed, readyProviders, noteCredits, rememberJob, subscribe } from "../state.js";
import { PROVIDERS, FORMAT_LABELS, providerSubject } from "../providers.js";
import { LIMITS, checkLimits } from "../limits.js";
import { formatNumber } from "../format.js";
import { languagePicker } from "../languages.js";
import { optionFields } from "../deck-options.js";
import { renderProblem } from "../errors.js";
import { chooseSourceFile, readSourceFile, followDrops, isSupported } from "../source-files.js";
import { draft, saveDraftSoon, clearDraft, lastChoices, rememberChoices } from "../draft.js";
import { lookPicker } from "../look-picker.js";

/** Engine field names → the form's fields. */
const FIELD_ALIASES = {
  inputText: "content", text: "content", source_files: "content",
  numCards: "slides", n_slides: "slides",
  additionalInstructions: "instructions",
  theme: "look", themeId: "look", template: "look",
  exportAs: "format", export_as: "format",
};

export function renderNewDeck(root, opts = {}) {
  const ready = readyProviders();
  if (!ready.length) return renderNeedsService(root);

  let provider = opts.provider && ready.includes(opts.provider) ? opts.provider
    : draft.provider && ready.includes(draft.provider) ? draft.provider
    : state.settings && ready.includes(state.settings.default_provider) ? state.settings.default_provider
    : ready[0];
  if (draft.provider !== provider) saveDraftSoon();
  draft.provider = provider;
  const defaults = (state.settings && state.settings.defaults && state.settings.defaults[provider]) || {};
  // What the person chose last time with this service comes before the Settings' defaults.
  const last = lastChoices(provider);
  const formats = PROVIDERS[provider].formats;
  // Until the person picks a file type themselves, last time's (else the Settings' default) applies.
  if (!draft.formatChosen || !formats.includes(draft.format)) {
    draft.format = [last.format, defaults.format].find((f) => formats.includes(f)) || "pptx";
  }
  if (draft.slides === "" && (last.slides || defaults.slides)) draft.slides = String(last.slides || defaults.slides);
  if (!draft.look && last.look) Object.assign(draft, { look: last.look, lookName: last.look_name || "" });
  const limits = LIMITS[provider];
  const subject = providerSubject(provider);

  // ----- fields
  const content = h("textarea", { id: "content", class: "input", rows: 9, "data-testid": "field-content", "aria-describedby": "content-count content-error", placeholder: "For example: “Why our school is switching to a four-day week”, or paste your notes here." });
  content.value = draft.content;
  const count = h("p", { id: "content-count", class: "hint counter", "data-testid": "content-count" });
  const title = h("input", { id: "title", class: "input", type: "text", maxlength: 500, "data-testid": "field-title", value: draft.title });
  const slides = h("input", { id: "slides", class: "input narrow", type: "number", inputmode: "numeric", min: limits.slidesMin, max: limits.slidesMax, "data-testid": "field-slides", "aria-describedby": "slides-hint slides-error", value: draft.slides });
  const instructions = h("textarea", { id: "instructions", class: "input", rows: 3, "data-testid": "field-instructions", "aria-describedby": "instructions-count instructions-error" });
  instructions.value = draft.instructions;
  const instructionsCount = h("p", { id: "instructions-count", class: "hint counter" });
  const look = lookPicker({
    provider,
    initial: draft.look || defaults[PROVIDERS[provider].look === "themes" ? "theme" : "template"] || "",
    initialName: draft.lookName,
    onChange: () => { Object.assign(draft, { look: look.value().id, lookName: look.value().name }); saveDraftSoon(); },
  });
  const language = languagePicker({ provider, initial: draft.language ?? last.language ?? defaults.language ?? null, onChange: () => { draft.language = language.value(); saveDraftSoon(); } });
  const attachments = h("ul", { class: "chips", "data-testid": "attachments", "aria-label": "Attached files" });
  const dropNote = h("p", { class: "hint", "data-testid": "drop-note", role: "status" });
  const formProblem = h("div", { class: "form-problem", "data-testid": "form-problem" });
  const generate = h("button", { type: "submit", class: "button primary large", "data-testid": "generate" }, "Make the deck");

  const errorSlot = (name) => h("p", { id: `${name}-error`, class: "field-error", "data-testid": `error-${name}` });
  const fieldInputs = { content, title, slides, instructions, look: look.group, language: language.input };

  const options = optionFields(provider, draft.options, () => { draft.options = options.read(); liveCheck(); saveDraftSoon(); });

  // ----- service choice
  const serviceField = ready.length > 1
    ? h("fieldset", { class: "field segmented-field" },
      h("legend", { class: "label" }, "Service"),
      h("div", { class: "segmented" }, ready.map((id) => {
        const radio = h("input", { type: "radio", name: "provider", id: `provider-${id}`, value: id, checked: id === provider, "data-testid": `provider-${id}` });
        radio.addEventListener("change", () => switchProvider(id));
        return h("div", { class: "segment" }, radio, h("label", { for: `provider-${id}` }, PROVIDERS[id].name));
      })))
    : h("div", { class: "field" }, h("p", { class: "label" }, "Service"), h("p", { "data-testid": "provider-only" }, PROVIDERS[provider].name));
  const addService = h("button", { type: "button", class: "button link small", "data-testid": "add-service", onclick: () => go("settings") }, "Add a service");
  const credits = h("p", { class: "hint", "data-testid": "credits-left" });

  // ----- file type
  const formatField = h("fieldset", { class: "field segmented-field" },
    h("legend", { class: "label" }, "File type"),
    h("div", { class: "segmented" }, formats.map((f) => {
      const radio = h("input", { type: "radio", name: "format", id: `format-${f}`, value: f, checked: f === draft.format, "data-testid": `format-${f}` });
      radio.addEventListener("change", () => { draft.format = f; draft.formatChosen = true; saveDraftSoon(); });
      return h("div", { class: "segment" }, radio, h("label", { for: `format-${f}` }, FORMAT_LABELS[f]));
    })));

  const chooseFile = h("button", { type: "button", class: "button", "data-testid": "choose-file" }, "Choose a file…");
  const dropZone = h("div", { class: "drop-zone", "data-testid": "drop-zone" },
    h("p", {}, "Drag a .txt, .md, .docx or .pdf file here, or "), chooseFile, attachments, dropNote);

  const form = h("form", { class: "deck-form", novalidate: true, "data-testid": "new-deck-form", "aria-labelledby": "new-deck-title" },
    h("section", { class: "card", "aria-labelledby": "about-heading" },
      h("h2", { id: "about-heading" }, "What is it about?"),
      h("div", { class: "field" },
        h("label", { for: "content", class: "label" }, "Topic or notes"),
        content, h("div", { class: "field-foot" }, errorSlot("content"), count)),
      dropZone,
      h("div", { class: "field" },
        h("label", { for: "title", class: "label" }, "Title ", h("span", { class: "optional" }, "(optional)")),
        title, errorSlot("title"))),
    h("section", { class: "card", "aria-labelledby": "look-heading" },
      h("h2", { id: "look-heading" }, "How should it look?"),
      h("div", { class: "service-row" }, serviceField, h("div", { class: "service-aside" }, credits, addService)),
      h("div", { class: "grid two" },
        h("div", { class: "field" },
          h("label", { for: "slides", class: "label" }, "Number of slides"),
          slides,
          h("p", { id: "slides-hint", class: "hint", "data-testid": "slides-hint" }, `From ${formatNumber(limits.slidesMin)} to ${formatNumber(limits.slidesMax)}${limits.slidesNote ? ` (${limits.slidesNote.replace(/\.$/, "")})` : ""}. Leave it empty and ${subject} decides.`),
          errorSlot("slides")),
        h("div", {}, language.element, errorSlot("language")),
        h("div", {}, formatField, errorSlot("format"))),
      h("div", {}, look.element, errorSlot("look"))),
    h("details", { class: "card more", "data-testid": "more-options", open: Boolean(draft.instructions) || undefined },
      h("summary", {}, "More options"),
      options.element,
      h("div", { class: "field" },
        h("label", { for: "instructions", class: "label" }, "Extra instructions ", h("span", { class: "optional" }, "(optional)")),
        instructions, h("div", { class: "field-foot" }, errorSlot("instructions"), instructionsCount))),
    formProblem,
    h("div", { class: "actions submit-row" }, generate));

  root.append(h("div", { class: "page", "data-testid": "screen-new-deck" },
    h("h1", { id: "new-deck-title" }, "New deck"),
    form));

  // ----- behaviour
  function showCredits() {
    const left = state.credits[provider];
    credits.textContent = typeof left === "number" && !PROVIDERS[provider].selfHosted ? `Your ${PROVIDERS[provider].name} account has ${formatNumber(left)} credits left.` : "";
  }

  function setError(name, message) {
    const slot = root.querySelector(`#${CSS.escape(name)}-error`);
    const input = fieldInputs[name];
    if (slot) slot.textContent = message || "";
    if (input) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  function formValues() {
    return {
      content: content.value, slides: slides.value, instructions: instructions.value,
      cardSplit: options.read().cardSplit, toc: options.read().include_table_of_contents === true,
      hasFiles: provider !== "gamma" && draft.files.length > 0,
    };
  }

  let showEmpty = false;
  function liveCheck() {
    draft.content = content.value; draft.title = title.value; draft.slides = slides.value; draft.instructions = instructions.value;
    saveDraftSoon();
    count.textContent = `${formatNumber(content.value.length)} of ${formatNumber(limits.content)} characters`;
    instructionsCount.textContent = `${formatNumber(instructions.value.length)} of ${formatNumber(limits.instructions)}`;
    const problems = checkLimits(provider, formValues());
    if (!showEmpty && problems.content && !content.value.length) delete problems.content;
    for (const name of ["content", "slides", "instructions"]) setError(name, problems[name]);
    slides.disabled = provider === "gamma" && formValues().cardSplit === "inputTextBreaks" && !slides.value;
    return problems;
  }

  function switchProvider(id) {
    draft.options = {};
    draft.look = "";
    draft.lookName = "";
    draft.language = null;
    draft.slides = "";
    go("new-deck", { provider: id, focus: false });
    const radio = document.getElementById(`provider-${id}`);
    if (radio) radio.focus();
  }

  function renderAttachments() {
    attachments.replaceChildren(...draft.files.map((file) => h("li", { class: "chip" },
      h("span", {}, file.name),
      h("button", { type: "button", class: "chip-remove", "aria-label": `Remove ${file.name}`, "data-testid": "remove-attachment", onclick: () => { draft.files = draft.files.filter((f) => f.token !== file.token); renderAttachments(); liveCheck(); } }, "×"))));
  }

  async function readFilesIntoText() {
    const files = draft.files;
    draft.files = [];
    renderAttachments();
    for (const file of files) await addFile(file);
  }

  /** @param {import("../ipc.js").ChosenFile} file */
  async function addFile(file) {
    if (!isSupported(file.name)) {
      dropNote.textContent = `Deckhand can read .txt, .md, .docx and .pdf files; ${file.name} is none of these.`;
      return;
    }
    if (provider === "gamma") {
      dropNote.textContent = `Reading ${file.name}…`;
      try {
        const read = await readSourceFile(file);
        content.value = content.value.trim() ? `${content.value.trimEnd()}\n\n${read.text}` : read.text;
        dropNote.textContent = `Added the text of ${read.name} (${formatNumber(read.chars)} characters). You can edit it above.`;
        liveCheck();
      } catch (err) {
        dropNote.textContent = "";
        formProblem.replaceChildren(renderProblem(err, "Deckhand"));
      }
    } else if (!draft.files.some((f) => f.token === file.token)) {
      draft.files.push(file);
      renderAttachments();
      dropNote.textContent = `${file.name} will be sent to ${subject} as a source document.`;
      liveCheck();
    }
  }

  chooseFile.addEventListener("click", async () => {
    try {
      const file = await chooseSourceFile();
      if (file) await addFile(file);
    } catch (err) {
      formProblem.replaceChildren(renderProblem(err, "Deckhand"));
    }
  });

  // A file dropped on the page itself (no path): plain text can still be read here.
  dropZone.addEventListener("dragover", (e) => { e.preventDefault(); dropZone.classList.add("hover"); });
  dropZone.addEventListener("dragleave", () => dropZone.classList.remove("hover"));
  dropZone.addEventListener("drop", async (e) => {
    e.preventDefault();
    dropZone.classList.remove("hover");
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (!file) return;
    if (/\.(txt|md)$/i.test(file.name)) {
      const text = await file.text();
      content.value = content.value.trim() ? `${content.value.trimEnd()}\n\n${text}` : text;
      dropNote.textContent = `Added the text of ${file.name}.`;
      liveCheck();
    } else {
      dropNote.textContent = `Use “Choose a file…” to add ${file.name}.`;
    }
  });
  const stopDrops = followDrops({
    onHover: (on) => dropZone.classList.toggle("hover", on),
    onDrop: (files) => { for (const f of files) addFile(f); },
  });


  for (const input of [content, title, slides, instructions]) input.addEventListener("input", liveCheck);

  function buildRequest() {
    /** @type {import("../ipc.js").DeckRequest} */
    const request = { content: content.value, format: draft.format };
    if (title.value.trim()) request.title = title.value.trim();
    if (slides.value.trim() !== "") request.slides = Number(slides.value);
    const lang = language.value();
    if (lang) request.language = lang;
    const chosenLook = look.value();
    if (chosenLook.id) {
      request[PROVIDERS[provider].look === "themes" ? "theme" : "template"] = chosenLook.id;
      if (chosenLook.name) request.look_name = chosenLook.name;
    }
    if (instructions.value.trim()) request.instructions = instructions.value.trim();
    if (provider !== "gamma" && draft.files.length) request.source_files = draft.files.map((f) => f.token);
    const opts = options.read();
    if (Object.keys(opts).length) request.options = opts;
    return request;
  }

  function showFieldProblem(err) {
    const raw = err.field || "";
    const name = FIELD_ALIASES[raw] || raw;
    if (fieldInputs[name]) {
      setError(name, err.message);
      fieldInputs[name].focus();
      return true;
    }
    const optionSlot = root.querySelector(`[data-testid="error-option-${CSS.escape(raw)}"]`);
    if (optionSlot) {
      optionSlot.textContent = err.message;
      root.querySelector('[data-testid="more-options"]').open = true;
      options.inputs.get(raw).focus();
      return true;
    }
    return false;
  }

  let sending = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (sending) return;
    formProblem.replaceChildren();
    showEmpty = true;
    const problems = liveCheck();
    const first = ["content", "slides", "instructions"].find((n) => problems[n]);
    if (first) {
      fieldInputs[first].focus();
      announce(problems[first]);
      return;
    }
    const request = buildRequest();
    sending = true;
    generate.disabled = true;
    generate.textContent = "Sending…";
    try {
      await call(COMMANDS.validateRequest, { provider, request });
      // The deck goes to the folder chosen in Settings (or the default); Rust knows which.
      const job = await call(COMMANDS.submitDeck, { provider, request });
      rememberJob(job);
      if (job.credits) noteCredits(provider, job.credits.remaining);
      changed("jobs", job.id);
      rememberChoices(provider, { look: request.theme || request.template, look_name: request.look_name, slides: request.slides, language: request.language, format: request.format });
      clearDraft();
      announce(`Sent to ${subject}. You can follow it in Your decks.`);
      go("jobs", { highlight: job.id });
    } catch (err) {
      if (err.kind === "invalid_input" && showFieldProblem(err)) {
        announce(err.message);
      } else {
        const buttons = err.kind === "auth" || err.kind === "insecure_connection" || err.kind === "setup_required"
          ? [h("button", { type: "button", class: "button", "data-testid": "problem-open-settings", onclick: () => go("settings", { section: provider }) }, "Open Settings")]
          : [];
        if (err.kind === "credits" && PROVIDERS[provider].accountUrl) {
          buttons.push(h("button", { type: "button", class: "button", "data-testid": "problem-open-account", onclick: () => call(COMMANDS.openUrl, { url: PROVIDERS[provider].accountUrl }).catch(() => {}) }, `Open my ${PROVIDERS[provider].name} account`));
        }
        formProblem.replaceChildren(renderProblem(err, provider, buttons));
        announce(formProblem.querySelector(".problem-sentence").textContent);
      }
    } finally {
      sending = false;
      generate.disabled = false;
      generate.textContent = "Make the deck";
    }
  });

  renderAttachments();
  showCredits();
  liveCheck();
  // Files attached for Presenton become text when the person switches to Gamma.
  if (provider === "gamma" && draft.files.length) readFilesIntoText();
  const unsubscribe = subscribe((topic) => { if (topic === "credits") showCredits(); });
  return () => { stopDrops(); unsubscribe(); };
}

function renderNeedsService(root) {
  root.append(h("div", { class: "page narrow", "data-testid": "screen-new-deck" },
    h("h1", {}, "New deck"),
    h("div", { class: "callout", "data-testid": "needs-service" },
      h("h2", {}, "First, set up a service"),
      h("p", {}, "Deckhand makes decks with your Gamma or Presenton account, or with your own Presenton server. Setting one up takes about a minute."),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "button primary", "data-testid": "needs-service-welcome", onclick: () => go("welcome") }, "Show me how"),
        h("button", { type: "button", class: "button", "data-testid": "needs-service-settings", onclick: () => go("settings") }, "Open Settings")))));
}
