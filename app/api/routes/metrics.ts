import { metricsRegistry } from '../../metrics/registry.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';

/** GET /metrics: Prometheus text format. */
export function registerMetricsRoutes(api: RouteRegistry, _context: AppContext): void {
  api.add({
    method: 'get',
    path: '/metrics',
    tag: 'system',
    summary: 'Prometheus metrics: containers by status and update kind, watch cycles, event stream recycles and reconnects, registry requests, trigger deliveries, update operations, SSE clients, process',
    responses: { 200: { description: 'Metrics in the Prometheus text format', contentType: 'text/plain' } },
    handler: async ({ res }) => {
      const text = await metricsRegistry.metrics();
      res.setHeader('Content-Type', metricsRegistry.contentType);
      res.send(text);
    },
  });
}
