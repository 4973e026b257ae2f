import type { Container, UpdateOperation } from '../api/types.ts';

/**
 * Failed rollbacks as the daemon sees them (app/updates/rollback-retry.ts): the service may be
 * down until a retry (automatic, at start, or by hand) puts the old container back.
 */

const RECOVERY_SHOWN_MS = 24 * 3600_000;

/** The same container: by identity when the daemon sends it, else by name. */
function sameContainer(a: UpdateOperation, b: UpdateOperation): boolean {
  return a.identity && b.identity ? a.identity === b.identity : a.containerName === b.containerName;
}

function isLatest(operation: UpdateOperation, all: readonly UpdateOperation[]): boolean {
  return !all.some((other) => other.id !== operation.id && sameContainer(other, operation) && other.createdAt > operation.createdAt);
}

/** A retry of a failed rollback is running right now. */
export function isRetrying(operation: UpdateOperation): boolean {
  return operation.status === 'in-progress' && operation.phase === 'rollback-started' && operation.rollbackRecovery !== undefined;
}

/** The rollback failed (or its retry is running) and nothing newer replaced it: the service may be down. */
export function isRollbackDown(operation: UpdateOperation, all: readonly UpdateOperation[]): boolean {
  const failed = operation.status === 'failed' && operation.phase === 'rollback-failed';
  return (failed || isRetrying(operation)) && isLatest(operation, all);
}

/** Retrying by hand can help: not while a retry runs, and not once the old container is gone. */
export function canRetryByHand(operation: UpdateOperation): boolean {
  return operation.status === 'failed' && operation.rollbackRecovery?.gaveUpReason !== 'old-container-gone';
}

/**
 * The daemon's own test (isStrandedRollback in app/updates/rollback-retry.ts): a failed rollback
 * that is the container's last word and can still be retried. While one exists, the daemon
 * refuses to update the container (ROLLBACK_RETRY_REQUIRED).
 */
export function isStranded(operation: UpdateOperation, all: readonly UpdateOperation[]): boolean {
  if (operation.phase !== 'rollback-failed' || operation.status !== 'failed') return false;
  if (operation.rollbackRecovery?.gaveUpReason === 'old-container-gone') return false;
  return !all.some((other) => other.identity === operation.identity && other.id !== operation.id && other.createdAt > operation.createdAt);
}

/** agent::watcher::name, as the daemon names a container across recreations. */
export function identityOf(container: Pick<Container, 'agent' | 'watcher' | 'name'>): string {
  return `${container.agent ?? ''}::${container.watcher}::${container.name}`;
}

/** The failed rollback that strands this container, matched as the daemon does (UpdateService.strandedRollbackFor). */
export function strandedRollbackFor(container: Pick<Container, 'id' | 'name' | 'watcher' | 'agent'>, all: readonly UpdateOperation[]): UpdateOperation | undefined {
  const identity = identityOf(container);
  return newestFirst(all).find(
    (operation) =>
      isStranded(operation, all) &&
      (operation.containerId === container.id ||
        operation.newContainerId === container.id ||
        operation.identity === identity ||
        (operation.watcher === container.watcher && operation.temporaryName === container.name)),
  );
}

/** Whether an operation is about this container: its old or new id, its name, or its temporary name. */
export function concerns(operation: UpdateOperation, container: Pick<Container, 'id' | 'name' | 'watcher'>): boolean {
  if (operation.containerId === container.id || operation.newContainerId === container.id) return true;
  if (operation.watcher !== undefined && operation.watcher !== container.watcher) return false;
  return operation.containerName === container.name || operation.temporaryName === container.name;
}

/** The failed rollback that leaves this container down, if any (most recent first). */
export function downRollbackFor(container: Pick<Container, 'id' | 'name' | 'watcher'>, all: readonly UpdateOperation[]): UpdateOperation | undefined {
  return newestFirst(all).find((operation) => concerns(operation, container) && isRollbackDown(operation, all));
}

/** A failed rollback a retry completed in the last day, while it is still the container's latest operation. */
export function recentRecoveryFor(container: Pick<Container, 'id' | 'name' | 'watcher'>, all: readonly UpdateOperation[], now: number): UpdateOperation | undefined {
  return newestFirst(all).find((operation) => {
    const at = operation.rollbackRecovery?.recoveredAt;
    return at !== undefined && concerns(operation, container) && isLatest(operation, all) && now - Date.parse(at) < RECOVERY_SHOWN_MS;
  });
}

/** Every failed rollback that leaves a service down. */
export function downRollbacks(all: readonly UpdateOperation[]): UpdateOperation[] {
  return newestFirst(all).filter((operation) => isRollbackDown(operation, all));
}

/** Why dockdeck stopped retrying, in words. */
export function gaveUpText(reason: string | undefined): string {
  if (reason === 'old-container-gone') return 'the old container is gone; restore it from a backup';
  if (reason === 'retries-exhausted') return 'every automatic retry failed';
  return reason ?? 'no automatic retries left';
}

function newestFirst(all: readonly UpdateOperation[]): UpdateOperation[] {
  return [...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
