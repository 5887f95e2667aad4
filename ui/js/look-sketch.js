// Small pictures of a look, drawn here as SVG (a data: URL, which the CSP allows for images):
// a slide in the look's colours for the look picker, and the placeholder a deck's card shows
// when its file has no picture. Services describe looks in words ("black", "pastel"); those
// words become colours.

const COLORS = {
  black: "#1d1f24", white: "#ffffff", gray: "#8b8f99", grey: "#8b8f99", silver: "#c4c8d0", charcoal: "#36393f",
  red: "#d64545", crimson: "#b3202d", orange: "#ee8a2d", coral: "#f07a63", yellow: "#f2c94c", gold: "#c9a23c",
  amber: "#e9a52b", beige: "#e8dcc4", cream: "#f6efdc", brown: "#8a5a3b", tan: "#c8a27a",
  green: "#3f9d5a", mint: "#a8e6cf", olive: "#7d8c3a", emerald: "#2e8b68", teal: "#2a9d8f", cyan: "#3cc3d6",
  turquoise: "#39c0ba", blue: "#2f5bea", navy: "#1e2a55", indigo: "#4b45b8", sky: "#7cc3f0",
  purple: "#7a4fc9", violet: "#8d5be0", lavender: "#c7b8ec", pink: "#f08bb3", rose: "#e76f8c", magenta: "#c2367f",
  pastel: "#f3d9e6", neon: "#39ff88", dark: "#23262d", light: "#f4f5f8",
};

/** The colours named in `words`, in order; unknown words are skipped. */
export function colorsOf(words = []) {
  return words.map((w) => COLORS[String(w).toLowerCase().trim()]).filter(Boolean);
}

function luminance(hex) {
  const n = parseInt(hex.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => c / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

function dataUrl(svg) {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * A 16:9 slide sketched in a look's colours, with a title bar, lines of text and a picture box.
 * @param {{colors?: string[], label?: string}} o colours as words or #hex; label drawn on it
 */
export function lookSketch({ colors = [], label = "" } = {}) {
  const named = colors.map((c) => (/^#[0-9a-f]{6}$/i.test(c) ? c : COLORS[String(c).toLowerCase()])).filter(Boolean);
  const bg = named[0] || "#f4f5f8";
  const accent = named.find((c, i) => i > 0 && Math.abs(luminance(c) - luminance(bg)) > 0.25) || (luminance(bg) > 0.5 ? "#2f5bea" : "#f2c94c");
  const ink = luminance(bg) > 0.5 ? "#1d1f24" : "#f4f5f8";
  const text = label ? `<text x="16" y="82" font-family="system-ui, sans-serif" font-size="13" font-weight="600" fill="${ink}">${escape(label.slice(0, 28))}</text>` : "";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 90" width="160" height="90">`
    + `<rect width="160" height="90" fill="${bg}"/>`
    + `<rect x="16" y="14" width="70" height="9" rx="2" fill="${accent}"/>`
    + `<rect x="16" y="30" width="60" height="4" rx="2" fill="${ink}" opacity="0.45"/>`
    + `<rect x="16" y="39" width="52" height="4" rx="2" fill="${ink}" opacity="0.45"/>`
    + `<rect x="16" y="48" width="56" height="4" rx="2" fill="${ink}" opacity="0.45"/>`
    + `<rect x="96" y="14" width="48" height="44" rx="4" fill="${accent}" opacity="0.35"/>`
    + text + `</svg>`;
  return dataUrl(svg);
}

/** What a deck's card shows when its file has no picture: its look's name and file type. */
export function deckPlaceholder({ look, format }) {
  const kind = { pptx: "PowerPoint", pdf: "PDF", png: "PNG" }[format] || "";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 90" width="160" height="90">`
    + `<rect width="160" height="90" rx="6" fill="#eef0f6"/>`
    + `<rect x="14" y="14" width="84" height="8" rx="2" fill="#9aa3b8"/>`
    + `<rect x="14" y="30" width="64" height="4" rx="2" fill="#b9c0d0"/>`
    + `<rect x="14" y="39" width="56" height="4" rx="2" fill="#b9c0d0"/>`
    + `<rect x="110" y="14" width="36" height="30" rx="3" fill="#d3d8e4"/>`
    + `<text x="14" y="66" font-family="system-ui, sans-serif" font-size="11" font-weight="600" fill="#424a5c">${escape((look || "Default look").slice(0, 26))}</text>`
    + `<text x="14" y="80" font-family="system-ui, sans-serif" font-size="10" fill="#5b6377">${escape(kind)}</text>`
    + `</svg>`;
  return dataUrl(svg);
}
