import type { OidcProviderConfig } from '../../config/load-auth-config.ts';
import type { AuthenticatedUser } from '../authenticated-user.ts';

export type Claims = Readonly<Record<string, unknown>>;

const text = (value: unknown, max = 256): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined;

/** The groups a claim lists: an array of strings, or one string (some providers send a single group so). */
function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((group): group is string => typeof group === 'string').slice(0, 1000);
  return typeof value === 'string' ? [value] : [];
}

/** Claims → the session's user; undefined when the claims carry no usable identity. */
export function userFromClaims(provider: OidcProviderConfig, claims: Claims): AuthenticatedUser | undefined {
  const email = text(claims.email);
  const user = text(claims[provider.userClaim]) ?? email ?? text(claims.sub);
  if (!user) return undefined;
  const displayName = text(claims.name);
  return { type: 'oidc', strategy: provider.name, user, ...(displayName ? { displayName } : {}), ...(email ? { email } : {}) };
}

/**
 * ALLOWUSERS / ALLOWGROUPS: with neither set anyone the provider authenticates may sign in; with
 * either, a match in one of them admits. A missing group claim matches nothing (closed).
 */
export function isAllowed(provider: OidcProviderConfig, user: AuthenticatedUser, claims: Claims): boolean {
  if (provider.allowUsers.length === 0 && provider.allowGroups.length === 0) return true;
  const names = [user.user, user.email].filter((name): name is string => Boolean(name)).map((name) => name.toLowerCase());
  if (names.some((name) => provider.allowUsers.includes(name))) return true;
  const groups = groupsOf(claims[provider.groupClaim]);
  return groups.some((group) => provider.allowGroups.includes(group));
}
