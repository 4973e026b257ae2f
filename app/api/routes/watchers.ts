import { z } from 'zod';
import { agentEndpointOf } from '../../engine/engine-connection.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';

/** GET /api/v1/watchers: each watcher with its endpoint (never credentials), schedule, last and next run. */
export function registerWatcherRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'get',
    path: '/api/v1/watchers',
    tag: 'watchers',
    summary: 'Watchers (Docker engines) with schedule, last run, next run and status',
    responses: { 200: { description: 'The watchers', schema: watcherListSchema } },
    handler: () => {
      if (context.watch) {
        const data = context.watch.statuses();
        return { data, total: data.length };
      }
      // Watching not started in this process: describe the configuration only.
      const data = context.config.watchers.map((watcher) => ({
        name: watcher.name,
        type: 'docker' as const,
        endpoint: context.engines.get(watcher.name)?.endpoint ?? '',
        cron: watcher.cron,
        jitterSeconds: watcher.jitterSeconds,
        watchByDefault: watcher.watchByDefault,
        watchAll: watcher.watchAll,
        watchEvents: watcher.watchEvents,
        labelFilter: watcher.labelFilter,
        agent: agentEndpointOf(watcher),
        status: 'idle' as const,
        events: 'disabled' as const,
        eventStream: null,
        lastRun: null,
        nextRunAt: null,
      }));
      return { data, total: data.length };
    },
  });
}

export const watcherListSchema = z.object({
  data: z.array(
    z.object({
      name: z.string(),
      type: z.literal('docker'),
      endpoint: z.string(),
      cron: z.string(),
      jitterSeconds: z.number(),
      watchByDefault: z.boolean(),
      watchAll: z.boolean(),
      watchEvents: z.boolean(),
      labelFilter: z.array(z.string()).describe('Label filters (key or key=value) that scope this watcher; empty for all containers'),
      agent: z
        .object({ host: z.string(), port: z.number().int(), tls: z.boolean() })
        .nullable()
        .describe('The dockdeck agent this engine is reached through (never its secret); null for an engine reached directly'),
      status: z.enum(['running', 'idle', 'error']),
      events: z.enum(['connecting', 'connected', 'reconnecting', 'stopped', 'disabled']),
      eventStream: z
        .object({
          idleSeconds: z.number().int().describe('Seconds without any event after which the stream is replaced by one replaying from the last event seen (EVENTSIDLE); 0: never'),
          lastEventAt: z.string().nullable().describe("The engine's time of the newest event seen; null before the first"),
          connectedAt: z.string().nullable().describe('When the stream in use was opened; null while there is none'),
          recycles: z.number().int().describe('Streams replaced after being silent for idleSeconds'),
          reconnects: z.number().int().describe('Streams opened again, with a full resync, after one failed, ended or could not be replaced'),
        })
        .nullable()
        .describe('Liveness of the engine event stream; null when events are not followed'),
      lastRun: z
        .object({
          startedAt: z.string(),
          finishedAt: z.string(),
          durationMs: z.number(),
          checked: z.number(),
          errors: z.number(),
          error: z.string().optional(),
        })
        .nullable(),
      nextRunAt: z.string().nullable(),
    }),
  ),
  total: z.number().int(),
});
