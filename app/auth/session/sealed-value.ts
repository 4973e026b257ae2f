import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption (AES-256-GCM) of a small JSON value for a cookie: the browser holds it
 * but can neither read nor change it. The key is derived from the session secret per purpose.
 */
export class SealedValue<T> {
  readonly #key: Buffer;
  readonly #maxLength: number;

  /** `maxLength`: longer sealed text is refused unread (a cookie is at most 4 KB; server-side values may be larger). */
  constructor(secret: string, purpose: string, maxLength = 8192) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'dockdeck', purpose, 32));
    this.#maxLength = maxLength;
  }

  seal(value: T): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join('.');
  }

  /** The value, or undefined for anything not sealed by this key (tampered, truncated, foreign). */
  open(sealed: string | undefined): T | undefined {
    if (!sealed || sealed.length > this.#maxLength) return undefined;
    const [iv, tag, body, extra] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (!iv || !tag || !body || extra || iv.length !== 12 || tag.length !== 16) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
      decipher.setAuthTag(tag);
      return JSON.parse(Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }
}
