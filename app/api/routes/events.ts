import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { openStream, requireLive } from '../sse/route-helpers.ts';

const errorSchema = z.object({ error: z.string(), code: z.string() });

/** GET /api/v1/events/ui: the SSE stream of everything that changes. */
export function registerEventRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'get',
    path: '/api/v1/events/ui',
    tag: 'events',
    summary:
      'Server-sent events: dd:connected, dd:heartbeat, dd:container-added|updated|removed, ' +
      'dd:watch-cycle-completed (watcher, startedAt, durationMs, checked, errors), dd:update-operation-changed, ' +
      'dd:update-applied, dd:update-failed, dd:batch-update-completed, dd:container-action-completed|failed, ' +
      'dd:notification-delivery-changed (id, trigger, status, attempts, lastError; never the message), dd:resync-required. ' +
      'Every event has an id; ' +
      'reconnect with Last-Event-ID to get what was missed (or dd:resync-required when it is gone).',
    responses: {
      200: { description: 'The event stream', contentType: 'text/event-stream' },
      429: { description: 'Too many open streams (per address or in total)', schema: errorSchema },
      503: { description: 'Streams are not running', schema: errorSchema },
    },
    handler: ({ req, res }) => {
      const live = requireLive(context);
      openStream(() => live.events.attach(req, res));
    },
  });
}
