/** Bearer tokens by realm, service and scope, kept until shortly before they expire. */
export class TokenCache {
  readonly #entries = new Map<string, { token: string; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 500;
    this.#now = options.now ?? Date.now;
  }

  static key(realm: string, service: string | undefined, scope: string | undefined): string {
    return `${realm}\u0000${service ?? ''}\u0000${scope ?? ''}`;
  }

  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  /** Stores a token valid for `lifetimeSeconds` (minus a safety margin so it never expires in flight). */
  set(key: string, token: string, lifetimeSeconds: number): void {
    const margin = Math.min(30, lifetimeSeconds / 4);
    const expiresAt = this.#now() + (lifetimeSeconds - margin) * 1000;
    if (expiresAt <= this.#now()) return;
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { token, expiresAt });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
