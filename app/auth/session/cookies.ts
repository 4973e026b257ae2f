/** The value of one cookie of a Cookie header (no cookie-parser: only two cookies are ever read). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    const value = part.slice(index + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Every cookie of a Cookie header whose name starts with `prefix` (first value wins for a repeated name). */
export function readCookiesStartingWith(header: string | undefined, prefix: string): Map<string, string> {
  const found = new Map<string, string>();
  if (!header) return found;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    const name = index < 0 ? '' : part.slice(0, index).trim();
    if (!name.startsWith(prefix) || found.has(name)) continue;
    try {
      found.set(name, decodeURIComponent(part.slice(index + 1).trim()));
    } catch {
      // A value that is not valid percent-encoding is no login of ours.
    }
  }
  return found;
}
