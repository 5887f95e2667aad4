// Messages that belong to no screen (a reset settings file, an engine notice).

import { h, announce } from "./dom.js";

export function showBanner(message, { tone = "info", testid = "banner" } = {}) {
  const host = document.getElementById("banners");
  if (!host) return;
  const close = h("button", { type: "button", class: "button quiet small", "data-testid": `${testid}-dismiss` }, "Dismiss");
  const banner = h("div", { class: `banner ${tone}`, "data-testid": testid },
    h("p", {}, message), close);
  close.addEventListener("click", () => banner.remove());
  host.append(banner);
  announce(message);
}
