import { scryptSync } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { isSupportedHash, verifyPassword } from './password-hash.ts';

describe('password hashes', () => {
  it('verifies bcrypt hashes', async () => {
    const hash = bcrypt.hashSync('s3cret', 4);
    expect(isSupportedHash(hash)).toBe(true);
    await expect(verifyPassword('s3cret', hash)).resolves.toBe(true);
    await expect(verifyPassword('wrong', hash)).resolves.toBe(false);
  });

  it('verifies scrypt hashes', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const hash = `scrypt:${salt.toString('base64')}:${scryptSync('pw', salt, 32).toString('base64')}`;
    expect(isSupportedHash(hash)).toBe(true);
    await expect(verifyPassword('pw', hash)).resolves.toBe(true);
    await expect(verifyPassword('pw2', hash)).resolves.toBe(false);
  });

  it('rejects unknown formats and plain text', () => {
    expect(isSupportedHash('plaintext')).toBe(false);
    expect(isSupportedHash('$apr1$abc$def')).toBe(false);
  });
});
