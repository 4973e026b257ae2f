import type session from 'express-session';
import { BoundedMemoryStore } from './bounded-memory-store.ts';

const data = (expires: number, user = 'alice') => ({ cookie: { expires: new Date(expires), originalMaxAge: 1000 }, user: { type: 'basic', strategy: 'a', user } }) as unknown as session.SessionData;

function get(store: BoundedMemoryStore, sid: string): Promise<unknown> {
  return new Promise((resolve, reject) => store.get(sid, (error, value) => (error ? reject(error) : resolve(value))));
}

describe('BoundedMemoryStore', () => {
  it('returns sessions until their cookie expires, and forgets destroyed ones', async () => {
    let now = 1000;
    const store = new BoundedMemoryStore({ ttlMs: 60_000, now: () => now });
    store.set('a', data(5000));
    expect(await get(store, 'a')).toMatchObject({ user: { user: 'alice' } });
    store.touch('a', data(9000));
    now = 6000;
    expect(await get(store, 'a')).not.toBeNull();
    now = 9000;
    expect(await get(store, 'a')).toBeNull();
    store.set('b', data(99_000));
    store.destroy('b');
    expect(await get(store, 'b')).toBeNull();
    expect(store.size).toBe(0);
  });

  it('keeps at most its capacity, dropping the least recently used', async () => {
    const store = new BoundedMemoryStore({ capacity: 2, ttlMs: 60_000, now: () => 0 });
    store.set('a', data(10_000, 'a'));
    store.set('b', data(10_000, 'b'));
    await get(store, 'a');
    store.set('c', data(10_000, 'c'));
    expect(store.size).toBe(2);
    expect(await get(store, 'b')).toBeNull();
    expect(await get(store, 'a')).not.toBeNull();
    expect(await get(store, 'c')).not.toBeNull();
  });
});
