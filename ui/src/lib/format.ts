/** Small display helpers shared by the views. */

export function bytes(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit += 1;
  }
  return `${n >= 100 || unit === 0 ? n.toFixed(0) : n.toFixed(1)} ${units[unit]}`;
}

export function percent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)}%`;
}

export function relativeTime(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return 'unknown';
  const seconds = Math.round((now - at) / 1000);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  const text =
    s < 45 ? 'just now' : s < 3600 ? `${Math.round(s / 60)} min` : s < 86_400 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86_400)} d`;
  if (text === 'just now') return text;
  return future ? `in ${text}` : `${text} ago`;
}

export function dateTime(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString();
}

export function duration(fromIso: string | undefined, toIso: string | undefined): string {
  if (!fromIso || !toIso) return '–';
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function shortDigest(digest: string | undefined): string {
  if (!digest) return '';
  const hex = digest.replace(/^sha256:/, '');
  return `sha256:${hex.slice(0, 12)}`;
}

/** Time of day with seconds, for phase timelines. */
export function clock(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleTimeString();
}

/** Time left until `iso`, to the second under an hour ("in 4 min 10 s"); "due now" once it has passed. */
export function countdown(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now;
  if (!Number.isFinite(ms)) return 'unknown';
  if (ms <= 0) return 'due now';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.floor(s / 60)} min ${s % 60} s`;
  return relativeTime(iso, now);
}

/** An image path in pieces that end after each `/`, so a narrow column wraps there rather than mid-word. */
export function pathParts(value: string): string[] {
  return value.split(/(?<=\/)/);
}
