import { z } from 'zod';
import { notFound } from '../../core/errors.ts';
import type { EngineConnection } from '../../engine/engine-connection.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';

const errorSchema = z.object({ error: z.string(), code: z.string() });
const watcherQuery = z.object({
  watcher: z.string().max(64).optional().describe('Watcher (engine) name; defaults to the first watcher'),
});

/** GET /health, GET /api/v1/app, GET /api/v1/system/info|version (seed 000). */
export function registerSystemRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'get',
    path: '/health',
    tag: 'system',
    summary: 'Liveness of the daemon (engines need not be reachable)',
    responses: {
      200: {
        description: 'The daemon is up',
        schema: z.object({ status: z.literal('ok'), uptimeSeconds: z.number(), version: z.string() }),
      },
    },
    handler: () => ({
      status: 'ok' as const,
      uptimeSeconds: Math.round((Date.now() - context.startedAt.getTime()) / 1000),
      version: context.version,
    }),
  });

  api.add({
    method: 'get',
    path: '/api/v1/app',
    tag: 'system',
    summary: 'Name and version of dockdeck',
    responses: { 200: { description: 'Application info', schema: z.object({ name: z.string(), version: z.string() }) } },
    handler: () => ({ name: 'dockdeck', version: context.version }),
  });

  api.add({
    method: 'get',
    path: '/api/v1/system/version',
    tag: 'system',
    summary: "Version of a watcher's Docker engine",
    query: watcherQuery,
    responses: {
      200: { description: 'Engine version as the engine reports it, plus the negotiated API version' },
      404: { description: 'Unknown watcher', schema: errorSchema },
      503: { description: 'Engine unreachable', schema: errorSchema },
    },
    handler: async ({ query }) => {
      const engine = pickEngine(context, query.watcher);
      const version = (await engine.call((docker) => docker.version())) as unknown as Record<string, unknown>;
      return { watcher: engine.name, negotiatedApiVersion: engine.apiVersion, ...version };
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/system/info',
    tag: 'system',
    summary: 'Docker host information and resource totals',
    query: watcherQuery,
    responses: {
      200: { description: 'Host information' },
      404: { description: 'Unknown watcher', schema: errorSchema },
      503: { description: 'Engine unreachable', schema: errorSchema },
    },
    handler: async ({ query }) => {
      const engine = pickEngine(context, query.watcher);
      const info = (await engine.call((docker) => docker.info())) as Record<string, unknown>;
      return {
        watcher: engine.name,
        name: info.Name,
        serverVersion: info.ServerVersion,
        operatingSystem: info.OperatingSystem,
        osType: info.OSType,
        architecture: info.Architecture,
        kernelVersion: info.KernelVersion,
        cpus: info.NCPU,
        memoryBytes: info.MemTotal,
        containers: { total: info.Containers, running: info.ContainersRunning, paused: info.ContainersPaused, stopped: info.ContainersStopped },
        images: info.Images,
        storageDriver: info.Driver,
        cgroupVersion: info.CgroupVersion,
      };
    },
  });
}

function pickEngine(context: AppContext, watcher: string | undefined): EngineConnection {
  if (watcher === undefined) {
    const first = context.engines.values().next().value;
    if (!first) throw notFound('Watcher');
    return first;
  }
  const engine = context.engines.get(watcher.toLowerCase());
  if (!engine) throw notFound('Watcher', watcher);
  return engine;
}
