import { PassThrough } from 'node:stream';
import { silentLogger } from '../testing/fakes.ts';
import { EventFollower } from './event-follower.ts';

const line = (action: string, id: string, type = 'container') => `${JSON.stringify({ Type: type, Action: action, Actor: { ID: id } })}\n`;
const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

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
      return stream;
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

describe('EventFollower', () => {
  it('coalesces a burst into one batch keeping the last relevant action per container', async () => {
    const { follower, streams, batches } = setup();
    follower.start();
    await until(() => streams.length === 1);
    expect(follower.status).toBe('connected');
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
