import { z } from 'zod';
import type { StatsSnapshot } from '../../stats/compute.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { containerOnEngine } from '../sse/container-lookup.ts';
import { openStream, requireLive } from '../sse/route-helpers.ts';

const errorSchema = z.object({ error: z.string(), code: z.string() });
const idParams = z.object({ id: z.string().min(1).max(256) });

const entrySchema = z.object({
  id: z.string(),
  name: z.string(),
  cpuPercent: z.number(),
  memoryUsageBytes: z.number(),
  memoryLimitBytes: z.number(),
  memoryPercent: z.number(),
});
const summarySchema = z.object({
  timestamp: z.string(),
  watchedCount: z.number().int(),
  avgCpuPercent: z.number(),
  totalMemoryUsageBytes: z.number(),
  totalMemoryLimitBytes: z.number().describe("Sum of the containers' memory limits, per engine at most its host's memory (a container without a limit reports the whole host)"),
  totalMemoryPercent: z.number().describe('totalMemoryUsageBytes as a percentage of totalMemoryLimitBytes'),
  topCpu: z.array(entrySchema),
  topMemory: z.array(entrySchema),
});
const snapshotSchema = z.object({
  id: z.string(),
  name: z.string(),
  watcher: z.string(),
  timestamp: z.string(),
  cpuPercent: z.number(),
  onlineCpus: z.number(),
  memoryUsageBytes: z.number(),
  memoryLimitBytes: z.number(),
  memoryPercent: z.number(),
  networkRxBytes: z.number(),
  networkTxBytes: z.number(),
  blockReadBytes: z.number(),
  blockWriteBytes: z.number(),
  pids: z.number(),
});

/**
 * Fleet and container stats (seed 003), the aggregate of seed 000 and the batch stats of seed 002.
 * Mounted before the containers module: `/api/v1/containers/stats` must not reach its `/:id`.
 */
export function registerStatsRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'get',
    path: '/api/v1/stats/summary',
    tag: 'stats',
    summary: 'Fleet CPU and memory of running watched containers, as of the last polling tick',
    responses: { 200: { description: 'The fleet summary', schema: z.object({ data: summarySchema }) } },
    handler: () => ({ data: requireLive(context).stats.summary }),
  });

  api.add({
    method: 'get',
    path: '/api/v1/stats/summary/stream',
    tag: 'stats',
    summary: 'SSE: dd:stats-summary at once and after every tick, plus dd:heartbeat',
    responses: {
      200: { description: 'The event stream', contentType: 'text/event-stream' },
      429: { description: 'Too many open streams', schema: errorSchema },
    },
    handler: ({ req, res }) => {
      const live = requireLive(context);
      openStream(() => live.statsSummary.attach(req, res, (client, lastId) => client.send('dd:stats-summary', live.stats.summary, lastId)));
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/stats/aggregate',
    tag: 'stats',
    summary: 'Totals across all running containers being collected (seed 000)',
    responses: { 200: { description: 'Aggregate stats' } },
    handler: () => {
      const snapshots = requireLive(context).stats.latestAll();
      return {
        timestamp: requireLive(context).stats.summary.timestamp,
        total_containers: snapshots.length,
        total_cpu_percent: round2(snapshots.reduce((sum, s) => sum + s.cpuPercent, 0)),
        total_memory_bytes: snapshots.reduce((sum, s) => sum + s.memoryUsageBytes, 0),
        containers: snapshots,
      };
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/stats',
    tag: 'stats',
    summary: 'Resource statistics of every running container being collected (seed 002)',
    responses: { 200: { description: 'Stats of running containers' } },
    handler: () => ({
      containers: requireLive(context).stats.latestAll().map(toSeed002),
      timestamp: Math.floor(Date.now() / 1000),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/:id/stats',
    tag: 'stats',
    summary: 'Latest stats snapshot and history of one container (collected while someone looks)',
    params: idParams,
    responses: {
      200: { description: 'Latest snapshot (null when not running) and history', schema: z.object({ data: snapshotSchema.nullable(), history: z.array(snapshotSchema) }) },
      404: { description: 'Container not found', schema: errorSchema },
    },
    handler: async ({ params }) => {
      const live = requireLive(context);
      const { container } = containerOnEngine(context.store, context.engines, params.id);
      const target = { id: container.id, name: container.name, watcher: container.watcher };
      live.stats.touch(target);
      const latest = live.stats.latest(container.id) ?? (await live.stats.sampleNow(target));
      return { data: latest ?? null, history: live.stats.history(container.id) };
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/:id/stats/stream',
    tag: 'stats',
    summary: 'SSE: dd:container-stats at every tick (and the latest at once), plus dd:heartbeat',
    params: idParams,
    responses: {
      200: { description: 'The event stream', contentType: 'text/event-stream' },
      404: { description: 'Container not found', schema: errorSchema },
      429: { description: 'Too many open streams', schema: errorSchema },
    },
    handler: ({ params, req, res }) => {
      const live = requireLive(context);
      const { container } = containerOnEngine(context.store, context.engines, params.id);
      const target = { id: container.id, name: container.name, watcher: container.watcher };
      openStream(() => live.containerStats.attach(target, req, res));
    },
  });
}

function toSeed002(s: StatsSnapshot) {
  return {
    containerId: s.id,
    name: s.name,
    cpu: { usage: s.cpuPercent, coresUsed: round2(s.cpuPercent / 100), totalCores: s.onlineCpus },
    memory: {
      usage: s.memoryPercent,
      used: s.memoryUsageBytes,
      limit: s.memoryLimitBytes,
      available: Math.max(0, s.memoryLimitBytes - s.memoryUsageBytes),
    },
    network: { rx: s.networkRxBytes, tx: s.networkTxBytes },
    timestamp: Math.floor(Date.parse(s.timestamp) / 1000),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
