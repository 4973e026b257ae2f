import { PassThrough } from 'node:stream';
import { FakeClock } from '../../clock/testing/fake-clock.ts';
import { silentLogger } from '../testing/fakes.ts';
import type { EngineEventStream } from './engine-port.ts';
import { EventFollower, type StreamChange } from './event-follower.ts';

const line = (action: string, id: string, type = 'container') => `${JSON.stringify({ Type: type, Action: action, Actor: { ID: id } })}\n`;
/** An event as the engine writes it: timeNano last, exact nanoseconds. */
const timed = (action: string, id: string, timeNano: bigint) =>
  `{"status":"${action}","id":"${id}","Type":"container","Action":"${action}","Actor":{"ID":"${id}","Attributes":{"timeNano":"1"}},"scope":"local","time":${timeNano / 1_000_000_000n},"timeNano":${timeNano}}\n`;
const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));
/** Lets stream callbacks and promise chains run (the fake clock moves no real time). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick(5);
  expect(check()).toBe(true);
}

function setup(options: { failOpens?: number } = {}) {
  const streams: PassThrough[] = [];
  const batches: Map<string, string>[] = [];
  let resyncs = 0;
  let failures = options.failOpens ?? 0;
  const follower = new EventFollower({
    open: async () => {
      if (failures > 0) {
        failures--;
        throw new Error('connect ENOENT');
      }
      const stream = new PassThrough();
      streams.push(stream);
      return { stream };
    },
    onEvents: async (batch) => {
      batches.push(batch);
    },
    onResync: async () => {
      resyncs++;
    },
    logger: silentLogger,
    watcher: 'local',
    debounceMs: 20,
    initialBackoffMs: 5,
    maxBackoffMs: 20,
  });
  return { follower, streams, batches, resyncs: () => resyncs };
}

/** An open the test answers by hand (or never), on a fake clock. */
interface PendingOpen {
  readonly since: string | undefined;
  readonly signal: AbortSignal;
  answer(engineTime?: number): PassThrough;
  fail(error: Error): void;
}

const ENGINE_NOW = Date.parse('2026-03-01T12:00:00.000Z');

/** `ignoreAbort`: an engine call that does not stop when aborted (so it can still answer late). */
function scripted(options: { idleMs?: number; openTimeoutMs?: number; ignoreAbort?: boolean } = {}) {
  const clock = new FakeClock(ENGINE_NOW);
  const opens: PendingOpen[] = [];
  const batches: Map<string, string>[] = [];
  const changes: StreamChange[] = [];
  let resyncs = 0;
  const follower = new EventFollower({
    open: ({ since, signal }) =>
      new Promise<EngineEventStream>((resolve, reject) => {
        if (!options.ignoreAbort) signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' })));
        opens.push({
          since,
          signal,
          answer: (engineTime) => {
            const stream = new PassThrough();
            resolve({ stream, ...(engineTime !== undefined ? { engineTime } : {}) });
            return stream;
          },
          fail: reject,
        });
      }),
    onEvents: async (batch) => {
      batches.push(batch);
    },
    onResync: async () => {
      resyncs++;
    },
    onStreamChange: (change) => changes.push(change),
    logger: silentLogger,
    watcher: 'remote',
    debounceMs: 100,
    initialBackoffMs: 1000,
    maxBackoffMs: 8000,
    idleMs: options.idleMs ?? 5000,
    ...(options.openTimeoutMs !== undefined ? { openTimeoutMs: options.openTimeoutMs } : {}),
    clock,
  });
  return { clock, follower, opens, batches, changes, resyncs: () => resyncs };
}

/** 2026-03-01T12:00:00Z plus some milliseconds, in the engine's nanoseconds (with digits a double would lose). */
const nanosAt = (ms: number, extra = 123_457n) => BigInt(ENGINE_NOW + ms) * 1_000_000n + extra;

describe('EventFollower', () => {
  it('coalesces a burst into one batch keeping the last relevant action per container', async () => {
    const { follower, streams, batches } = setup();
    follower.start();
    await until(() => follower.status === 'connected');
    expect(streams).toHaveLength(1);
    const stream = streams[0]!;
    // Split across chunks on purpose: lines are reassembled.
    const burst = line('create', 'a') + line('start', 'a') + line('exec_start: sh', 'a') + line('health_status: healthy', 'b') + line('pull', 'x', 'image');
    stream.write(burst.slice(0, 30));
    stream.write(burst.slice(30));
    stream.write('not json\n');
    stream.write(line('destroy', 'c'));
    await until(() => batches.length === 1);
    expect([...batches[0]!]).toEqual([
      ['a', 'start'],
      ['b', 'health_status'],
      ['c', 'destroy'],
    ]);
    await follower.stop();
    expect(follower.status).toBe('stopped');
  });

  it('reconnects with backoff after the stream ends or cannot be opened, then resyncs', async () => {
    const { follower, streams, batches, resyncs } = setup({ failOpens: 2 });
    follower.start();
    await until(() => streams.length === 1);
    expect(resyncs()).toBe(0);
    streams[0]!.end();
    await until(() => streams.length === 2);
    await until(() => resyncs() === 1);
    streams[1]!.write(line('stop', 'z'));
    await until(() => batches.length === 1);
    streams[1]!.destroy(new Error('socket hang up'));
    await until(() => streams.length === 3);
    await follower.stop();
    const count = streams.length;
    await tick(40);
    expect(streams.length).toBe(count);
  });
});

