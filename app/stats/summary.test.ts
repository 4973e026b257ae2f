import type { StatsSnapshot } from './compute.ts';
import { fleetMemoryLimit, summarize } from './summary.ts';

const GiB = 1024 ** 3;

function snapshot(id: string, watcher: string, usage: number, limit: number): StatsSnapshot {
  return {
    id, name: id, watcher, timestamp: '', cpuPercent: 0, onlineCpus: 1,
    memoryUsageBytes: usage, memoryLimitBytes: limit, memoryPercent: Math.round((usage / limit) * 10000) / 100,
    networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 1,
  };
}

describe('fleet memory total', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('counts a host once when its containers have no limit (each reports the whole host)', () => {
    const unlimited = Array.from({ length: 6 }, (_, i) => snapshot(`c${i}`, 'local', GiB, 24 * GiB));
    const summary = summarize(unlimited, now, new Map([['local', 24 * GiB]]));
    expect(summary.totalMemoryLimitBytes).toBe(24 * GiB);
    expect(summary.totalMemoryUsageBytes).toBe(6 * GiB);
    expect(summary.totalMemoryPercent).toBe(25);
  });

  it('keeps the sum of limits when the limits fit in the host', () => {
    const limited = [snapshot('a', 'local', 10, 2 * GiB), snapshot('b', 'local', 10, 3 * GiB)];
    expect(summarize(limited, now, new Map([['local', 24 * GiB]])).totalMemoryLimitBytes).toBe(5 * GiB);
  });

  it('caps each engine at its own host and adds the engines up', () => {
    const fleet = [
      snapshot('a1', 'nas', 1, 8 * GiB), snapshot('a2', 'nas', 1, 8 * GiB),
      snapshot('b1', 'pi', 1, 1 * GiB),
      snapshot('c1', 'big', 1, 64 * GiB), snapshot('c2', 'big', 1, 2 * GiB),
    ];
    const memory = new Map([['nas', 8 * GiB], ['pi', 4 * GiB], ['big', 64 * GiB]]);
    expect(fleetMemoryLimit(fleet, memory)).toBe(8 * GiB + 1 * GiB + 64 * GiB);
  });

  it('sums the limits of an engine whose host memory is unknown rather than dropping them', () => {
    const fleet = [snapshot('a', 'local', 1, 4 * GiB), snapshot('b', 'local', 1, 4 * GiB), snapshot('c', 'remote', 1, 4 * GiB), snapshot('d', 'remote', 1, 4 * GiB)];
    expect(fleetMemoryLimit(fleet, new Map([['local', 4 * GiB]]))).toBe(4 * GiB + 8 * GiB);
  });

  it('keeps the seed 003 fields and shapes', () => {
    const summary = summarize([snapshot('a', 'local', 5, 10)], now, new Map([['local', 100]]));
    expect(Object.keys(summary).sort()).toEqual(
      ['avgCpuPercent', 'timestamp', 'topCpu', 'topMemory', 'totalMemoryLimitBytes', 'totalMemoryPercent', 'totalMemoryUsageBytes', 'watchedCount'].sort(),
    );
    // Per-container figures stay the container's own.
    expect(summary.topMemory[0]).toEqual({ id: 'a', name: 'a', cpuPercent: 0, memoryUsageBytes: 5, memoryLimitBytes: 10, memoryPercent: 50 });
    expect(summarize([], now).totalMemoryPercent).toBe(0);
  });
});
