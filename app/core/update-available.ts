import type { Container } from './container.ts';
import { suppressionReason, type UpdatePolicyRecord } from './policy.ts';

/** The store's policy record for one container identity (skip, snooze, maturity …); owned by the updates feature. */
export type UpdatePolicy = Readonly<Record<string, unknown>>;

/**
 * Whether the container has an update to show. One pure function so the policies (skip, snooze,
 * maturity) can be added in one place. A failed check keeps the last good answer: a container
 * whose last known result was an update stays "update available" — never silently up to date.
 */
export function computeUpdateAvailable(
  container: Pick<Container, 'updateKind' | 'watched' | 'updateDetectedAt' | 'result'>,
  policy: UpdatePolicy | undefined,
  now: Date,
): boolean {
  if (container.updateKind === null) return false;
  // Skipped tags/digests, an active snooze or a too-young candidate hide the update.
  return suppressionReason(container, policy as UpdatePolicyRecord | undefined, now) === undefined;
}

/**
 * The container with its policy applied: `updateAvailable` recomputed and the policy itself shown
 * as `updatePolicy` (absent when empty), so every response and event carries both.
 */
export function applyPolicy<C extends Container>(container: C, policy: UpdatePolicy | undefined, now: Date): C {
  const { updatePolicy: _previous, ...rest } = container;
  const record = policy as UpdatePolicyRecord | undefined;
  return {
    ...rest,
    ...(record && Object.keys(record).length > 0 ? { updatePolicy: record } : {}),
    updateAvailable: computeUpdateAvailable(container, policy, now),
  } as C;
}
