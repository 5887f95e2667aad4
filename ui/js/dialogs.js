// Confirmations in a real modal <dialog>: focus stays inside, Escape answers "no".

import { h } from "./dom.js";

/**
 * @param {{title: string, body: string|string[], confirm: string, cancel?: string, danger?: boolean, testid?: string}} o
 * @returns {Promise<boolean>}
 */
export function confirmDialog(o) {
  return new Promise((resolve) => {
    const paragraphs = Array.isArray(o.body) ? o.body : [o.body];
    const titleId = `dlg-title-${Date.now()}`;
    const cancel = h("button", { type: "button", class: "button", "data-testid": "dialog-cancel" }, o.cancel || "Go back");
    const ok = h("button", { type: "button", class: o.danger ? "button danger" : "button primary", "data-testid": "dialog-confirm" }, o.confirm);
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId, "data-testid": o.testid || "dialog" },
      h("h2", { id: titleId }, o.title),
      paragraphs.map((p) => h("p", {}, p)),
      h("div", { class: "actions end" }, cancel, ok));
    const opener = document.activeElement;
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      if (opener && typeof opener.focus === "function" && document.contains(opener)) opener.focus();
      resolve(answer);
    };
    cancel.addEventListener("click", () => finish(false));
    ok.addEventListener("click", () => finish(true));
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); finish(false); });
    document.body.append(dialog);
    dialog.showModal();
    // The safe answer has focus, so an accidental Enter does nothing costly.
    cancel.focus();
  });
}
