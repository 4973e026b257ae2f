import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, badRequest, conflict, notFound } from '../../core/errors.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { splitEnv } from '../../core/env.ts';
import { errorSchema, idParams, requireActions, requireContainer, requireUpdates } from './update-route-helpers.ts';

const timeoutQuery = z.object({ timeout: z.string().max(8).optional().describe('Grace period in seconds (1-300), default 10') });
const resultSchema = z.object({ message: z.string(), containerId: z.string(), status: z.string() });
const MAX_AUDIT = 5000;
/** Seed 003: env reveal is limited to 10 requests per minute (per user, or per address without auth). */
const REVEAL_LIMIT = 10;
const REVEAL_WINDOW_MS = 60_000;

/** A sliding window of request times per client; bounded so many clients cannot grow it without end. */
export class RequestWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #hits = new Map<string, number[]>();

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Records a request; false when the client already made `limit` requests within the window. */
  allow(client: string, now: number = Date.now()): boolean {
    const recent = (this.#hits.get(client) ?? []).filter((at) => now - at < this.#windowMs);
    if (recent.length >= this.#limit) {
      this.#hits.set(client, recent);
      return false;
    }
    recent.push(now);
    if (!this.#hits.has(client) && this.#hits.size >= 10_000) this.#hits.delete(this.#hits.keys().next().value as string);
    this.#hits.set(client, recent);
    return true;
  }
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return 10;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 300) throw badRequest('INVALID_TIMEOUT', 'Timeout must be between 1 and 300 seconds');
  return value;
}

/** Start, stop, restart (seed 003 / 002) and env reveal. */
export function registerLifecycleRoutes(api: RouteRegistry, context: AppContext): void {
  const reveals = new RequestWindow(REVEAL_LIMIT, REVEAL_WINDOW_MS);
  const action = (verb: 'start' | 'stop' | 'restart', summary: string) =>
    api.add({
      method: 'post',
      path: `/api/v1/containers/:id/${verb}`,
      tag: 'containers',
      summary,
      params: idParams,
      ...(verb === 'start' ? {} : { query: timeoutQuery }),
      responses: {
        200: { description: 'Done', schema: resultSchema },
        400: { description: 'Invalid timeout (INVALID_TIMEOUT)', schema: errorSchema },
        403: { description: 'Container actions are disabled', schema: errorSchema },
        404: { description: 'Unknown container', schema: errorSchema },
        409: { description: 'Already in that state, or an update is running', schema: errorSchema },
      },
      handler: async ({ params, query }) => {
        requireActions(context);
        const timeout = verb === 'start' ? undefined : parseTimeout((query as { timeout?: string }).timeout);
        const service = requireUpdates(context);
        const container = requireContainer(context, params.id);
        if (service.activeFor(container)) throw conflict('UPDATE_IN_PROGRESS', 'An update is running for this container');
        const engine = service.engineFor(container.watcher);
        const inspect = await engine.inspectContainer(container.id);
        if (!inspect) throw notFound('Container', params.id);
        if (verb === 'start' && inspect.State.Running) throw conflict('ALREADY_RUNNING', 'Container is already running');
        if (verb === 'stop' && !inspect.State.Running) throw conflict('ALREADY_STOPPED', 'Container is already stopped');
        if (verb === 'start') await engine.start(container.id);
        else if (verb === 'stop') await engine.stop(container.id, timeout);
        else await engine.restart(container.id, timeout);
        const after = await engine.inspectContainer(container.id);
        audit(context, `container-${verb}`, container.id, container.name);
        return { message: `Container ${verb === 'stop' ? 'stopped' : verb === 'start' ? 'started' : 'restarted'}`, containerId: container.id, status: after?.State.Status ?? 'unknown' };
      },
    });
  action('start', 'Start a stopped container');
  action('stop', 'Stop a running container');
  action('restart', 'Restart a container');

  api.add({
    method: 'post',
    path: '/api/v1/containers/:id/env/reveal',
    tag: 'containers',
    summary: 'The unmasked environment of a container (audited)',
    params: idParams,
    responses: {
      200: { description: 'Environment', schema: z.object({ env: z.array(z.object({ key: z.string(), value: z.string(), sensitive: z.boolean() })) }) },
      404: { description: 'Unknown container', schema: errorSchema },
      429: { description: 'More than 10 reveals in a minute', schema: errorSchema },
    },
    handler: async ({ params, req }) => {
      // The auth middleware puts { name, user } on the request; without auth, the address is the client.
      const actor = (req as { user?: { user?: string } }).user?.user;
      const client = actor ? `user:${actor}` : `ip:${req.ip ?? 'unknown'}`;
      if (!reveals.allow(client)) throw new AppError(429, 'RATE_LIMITED', 'Too many environment reveals; at most 10 per minute');
      const service = requireUpdates(context);
      const container = requireContainer(context, params.id);
      const inspect = await service.engineFor(container.watcher).inspectContainer(container.id);
      if (!inspect) throw notFound('Container', params.id);
      const env = splitEnv(inspect.Config.Env ?? []);
      // Only who and which keys: never the values.
      audit(context, 'env-reveal', container.id, container.name, { keys: env.map((entry) => entry.key) }, actor);
      return { env };
    },
  });
}

function audit(context: AppContext, action: string, containerId: string, containerName: string, details?: Record<string, unknown>, actor?: string): void {
  context.store.update((data) => {
    data.audit.push({ id: randomUUID(), at: new Date().toISOString(), action, containerId, containerName, status: 'info', ...(actor ? { actor } : {}), ...(details ? { details } : {}) });
    if (data.audit.length > MAX_AUDIT) data.audit.splice(0, data.audit.length - MAX_AUDIT);
  });
}
