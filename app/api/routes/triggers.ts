import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { OutboxEntry } from '../../store/schema.ts';
import { recentStatuses } from '../../triggers/recent-status.ts';
import { sendsEvent, type Trigger } from '../../triggers/trigger.ts';
import { TRIGGER_EVENTS } from '../../triggers/trigger-events.ts';
import type { TriggerService } from '../../triggers/trigger-service.ts';
import type { AppContext } from '../context.ts';
import { Reply, type RouteRegistry } from '../route-registry.ts';
import { errorSchema, idParams } from './containers-schemas.ts';
import { requireContainer } from './update-route-helpers.ts';

const segment = z.string().min(1).max(64).regex(/^[a-z0-9-]+$/i).transform((value) => value.toLowerCase());
const triggerParams = z.object({ type: segment, name: segment });
const containerTriggerParams = idParams.extend({ type: segment, name: segment });

const triggerSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  events: z
    .array(z.enum(TRIGGER_EVENTS))
    .describe('The kinds of messages it sends (EVENTS), in this order: update-available, update-applied, update-failed, rollback-failed'),
  configuration: z.record(z.string(), z.unknown()).describe('Settings; secret values are shown as ***'),
});
const triggerListSchema = z.object({ data: z.array(triggerSchema), total: z.number().int() });

const outboxEntrySchema = z.object({
  id: z.string(),
  trigger: z.string(),
  mode: z.enum(['simple', 'batch']),
  reason: z.enum(['auto', 'manual', 'test']),
  containerIds: z.array(z.string()),
  identities: z.array(z.string()),
  title: z.string(),
  body: z.string(),
  status: z.enum(['pending', 'sending', 'sent', 'failed']),
  attempts: z.array(z.object({ at: z.string(), ok: z.boolean(), error: z.string().optional() })),
  createdAt: z.string(),
  nextAttemptAt: z.string().optional(),
  sentAt: z.string().optional(),
  result: z
    .object({
      event: z.enum(['update-applied', 'update-failed', 'rollback-failed']),
      outcome: z.enum(['updated', 'restored', 'rolled-back', 'failed', 'rollback-failed', 'rollback-gave-up', 'rollback-recovered']),
      operationId: z.string(),
      operationKind: z.enum(['update', 'rollback']),
      containerId: z.string(),
      containerName: z.string(),
      identity: z.string(),
      watcher: z.string(),
      agent: z.string().optional(),
      fromVersion: z.string(),
      toVersion: z.string(),
      targetImage: z.string(),
      reason: z.string().optional(),
      kept: z.boolean().optional(),
      gaveUpReason: z.enum(['retries-exhausted', 'old-container-gone']).optional(),
      at: z.string(),
    })
    .optional()
    .describe('On a message about what an update operation did (EVENTS other than update-available): its outcome'),
});
const outboxListSchema = z.object({ data: z.array(outboxEntrySchema), total: z.number().int() });
const outboxQuery = z.object({ status: z.enum(['pending', 'sending', 'sent', 'failed']).optional().describe('Only entries in this status') });
const statusMap = z.record(z.string(), z.enum(['updated', 'pending', 'failed']));
const recentStatusSchema = z.object({ statuses: statusMap, statusesByIdentity: statusMap });

const describe = (trigger: Trigger) => ({
  id: trigger.id,
  type: trigger.type,
  name: trigger.name,
  events: TRIGGER_EVENTS.filter((event) => sendsEvent(trigger, event)),
  configuration: trigger.configuration,
});

/** A delivery the caller waited for: 200 with the entry when sent, 502 naming the failure otherwise. */
function settledReply(entry: OutboxEntry) {
  if (entry.status === 'sent') return entry;
  throw new AppError(502, 'TRIGGER_FAILED', `Trigger ${entry.trigger} failed: ${entry.attempts.at(-1)?.error ?? 'unknown error'}`, { outboxId: entry.id });
}

/** Triggers (seed 003), manual runs, test messages, the notification outbox and recent-status. */
export function registerTriggerRoutes(api: RouteRegistry, context: AppContext): void {
  const service = (): TriggerService => {
    if (!context.triggers) throw new AppError(503, 'TRIGGERS_UNAVAILABLE', 'Triggers are not running in this process');
    return context.triggers;
  };
  // The same lookup as every other container route: full id, 12+ character prefix or name.
  const containerById = (id: string) => requireContainer(context, id);

  api.add({
    method: 'get',
    path: '/api/v1/triggers',
    tag: 'triggers',
    summary: 'Configured triggers with their settings (secrets masked)',
    responses: { 200: { description: 'The triggers, in ORDER', schema: triggerListSchema }, 503: { description: 'Triggers not running', schema: errorSchema } },
    handler: () => {
      const data = service().triggers.map(describe);
      return { data, total: data.length };
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/triggers/:type/:name',
    tag: 'triggers',
    summary: 'Send a test message through a trigger',
    params: triggerParams,
    responses: {
      200: { description: 'Sent; the outbox entry', schema: outboxEntrySchema },
      404: { description: 'No such trigger', schema: errorSchema },
      502: { description: 'The receiver failed (after retries)', schema: errorSchema },
    },
    handler: async ({ params }) => settledReply(await service().sendTest(params.type, params.name)),
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/recent-status',
    tag: 'containers',
    summary: 'Latest update status per container from the last 100 audit entries',
    responses: { 200: { description: 'Statuses by name and by identity (agent::watcher::name)', schema: recentStatusSchema } },
    handler: () => recentStatuses(context.store.data.audit),
  });

  api.add({
    method: 'get',
    path: '/api/v1/containers/:id/triggers',
    tag: 'triggers',
    summary: 'Triggers that apply to a container (dd.trigger.include/exclude)',
    params: idParams,
    responses: { 200: { description: 'The triggers', schema: triggerListSchema }, 404: { description: 'No such container', schema: errorSchema } },
    handler: ({ params }) => {
      const container = containerById(params.id);
      const data = service().triggersFor(container).map(describe);
      return { data, total: data.length };
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/containers/:id/triggers/:type/:name',
    tag: 'triggers',
    summary: 'Run a trigger for a container now (ignores AUTO, ONCE and THRESHOLD)',
    params: containerTriggerParams,
    responses: {
      200: { description: 'Sent; the outbox entry', schema: outboxEntrySchema },
      404: { description: 'No such container or trigger', schema: errorSchema },
      502: { description: 'The receiver failed (after retries)', schema: errorSchema },
    },
    handler: async ({ params }) => settledReply(await service().runForContainer(containerById(params.id), params.type, params.name)),
  });

  api.add({
    method: 'get',
    path: '/api/v1/notifications/outbox',
    tag: 'triggers',
    summary: 'Notification deliveries with their attempts (newest first)',
    query: outboxQuery,
    responses: { 200: { description: 'Outbox entries', schema: outboxListSchema } },
    handler: ({ query }) => {
      const data = [...service().outbox()].reverse().filter((entry) => !query.status || entry.status === query.status);
      return { data, total: data.length };
    },
  });

  api.add({
    method: 'post',
    path: '/api/v1/notifications/outbox/:id/retry',
    tag: 'triggers',
    summary: 'Send a failed (or pending) delivery again now',
    params: z.object({ id: z.string().min(1).max(64) }),
    responses: {
      202: { description: 'Queued again; the entry', schema: outboxEntrySchema },
      400: { description: 'Already sent or sending', schema: errorSchema },
      404: { description: 'No such entry', schema: errorSchema },
    },
    handler: ({ params }) => new Reply(202, service().retry(params.id)),
  });
}
