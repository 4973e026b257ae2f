import type { Container } from '../core/container.ts';

export const CURRENT_SCHEMA_VERSION = 3;

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

/**
 * What an update operation ended with, as a notification tells it (app/triggers/operation-outcome.ts).
 * Kept on the outbox entry so a delivery resumed after a restart is sent the same way.
 */
export interface OperationOutcomeRecord {
  /** The EVENTS kind it belongs to. */
  readonly event: 'update-applied' | 'update-failed' | 'rollback-failed';
  readonly outcome: 'updated' | 'restored' | 'rolled-back' | 'failed' | 'rollback-failed' | 'rollback-gave-up' | 'rollback-recovered';
  readonly operationId: string;
  readonly operationKind: 'update' | 'rollback';
  /** The container running now when known (the replacement after a successful update), else the one the operation started from. */
  readonly containerId: string;
  readonly containerName: string;
  readonly identity: string;
  readonly watcher: string;
  readonly agent?: string;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly targetImage: string;
  /** Why it failed (the operation's rollback reason or last error), when it failed. */
  readonly reason?: string;
  /** The new container failed its health gate and was kept, because automatic rollback is off. */
  readonly kept?: boolean;
  readonly gaveUpReason?: 'retries-exhausted' | 'old-container-gone';
  /** When the operation reached this outcome. */
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
  /** Set on a message about what an update operation did (EVENTS other than update-available). */
  result?: OperationOutcomeRecord;
}

/**
 * One signed-in web UI session, owned by app/auth/session. Keyed in the collection by the SHA-256 of
 * the session id, and its content sealed with a key derived from that id: the file alone can
 * neither name a valid cookie nor read who is signed in.
 */
export interface StoredSession {
  /** When the session ends unless a request pushes it further (ISO time). */
  readonly expiresAt: string;
  /** The session's data (user, ID token for logout), AES-256-GCM sealed with a key from the session id. */
  readonly sealed: string;
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
  /** Web UI sessions by the hex SHA-256 of their id; at most 1000. */
  sessions: Record<string, StoredSession>;
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
    sessions: {},
  };
}
