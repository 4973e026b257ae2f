import type { Container } from '../core/container.ts';

export const CURRENT_SCHEMA_VERSION = 2;

/** A record of the audit trail: who did what, when. Never holds secret values. */
export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly action: string;
  readonly containerId?: string;
  readonly containerName?: string;
  readonly identity?: string;
  readonly status?: 'updated' | 'pending' | 'failed' | 'info';
  readonly actor?: string;
  readonly details?: Record<string, unknown>;
}

/** One sent (or queued) notification candidate: keeps ONCE true across restarts. Owned by app/triggers. */
export interface NotificationLedgerEntry {
  /** `${trigger}|${identity}|${candidate}`. */
  readonly key: string;
  readonly trigger: string;
  readonly identity: string;
  readonly candidate: string;
  readonly at: string;
}

/** One delivery of a trigger and its attempts; failures stay listable and retryable. Owned by app/triggers. */
export interface OutboxEntry {
  readonly id: string;
  readonly trigger: string;
  readonly mode: 'simple' | 'batch';
  readonly reason: 'auto' | 'manual' | 'test';
  readonly containerIds: string[];
  readonly identities: string[];
  readonly title: string;
  readonly body: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: { at: string; ok: boolean; error?: string }[];
  readonly createdAt: string;
  nextAttemptAt?: string;
  sentAt?: string;
}

/**
 * Everything dockdeck persists. Collections are plain arrays/records so the JSON stays readable;
 * each feature owns its collection and its record type.
 */
export interface StoreData {
  schemaVersion: number;
  containers: Container[];
  updateOperations: Record<string, unknown>[];
  backups: Record<string, unknown>[];
  /** Update policies by container identity (agent::watcher::name), so they survive recreation. */
  policies: Record<string, Record<string, unknown>>;
  notifications: { ledger: NotificationLedgerEntry[]; outbox: OutboxEntry[] };
  audit: AuditEntry[];
  settings: Record<string, unknown>;
}

export function emptyStore(): StoreData {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    containers: [],
    updateOperations: [],
    backups: [],
    policies: {},
    notifications: { ledger: [], outbox: [] },
    audit: [],
    settings: {},
  };
}
