import { z } from 'zod';
import { containerIdentity } from '../../core/container.ts';
import { badRequest, notFound } from '../../core/errors.ts';
import { isTerminal, OPERATION_PHASES, OPERATION_STATUSES, publicOperation } from '../../updates/operation.ts';
import { buildPreview } from '../../updates/preview.ts';
import { targetReference } from '../../updates/target.ts';
import type { AppContext } from '../context.ts';
import { Reply, type RouteRegistry } from '../route-registry.ts';
import { errorSchema, idParams, requireActions, requireContainer, requireUpdates } from './update-route-helpers.ts';

const operationSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['update', 'rollback']),
    containerName: z.string(),
    containerId: z.string(),
    status: z.string(),
    phase: z.enum(OPERATION_PHASES),
    createdAt: z.string(),
    updatedAt: z.string(),
    triggerName: z.string(),
    fromVersion: z.string(),
    toVersion: z.string(),
    targetImage: z.string(),
    rollbackReason: z.string().optional(),
    lastError: z.string().optional(),
    rollbackRecovery: z
      .object({
        attempts: z.number(),
        automaticAttempts: z.number(),
        nextAttemptAt: z.string().optional(),
        gaveUpAt: z.string().optional(),
        gaveUpReason: z.enum(['retries-exhausted', 'old-container-gone']).optional(),
        recoveredAt: z.string().optional(),
      })
      .optional()
      .describe('Retries of a rollback that ended rollback-failed: at start, on a backoff, or by hand (POST /containers/{id}/rollback)'),
    history: z.array(z.object({ phase: z.string(), at: z.string(), message: z.string().optional() })),
  })
  .passthrough();

const integerParameter = (max: number) => z.string().regex(/^\d{1,6}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(0).max(max));

const operationListQuery = z.object({
  limit: integerParameter(500).default(100).describe('Operations per page (0 means all, at most 500)'),
  offset: integerParameter(1_000_000).default(0).describe('Operations to skip'),
  status: z.enum(OPERATION_STATUSES).optional().describe('Only operations with this status'),
  containerName: z.string().max(256).optional().describe('Only operations of the container with this name'),
});

/** Update now, preview, operation history and cancel (seed 003). */
export function registerUpdateRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'post',
    path: '/api/v1/containers/:id/update',
    tag: 'updates',
    summary: 'Queue an update of the container to its available version',
    params: idParams,
    responses: {
      202: { description: 'Accepted', schema: z.object({ message: z.string(), operationId: z.string() }) },
      400: { description: 'No update available', schema: errorSchema },
      403: { description: 'Container actions are disabled', schema: errorSchema },
      404: { description: 'Unknown container', schema: errorSchema },
      409: {
        description:
          'UPDATE_IN_PROGRESS (an operation is already queued or running for this container); TEMPORARY_CONTAINER (the old container an update keeps under a temporary name); ROLLBACK_RETRY_REQUIRED (with operationId: the rollback of the last update failed and the service may be down; retry it first with POST /rollback)',
        schema: errorSchema,
      },
    },
    handler: async ({ params }) => {
      requireActions(context);
      const service = requireUpdates(context);
      const container = requireContainer(context, params.id);
      if (container.updateKind === null || !container.result) throw badRequest('NO_UPDATE_AVAILABLE', 'No update available for this container');
      const inspect = await service.engineFor(container.watcher).inspectContainer(container.id);
      if (!inspect) throw notFound('Container', params.id);
      const operation = await service.enqueue(container, {
        kind: 'update',
        targetImage: targetReference(inspect.Config.Image, container.result.tag),
        fromVersion: container.updateKind.localValue,
        toVersion: container.updateKind.remoteValue,
      });
      return new Reply(202, { message: 'Container update accepted', operationId: operation.id });
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/containers/:id/preview',
    tag: 'updates',
    summary: 'Dry run: what an update would change, without doing it',
    params: idParams,
    responses: {
      200: { description: 'The plan' },
      400: { description: 'No update available', schema: errorSchema },
      404: { description: 'Unknown container', schema: errorSchema },
    },
    handler: async ({ params }) => {
      const service = requireUpdates(context);
      const container = requireContainer(context, params.id);
      if (container.updateKind === null || !container.result) throw badRequest('NO_UPDATE_AVAILABLE', 'No update available for this container');
      const engine = service.engineFor(container.watcher);
      const inspect = await engine.inspectContainer(container.id);
      if (!inspect) throw notFound('Container', params.id);
      return buildPreview(engine, inspect, targetReference(inspect.Config.Image, container.result.tag), container);
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/:id/update-operations',
    tag: 'updates',
    summary: 'Update and rollback history of a container, most recent first',
    params: idParams,
    responses: {
      200: {
        description: 'Operations',
        schema: z.object({ data: z.array(operationSchema), total: z.number(), limit: z.number(), offset: z.number(), hasMore: z.boolean() }),
      },
      404: { description: 'Unknown container', schema: errorSchema },
    },
    handler: ({ params }) => {
      const service = requireUpdates(context);
      const container = requireContainer(context, params.id);
      const data = service.repository.forIdentity(containerIdentity(container)).map(publicOperation);
      return { data, total: data.length, limit: 0, offset: 0, hasMore: false };
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/update-operations',
    tag: 'updates',
    summary: 'Update and rollback operations across all containers, most recent first',
    query: operationListQuery,
    responses: {
      200: {
        description: 'Operations',
        schema: z.object({ data: z.array(operationSchema), total: z.number(), limit: z.number(), offset: z.number(), hasMore: z.boolean() }),
      },
      400: { description: 'Invalid query parameter', schema: errorSchema },
    },
    handler: ({ query }) => {
      const matching = requireUpdates(context)
        .repository.all()
        .filter((operation) => (!query.status || operation.status === query.status) && (!query.containerName || operation.containerName === query.containerName))
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      const page = query.limit === 0 ? matching.slice(query.offset) : matching.slice(query.offset, query.offset + query.limit);
      return { data: page.map(publicOperation), total: matching.length, limit: query.limit, offset: query.offset, hasMore: query.offset + page.length < matching.length };
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/update-operations/:id',
    tag: 'updates',
    summary: 'One update or rollback operation',
    params: idParams,
    responses: { 200: { description: 'The operation', schema: operationSchema }, 404: { description: 'Unknown operation', schema: errorSchema } },
    handler: ({ params }) => {
      const operation = requireUpdates(context).repository.get(params.id);
      if (!operation) throw notFound('Operation', params.id);
      return publicOperation(operation);
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/operations/:id/cancel',
    tag: 'updates',
    summary: 'Cancel a queued operation, or ask a running one to stop at its next safe point',
    params: idParams,
    responses: {
      200: { description: 'Queued operation cancelled (now failed)', schema: operationSchema },
      202: { description: 'Cancellation requested; the operation stops at its next safe point', schema: operationSchema },
      404: { description: 'Unknown operation', schema: errorSchema },
      409: { description: 'Operation is not active', schema: z.object({ error: z.string(), status: z.string() }) },
    },
    handler: async ({ params }) => {
      const service = requireUpdates(context);
      const existing = service.repository.get(params.id);
      if (!existing) throw notFound('Operation', params.id);
      if (isTerminal(existing)) return new Reply(409, { error: 'Operation is not active', code: 'OPERATION_NOT_ACTIVE', status: existing.status });
      const { operation, immediate } = await service.cancel(params.id);
      return new Reply(immediate ? 200 : 202, publicOperation(operation));
    },
  });
}
