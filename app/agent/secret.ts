import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks the Authorization header (as the controller's EngineConnection sends it: `Bearer <secret>`,
 * a standard header that proxies and loggers already treat as a credential) against the agent secret in constant time. Both sides are
 * hashed first, so neither the comparison nor an early length check says how long the secret is.
 */
export function isAuthorized(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const match = /^Bearer (.+)$/.exec(header);
  const presented = match?.[1] ?? '';
  const expected = createHash('sha256').update(secret, 'utf8').digest();
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  // Evaluate both, always: a missing token costs the same as a wrong one.
  const equal = timingSafeEqual(expected, actual);
  return equal && presented.length > 0;
}
