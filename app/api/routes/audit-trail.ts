import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { AuditEntry } from '../../store/schema.ts';
import type { AppContext } from '../context.ts';

const MAX_AUDIT = 5000;

/** Appends one audit entry (status info unless given), keeping the newest MAX_AUDIT. */
export function recordAudit(context: AppContext, entry: Omit<AuditEntry, 'id' | 'at'>): void {
  context.store.update((data) => {
    data.audit.push({ id: randomUUID(), at: new Date().toISOString(), status: 'info', ...entry });
    if (data.audit.length > MAX_AUDIT) data.audit.splice(0, data.audit.length - MAX_AUDIT);
  });
}

/** The authenticated user the auth middleware put on the request, if any. */
export function actorOf(req: Request): string | undefined {
  return (req as { user?: { user?: string } }).user?.user;
}
