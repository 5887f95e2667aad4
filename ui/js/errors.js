// Engine errors in words a presenter understands: one sentence, the next step, and the
// service's (or the computer's) own words tucked under "Details" for whoever helps them. For a
// deck that stopped, the advice is chosen by what went wrong and what was asked (file type,
// size, service), with the action most likely to work first.

import { h } from "./dom.js";
import { PROVIDERS, providerSubject, ProviderSubject } from "./providers.js";
import { formatNumber } from "./format.js";
import { stepOf } from "./progress.js";

/** What a problem's buttons do. */
export const ACTIONS = {
  settings: "settings",
  retry: "retry",
  retryDownload: "retry_download",
  checkAgain: "check_again",
  account: "account",
  newKey: "new_key",
  checkServer: "check_server",
  makePptx: "make_pptx",
  edit: "edit",
};

/** `who` is a service id ("gamma") or a plain name ("Deckhand"): (start of sentence, inside). */
function names(who) {
  return PROVIDERS[who] ? [ProviderSubject(who), providerSubject(who)] : [who, who];
}

const selfHosted = (who) => Boolean(PROVIDERS[who] && PROVIDERS[who].selfHosted);

function waitWords(secs) {
  return secs < 90 ? `${formatNumber(secs)} seconds` : `${formatNumber(Math.ceil(secs / 60))} minutes`;
}

/** Per kind: [sentence, next step, suggested action]. */
const COPY = {
  auth: (P, p, e, who) => selfHosted(who)
    ? ["Your Presenton server refused Deckhand's sign-in.", "Check the server's sign-in in Settings: the password or key may have changed.", ACTIONS.newKey]
    : [`Your ${p} key was refused.`, "It may have been removed, or your plan may not include the API. Paste a new key in Settings.", ACTIONS.newKey],
  credits: (P, p) => [`Your ${p} account has run out of credits.`, `Add credits in your ${p} account, then make the deck again.`, ACTIONS.account],
  rate_limited: (P, p, e) => [`${P} is getting too many requests from your account right now.`, e.retry_after_secs ? `Wait about ${waitWords(e.retry_after_secs)}, then try again.` : "Wait a minute, then try again.", ACTIONS.retry],
  invalid_input: (P, p, e) => [`${P} can't make a deck with these settings.`, e.message || "Change the highlighted field and try again.", ACTIONS.edit],
  not_found: (P, p) => [`${P} no longer knows about this deck.`, "It may have been deleted there. Make it again if you still need it.", ACTIONS.retry],
  setup_required: () => ["Your Presenton server isn't set up yet.", "Open the server's address in your browser, create the administrator account, then try again.", ACTIONS.checkServer],
  server: (P) => [`${P} had a problem on its side.`, "This usually passes. Try again in a few minutes.", ACTIONS.retry],
  provider_failed: (P) => [`${P} couldn't make this deck.`, "This is sometimes temporary. You can try again, or change the request first.", ACTIONS.retry],
  network: (P, p, e, who) => selfHosted(who)
    ? ["Deckhand couldn't reach your Presenton server.", "Check that the server is running and that its address in Settings is right, then try again.", ACTIONS.checkServer]
    : [`Deckhand couldn't reach ${p}.`, "Check your internet connection, then try again.", ACTIONS.retry],
  timeout: (P, p, e) => e.phase === "connect"
    ? [`${P} didn't answer when Deckhand tried to connect.`, "Check your internet connection (and, for your own server, that it's started), then try again.", ACTIONS.retry]
    : [`${P} took too long to answer.`, "Check again now, or a little later.", ACTIONS.checkAgain],
  submit_uncertain: (P, p, e, who) => [`Deckhand can't tell whether ${p} received this request.`, `Check ${selfHosted(who) ? "the server's web page" : `your ${p} account`} before trying again — trying again may charge you twice.`, ACTIONS.checkAgain],
  expired_link: (P, p) => ["The download link for this deck has expired.", `Try the download again. If that fails, open the deck in ${p} and export it there.`, ACTIONS.retryDownload],
  bad_file: (P) => [`What ${P} sent isn't a usable file.`, "Try the download again.", ACTIONS.retryDownload],
  name_not_found: (P, p, e, who) => [`Deckhand couldn't find ${p}'s address.`, "Check the server address in Settings and your internet connection, then try again.", selfHosted(who) ? ACTIONS.checkServer : ACTIONS.retry],
  connection_refused: (P, p, e, who) => [`Nothing is answering at ${p}'s address.`, selfHosted(who) ? "Is the server started? Start it, then try again." : "Check your internet connection, then try again.", selfHosted(who) ? ACTIONS.checkServer : ACTIONS.retry],
  tls: (P, p, e, who) => [`Deckhand couldn't make a secure connection to ${p}.`, selfHosted(who) ? "If the server has a self-signed certificate, give it a certificate from a public authority such as Let's Encrypt, or use its http:// address." : "Check this computer's date and time, then try again.", selfHosted(who) ? ACTIONS.checkServer : ACTIONS.settings],
  file_unavailable: (P) => [`${P} made this deck, but Deckhand can't fetch its file.`, "Open the deck where “What Deckhand knows” says and download it there. Nothing was charged twice.", ACTIONS.retryDownload],
  disk: () => ["Deckhand couldn't save the file on this computer.", "Check that there is free space and that the save folder exists (you can change it in Settings), then try the download again.", ACTIONS.retryDownload],
  keychain: () => ["Your computer's keychain couldn't keep the key.", "Unlock the keychain and try again, or keep the key for this session only.", null],
  insecure_connection: () => ["This server address uses plain http, which isn't encrypted.", "Use an https address, or confirm in Settings that plain http is OK for this server.", ACTIONS.settings],
  unconfirmed_server: () => ["Deckhand hasn't asked you yet whether this is your server.", "Save the address again and answer Deckhand's question.", ACTIONS.settings],
  cancelled: (P) => ["You cancelled this deck.", `${P} may still finish it and charge your account.`, ACTIONS.retry],
  journal: () => ["Deckhand couldn't read or save its list of decks.", "Your finished files are safe. Restart Deckhand; if this keeps happening, check the disk.", null],
  in_use: () => ["Another Deckhand is working on your decks right now.", "Deckhand picks them up on its own as soon as it's free. If the command line (deckhand-cli) is running, let it finish or stop it.", null],
  file_action: (P, p, e) => [e.message || "Your computer couldn't do that.", e.path ? "Copy the path to find the deck yourself." : "The deck is still in its folder; you can open it from there.", null],
  internal: () => ["Something unexpected went wrong in Deckhand.", "Try again. If it keeps happening, copy the details below when you report it.", ACTIONS.retry],
};

