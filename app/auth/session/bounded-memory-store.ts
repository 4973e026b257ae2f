import session from 'express-session';

interface Entry {
  readonly json: string;
  expiresAt: number;
}

type Callback = (error?: unknown) => void;

/**
 * Sessions in memory, at most `capacity` of them (the least recently used goes first) and each
 * dropped once its cookie has expired. express-session's own MemoryStore never forgets a session
 * that is not asked for again. Sessions exist only after a successful login, so the cap bounds
 * what a crowd of browsers can hold, not what anonymous requests can create.
 */
export class BoundedMemoryStore extends session.Store {
  readonly #entries = new Map<string, Entry>();
  readonly #capacity: number;
  readonly #fallbackTtlMs: number;
  readonly #now: () => number;

  constructor(options: { capacity?: number; ttlMs: number; now?: () => number }) {
    super();
    this.#capacity = options.capacity ?? 1000;
    this.#fallbackTtlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    const entry = this.#live(sid);
    if (!entry) {
      callback(null, null);
      return;
    }
    // Re-inserted: the Map's order is the eviction order (least recently used first).
    this.#entries.delete(sid);
    this.#entries.set(sid, entry);
    callback(null, JSON.parse(entry.json) as session.SessionData);
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    this.#entries.delete(sid);
    this.#entries.set(sid, { json: JSON.stringify(data), expiresAt: this.#expiry(data) });
    if (this.#entries.size > this.#capacity) this.#evict();
    callback?.();
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    const entry = this.#live(sid);
    if (entry) entry.expiresAt = this.#expiry(data);
    callback?.();
  }

  override destroy(sid: string, callback?: Callback): void {
    this.#entries.delete(sid);
    callback?.();
  }

  #live(sid: string): Entry | undefined {
    const entry = this.#entries.get(sid);
    if (entry && entry.expiresAt <= this.#now()) {
      this.#entries.delete(sid);
      return undefined;
    }
    return entry;
  }

  #expiry(data: session.SessionData): number {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires).getTime() : Number.NaN;
    return Number.isFinite(expires) ? expires : this.#now() + this.#fallbackTtlMs;
  }

  #evict(): void {
    const now = this.#now();
    for (const [sid, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(sid);
    for (const sid of this.#entries.keys()) {
      if (this.#entries.size <= this.#capacity) break;
      this.#entries.delete(sid);
    }
  }
}
