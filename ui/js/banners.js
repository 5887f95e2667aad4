// Messages that belong to no screen (a reset settings file, an engine notice, decks picked up
// after a restart), with at most one action.

import { h, announce } from "./dom.js";

/**
 * @param {string} message
 * @param {{tone?: string, testid?: string, action?: {label: string, testid?: string, onClick: () => void}}} o
 */
export function showBanner(message, { tone = "info", testid = "banner", action = null } = {}) {
  const host = document.getElementById("banners");
  if (!host) return null;
  const close = h("button", { type: "button", class: "button quiet small", "data-testid": `${testid}-dismiss` }, "Dismiss");
  const act = action ? h("button", { type: "button", class: "button small", "data-testid": action.testid || `${testid}-action` }, action.label) : null;
  const banner = h("div", { class: `banner ${tone}`, "data-testid": testid },
    h("p", {}, message), act, close);
  close.addEventListener("click", () => banner.remove());
  if (act) act.addEventListener("click", () => { banner.remove(); action.onClick(); });
  host.append(banner);
  announce(message);
  return banner;
}
