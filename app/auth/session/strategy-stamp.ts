import { createHash } from 'node:crypto';
import type { AuthConfig } from '../../config/load-auth-config.ts';
import type { AuthenticatedUser } from '../authenticated-user.ts';

/**
 * A fingerprint of the configuration that admitted a user: the Basic user's name and hash, or the
 * OIDC provider's identity and allow-lists. Sessions outlive restarts, so a session keeps the stamp
 * of its login and stops working once that configuration changed (user removed, password hash
 * replaced, allow-list narrowed, provider gone). Undefined: the strategy no longer exists.
 */
export function strategyStamp(config: AuthConfig, user: Pick<AuthenticatedUser, 'type' | 'strategy'>): string | undefined {
  const relevant =
    user.type === 'basic'
      ? config.basic.find((basic) => basic.name === user.strategy)
      : config.oidc
          .filter((provider) => provider.name === user.strategy)
          .map(({ name, discovery, clientId, userClaim, groupClaim, allowUsers, allowGroups }) => ({ name, discovery, clientId, userClaim, groupClaim, allowUsers, allowGroups }))[0];
  if (!relevant) return undefined;
  return createHash('sha256').update(JSON.stringify([user.type, relevant])).digest('base64url');
}