/** {sentence, next, action} for an error, with the service named as it reads. */
export function describeError(error, who = "The service") {
  const copy = COPY[error && error.kind] || COPY.internal;
  const [P, p] = names(who);
  const [sentence, next, action] = copy(P, p, error || {}, who);
  return { sentence, next, action };
}

/**
 * What to say and offer for a deck that could not be made. The first action is the one most
 * likely to work; `retry` says why trying the same request again may help, and asks first
 * when it would repeat a request the service already turned down.
 * @param {import("./ipc.js").Job} job
 * @returns {{sentence: string, next: string, actions: {id: string, label: string, confirm?: {title: string, body: string[]}}[]}}
 */
export function adviceFor(job) {
  const error = job.error || { kind: "internal", message: "" };
  const who = job.provider;
  const [P, p] = names(who);
  const request = job.request || {};
  const said = ((error.details && error.details.provider_message) || "").toLowerCase();
  const failedStep = stepOf(job.service_progress && job.service_progress.message);
  const big = (request.slides || 0) > 30 || (request.content || "").length > 50000;
  const service = PROVIDERS[who] || {};
  const sameAgain = (why) => ({
    id: ACTIONS.retry, label: "Try again",
    confirm: { title: "Make the same deck again?", body: [`${P} couldn't make it with these settings before. ${why}`, selfHosted(who) ? "It is sent to the server as a new deck." : "It is sent as a new deck and uses credits again."] },
  });
  const edit = { id: ACTIONS.edit, label: "Change it and make it again" };
  const retryPlain = (label = "Try again") => ({ id: ACTIONS.retry, label });

  if (error.kind === "provider_failed") {
    const exporting = failedStep === 5 || /export/.test(said);
    if (request.format === "pdf" && (exporting || who !== "gamma")) {
      return {
        sentence: `${P} couldn't make the PDF.`,
        next: exporting
          ? "It stopped while saving the deck as a PDF. The same deck as PowerPoint usually works, and you can save it as PDF from there."
          : "PDF export is the step that most often fails on Presenton; the same deck as PowerPoint usually works.",
        actions: [{ id: ACTIONS.makePptx, label: "Make it as PowerPoint instead" }, ...(selfHosted(who) ? [{ id: ACTIONS.checkServer, label: "Check the server" }] : []), sameAgain("A PDF may work if the problem was temporary.")],
      };
    }
    if (selfHosted(who) && /openai|llm|model|api error|api key|ollama|anthropic|gemini/.test(said)) {
      return {
        sentence: "Your Presenton server's AI model didn't answer.",
        next: "The server could not reach the language model it writes with. Check the server's AI settings, or try again later.",
        actions: [{ id: ACTIONS.checkServer, label: "Check the server" }, sameAgain("It may work once the model answers again.")],
      };
    }
    if (selfHosted(who) && exporting) {
      return {
        sentence: "Your Presenton server couldn't save the deck as a file.",
        next: "Its export step is failing. Check the server (its logs say why), then try again.",
        actions: [{ id: ACTIONS.checkServer, label: "Check the server" }, sameAgain("It may work once the server is fixed.")],
      };
    }
    if (big) {
      return {
        sentence: `${P} couldn't make this deck.`,
        next: "Very long notes or many slides often fail. Try fewer slides or shorter notes.",
        actions: [edit, sameAgain("It may work if the problem was temporary.")],
      };
    }
    return {
      sentence: `${P} couldn't make this deck.`,
      next: /outline/.test(said) ? `${P} couldn't plan the slides from these notes. Trying again often works; clearer notes help.` : "This is sometimes temporary. You can try again, or change the request first.",
      actions: [sameAgain("It may work if the problem was temporary."), edit],
    };
  }

  const { sentence, next, action } = describeError(error, who);
  const actions = [];
  switch (action) {
    case ACTIONS.newKey: actions.push({ id: ACTIONS.newKey, label: selfHosted(who) ? "Check the server's sign-in" : "Paste a new key" }); break;
    case ACTIONS.account:
      if (service.accountUrl) actions.push({ id: ACTIONS.account, label: "Add credits" });
      actions.push(retryPlain("Make it again"));
      break;
    case ACTIONS.checkServer: actions.push({ id: ACTIONS.checkServer, label: "Check the server" }, retryPlain()); break;
    case ACTIONS.checkAgain: actions.push({ id: ACTIONS.checkAgain, label: "Check again" }); break;
    case ACTIONS.retryDownload: actions.push({ id: ACTIONS.retryDownload, label: "Try the download again" }); break;
    case ACTIONS.settings: actions.push({ id: ACTIONS.settings, label: "Open Settings" }); break;
    case ACTIONS.edit: actions.push(edit); break;
    case ACTIONS.retry:
      // Server trouble, busy services and lost connections pass: trying again is the point.
      if (["server", "rate_limited", "network", "name_not_found", "connection_refused", "timeout"].includes(error.kind)) actions.push(retryPlain());
      else actions.push(sameAgain("It may work if the problem was temporary."));
      break;
    default: break;
  }
  // A deck the service finished can be fetched again without making it again.
  if (action !== ACTIONS.retryDownload && job.remote && job.remote.file_id && ["network", "name_not_found", "connection_refused", "timeout", "server"].includes(error.kind)) {
    actions.push({ id: ACTIONS.retryDownload, label: "Try the download again" });
  }
  if (error.kind === "invalid_input" && !actions.some((a) => a.id === ACTIONS.edit)) actions.push(edit);
  return { sentence, next, actions };
}

