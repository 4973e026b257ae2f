/** Update operations: the persisted record of one update or rollback, phase by phase. */

export const OPERATION_STATUSES = ['queued', 'in-progress', 'succeeded', 'rolled-back', 'failed', 'expired'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

export const OPERATION_PHASES = [
  'queued',
  'prepare',
  'pulling',
  'renamed',
  'new-created',
  'old-stopped',
  'new-started',
  'health-gate',
  'health-gate-passed',
  'succeeded',
  'rollback-started',
  'rolled-back',
  'rollback-failed',
  'failed',
  'expired',
] as const;
export type OperationPhase = (typeof OPERATION_PHASES)[number];

export interface HistoryEntry {
  readonly phase: OperationPhase;
  readonly at: string;
  readonly message?: string;
}

/**
 * Retries of a rollback that ended `rollback-failed` (the service may be down: the old container
 * renamed, maybe stopped). Automatic ones follow a bounded backoff; by hand one can always retry.
 */
export interface RollbackRecovery {
  /** Retries made so far: automatic, at start and by hand. */
  readonly attempts: number;
  /** The automatic ones (at start included); they step through the backoff schedule. */
  readonly automaticAttempts: number;
  /** When the next automatic retry is due; absent when none is planned. */
  readonly nextAttemptAt?: string;
  /** When dockdeck stopped retrying by itself, and why. */
  readonly gaveUpAt?: string;
  readonly gaveUpReason?: 'retries-exhausted' | 'old-container-gone';
  /** When a retry brought the old container back. */
  readonly recoveredAt?: string;
}

export interface UpdateOperation {
  readonly id: string;
  readonly kind: 'update' | 'rollback';
  status: OperationStatus;
  phase: OperationPhase;
  readonly createdAt: string;
  updatedAt: string;
  readonly watcher: string;
  /** Identity that survives recreation (agent::watcher::name). */
  readonly identity: string;
  readonly containerName: string;
  /** Id of the container being replaced. */
  readonly containerId: string;
  /** Id of the replacement once created. */
  newContainerId?: string;
  /** Name the old container carries while the new one is tried. */
  temporaryName?: string;
  /** Whether the old container was running (a stopped container stays stopped). */
  wasRunning?: boolean;
  readonly triggerName: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly currentImage: string;
  readonly targetImage: string;
  backupId?: string;
  cancelRequested?: boolean;
  rollbackReason?: string;
  lastError?: string;
  rollbackRecovery?: RollbackRecovery;
  history: HistoryEntry[];
}

export const TERMINAL_STATUSES: readonly OperationStatus[] = ['succeeded', 'rolled-back', 'failed', 'expired'];

export function isTerminal(operation: Pick<UpdateOperation, 'status'>): boolean {
  return TERMINAL_STATUSES.includes(operation.status);
}

/** The public view: everything but internal bookkeeping, safe to send to clients. */
export function publicOperation(operation: UpdateOperation): Record<string, unknown> {
  const { cancelRequested: _cancel, ...rest } = operation;
  return { ...rest, history: [...operation.history] };
}
