import { scrypt, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Password hash formats accepted in DD_AUTH_BASIC_{NAME}_HASH. */
export const HASH_FORMATS = 'bcrypt ($2a$/$2b$/$2y$, e.g. from `htpasswd -nbB`) or scrypt (scrypt:<salt base64>:<hash base64>)';

export function isSupportedHash(hash: string): boolean {
  return /^\$2[aby]\$\d{2}\$.{53}$/.test(hash) || /^scrypt:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/.test(hash);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (password.length > 1024) return false;
  if (hash.startsWith('$2')) return bcrypt.compare(password, hash);
  const [, salt = '', expected = ''] = hash.split(':');
  const expectedBytes = Buffer.from(expected, 'base64');
  if (expectedBytes.length === 0) return false;
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, Buffer.from(salt, 'base64'), expectedBytes.length, (error, key) => (error ? reject(error) : resolve(key))),
  );
  return timingSafeEqual(actual, expectedBytes);
}