describe('EventFollower liveness', () => {
  it('replaces a silent stream by one replaying from the exact time of the last event, then closes the old one', async () => {
    const { clock, follower, opens, batches, changes, resyncs } = scripted({ idleMs: 5000 });
    follower.start();
    await settle();
    expect(opens).toHaveLength(1);
    expect(opens[0]!.since).toBeUndefined();
    const first = opens[0]!.answer(ENGINE_NOW);
    await settle();
    const last = nanosAt(1500);
    first.write(timed('start', 'a', last));
    await settle();
    clock.advance(100);
    await settle();
    expect([...batches[0]!]).toEqual([['a', 'start']]);

    // Silence counts from the last data (at +0 ms of the clock); the recycle is due 5 s later.
    clock.advance(4899);
    await settle();
    expect(opens).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(opens).toHaveLength(2);
    expect(opens[1]!.since).toBe(`${last / 1_000_000_000n}.${(last % 1_000_000_000n).toString().padStart(9, '0')}`);
    expect(opens[1]!.since).toBe('1772366401.500123457');
    // The old stream stays open until the new one answered.
    expect(first.destroyed).toBe(false);
    expect(follower.status).toBe('connected');

    opens[1]!.answer(ENGINE_NOW + 5000);
    await settle();
    expect(first.destroyed).toBe(true);
    expect(follower.status).toBe('connected');
    expect(changes).toEqual(['recycle']);
    expect(resyncs()).toBe(0);
    expect(follower.stats).toMatchObject({ idleSeconds: 5, recycles: 1, reconnects: 0, lastEventAt: '2026-03-01T12:00:01.500Z' });
    await follower.stop();
  });

  it('replays from one second before the engine answered when no event came, and never with idleMs 0', async () => {
    const quiet = scripted({ idleMs: 2000 });
    quiet.follower.start();
    await settle();
    quiet.opens[0]!.answer(ENGINE_NOW);
    await settle();
    quiet.clock.advance(2000);
    await settle();
    // The Date header has whole seconds: one second earlier is surely before the engine subscribed us.
    expect(quiet.opens[1]!.since).toBe(`${(ENGINE_NOW - 1000) / 1000}.000000000`);
    expect(quiet.follower.stats.lastEventAt).toBeNull();
    await quiet.follower.stop();

    const never = scripted({ idleMs: 0 });
    never.follower.start();
    await settle();
    never.opens[0]!.answer(ENGINE_NOW);
    await settle();
    never.clock.advance(24 * 3_600_000);
    await settle();
    expect(never.opens).toHaveLength(1);
    expect(never.follower.stats).toMatchObject({ idleSeconds: 0, recycles: 0 });
    await never.follower.stop();
  });

  it('keeps a stream that carries data: the silence counts from the newest chunk', async () => {
    const { clock, follower, opens } = scripted({ idleMs: 5000 });
    follower.start();
    await settle();
    const stream = opens[0]!.answer(ENGINE_NOW);
    await settle();
    clock.advance(4000);
    stream.write(line('exec_start: sh', 'a'));
    await settle();
    clock.advance(4000);
    await settle();
    expect(opens).toHaveLength(1);
    clock.advance(1000);
    await settle();
    expect(opens).toHaveLength(2);
    await follower.stop();
  });

  it('drops the events the new stream replays that the old one delivered, and keeps the ones it did not', async () => {
    const { clock, follower, opens, batches, resyncs } = scripted({ idleMs: 5000 });
    follower.start();
    await settle();
    const first = opens[0]!.answer(ENGINE_NOW);
    await settle();
    const stopA = nanosAt(200);
    first.write(timed('stop', 'a', stopA));
    await settle();
    clock.advance(5000);
    await settle();
    const second = opens[1]!.answer(ENGINE_NOW + 5000);
    await settle();
    clock.advance(100);
    await settle();
    expect(batches.map((batch) => [...batch])).toEqual([[['a', 'stop']]]);

    // The replay starts with the event at `since` itself (the engine's bound is inclusive).
    second.write(timed('stop', 'a', stopA));
    // Same container and action at another time is another event.
    second.write(timed('start', 'b', stopA));
    await settle();
    clock.advance(100);
    await settle();
    expect(batches.map((batch) => [...batch])).toEqual([[['a', 'stop']], [['b', 'start']]]);
    // 'b' came in the replay although the old stream should have carried it: that one was dead.
    expect(resyncs()).toBe(1);

    // Live events after the switch neither repeat nor resync.
    second.write(timed('die', 'a', nanosAt(6000)));
    second.write(timed('die', 'a', nanosAt(6000)));
    await settle();
    clock.advance(100);
    await settle();
    expect(batches.map((batch) => [...batch]).at(-1)).toEqual([['a', 'die']]);
    expect(batches).toHaveLength(3);
    expect(resyncs()).toBe(1);
    await follower.stop();
  });

  it('gives up on an open that never answers: aborts it and falls into the backoff and its resync', async () => {
    const { clock, follower, opens, changes, resyncs } = scripted({ idleMs: 5000, openTimeoutMs: 3000 });
    follower.start();
    await settle();
    const first = opens[0]!.answer(ENGINE_NOW);
    await settle();
    clock.advance(5000);
    await settle();
    const hanging = opens[1]!;
    expect(hanging.since).toBeDefined();
    clock.advance(2999);
    await settle();
    expect(hanging.signal.aborted).toBe(false);
    clock.advance(1);
    await settle();
    expect(hanging.signal.aborted).toBe(true);
    expect(first.destroyed).toBe(true);
    expect(follower.status).toBe('reconnecting');
    expect(follower.stats.connectedAt).toBeNull();

    // Backoff 1 s; that open hangs too (no `since`: a reconnect resyncs instead), then 2 s; the third answers.
    clock.advance(1000);
    await settle();
    expect(opens).toHaveLength(3);
    expect(opens[2]!.since).toBeUndefined();
    clock.advance(3000);
    await settle();
    expect(opens[2]!.signal.aborted).toBe(true);
    clock.advance(1999);
    await settle();
    expect(opens).toHaveLength(3);
    clock.advance(1);
    await settle();
    expect(opens).toHaveLength(4);
    opens[3]!.answer(ENGINE_NOW + 20_000);
    await settle();
    expect(follower.status).toBe('connected');
    expect(resyncs()).toBe(1);
    expect(changes).toEqual(['recycle', 'reconnect']);
    expect(follower.stats).toMatchObject({ recycles: 1, reconnects: 1, connectedAt: new Date(clock.now()).toISOString() });
    await follower.stop();
  });

  it('times out the very first open too (default: the idle time when shorter than 10 s) and closes a stream that answers late', async () => {
    const { clock, follower, opens, resyncs } = scripted({ idleMs: 2000, ignoreAbort: true });
    follower.start();
    await settle();
    clock.advance(2000);
    await settle();
    expect(opens[0]!.signal.aborted).toBe(true);
    expect(follower.status).toBe('reconnecting');
    clock.advance(1000);
    await settle();
    opens[1]!.answer(ENGINE_NOW);
    await settle();
    // Never connected before: nothing to catch up on.
    expect(resyncs()).toBe(0);
    expect(follower.status).toBe('connected');
    // The abandoned open answers after all: closed, not followed.
    const late = opens[0]!.answer(ENGINE_NOW);
    await settle();
    expect(late.destroyed).toBe(true);
    expect(follower.status).toBe('connected');
    await follower.stop();
  });

  it('follows the replacement when the old stream ends while it is being opened', async () => {
    const { clock, follower, opens, batches, resyncs, changes } = scripted({ idleMs: 5000 });
    follower.start();
    await settle();
    const first = opens[0]!.answer(ENGINE_NOW);
    await settle();
    clock.advance(5000);
    await settle();
    first.end();
    await settle();
    expect(follower.status).toBe('connected');
    const second = opens[1]!.answer(ENGINE_NOW + 5000);
    await settle();
    // No reconnect and no resync: `since` covered the switch.
    expect(changes).toEqual(['recycle']);
    expect(resyncs()).toBe(0);
    expect(follower.status).toBe('connected');
    second.write(timed('start', 'c', nanosAt(5500)));
    await settle();
    clock.advance(100);
    await settle();
    expect(batches.map((batch) => [...batch])).toEqual([[['c', 'start']]]);
    await follower.stop();
  });

  it('stops cleanly while a replacement is being opened', async () => {
    const { clock, follower, opens } = scripted({ idleMs: 5000 });
    follower.start();
    await settle();
    opens[0]!.answer(ENGINE_NOW);
    await settle();
    clock.advance(5000);
    await settle();
    await follower.stop();
    const late = opens[1]!.answer(ENGINE_NOW);
    await settle();
    expect(late.destroyed).toBe(true);
    clock.advance(60_000);
    await settle();
    expect(opens).toHaveLength(2);
    expect(clock.pendingTimers).toBe(0);
  });
});
