import { ConnectionLimiter } from './connection-limiter.ts';
import { ReplayBuffer } from './replay-buffer.ts';

describe('ReplayBuffer', () => {
  const buffer = new ReplayBuffer(3);
  for (const id of [10, 11, 12, 13, 14]) buffer.push({ id, event: 'dd:x', data: { id } });

  it('returns exactly the events after the given id while they are kept', () => {
    expect(buffer.since(12, 14)?.map((e) => e.id)).toEqual([13, 14]);
    expect(buffer.since(11, 14)?.map((e) => e.id)).toEqual([12, 13, 14]);
    expect(buffer.since(14, 14)).toEqual([]);
  });

  it('asks for a resync when missed events are gone or the id is from the future', () => {
    expect(buffer.since(10, 14)).toBeNull();
    expect(buffer.since(99, 14)).toBeNull();
    expect(buffer.size).toBe(3);
  });
});

describe('ConnectionLimiter', () => {
  it('limits per address and in total, and releases once', () => {
    const limiter = new ConnectionLimiter({ perIp: 2, total: 3 });
    const one = limiter.acquire('a');
    limiter.acquire('a');
    expect(limiter.acquire('a')).toEqual({ refused: 'per-ip' });
    limiter.acquire('b');
    expect(limiter.acquire('c')).toEqual({ refused: 'total' });
    if (!('release' in one)) throw new Error('expected a slot');
    one.release();
    one.release();
    expect(limiter.open).toBe(2);
    expect('release' in limiter.acquire('a')).toBe(true);
  });
});
