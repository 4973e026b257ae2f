import { randomBytes } from 'node:crypto';
import type { Store } from '../../store/store.ts';

const KEY = 'sessionSecret';

/**
 * The secret that signs session cookies: DD_SERVER_SESSION_SECRET, else one generated once and
 * kept in the store (so a restart does not change it). It is never logged or served.
 */
export function resolveSessionSecret(configured: string | undefined, store: Store): string {
  if (configured) return configured;
  const kept = store.data.settings[KEY];
  if (typeof kept === 'string' && kept.length >= 32) return kept;
  const secret = randomBytes(32).toString('base64url');
  store.update((data) => {
    data.settings[KEY] = secret;
  });
  return secret;
}
