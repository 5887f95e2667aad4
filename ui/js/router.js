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

/**
 * Shows a screen at its top, with focus on its heading so keyboard and screen-reader users
 * start there too. `focus: false` leaves focus alone (the first screen at start, or a screen
 * that moves focus itself); a screen opened at a section scrolls there itself.
 */
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
  // A new screen starts at its top, whatever was scrolled before (the window or the main area).
  window.scrollTo(0, 0);
  const main = document.getElementById("main");
  if (main) main.scrollTop = 0;
  if (opts.focus !== false) {
    const heading = root.querySelector("h1");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}
