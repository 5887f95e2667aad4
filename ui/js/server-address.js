// Plain http to another machine sends passwords and decks unencrypted, so the person confirms
// it once per origin; loopback addresses never leave the computer and need no confirmation.

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** The URL's origin, or null when it isn't an http(s) address. */
export function parseServer(text) {
  try {
    const url = new URL(String(text).trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url;
  } catch {
    return null;
  }
}

export function needsInsecureConfirmation(text, confirmed = []) {
  const url = parseServer(text);
  if (!url || url.protocol !== "http:") return false;
  // The same rule as the engine's (connection.rs is_loopback): `*.localhost` names are not
  // trusted, since the system resolver may not keep them on this computer.
  if (LOOPBACK.has(url.hostname) || /^127\./.test(url.hostname)) return false;
  return !confirmed.includes(url.origin);
}
