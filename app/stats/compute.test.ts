import { blockIoTotals, cpuPercent, memoryUsage, networkTotals } from './compute.ts';
import { summarize } from './summary.ts';

describe('stats arithmetic', () => {
  it('computes CPU% from the deltas against the previous sample, scaled to online CPUs', () => {
    const raw = {
      cpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 18_000_000_000 },
    };
    expect(cpuPercent(raw)).toBe(100);
  });

  it('reads 0% when there is no previous sample instead of a huge number', () => {
    expect(cpuPercent({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 10, online_cpus: 1 } })).toBe(0);
  });

  it('falls back to the per-CPU list when online_cpus is absent', () => {
    const raw = {
      cpu_stats: { cpu_usage: { total_usage: 200, percpu_usage: [1, 1, 1, 1] }, system_cpu_usage: 1000 },
      precpu_stats: { cpu_usage: { total_usage: 100 }, system_cpu_usage: 800 },
    };
    expect(cpuPercent(raw)).toBe(200);
  });

  it('subtracts the page cache: cgroup v1 total_inactive_file, v2 inactive_file, then cache', () => {
    expect(memoryUsage({ memory_stats: { usage: 1000, stats: { inactive_file: 300, cache: 900 } } })).toBe(700);
    expect(memoryUsage({ memory_stats: { usage: 1000, stats: { total_inactive_file: 100, inactive_file: 0 } } })).toBe(900);
    expect(memoryUsage({ memory_stats: { usage: 1000, stats: { cache: 250 } } })).toBe(750);
    expect(memoryUsage({ memory_stats: { usage: 100, stats: { inactive_file: 500 } } })).toBe(100);
  });

  it('sums network interfaces and block io by operation', () => {
    expect(networkTotals({ networks: { eth0: { rx_bytes: 10, tx_bytes: 1 }, eth1: { rx_bytes: 5, tx_bytes: 2 } } })).toEqual({ rx: 15, tx: 3 });
    const io = { io_service_bytes_recursive: [{ op: 'Read', value: 4 }, { op: 'write', value: 6 }, { op: 'Total', value: 10 }] };
    expect(blockIoTotals({ blkio_stats: io })).toEqual({ read: 4, write: 6 });
    expect(blockIoTotals({ blkio_stats: { io_service_bytes_recursive: null } })).toEqual({ read: 0, write: 0 });
  });

  it('summarises a fleet: averages, totals and the top five by CPU and memory', () => {
    const snapshot = (n: number) => ({
      id: `id${n}`, name: `c${n}`, watcher: 'local', timestamp: '', cpuPercent: n * 10, onlineCpus: 2,
      memoryUsageBytes: 100 * (7 - n), memoryLimitBytes: 1000, memoryPercent: 10 * (7 - n),
      networkRxBytes: 0, networkTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 1,
    });
    const summary = summarize([1, 2, 3, 4, 5, 6].map(snapshot), new Date('2026-01-01T00:00:00Z'));
    expect(summary.watchedCount).toBe(6);
    expect(summary.avgCpuPercent).toBe(35);
    expect(summary.totalMemoryUsageBytes).toBe(2100);
    expect(summary.totalMemoryLimitBytes).toBe(6000);
    expect(summary.totalMemoryPercent).toBe(35);
    expect(summary.topCpu.map((e) => e.name)).toEqual(['c6', 'c5', 'c4', 'c3', 'c2']);
    expect(summary.topMemory.map((e) => e.name)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    expect(Object.keys(summary.topCpu[0] ?? {}).sort()).toEqual(['cpuPercent', 'id', 'memoryLimitBytes', 'memoryPercent', 'memoryUsageBytes', 'name']);
  });
});
