import { round2, type StatsSnapshot } from './compute.ts';

export interface SummaryEntry {
  readonly id: string;
  readonly name: string;
  readonly cpuPercent: number;
  readonly memoryUsageBytes: number;
  readonly memoryLimitBytes: number;
  readonly memoryPercent: number;
}

/** The fleet summary, exactly the `data` of GET /api/v1/stats/summary (seed 003). */
export interface StatsSummary {
  readonly timestamp: string;
  readonly watchedCount: number;
  readonly avgCpuPercent: number;
  readonly totalMemoryUsageBytes: number;
  readonly totalMemoryLimitBytes: number;
  readonly totalMemoryPercent: number;
  readonly topCpu: SummaryEntry[];
  readonly topMemory: SummaryEntry[];
}

const TOP = 5;

/**
 * The fleet summary of one tick. `engineMemory` holds each engine's host memory (by watcher name):
 * a container without a limit reports the whole host as its limit, so an engine's share of
 * `totalMemoryLimitBytes` is the sum of its containers' limits, capped at its host's memory.
 */
export function summarize(snapshots: readonly StatsSnapshot[], now: Date, engineMemory: ReadonlyMap<string, number> = new Map()): StatsSummary {
  const totalCpu = snapshots.reduce((sum, s) => sum + s.cpuPercent, 0);
  const totalMemoryUsageBytes = snapshots.reduce((sum, s) => sum + s.memoryUsageBytes, 0);
  const totalMemoryLimitBytes = fleetMemoryLimit(snapshots, engineMemory);
  const entries = snapshots.map(toEntry);
  return {
    timestamp: now.toISOString(),
    watchedCount: snapshots.length,
    avgCpuPercent: snapshots.length ? round2(totalCpu / snapshots.length) : 0,
    totalMemoryUsageBytes,
    totalMemoryLimitBytes,
    totalMemoryPercent: totalMemoryLimitBytes > 0 ? round2((totalMemoryUsageBytes / totalMemoryLimitBytes) * 100) : 0,
    topCpu: [...entries].sort((a, b) => b.cpuPercent - a.cpuPercent || a.name.localeCompare(b.name)).slice(0, TOP),
    topMemory: [...entries].sort((a, b) => b.memoryPercent - a.memoryPercent || a.name.localeCompare(b.name)).slice(0, TOP),
  };
}

/** Per engine min(sum of limits, host memory), summed over engines; an engine of unknown memory counts its sum. */
export function fleetMemoryLimit(snapshots: readonly StatsSnapshot[], engineMemory: ReadonlyMap<string, number>): number {
  const limitsByEngine = new Map<string, number>();
  for (const s of snapshots) limitsByEngine.set(s.watcher, (limitsByEngine.get(s.watcher) ?? 0) + s.memoryLimitBytes);
  let total = 0;
  for (const [watcher, limits] of limitsByEngine) total += Math.min(limits, engineMemory.get(watcher) ?? Infinity);
  return total;
}

function toEntry(s: StatsSnapshot): SummaryEntry {
  return {
    id: s.id,
    name: s.name,
    cpuPercent: s.cpuPercent,
    memoryUsageBytes: s.memoryUsageBytes,
    memoryLimitBytes: s.memoryLimitBytes,
    memoryPercent: s.memoryPercent,
  };
}
