// External pages open in the person's browser through the app (the page itself never goes online).

import { COMMANDS, call } from "./ipc.js";
import { h } from "./dom.js";

/** A button that opens `url` in the browser; if the app can't, it says where to go. */
export function externalLink(url, label, testid) {
  const note = h("span", { class: "hint", role: "status" });
  const button = h("button", { type: "button", class: "button link", "data-testid": testid }, label, h("span", { class: "visually-hidden" }, " (opens in your browser)"));
  button.addEventListener("click", async () => {
    try {
      await call(COMMANDS.openUrl, { url });
      note.textContent = "";
    } catch {
      note.textContent = `Open ${url} in your browser.`;
    }
  });
  return h("span", { class: "external" }, button, note);
}
