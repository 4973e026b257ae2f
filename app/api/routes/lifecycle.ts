import { z } from 'zod';
import { AppError, badRequest, notFound } from '../../core/errors.ts';
import type { LifecycleServices } from '../../lifecycle/create-lifecycle.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { splitEnv } from '../../core/env.ts';
import { RequestWindow } from '../../core/request-window.ts';
import { actorOf, recordAudit } from './audit-trail.ts';
import { errorSchema, idParams, requireActions, requireContainer, requireUpdates } from './update-route-helpers.ts';

const timeoutQuery = z.object({ timeout: z.string().max(8).optional().describe('Grace period in seconds (1-300), default 10') });
const resultSchema = z.object({ message: z.string(), containerId: z.string(), status: z.string() });
/** Seed 003: env reveal is limited to 10 requests per minute (per user, or per address without auth). */
const REVEAL_LIMIT = 10;
const REVEAL_WINDOW_MS = 60_000;

const revealBudgets = new WeakMap<AppContext, RequestWindow>();

/**
 * The one budget of the requests that answer real secret values (env reveal, a Compose export
 * with sanitize_secrets=false), per application: two routes must not double what a client may read.
 */
export function secretRevealBudget(context: AppContext): RequestWindow {
  let budget = revealBudgets.get(context);
  if (!budget) {
    budget = new RequestWindow(REVEAL_LIMIT, REVEAL_WINDOW_MS);
    revealBudgets.set(context, budget);
  }
  return budget;
}

/** A `?timeout=` value: 10 when absent, 400 INVALID_TIMEOUT unless a whole number of 1-300 seconds. */
export function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return 10;
  const value = Number(raw);
  if (!/^\d+$/.test(raw)) throw invalidTimeout();
  return checkTimeout(value);
}

/** Seed 002: a grace period of 1-300 seconds, else 400 INVALID_TIMEOUT. */
export function checkTimeout(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 300) throw invalidTimeout();
  return value;
}

const invalidTimeout = () => badRequest('INVALID_TIMEOUT', 'Timeout must be between 1 and 300 seconds');

export function requireLifecycle(context: AppContext): LifecycleServices {
  if (!context.lifecycle) throw new AppError(503, 'LIFECYCLE_UNAVAILABLE', 'Container actions are not running in this process');
  return context.lifecycle;
}

/** Start, stop, restart (seed 003 / 002) and env reveal. */
export function registerLifecycleRoutes(api: RouteRegistry, context: AppContext): void {
  const reveals = secretRevealBudget(context);
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
        409: { description: 'Already in that state (ALREADY_RUNNING, ALREADY_STOPPED), or an update (UPDATE_IN_PROGRESS) or another action (ACTION_IN_PROGRESS) is running', schema: errorSchema },
        500: { description: 'The engine failed the action (CONTAINER_START_FAILED, …)', schema: errorSchema },
        503: { description: 'No engine connection for the container (ENGINE_UNAVAILABLE)', schema: errorSchema },
      },
      handler: async ({ params, query, req }) => {
        requireActions(context);
        const timeout = verb === 'start' ? undefined : parseTimeout((query as { timeout?: string }).timeout);
        const lifecycle = requireLifecycle(context);
        const container = requireContainer(context, params.id);
        // The same code as the bulk routes: update check, state check, completion events.
        const outcome = await lifecycle.single.perform(container, verb, timeout);
        const actor = actorOf(req);
        recordAudit(context, { action: `container-${verb}`, containerId: container.id, containerName: container.name, ...(actor ? { actor } : {}) });
        return { message: outcome.message, containerId: container.id, status: outcome.status };
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
      const actor = actorOf(req);
      const client = actor ? `user:${actor}` : `ip:${req.ip ?? 'unknown'}`;
      if (!reveals.allow(client)) throw new AppError(429, 'RATE_LIMITED', 'Too many environment reveals; at most 10 per minute');
      const service = requireUpdates(context);
      const container = requireContainer(context, params.id);
      const inspect = await service.engineFor(container.watcher).inspectContainer(container.id);
      if (!inspect) throw notFound('Container', params.id);
      const env = splitEnv(inspect.Config.Env ?? []);
      // Only who and which keys: never the values.
      recordAudit(context, { action: 'env-reveal', containerId: container.id, containerName: container.name, details: { keys: env.map((entry) => entry.key) }, ...(actor ? { actor } : {}) });
      return { env };
    },
  });
}
