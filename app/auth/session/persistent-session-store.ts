import { createHash } from 'node:crypto';
import session from 'express-session';
import type { StoredSession } from '../../store/schema.ts';
import { SealedValue } from './sealed-value.ts';

/** The part of the JSON store sessions live in (the Store fits; unit tests pass a fake). */
export interface SessionRecords {
  readonly data: { readonly sessions: Readonly<Record<string, StoredSession>> };
  update<R>(mutate: (data: { sessions: Record<string, StoredSession> }) => R): R;
}

export interface PersistentSessionStoreOptions {
  readonly records: SessionRecords;
  /** DD_SERVER_SESSION_TIMEOUT_HOURS: the idle timeout, also the cap on sessions loaded from the file. */
  readonly ttlMs: number;
  readonly capacity?: number;
  /** A request that only pushes a session's end further is written at most this often per session. */
  readonly touchWriteIntervalMs?: number;
  readonly now?: () => number;
}

interface Entry {
  sealed: string;
  /** The end that holds now (moved by every request). */
  expiresAt: number;
  /** The end the file has; a touch is written only once it lags by the touch interval. */
  persistedExpiresAt: number;
}

type Callback = (error?: unknown) => void;

/** Longest sealed session accepted (a user and an ID token of up to 16 KB fit). */
const MAX_SEALED_LENGTH = 32 * 1024;

/** The collection key of a session id: a stolen file holds no id a cookie could be made from. */
export function sessionKey(sid: string): string {
  return createHash('sha256').update(sid).digest('hex');
}

/** The session's content is sealed with a key derived from its own id, which only the cookie holds. */
const sealerFor = (sid: string) => new SealedValue<session.SessionData>(sid, 'dockdeck session', MAX_SEALED_LENGTH);

/**
 * express-session store kept in the JSON store, so a restart or an update of dockdeck signs no one
 * out. At most `capacity` sessions (the least recently used goes first), each dropped once idle
 * for the timeout. The file is written when a session starts or ends, when one is found expired,
 * and when a request moved a session's end by at least the touch interval — not on every request.
 * Memory holds the authoritative order and ends; the file lags by at most the touch interval.
 */
export class PersistentSessionStore extends session.Store {
  readonly #records: SessionRecords;
  readonly #entries = new Map<string, Entry>();
  readonly #capacity: number;
  readonly #ttlMs: number;
  readonly #touchWriteIntervalMs: number;
  readonly #now: () => number;

  constructor(options: PersistentSessionStoreOptions) {
    super();
    this.#records = options.records;
    this.#capacity = options.capacity ?? 1000;
    this.#ttlMs = options.ttlMs;
    this.#touchWriteIntervalMs = options.touchWriteIntervalMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    if (this.#load()) this.#save();
  }

  get size(): number {
    return this.#entries.size;
  }

  override get(sid: string, callback: (error: unknown, session?: session.SessionData | null) => void): void {
    const key = sessionKey(sid);
    const entry = this.#live(key);
    const data = entry ? sealerFor(sid).open(entry.sealed) : undefined;
    if (!entry || !data) {
      // Not ours to read (damaged): gone, like an expired one.
      if (entry && this.#entries.delete(key)) this.#save();
      callback(null, null);
      return;
    }
    // Re-inserted: the Map's order is the eviction order (least recently used first).
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    callback(null, data);
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    const key = sessionKey(sid);
    const expiresAt = this.#expiry(data);
    this.#entries.delete(key);
    this.#entries.set(key, { sealed: sealerFor(sid).seal(data), expiresAt, persistedExpiresAt: expiresAt });
    this.#save();
    callback?.();
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    const entry = this.#live(sessionKey(sid));
    if (entry) {
      entry.expiresAt = Math.max(entry.expiresAt, this.#expiry(data));
      if (entry.expiresAt - entry.persistedExpiresAt >= this.#touchWriteIntervalMs) this.#save();
    }
    callback?.();
  }

  override destroy(sid: string, callback?: Callback): void {
    if (this.#entries.delete(sessionKey(sid))) this.#save();
    callback?.();
  }

  /** The entry unless it has expired; an expired one is forgotten (and the file follows). */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      this.#save();
      return undefined;
    }
    return entry;
  }

  #expiry(data: session.SessionData): number {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires).getTime() : Number.NaN;
    return Number.isFinite(expires) ? Math.min(expires, this.#now() + this.#ttlMs) : this.#now() + this.#ttlMs;
  }

  /** Sessions of the file, least recently used first; true when some had to be dropped or shortened. */
  #load(): boolean {
    const now = this.#now();
    const stored = Object.entries(this.#records.data.sessions ?? {});
    const usable: [string, Entry][] = [];
    for (const [key, record] of stored) {
      const end = typeof record?.expiresAt === 'string' ? Date.parse(record.expiresAt) : Number.NaN;
      if (!/^[0-9a-f]{64}$/.test(key) || typeof record?.sealed !== 'string' || !Number.isFinite(end) || end <= now) continue;
      // A shorter timeout configured since the file was written applies at once.
      const expiresAt = Math.min(end, now + this.#ttlMs);
      usable.push([key, { sealed: record.sealed, expiresAt, persistedExpiresAt: expiresAt }]);
    }
    // Every session has the same idle timeout, so the one ending first is the one used least recently.
    usable.sort((a, b) => a[1].expiresAt - b[1].expiresAt);
    for (const [key, entry] of usable.slice(-this.#capacity)) this.#entries.set(key, entry);
    return this.#entries.size !== stored.length || usable.some(([key, entry]) => entry.expiresAt !== Date.parse(this.#records.data.sessions[key]!.expiresAt));
  }

  /** Drops expired and surplus sessions, then writes the collection as memory has it (one coalesced store write). */
  #save(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#capacity) break;
      this.#entries.delete(key);
    }
    const sessions: Record<string, StoredSession> = {};
    for (const [key, entry] of this.#entries) {
      entry.persistedExpiresAt = entry.expiresAt;
      sessions[key] = { expiresAt: new Date(entry.expiresAt).toISOString(), sealed: entry.sealed };
    }
    this.#records.update((data) => {
      data.sessions = sessions;
    });
  }
}
