import { z } from 'zod';
import { containerIdentity } from '../../core/container.ts';
import { badRequest } from '../../core/errors.ts';
import { applyPolicyAction, type PolicyAction, type UpdatePolicyRecord } from '../../core/policy.ts';
import { applyPolicy } from '../../core/update-available.ts';
import type { AppContext } from '../context.ts';
import type { RouteRegistry } from '../route-registry.ts';
import { errorSchema, idParams, requireContainer } from './update-route-helpers.ts';

const MAX_DAYS = 3650;
const policyBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('skip-current') }).strict(),
  z.object({ action: z.literal('remove-skip'), kind: z.enum(['tag', 'digest']), value: z.string().min(1).max(256) }).strict(),
  z.object({ action: z.literal('clear-skips') }).strict(),
  z
    .object({ action: z.literal('snooze'), days: z.number().int().min(1).max(MAX_DAYS).optional(), snoozeUntil: z.iso.datetime({ offset: true }).optional() })
    .strict()
    .refine((body) => (body.days === undefined) !== (body.snoozeUntil === undefined), { message: 'give exactly one of days or snoozeUntil' }),
  z.object({ action: z.literal('unsnooze') }).strict(),
  z
    .object({ action: z.literal('set-maturity-policy'), mode: z.enum(['all', 'mature']), minAgeDays: z.number().int().min(1).max(365).optional() })
    .strict(),
  z.object({ action: z.literal('clear-maturity-policy') }).strict(),
  z.object({ action: z.literal('clear') }).strict(),
]);

/** PATCH update-policy (seed 003): skip, snooze, maturity — stored by identity, survives recreation. */
export function registerUpdatePolicyRoutes(api: RouteRegistry, context: AppContext): void {
  api.add({
    method: 'patch',
    path: '/api/v1/containers/:id/update-policy',
    tag: 'updates',
    summary: 'Skip, snooze or age-gate updates of a container',
    params: idParams,
    body: policyBody,
    responses: {
      200: { description: 'The container with its new policy and updateAvailable' },
      400: { description: 'Invalid action', schema: errorSchema },
      404: { description: 'Unknown container', schema: errorSchema },
    },
    handler: async ({ params, body }) => {
      const container = requireContainer(context, params.id);
      const identity = containerIdentity(container);
      const now = new Date();
      const current = context.store.data.policies[identity] as UpdatePolicyRecord | undefined;
      const result = applyPolicyAction(current, body as PolicyAction, container, now);
      if ('error' in result) throw badRequest('INVALID_POLICY_ACTION', result.error);
      const updated = context.store.update((data) => {
        if (result.policy) data.policies[identity] = { ...result.policy };
        else delete data.policies[identity];
        const index = data.containers.findIndex((entry) => entry.id === container.id);
        const next = applyPolicy(container, result.policy as Record<string, unknown> | undefined, now);
        if (index >= 0) data.containers[index] = next;
        return next;
      });
      await context.store.flush();
      context.bus.emit('container-updated', { container: updated, previous: container });
      return updated;
    },
  });
}
