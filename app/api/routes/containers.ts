import { queryContainers, summarizeContainers } from '../../core/container-query.ts';
import { AppError, forbidden, notFound } from '../../core/errors.ts';
import type { WatchService } from '../../scheduler/watch-service.ts';
import type { AppContext } from '../context.ts';
import { Reply, type RouteRegistry } from '../route-registry.ts';
import { containerSchema, errorSchema, idParams, listQuerySchema, pageSchema, summarySchema, watchQuerySchema, watchResultSchema } from './containers-schemas.ts';

/**
 * The containers resource (seed 003): list with filters and pages, summary, one container, watch
 * now (all or one) and delete from the store. Mounted last: `/api/v1/containers/:id` would
 * otherwise shadow sub-resources such as /containers/backups declared by other modules.
 */
export function registerContainerRoutes(api: RouteRegistry, context: AppContext): void {
  const watchService = (): WatchService => {
    if (!context.watch) throw new AppError(503, 'WATCH_UNAVAILABLE', 'Watching is not running in this process');
    return context.watch;
  };
  const maturity = () => ({ now: new Date(), maturityThresholdDays: context.config.ui.maturityThresholdDays });

  api.add({
    method: 'get',
    path: '/api/v1/containers',
    tag: 'containers',
    summary: 'List containers with filters, sort and pagination',
    query: listQuerySchema,
    responses: {
      200: { description: 'A page of containers', schema: pageSchema },
      400: { description: 'A query parameter is invalid (the message names it)', schema: errorSchema },
    },
    handler: ({ query }) => {
      const { includeVulnerabilities: _ignored, ...rest } = query;
      return queryContainers(context.store.data.containers, rest, maturity());
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/summary',
    tag: 'containers',
    summary: 'Counts of containers, updates by kind, failed checks and update maturity',
    responses: { 200: { description: 'Summary', schema: summarySchema } },
    handler: () => {
      const { now, maturityThresholdDays } = maturity();
      return summarizeContainers(context.store.data.containers, now, maturityThresholdDays);
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/containers/watch',
    tag: 'containers',
    summary: 'Watch all containers now (joins a run already in progress)',
    query: watchQuerySchema,
    responses: {
      200: { description: "The containers after the run, and each watcher's run (a run that failed keeps the stored containers and says why in `error`)", schema: watchResultSchema },
      404: { description: 'Unknown watcher', schema: errorSchema },
      503: { description: 'Watching is not running', schema: errorSchema },
    },
    handler: async ({ query }) => {
      const runs = await watchService().watchAll(query.watcher);
      const containers = context.store.data.containers.filter((c) => !query.watcher || c.watcher === query.watcher);
      return { data: containers, total: containers.length, limit: 0, offset: 0, hasMore: false, runs };
    },
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/:id',
    tag: 'containers',
    summary: 'One container',
    params: idParams,
    responses: {
      200: { description: 'The container', schema: containerSchema },
      404: { description: 'No such container', schema: errorSchema },
    },
    handler: ({ params }) => {
      const container = context.store.data.containers.find((c) => c.id === params.id);
      if (!container) throw notFound('Container', params.id);
      return container;
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/containers/:id/watch',
    tag: 'containers',
    summary: 'Check one container against its registry now',
    params: idParams,
    responses: {
      200: { description: 'The container after the check', schema: containerSchema },
      404: { description: 'No such container', schema: errorSchema },
      503: { description: 'Watching is not running, or the engine is unreachable', schema: errorSchema },
    },
    handler: ({ params }) => watchService().watchContainer(params.id),
  });

  api.add({
    method: 'delete',
    path: '/api/v1/containers/:id',
    tag: 'containers',
    summary: 'Forget a container (the store only; the Docker container is untouched)',
    params: idParams,
    confirmAction: 'container-delete',
    responses: {
      204: { description: 'Deleted from the store' },
      403: { description: 'DD_SERVER_FEATURE_DELETE is false', schema: errorSchema },
      404: { description: 'No such container', schema: errorSchema },
      428: { description: 'X-DD-Confirm-Action: container-delete is missing', schema: errorSchema },
    },
    handler: ({ params }) => {
      if (!context.config.server.features.delete) throw forbidden('FEATURE_DISABLED', 'Deleting containers is disabled (DD_SERVER_FEATURE_DELETE=false)');
      if (!context.store.data.containers.some((c) => c.id === params.id)) throw notFound('Container', params.id);
      watchService().forget(params.id);
      return new Reply(204);
    },
  });
}
