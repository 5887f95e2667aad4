// Engine errors in words a presenter understands: one sentence, the next step, and the
// service's own words tucked under "Details" for whoever helps them.

import { h } from "./dom.js";

/** Where an error's main button leads. */
export const ACTIONS = {
  settings: "settings",
  retry: "retry",
  retryDownload: "retry_download",
  checkAgain: "check_again",
  account: "account",
};

/** Per kind: the sentence (with the service's name), the next step, and the suggested action. */
const COPY = {
  auth: (p) => [`Your ${p} key was refused.`, "Check it in Settings — it may have been removed, or your plan may not include the API.", ACTIONS.settings],
  credits: (p) => [`Your ${p} account has run out of credits.`, `Add credits in your ${p} account, then try again.`, ACTIONS.account],
  rate_limited: (p, e) => [`${p} is getting too many requests from your account right now.`, e.retry_after_secs ? `Wait about ${waitWords(e.retry_after_secs)}, then try again.` : "Wait a minute, then try again.", ACTIONS.retry],
  invalid_input: (p, e) => [`${p} can't make a deck with these settings.`, e.message || "Change the highlighted field and try again.", null],
  not_found: (p) => [`${p} no longer knows about this deck.`, "It may have been deleted there. Make it again if you still need it.", ACTIONS.retry],
  setup_required: () => ["Your Presenton server isn't set up yet.", "Open the server's address in your browser, create the administrator account, then try again.", ACTIONS.settings],
  server: (p) => [`${p} had a problem on its side.`, "This usually passes. Try again in a few minutes.", ACTIONS.retry],
  provider_failed: (p) => [`${p} couldn't make this deck.`, "Try again, perhaps with shorter notes or fewer slides.", ACTIONS.retry],
  network: (p) => [`Deckhand couldn't reach ${p}.`, "Check your internet connection, then try again.", ACTIONS.retry],
  name_not_found: (p) => [`Deckhand couldn't find ${p}'s address.`, "Check the server address in Settings and your internet connection, then try again.", ACTIONS.retry],
  connection_refused: (p) => [`Nothing is answering at ${p}'s address.`, "If it's your own server, is it started? Start it, then try again. Otherwise check your internet connection.", ACTIONS.retry],
  tls: (p) => [`Deckhand couldn't make a secure connection to ${p}.`, "If it's your own server with a self-signed certificate, give it a certificate from a public authority such as Let's Encrypt, or use its http:// address. Otherwise check this computer's date and time.", ACTIONS.settings],
  timeout: (p, e) => e.phase === "connect"
    ? [`${p} didn't answer when Deckhand tried to connect.`, "Check your internet connection (and, for your own server, that it's started), then try again.", ACTIONS.retry]
    : [`${p} took too long to answer.`, "Check again now, or a little later.", ACTIONS.checkAgain],
  submit_uncertain: (p) => [`Deckhand can't tell whether ${p} received this request.`, `Check your ${p} account before trying again — trying again may charge you twice.`, ACTIONS.checkAgain],
  expired_link: (p) => ["The download link for this deck has expired.", `Try the download again. If that fails, open the deck in ${p} and export it there.`, ACTIONS.retryDownload],
  file_unavailable: (p) => [`${p} made this deck, but Deckhand can't fetch its file.`, "Open the deck where “What Deckhand knows” says and download it there. Nothing was charged twice.", ACTIONS.retryDownload],
  bad_file: (p) => [`What ${p} sent isn't a usable file.`, "Try the download again.", ACTIONS.retryDownload],
  disk: () => ["Deckhand couldn't save the file on this computer.", "Check that there is free space and that the save folder exists (you can change it in Settings), then try the download again.", ACTIONS.retryDownload],
  keychain: () => ["Your computer's keychain couldn't keep the key.", "Unlock the keychain and try again, or keep the key for this session only.", null],
  insecure_connection: () => ["This server address uses plain http, which isn't encrypted.", "Use an https address, or confirm in Settings that plain http is OK for this server.", ACTIONS.settings],
  cancelled: (p) => ["You cancelled this deck.", `${p} may still finish it and charge your account.`, ACTIONS.retry],
  journal: () => ["Deckhand couldn't read or save its list of decks.", "Your finished files are safe. Restart Deckhand; if this keeps happening, check the disk.", null],
  in_use: () => ["Another Deckhand is working on your decks right now.", "Deckhand picks them up on its own as soon as it's free. If the command line (deckhand-cli) is running, let it finish or stop it.", null],
  internal: () => ["Something unexpected went wrong in Deckhand.", "Try again. If it keeps happening, copy the details below when you report it.", ACTIONS.retry],
};

function waitWords(secs) {
  return secs < 90 ? `${secs} seconds` : `${Math.ceil(secs / 60)} minutes`;
}

/** {sentence, next, action} for an error, with the service's display name filled in. */
export function describeError(error, providerName = "The service") {
  const copy = COPY[error && error.kind] || COPY.internal;
  const [sentence, next, action] = copy(providerName, error || {});
  return { sentence, next, action };
}

/** The labels of the main buttons for each action. */
export function actionLabel(action, providerName) {
  switch (action) {
    case ACTIONS.settings: return "Open Settings";
    case ACTIONS.retry: return "Try again";
    case ACTIONS.retryDownload: return "Try the download again";
    case ACTIONS.checkAgain: return "Check again";
    case ACTIONS.account: return `Open my ${providerName} account`;
    default: return "";
  }
}

/**
 * A problem box: sentence, next step, the caller's buttons, and a "Details" disclosure.
 * @param {import("./ipc.js").EngineError} error
 */
export function renderProblem(error, providerName, buttons = []) {
  const { sentence, next } = describeError(error, providerName);
  return h("div", { class: "problem", "data-testid": `problem-${error.kind}`, "data-kind": error.kind },
    h("p", { class: "problem-sentence" }, sentence),
    h("p", { class: "problem-next" }, next),
    buttons.length ? h("div", { class: "actions" }, buttons) : null,
    renderDetails(error));
}

/** The "Details" disclosure: what the engine and the service said, for support. */
export function renderDetails(error) {
  const d = error.details || {};
  const rows = [
    ["What Deckhand knows", error.message],
    ["The service said", d.provider_message],
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
