import type session from 'express-session';
import type { StoredSession } from '../../store/schema.ts';
import { PersistentSessionStore, sessionKey, type SessionRecords } from './persistent-session-store.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const data = (expires: number, user = 'alice', idToken?: string) =>
  ({ cookie: { expires: new Date(expires), originalMaxAge: HOUR }, user: { type: 'oidc', strategy: 'idp', user }, ...(idToken ? { oidc: { provider: 'idp', idToken } } : {}) }) as unknown as session.SessionData;

/** The sessions collection of a store, counting the writes asked for. */
function records(sessions: Record<string, StoredSession> = {}): SessionRecords & { writes: number; file(): string } {
  const held = { sessions };
  return {
    data: held,
    writes: 0,
    update(mutate) {
      this.writes++;
      return mutate(held);
    },
    file: () => JSON.stringify(held),
  };
}

function get(store: PersistentSessionStore, sid: string): Promise<session.SessionData | null | undefined> {
  return new Promise((resolve, reject) => store.get(sid, (error, value) => (error ? reject(error) : resolve(value))));
}

const sid = 'k2v1Yk7wFJ0qQ2k6m0bWc1yL4ZQp9xTa';

describe('PersistentSessionStore', () => {
  it('keeps a session in the store under the hash of its id, sealed with a key only the id gives', async () => {
    const file = records();
    const store = new PersistentSessionStore({ records: file, ttlMs: HOUR, now: () => 0 });
    store.set(sid, data(HOUR, 'alice', 'eyJhbGciOi.id-token.sig'));
    expect(Object.keys(file.data.sessions)).toEqual([sessionKey(sid)]);
    expect(sessionKey(sid)).toMatch(/^[0-9a-f]{64}$/);
    // Neither the id (a cookie could be signed for it with a secret from the same file), nor who, nor the token.
    for (const secret of [sid, 'alice', 'id-token']) expect(file.file()).not.toContain(secret);
    expect(file.data.sessions[sessionKey(sid)]).toEqual({ expiresAt: new Date(HOUR).toISOString(), sealed: expect.any(String) });
    expect(await get(store, sid)).toMatchObject({ user: { user: 'alice' }, oidc: { idToken: 'eyJhbGciOi.id-token.sig' } });
    // The record under another id's key opens to nothing.
    const other = new PersistentSessionStore({ records: records({ [sessionKey('another-id')]: file.data.sessions[sessionKey(sid)]! }), ttlMs: HOUR, now: () => 0 });
    expect(await get(other, 'another-id')).toBeNull();
    expect(other.size).toBe(0);
  });

  it('survives a restart: a new store on the same file has the session, with the end the file holds', async () => {
    let now = 0;
    const file = records();
    new PersistentSessionStore({ records: file, ttlMs: HOUR, now: () => now }).set(sid, data(HOUR));
    now = 30 * MINUTE;
    const restarted = new PersistentSessionStore({ records: file, ttlMs: HOUR, now: () => now });
    expect(await get(restarted, sid)).toMatchObject({ user: { user: 'alice' } });
    now = HOUR;
    const late = new PersistentSessionStore({ records: file, ttlMs: HOUR, now: () => now });
    expect(late.size).toBe(0);
    expect(await get(late, sid)).toBeNull();
    // Dropped from the file at load, not just ignored.
    expect(file.data.sessions).toEqual({});
  });

  it('applies a shorter timeout configured since the file was written', async () => {
    let now = 0;
    const file = records();
    new PersistentSessionStore({ records: file, ttlMs: 24 * HOUR, now: () => now }).set(sid, data(24 * HOUR));
    const shorter = new PersistentSessionStore({ records: file, ttlMs: HOUR, now: () => now });
    expect(file.data.sessions[sessionKey(sid)]?.expiresAt).toBe(new Date(HOUR).toISOString());
    now = HOUR - 1;
    expect(await get(shorter, sid)).not.toBeNull();
    now = HOUR;
    expect(await get(shorter, sid)).toBeNull();
  });

  it('ends a session idle for the timeout, pushed further by requests, and writes a touch at most once a minute', async () => {
    let now = 0;
    const file = records();
    const store = new PersistentSessionStore({ records: file, ttlMs: HOUR, now: () => now });
    store.set(sid, data(HOUR));
    const afterLogin = file.writes;
    // Requests every 10 seconds for 5 minutes: the end moves each time, the file about once a minute.
    for (let second = 10; second <= 300; second += 10) {
      now = second * 1000;
      expect(await get(store, sid)).not.toBeNull();
      store.touch(sid, data(now + HOUR));
    }
    expect(file.writes - afterLogin).toBe(5);
    expect(file.data.sessions[sessionKey(sid)]?.expiresAt).toBe(new Date(300_000 + HOUR).toISOString());
    now = 300_000 + HOUR - 1;
    expect(await get(store, sid)).not.toBeNull();
    now = 300_000 + HOUR;
    const beforeExpiry = file.writes;
    expect(await get(store, sid)).toBeNull();
    expect(file.writes).toBe(beforeExpiry + 1);
    expect(file.data.sessions).toEqual({});
    // A touch of a session that is gone writes nothing and brings nothing back.
    store.touch(sid, data(now + HOUR));
    expect(await get(store, sid)).toBeNull();
    expect(file.writes).toBe(beforeExpiry + 1);
  });

  it('forgets a destroyed session in memory and in the file; destroying an unknown one writes nothing', async () => {
    const file = records();
    const store = new PersistentSessionStore({ records: file, ttlMs: HOUR, now: () => 0 });
    store.set(sid, data(HOUR));
    store.destroy(sid);
    expect(await get(store, sid)).toBeNull();
    expect(file.data.sessions).toEqual({});
    const writes = file.writes;
    store.destroy('never-there');
    expect(file.writes).toBe(writes);
    expect(await get(new PersistentSessionStore({ records: file, ttlMs: HOUR, now: () => 0 }), sid)).toBeNull();
  });

  it('keeps at most its capacity, dropping the least recently used, also across a restart', async () => {
    let now = 0;
    const file = records();
    const store = new PersistentSessionStore({ records: file, capacity: 2, ttlMs: HOUR, now: () => now });
    store.set('a', data(now + HOUR, 'a'));
    now = 1000;
    store.set('b', data(now + HOUR, 'b'));
    now = 2000;
    await get(store, 'a');
    store.touch('a', data(now + HOUR, 'a'));
    store.set('c', data(now + HOUR, 'c'));
    expect(store.size).toBe(2);
    expect(Object.keys(file.data.sessions).sort()).toEqual([sessionKey('a'), sessionKey('c')].sort());
    expect(await get(store, 'b')).toBeNull();
    expect(await get(store, 'a')).not.toBeNull();
    // A file with more than the capacity (written by a dockdeck with a larger one) keeps the most recent.
    const full = records();
    let at = 0;
    const large = new PersistentSessionStore({ records: full, ttlMs: HOUR, now: () => at });
    for (const name of ['x', 'y', 'z']) {
      at += 1000;
      large.set(name, data(at + HOUR, name));
    }
    const small = new PersistentSessionStore({ records: full, capacity: 2, ttlMs: HOUR, now: () => at });
    expect(await get(small, 'x')).toBeNull();
    expect(await get(small, 'y')).not.toBeNull();
    expect(await get(small, 'z')).not.toBeNull();
  });

  it('ignores damaged records of the file', () => {
    const file = records({
      nothex: { expiresAt: new Date(HOUR).toISOString(), sealed: 'x' },
      [sessionKey('a')]: { expiresAt: 'soon', sealed: 'x' },
      [sessionKey('b')]: { expiresAt: new Date(HOUR).toISOString() } as StoredSession,
    });
    const store = new PersistentSessionStore({ records: file, ttlMs: HOUR, now: () => 0 });
    expect(store.size).toBe(0);
    expect(file.data.sessions).toEqual({});
  });
});
