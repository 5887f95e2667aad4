// A server of the person's own receives their notes, files and sign-in, so the person confirms
// it once per origin in the app's own dialog (and, for plain http to another machine, that
// unencrypted is OK); loopback addresses never leave the computer and need no confirmation.

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

/**
 * Whether the app will ask the person (in its own dialog) before this address is used: any
 * server but this computer that they have not confirmed, and plain http to another computer
 * until they said unencrypted is OK. `servers` is `settings.servers`. Rust decides; this only
 * saves a round trip.
 */
export function needsConfirmation(text, servers = {}) {
  const url = parseServer(text);
  if (!url) return false;
  // The same rule as the engine's (connection.rs is_loopback): `*.localhost` names are not
  // trusted, since the system resolver may not keep them on this computer.
  if (LOOPBACK.has(url.hostname) || /^127\./.test(url.hostname)) return false;
  const insecure = servers.insecure_confirmed || [];
  if (url.protocol === "http:") return !insecure.includes(url.origin);
  return !(servers.confirmed_servers || []).includes(url.origin);
}
