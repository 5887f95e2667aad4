// Which screen is showing. Screens register here so they can send the person elsewhere
// without importing each other.

const screens = new Map();
let current = null;
let cleanup = null;

/** @param {string} name @param {(root: HTMLElement, opts: object) => (void|(() => void))} render */
export function register(name, render) {
  screens.set(name, render);
}

export function currentScreen() {
  return current;
}

/** Shows a screen; moves focus to its heading so keyboard and screen-reader users follow. */
export function go(name, opts = {}) {
  const render = screens.get(name);
  const root = document.getElementById("screen");
  if (!render || !root) return;
  if (cleanup) cleanup();
  cleanup = null;
  current = name;
  root.replaceChildren();
  root.dataset.screen = name;
  const result = render(root, opts);
  if (typeof result === "function") cleanup = result;
  for (const button of document.querySelectorAll(".nav-item")) {
    if (button.dataset.screen === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  if (opts.focus !== false) {
    const heading = root.querySelector("h1");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }
}
