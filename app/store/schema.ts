import type { Container } from '../core/container.ts';

export const CURRENT_SCHEMA_VERSION = 1;

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
  notifications: { ledger: Record<string, unknown>[]; outbox: Record<string, unknown>[] };
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
