// Numbers, sizes and times as a presenter reads them, with the locale's separators.

const number = new Intl.NumberFormat();
const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatNumber(n) {
  return number.format(n);
}

/** "812 B", "45 KB", "2.3 MB" (with the locale's decimal mark and grouping). */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${number.format(bytes)} B`;
  if (bytes < 1024 * 1024) return `${number.format(Math.round(bytes / 1024))} KB`;
  return `${oneDecimal.format(bytes / (1024 * 1024))} MB`;
}

/** "45 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "14:05" today, otherwise "23 Nov, 14:05". */
export function formatTime(ms) {
  const d = new Date(ms);
  const today = new Date();
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (d.toDateString() === today.toDateString()) return time;
  return `${d.toLocaleDateString([], { day: "numeric", month: "short" })}, ${time}`;
}

/** "1 slide", "12 slides", "1,200 characters": a count and its noun. */
export function plural(n, one, many = `${one}s`) {
  return `${number.format(n)} ${n === 1 ? one : many}`;
}

export function fileName(path) {
  if (!path) return "";
  const parts = String(path).split(/[\\/]/);
  return parts[parts.length - 1] || String(path);
}

/** The folder part of a path ("/home/ada/Documents/Deckhand"). */
export function folderOf(path) {
  const s = String(path || "");
  const cut = Math.max(s.lastIndexOf("/"), s.lastIndexOf("\\"));
  return cut > 0 ? s.slice(0, cut) : s;
}
