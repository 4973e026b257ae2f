import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../log.ts';
import { OldContainerGoneError, restoreOldContainer } from './executor.ts';
import type { OperationRepository } from './operation-repository.ts';
import type { RollbackRecovery, UpdateOperation } from './operation.ts';
import type { UpdateEngine } from './update-engine.ts';

/** Who asked for a retry: the backoff schedule, a start of dockdeck, or a person (POST /rollback). */
export type RetryTrigger = 'automatic' | 'start' | 'manual';

/**
 * A rollback that could not be completed and may still be retried: the last word on this
 * container (no newer operation replaced it) and its old container not known to be gone.
 */
export function isStrandedRollback(operation: UpdateOperation, all: readonly UpdateOperation[]): boolean {
  if (operation.phase !== 'rollback-failed' || operation.status !== 'failed') return false;
  if (operation.rollbackRecovery?.gaveUpReason === 'old-container-gone') return false;
  return !all.some((other) => other.identity === operation.identity && other.id !== operation.id && other.createdAt > operation.createdAt);
}

/** Whether the schedule still retries this one by itself. */
export function retriesAutomatically(operation: UpdateOperation): boolean {
  return operation.rollbackRecovery?.gaveUpAt === undefined;
}

/** The schedule right after a rollback failed for the first time: the first retry after the first delay. */
export function firstSchedule(failedAt: number, delaysMs: readonly number[]): RollbackRecovery {
  const first = delaysMs[0];
  return first === undefined
    ? { attempts: 0, automaticAttempts: 0, gaveUpAt: new Date(failedAt).toISOString(), gaveUpReason: 'retries-exhausted' }
    : { attempts: 0, automaticAttempts: 0, nextAttemptAt: new Date(failedAt + first).toISOString() };
}

/**
 * The schedule after a retry failed. Automatic retries step through the delays and then stop;
 * a retry by hand changes neither the plan nor the budget.
 */
export function scheduleAfterFailure(
  previous: RollbackRecovery,
  trigger: RetryTrigger,
  now: number,
  delaysMs: readonly number[],
  oldContainerGone: boolean,
): RollbackRecovery {
  const attempts = previous.attempts + 1;
  const automaticAttempts = previous.automaticAttempts + (trigger === 'manual' ? 0 : 1);
  const base = { attempts, automaticAttempts, ...(previous.gaveUpAt ? { gaveUpAt: previous.gaveUpAt, gaveUpReason: previous.gaveUpReason } : {}) };
  const at = new Date(now).toISOString();
  if (oldContainerGone) return { attempts, automaticAttempts, gaveUpAt: at, gaveUpReason: 'old-container-gone' };
  if (trigger === 'manual') return previous.nextAttemptAt ? { ...base, nextAttemptAt: previous.nextAttemptAt } : base;
  const delay = delaysMs[automaticAttempts];
  if (delay === undefined) return { attempts, automaticAttempts, gaveUpAt: at, gaveUpReason: 'retries-exhausted' };
  return { attempts, automaticAttempts, nextAttemptAt: new Date(now + delay).toISOString() };
}

export interface RetryDeps {
  readonly repository: OperationRepository;
  readonly logger: Logger;
  readonly engineFor: (watcher: string) => UpdateEngine;
  readonly delaysMs: readonly number[];
  readonly now: () => number;
}

/**
 * One more try at putting the old container back. The operation goes `rollback-started`
 * (in progress, so nothing else touches the container) and ends `rolled-back` or again
 * `rollback-failed` with the error and the next planned retry; every step is in its history.
 */
export async function retryRollback(deps: RetryDeps, operation: UpdateOperation, trigger: RetryTrigger): Promise<UpdateOperation> {
  const previous = operation.rollbackRecovery ?? { attempts: 0, automaticAttempts: 0 };
  const number = previous.attempts + 1;
  const { nextAttemptAt: _next, ...during } = previous;
  await deps.repository.advance(operation, 'rollback-started', {
    status: 'in-progress',
    message: `Retrying the rollback (retry ${number}, ${trigger})`,
    fields: { rollbackRecovery: during },
  });
  try {
    await restoreOldContainer(deps.engineFor(operation.watcher), operation);
  } catch (error) {
    const gone = error instanceof OldContainerGoneError;
    const next = scheduleAfterFailure(previous, trigger, deps.now(), deps.delaysMs, gone);
    const message = `Rollback retry ${number} (${trigger}) failed: ${errorMessage(error)}; ${planText(next, trigger)}`;
    await deps.repository.advance(operation, 'rollback-failed', { status: 'failed', message, fields: { lastError: message, rollbackRecovery: next } });
    if (next.gaveUpAt && next.gaveUpAt !== previous.gaveUpAt) reportGaveUp(deps.logger, operation);
    else deps.logger.warn({ operation: operation.id, container: operation.containerName, trigger, err: error }, 'rollback retry failed');
    return operation;
  }
  const recovered: RollbackRecovery = { attempts: number, automaticAttempts: during.automaticAttempts + (trigger === 'manual' ? 0 : 1), recoveredAt: new Date(deps.now()).toISOString() };
  await deps.repository.advance(operation, 'rolled-back', {
    status: 'rolled-back',
    message: `Rolled back on retry ${number} (${trigger}): ${operation.containerName} is back on its previous container`,
    fields: { rollbackRecovery: recovered, lastError: undefined },
  });
  deps.logger.warn({ operation: operation.id, container: operation.containerName, trigger, retry: number }, 'rollback completed on retry: the old container runs again');
  return operation;
}

/** Giving up leaves a service down: an error line an operator cannot miss, with what to do. */
export function reportGaveUp(logger: Logger, operation: UpdateOperation): void {
  const recovery = operation.rollbackRecovery;
  const what =
    recovery?.gaveUpReason === 'old-container-gone'
      ? 'its old container is gone; restore it from a backup (POST /api/v1/containers/:id/rollback with a backupId)'
      : `${recovery?.attempts ?? 0} retries failed; fix the cause (see lastError), then POST /api/v1/containers/${operation.containerId}/rollback`;
  logger.error(
    { operation: operation.id, container: operation.containerName, temporaryName: operation.temporaryName, lastError: operation.lastError },
    `ROLLBACK GAVE UP: ${operation.containerName} may be down; dockdeck no longer retries by itself: ${what}`,
  );
}

function planText(next: RollbackRecovery, trigger: RetryTrigger): string {
  if (next.gaveUpReason === 'old-container-gone') return 'nothing left to roll back to: restore from a backup';
  if (next.nextAttemptAt) return `next automatic retry at ${next.nextAttemptAt}`;
  if (trigger === 'manual' && next.gaveUpAt) return 'no automatic retries left; retry by hand';
  return 'giving up: no automatic retries left; retry by hand (POST /api/v1/containers/:id/rollback)';
}