/** The labels of the main buttons for each action (forms and settings). */
export function actionLabel(action, who) {
  const [, p] = names(who);
  switch (action) {
    case ACTIONS.settings: return "Open Settings";
    case ACTIONS.retry: return "Try again";
    case ACTIONS.retryDownload: return "Try the download again";
    case ACTIONS.checkAgain: return "Check again";
    case ACTIONS.account: return `Open my ${p} account`;
    default: return "";
  }
}

/** A box with the full path and a "Copy path" button (for a file the desktop couldn't open). */
export function pathBox(path) {
  const field = h("input", { class: "input path-field", type: "text", readonly: true, value: path, "aria-label": "Full path of the deck", "data-testid": "problem-path" });
  const note = h("span", { class: "hint", role: "status", "data-testid": "copy-path-note" });
  const copy = h("button", { type: "button", class: "button small", "data-testid": "copy-path" }, "Copy path");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(path);
      note.textContent = "Copied.";
    } catch {
      // No clipboard access: select the text so Ctrl+C copies it.
      field.focus();
      field.select();
      note.textContent = "Selected: press Ctrl+C to copy.";
    }
  });
  return h("div", { class: "path-box" }, field, copy, note);
}

/**
 * A problem box: sentence, next step, the caller's buttons, and a "Details" disclosure.
 * @param {import("./ipc.js").EngineError} error
 * @param {string} who a service id or a plain name
 */
export function renderProblem(error, who, buttons = []) {
  const { sentence, next } = describeError(error, who);
  return h("div", { class: "problem", "data-testid": `problem-${error.kind}`, "data-kind": error.kind },
    h("p", { class: "problem-sentence" }, sentence),
    next ? h("p", { class: "problem-next" }, next) : null,
    error.path ? pathBox(error.path) : null,
    buttons.length ? h("div", { class: "actions" }, buttons) : null,
    renderDetails(error));
}

/** The "Details" disclosure: what the engine and the service (or the computer) said, for support. */
export function renderDetails(error) {
  const d = error.details || {};
  const rows = [
    ["What Deckhand knows", error.kind === "file_action" ? null : error.message],
    [error.kind === "file_action" ? "Your computer said" : "The service said", d.provider_message],
    ["Request id", d.request_id],
    ["HTTP status", d.status],
    ["Wait asked for", error.retry_after_secs ? `${error.retry_after_secs} s` : null],
    ["Field", error.field],
    ["Error code", error.kind],
  ].filter(([, v]) => v !== null && v !== undefined && v !== "");
  return h("details", { class: "details", "data-testid": "error-details" },
    h("summary", {}, "Details"),
    h("dl", {}, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])));
}
