/** A parsed `WWW-Authenticate` challenge (RFC 7235), as registries send it on 401. */
export interface AuthChallenge {
  readonly scheme: 'bearer' | 'basic';
  readonly realm?: string;
  readonly service?: string;
  readonly scope?: string;
}

const MAX_HEADER_LENGTH = 4096;
const PARAM = /([A-Za-z][A-Za-z0-9_-]{0,63})\s*=\s*(?:"((?:[^"\\]|\\.){0,2048})"|([^\s,"]{0,2048}))/g;

/** Returns the Bearer or Basic challenge, or null for anything else (or a hostile header). */
export function parseAuthChallenge(header: string | null): AuthChallenge | null {
  if (!header || header.length > MAX_HEADER_LENGTH) return null;
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const scheme = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return null;
  const params: Record<string, string> = {};
  for (const match of trimmed.slice(space < 0 ? trimmed.length : space + 1).matchAll(PARAM)) {
    const key = (match[1] ?? '').toLowerCase();
    params[key] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
  }
  return {
    scheme,
    ...(params.realm ? { realm: params.realm } : {}),
    ...(params.service ? { service: params.service } : {}),
    ...(params.scope ? { scope: params.scope } : {}),
  };
}
