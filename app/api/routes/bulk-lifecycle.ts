import type { Request } from 'express';
import { z } from 'zod';
import { badRequest, notFound } from '../../core/errors.ts';
import { MAX_BATCH_SIZE, resolveBatch, type BulkSummary, type BulkTarget } from '../../lifecycle/bulk-lifecycle.ts';
import { LIFECYCLE_ACTIONS, type LifecycleAction } from '../../lifecycle/container-lifecycle.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { findContainer } from '../sse/container-lookup.ts';
import { actorOf, recordAudit } from './audit-trail.ts';
import { checkTimeout, parseTimeout, requireLifecycle } from './lifecycle.ts';
import { errorSchema, requireActions } from './update-route-helpers.ts';

const resultSchema = z.object({
  id: z.string(),
  name: z.string(),
  success: z.boolean(),
  status: z.string().optional().describe('Engine state after a successful action'),
  error: z.string().optional(),
  code: z.string().optional().describe('CONTAINER_NOT_FOUND, ALREADY_RUNNING, ALREADY_STOPPED, UPDATE_IN_PROGRESS, ACTION_IN_PROGRESS, OWN_CONTAINER, TEMPORARY_CONTAINER, ENGINE_UNAVAILABLE, CONTAINER_<ACTION>_FAILED'),
});
const summarySchema = z.object({ message: z.string(), total: z.number(), success: z.number(), failed: z.number(), results: z.array(resultSchema) });

const allQuery = z.object({
  watcher: z.string().min(1).max(64).optional().describe('Only the containers of this watcher'),
  timeout: z.string().max(8).optional().describe('Grace period in seconds (1-300) for stop and restart, default 10'),
});

const batchBody = z.object({
  action: z.string().max(32).optional().describe('start, stop or restart'),
  containerIds: z.array(z.string().min(1).max(128)).optional().describe(`Container ids (or names), 1-${MAX_BATCH_SIZE}`),
  timeout: z.number().optional().describe('Grace period in seconds (1-300) for stop and restart'),
});

const ALL_MESSAGES: Record<LifecycleAction, string> = {
  start: 'Start all operation completed',
  stop: 'Stop all operation completed',
  restart: 'Restart all operation completed',
};
/** Results kept in the audit entry of one bulk request (the response has them all). */
const AUDITED_RESULTS = 200;

/**
 * Seed 002 bulk operations: start-all, stop-all, restart-all and batch. Each is a bounded map
 * (5 at once) of the single action, so checks, errors and events match POST /containers/:id/{action}.
 *
 * Which need X-DD-Confirm-Action: the *-all calls act on the whole fleet (stop and restart
 * interrupt every service; start re-runs every stopped one-shot job), so each needs
 * `containers-{action}-all` (428 without it). `batch` names its containers like the single calls,
 * which need no confirmation, so it needs none either (the UI asks before stop and restart).
 */
export function registerBulkLifecycleRoutes(api: RouteRegistry, context: AppContext): void {
  for (const action of LIFECYCLE_ACTIONS) {
    api.add({
      method: 'post',
      path: `/api/v1/containers/${action}-all`,
      tag: 'containers',
      summary:
        action === 'start'
          ? 'Start every watched container that is stopped (5 at once)'
          : action === 'stop'
            ? 'Stop every watched container that is running (5 at once)'
            : 'Restart every watched container that is running (5 at once)',
      query: allQuery,
      confirmAction: `containers-${action}-all`,
      responses: {
        200: { description: 'One result per container; failures do not fail the request', schema: summarySchema },
        400: { description: 'Invalid timeout (INVALID_TIMEOUT) or query parameter', schema: errorSchema },
        403: { description: 'Container actions are disabled', schema: errorSchema },
        404: { description: 'Unknown watcher', schema: errorSchema },
        428: { description: `X-DD-Confirm-Action: containers-${action}-all is missing`, schema: errorSchema },
      },
      handler: async ({ query, req }) => {
        requireActions(context);
        // Without a timeout the engine applies the container's own stop timeout.
        const timeoutSeconds = action === 'start' || query.timeout === undefined ? undefined : parseTimeout(query.timeout);
        const { bulk } = requireLifecycle(context);
        if (query.watcher && !context.engines.has(query.watcher) && !context.store.data.containers.some((c) => c.watcher === query.watcher)) {
          throw notFound('Watcher', query.watcher);
        }
        const targets = bulk.selectAll(action, query.watcher);
        const summary = await bulk.run(action, targets, { all: true, ...(timeoutSeconds ? { timeoutSeconds } : {}) });
        auditBulk(context, req, `containers-${action}-all`, action, summary, query.watcher ? { watcher: query.watcher } : {});
        return { message: ALL_MESSAGES[action], ...summary };
      },
    });
  }

  api.add({
    method: 'post',
    path: '/api/v1/containers/batch',
    tag: 'containers',
    summary: `Start, stop or restart the listed containers (at most ${MAX_BATCH_SIZE}, 5 at once)`,
    body: batchBody,
    responses: {
      200: { description: 'One result per distinct container; unknown ids fail with CONTAINER_NOT_FOUND', schema: summarySchema },
      400: {
        description: 'INVALID_ACTION, EMPTY_CONTAINER_LIST, TOO_MANY_CONTAINERS, INVALID_TIMEOUT, or a field of the wrong type (INVALID_BODY)',
        schema: errorSchema,
      },
      403: { description: 'Container actions are disabled', schema: errorSchema },
    },
    handler: async ({ body, req }) => {
      requireActions(context);
      const action = body.action;
      if (!isAction(action)) throw badRequest('INVALID_ACTION', 'Action must be start, stop, or restart');
      const ids = body.containerIds ?? [];
      if (ids.length === 0) throw badRequest('EMPTY_CONTAINER_LIST', 'At least one container ID is required');
      if (ids.length > MAX_BATCH_SIZE) throw badRequest('TOO_MANY_CONTAINERS', `At most ${MAX_BATCH_SIZE} container IDs per batch`, { max: MAX_BATCH_SIZE });
      const timeoutSeconds = body.timeout === undefined || action === 'start' ? undefined : checkTimeout(body.timeout);
      const { bulk } = requireLifecycle(context);
      const targets: BulkTarget[] = resolveBatch(ids, (id) => findContainer(context.store, id));
      const summary = await bulk.run(action, targets, timeoutSeconds ? { timeoutSeconds } : {});
      auditBulk(context, req, `containers-batch-${action}`, action, summary, {});
      return { message: 'Batch operation completed', ...summary };
    },
  });
}

function isAction(value: unknown): value is LifecycleAction {
  return typeof value === 'string' && (LIFECYCLE_ACTIONS as readonly string[]).includes(value);
}

/** One audit entry per bulk request: who, what, and the outcome per container (no secrets involved). */
function auditBulk(context: AppContext, req: Request, auditAction: string, action: LifecycleAction, summary: BulkSummary, extra: Record<string, unknown>): void {
  const actor = actorOf(req);
  recordAudit(context, {
    action: auditAction,
    ...(actor ? { actor } : {}),
    details: {
      action,
      ...extra,
      total: summary.total,
      success: summary.success,
      failed: summary.failed,
      results: summary.results.slice(0, AUDITED_RESULTS).map((result) => ({
        id: result.id.slice(0, 64),
        name: result.name,
        success: result.success,
        ...(result.code ? { code: result.code } : {}),
      })),
    },
  });
}
