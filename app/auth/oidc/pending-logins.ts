import type { PendingLogin } from './oidc-login.ts';

/**
 * Pending logins travel in one cookie per login, named by its state, so two logins started in one
 * browser (two tabs, a double click) do not overwrite each other. At most this many at once.
 */
export const MAX_PENDING_LOGINS = 5;
export const PENDING_COOKIE_PREFIX = 'dockdeck.oidc.';

/** The cookie of the login with this state; undefined for a state no login of ours could have (bounds the lookup). */
export function pendingCookieName(state: string): string | undefined {
  return /^[\w-]{16,128}$/.test(state) ? `${PENDING_COOKIE_PREFIX}${state}` : undefined;
}

/**
 * The pending-login cookies to clear before a new login is added: those that do not open (foreign,
 * tampered) or have expired, then the oldest beyond MAX_PENDING_LOGINS - 1, so that the new one fits.
 */
export function pendingCookiesToClear(cookies: ReadonlyMap<string, PendingLogin | undefined>, now: number): string[] {
  const clear: string[] = [];
  const live: [string, PendingLogin][] = [];
  for (const [name, pending] of cookies) {
    if (!pending || pending.expiresAt <= now || name !== pendingCookieName(pending.state)) clear.push(name);
    else live.push([name, pending]);
  }
  live.sort((a, b) => a[1].expiresAt - b[1].expiresAt);
  const surplus = live.length - (MAX_PENDING_LOGINS - 1);
  for (const [name] of live.slice(0, Math.max(0, surplus))) clear.push(name);
  return clear;
}
