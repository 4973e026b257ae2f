import { StatsCollector, mapBounded, type StatsTarget } from './collector.ts';
import type { RawStats } from './compute.ts';

const live = (usage: number): RawStats => ({
  cpu_stats: { cpu_usage: { total_usage: usage }, system_cpu_usage: 2000, online_cpus: 1 },
  precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 1000 },
  memory_stats: { usage: 500, limit: 1000, stats: {} },
});

describe('StatsCollector', () => {
  const a: StatsTarget = { id: 'a', name: 'alpha', watcher: 'local' };
  const b: StatsTarget = { id: 'b', name: 'beta', watcher: 'local' };

  it('summarises the fleet only, but keeps history for watched extras while someone looks', async () => {
    const fetched: string[] = [];
    const collector = new StatsCollector({
      intervalMs: 1000, concurrency: 2, historySize: 2, fleet: () => [a],
      source: { fetch: async (t) => (fetched.push(t.id), live(t.id === 'a' ? 500 : 100)), memoryTotal: async () => undefined },
    });
    const stop = collector.watch(b);
    await collector.tick();
    await collector.tick();
    await collector.tick();
    expect(collector.summary.watchedCount).toBe(1);
    expect(collector.summary.topCpu[0]).toMatchObject({ id: 'a', cpuPercent: 50 });
    expect(collector.history('a')).toHaveLength(2);
    expect(collector.latest('b')?.cpuPercent).toBe(10);
    stop();
    fetched.length = 0;
    await collector.tick();
    expect(fetched).toEqual(['a']);
    expect(collector.history('b')).toHaveLength(0);
  });

  it('skips containers whose stats fail or that are not running', async () => {
    const errors: string[] = [];
    const collector = new StatsCollector({
      intervalMs: 1000, concurrency: 1, historySize: 5, fleet: () => [a, b],
      source: { fetch: async (t) => { if (t.id === 'a') throw new Error('gone'); return {}; }, memoryTotal: async () => undefined },
      onError: (t) => errors.push(t.id),
    });
    const summary = await collector.tick();
    expect(summary.watchedCount).toBe(0);
    expect(errors).toEqual(['a']);
  });

  it('gives up on a stats call that never answers (aborting its request), so ticks and stop() still finish', async () => {
    const errors: string[] = [];
    const signals = new Map<string, AbortSignal | undefined>();
    const collector = new StatsCollector({
      intervalMs: 1000, concurrency: 2, historySize: 5, fleet: () => [a, b], fetchTimeoutMs: 20,
      source: {
        fetch: (t, signal) => {
          signals.set(t.id, signal);
          return t.id === 'a' ? new Promise<RawStats>(() => undefined) : Promise.resolve(live(100));
        },
        memoryTotal: async () => undefined,
      },
      onError: (t, error) => errors.push(`${t.id}: ${(error as Error).message}`),
    });
    const summary = await collector.tick();
    expect(summary.topCpu.map((e) => e.id)).toEqual(['b']);
    expect(errors).toEqual(['a: stats of alpha took longer than 20 ms']);
    // The hung call is aborted (its socket freed); the one that answered is left alone.
    expect(signals.get('a')?.aborted).toBe(true);
    expect(signals.get('b')?.aborted).toBe(false);
    collector.start();
    await collector.stop();
  });

  it('forgets the figures of a container that stopped instead of serving them as current', async () => {
    let running = true;
    const collector = new StatsCollector({
      intervalMs: 1000, concurrency: 1, historySize: 5, fleet: () => [],
      source: { fetch: async () => (running ? live(300) : { cpu_stats: {}, memory_stats: {} }), memoryTotal: async () => undefined },
    });
    const stop = collector.watch(a);
    await collector.tick();
    expect(collector.latest('a')?.cpuPercent).toBe(30);
    running = false;
    await collector.tick();
    expect(collector.latest('a')).toBeUndefined();
    expect(collector.latestAll()).toEqual([]);
    stop();
  });

  it('caps the memory total at each engine\'s host memory, asking only for engines in the fleet', async () => {
    const asked: string[] = [];
    const c: StatsTarget = { id: 'c', name: 'gamma', watcher: 'remote' };
    const d: StatsTarget = { id: 'd', name: 'delta', watcher: 'down' };
    const collector = new StatsCollector({
      intervalMs: 1000, concurrency: 2, historySize: 5, fleet: () => [a, b, c, d],
      // Every container reports a limit of 1000 (no limit of its own: the host's memory).
      source: {
        fetch: async () => live(100),
        memoryTotal: async (watcher) => {
          asked.push(watcher);
          if (watcher === 'down') throw new Error('engine down');
          return watcher === 'local' ? 1000 : 4000;
        },
      },
    });
    const summary = await collector.tick();
    // local: min(2000, 1000); remote: min(1000, 4000); down: its limit as it is.
    expect(summary.totalMemoryLimitBytes).toBe(1000 + 1000 + 1000);
    expect(summary.totalMemoryUsageBytes).toBe(2000);
    expect(summary.totalMemoryPercent).toBe(66.67);
    expect(asked.sort()).toEqual(['down', 'local', 'remote']);
  });

  it('never runs more than the concurrency limit at once', async () => {
    let inFlight = 0;
    let peak = 0;
    await mapBounded([1, 2, 3, 4, 5, 6, 7], 3, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
    });
    expect(peak).toBe(3);
  });
});
