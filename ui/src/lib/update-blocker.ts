import type { Container, UpdateOperation } from '../api/types.ts';
import { TERMINAL_STATUSES } from '../api/types.ts';
import { identityOf, isRetrying, strandedRollbackFor } from './rollback-recovery.ts';

/**
 * Why the daemon would refuse "Update now" right now, by the rules of UpdateService.enqueue
 * (app/updates/update-service.ts), so the button is disabled exactly when a click would get a 409.
 */
export type UpdateBlocker =
  | { reason: 'in-progress'; operation: UpdateOperation }
  | { reason: 'rollback-retrying'; operation: UpdateOperation }
  | { reason: 'rollback-failed'; operation: UpdateOperation }
  | { reason: 'temporary-container' };

const TEMPORARY_NAME = /-dd-old-[0-9a-f]{8}$/;

export function updateBlocker(container: Pick<Container, 'id' | 'name' | 'watcher' | 'agent'>, all: readonly UpdateOperation[]): UpdateBlocker | undefined {
  const identity = identityOf(container);
  const active = all.find((operation) => operation.identity === identity && !TERMINAL_STATUSES.has(operation.status));
  if (active) return { reason: isRetrying(active) ? 'rollback-retrying' : 'in-progress', operation: active };
  // The daemon answers TEMPORARY_CONTAINER first; a stranded rollback is the more useful explanation.
  const stranded = strandedRollbackFor(container, all);
  if (stranded) return { reason: 'rollback-failed', operation: stranded };
  if (TEMPORARY_NAME.test(container.name)) return { reason: 'temporary-container' };
  return undefined;
}

/** The explanation shown under a disabled "Update now" (none while an update simply runs: the phases show it). */
export function blockerText(blocker: UpdateBlocker | undefined): string {
  if (!blocker) return '';
  if (blocker.reason === 'rollback-failed') {
    return 'The rollback of the last update failed and the service may be down: use "Retry rollback now" above first. Updating is possible again once the rollback completes.';
  }
  if (blocker.reason === 'rollback-retrying') return 'The failed rollback is being retried; updating is possible again once it completes.';
  if (blocker.reason === 'temporary-container') {
    return 'This is the previous container an update keeps under a temporary name; it cannot be updated itself. Open the container under its own name.';
  }
  return '';
}
