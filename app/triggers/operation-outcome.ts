import { truncate } from '../core/errors.ts';
import type { OperationOutcomeRecord } from '../store/schema.ts';

export type OperationOutcome = OperationOutcomeRecord['outcome'];

/** How loud a message should be; each provider maps it onto its own priority scale. */
export type OutcomeSeverity = 'info' | 'warning' | 'critical';

const EVENT_OF: Record<OperationOutcome, OperationOutcomeRecord['event']> = {
  updated: 'update-applied',
  restored: 'update-applied',
  'rolled-back': 'update-failed',
  failed: 'update-failed',
  'rollback-failed': 'rollback-failed',
  'rollback-gave-up': 'rollback-failed',
  'rollback-recovered': 'rollback-failed',
};

const SEVERITY_OF: Record<OperationOutcome, OutcomeSeverity> = {
  updated: 'info',
  restored: 'info',
  'rolled-back': 'warning',
  failed: 'warning',
  'rollback-failed': 'critical',
  'rollback-gave-up': 'critical',
  'rollback-recovered': 'info',
};

export function severityOf(result: Pick<OperationOutcomeRecord, 'outcome'>): OutcomeSeverity {
  return SEVERITY_OF[result.outcome];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The outcome of one operation as the bus carries it (its public view), or undefined while it is not over or says nothing worth a message. */
function outcomeKind(operation: Record<string, unknown>): OperationOutcome | undefined {
  const recovery = (operation.rollbackRecovery ?? {}) as Record<string, unknown>;
  switch (operation.status) {
    case 'succeeded':
      return operation.kind === 'rollback' ? 'restored' : 'updated';
    case 'rolled-back':
      return text(recovery.recoveredAt) ? 'rollback-recovered' : 'rolled-back';
    case 'failed':
      if (operation.phase !== 'rollback-failed') return 'failed';
      return text(recovery.gaveUpAt) ? 'rollback-gave-up' : 'rollback-failed';
    default:
      // Queued, in progress, or expired (expiry only closes a record nobody could finish; it is logged).
      return undefined;
  }
}

/**
 * Reads an operation from the bus (`update-operation-changed`, its public view, untyped there)
 * into what a notification says about it; undefined when it is not a finished outcome.
 */
export function outcomeOf(operation: Record<string, unknown>): OperationOutcomeRecord | undefined {
  const outcome = outcomeKind(operation);
  const operationId = text(operation.id);
  const identity = text(operation.identity);
  const containerName = text(operation.containerName);
  if (!outcome || !operationId || !identity || !containerName) return undefined;
  const history = Array.isArray(operation.history) ? (operation.history as { phase?: unknown }[]) : [];
  const recovery = (operation.rollbackRecovery ?? {}) as Record<string, unknown>;
  const containerId = text(operation.containerId) ?? '';
  const reason = outcome === 'rolled-back' ? (text(operation.rollbackReason) ?? text(operation.lastError)) : text(operation.lastError);
  const agent = identity.split('::')[0];
  const gaveUpReason = recovery.gaveUpReason === 'retries-exhausted' || recovery.gaveUpReason === 'old-container-gone' ? recovery.gaveUpReason : undefined;
  return {
    event: EVENT_OF[outcome],
    outcome,
    operationId,
    operationKind: operation.kind === 'rollback' ? 'rollback' : 'update',
    containerId: outcome === 'updated' || outcome === 'restored' ? (text(operation.newContainerId) ?? containerId) : containerId,
    containerName,
    identity,
    watcher: text(operation.watcher) ?? '',
    ...(agent ? { agent } : {}),
    fromVersion: text(operation.fromVersion) ?? '',
    toVersion: text(operation.toVersion) ?? '',
    targetImage: text(operation.targetImage) ?? '',
    ...(reason && outcome !== 'updated' && outcome !== 'restored' && outcome !== 'rollback-recovered' ? { reason: truncate(reason, 2000) } : {}),
    // Failed after its health gate without a rollback: dd.rollback.auto=false kept the new container.
    ...(outcome === 'failed' && history.some((entry) => entry.phase === 'health-gate') ? { kept: true } : {}),
    ...(outcome === 'rollback-gave-up' && gaveUpReason ? { gaveUpReason } : {}),
    at: text(operation.updatedAt) ?? new Date().toISOString(),
  };
}

/** One message per trigger and outcome: a re-emitted event (or another look at the same operation) never sends twice. */
export function outcomeKey(result: Pick<OperationOutcomeRecord, 'operationId' | 'outcome'>): string {
  return `result:${result.operationId}:${result.outcome}`;
}
