// Light, dark, or whatever the system says (the CSS follows prefers-color-scheme by default).

export function applyAppearance(appearance) {
  const root = document.documentElement;
  if (appearance === "light" || appearance === "dark") root.dataset.theme = appearance;
  else delete root.dataset.theme;
}
