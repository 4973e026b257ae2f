import { timingSafeEqual } from 'node:crypto';
import type { BasicUserConfig } from '../config/load-auth-config.ts';
import type { AuthenticatedUser } from './authenticated-user.ts';
import { verifyPassword } from './password-hash.ts';

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The DD_AUTH_BASIC_ user with this name and password, or null. */
export async function verifyBasicUser(users: readonly BasicUserConfig[], username: string, password: string): Promise<AuthenticatedUser | null> {
  const user = users.find((candidate) => sameText(candidate.user, username));
  if (!user) return null;
  return (await verifyPassword(password, user.hash)) ? { type: 'basic', strategy: user.name, user: user.user } : null;
}
