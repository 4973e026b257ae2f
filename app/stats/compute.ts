/** Pure arithmetic over the engine's stats document (GET /containers/{id}/stats, API 1.41+). */

/** The parts of the engine's stats document dockdeck reads; everything is optional on purpose. */
export interface RawStats {
  readonly read?: string;
  readonly pids_stats?: { readonly current?: number };
  readonly cpu_stats?: RawCpu;
  readonly precpu_stats?: RawCpu;
  readonly memory_stats?: {
    readonly usage?: number;
    readonly limit?: number;
    readonly stats?: Readonly<Record<string, number>>;
  };
  readonly networks?: Readonly<Record<string, { readonly rx_bytes?: number; readonly tx_bytes?: number }>>;
  readonly blkio_stats?: {
    readonly io_service_bytes_recursive?: ReadonlyArray<{ readonly op?: string; readonly value?: number }> | null;
  };
}

interface RawCpu {
  readonly cpu_usage?: { readonly total_usage?: number; readonly percpu_usage?: readonly number[] | null };
  readonly system_cpu_usage?: number;
  readonly online_cpus?: number;
}

/** One container's figures at one moment, the shape of the per-container stats API. */
export interface StatsSnapshot {
  readonly id: string;
  readonly name: string;
  readonly watcher: string;
  readonly timestamp: string;
  readonly cpuPercent: number;
  readonly onlineCpus: number;
  readonly memoryUsageBytes: number;
  readonly memoryLimitBytes: number;
  readonly memoryPercent: number;
  readonly networkRxBytes: number;
  readonly networkTxBytes: number;
  readonly blockReadBytes: number;
  readonly blockWriteBytes: number;
  readonly pids: number;
}

/**
 * CPU% as `docker stats` computes it: the container's share of the host's CPU time between the
 * two samples of one document, scaled to the number of CPUs (so one busy core reads ~100%).
 */
export function cpuPercent(raw: RawStats): number {
  const usage = (raw.cpu_stats?.cpu_usage?.total_usage ?? 0) - (raw.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const system = (raw.cpu_stats?.system_cpu_usage ?? 0) - (raw.precpu_stats?.system_cpu_usage ?? 0);
  if (usage <= 0 || system <= 0 || !raw.precpu_stats?.system_cpu_usage) return 0;
  return round2((usage / system) * onlineCpus(raw) * 100);
}

export function onlineCpus(raw: RawStats): number {
  return raw.cpu_stats?.online_cpus || raw.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
}

/** Memory in use without the page cache the kernel can drop (cgroup v1 total_inactive_file, v2 inactive_file, else cache). */
export function memoryUsage(raw: RawStats): number {
  const usage = raw.memory_stats?.usage ?? 0;
  const stats = raw.memory_stats?.stats ?? {};
  // cgroup v1 documents carry both keys; its hierarchical total_inactive_file is the one docker stats uses.
  const cache = stats.total_inactive_file ?? stats.inactive_file ?? stats.cache ?? 0;
  return cache < usage ? usage - cache : usage;
}

export function networkTotals(raw: RawStats): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const iface of Object.values(raw.networks ?? {})) {
    rx += iface.rx_bytes ?? 0;
    tx += iface.tx_bytes ?? 0;
  }
  return { rx, tx };
}

export function blockIoTotals(raw: RawStats): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const entry of raw.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (entry.op ?? '').toLowerCase();
    if (op === 'read') read += entry.value ?? 0;
    else if (op === 'write') write += entry.value ?? 0;
  }
  return { read, write };
}

/** True when the document describes a running container (a stopped one has no system usage). */
export function isLiveSample(raw: RawStats): boolean {
  return (raw.cpu_stats?.system_cpu_usage ?? 0) > 0;
}

export function toSnapshot(target: { id: string; name: string; watcher: string }, raw: RawStats, now: Date): StatsSnapshot {
  const memoryUsageBytes = memoryUsage(raw);
  const memoryLimitBytes = raw.memory_stats?.limit ?? 0;
  const network = networkTotals(raw);
  const block = blockIoTotals(raw);
  return {
    id: target.id,
    name: target.name,
    watcher: target.watcher,
    timestamp: now.toISOString(),
    cpuPercent: cpuPercent(raw),
    onlineCpus: onlineCpus(raw),
    memoryUsageBytes,
    memoryLimitBytes,
    memoryPercent: memoryLimitBytes > 0 ? round2((memoryUsageBytes / memoryLimitBytes) * 100) : 0,
    networkRxBytes: network.rx,
    networkTxBytes: network.tx,
    blockReadBytes: block.read,
    blockWriteBytes: block.write,
    pids: raw.pids_stats?.current ?? 0,
  };
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
