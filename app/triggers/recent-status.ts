import type { AuditEntry } from '../store/schema.ts';

export type RecentStatus = 'updated' | 'pending' | 'failed';

/** Seed 003 recent-status: the last status per container name and per identity over the last 100 audit entries (last write wins). */
export function recentStatuses(audit: readonly AuditEntry[]): { statuses: Record<string, RecentStatus>; statusesByIdentity: Record<string, RecentStatus> } {
  const statuses: Record<string, RecentStatus> = Object.create(null) as Record<string, RecentStatus>;
  const statusesByIdentity: Record<string, RecentStatus> = Object.create(null) as Record<string, RecentStatus>;
  const recent = [...audit].sort((a, b) => a.at.localeCompare(b.at)).slice(-100);
  for (const entry of recent) {
    const status = entry.status;
    if (status !== 'updated' && status !== 'pending' && status !== 'failed') continue;
    if (entry.containerName) statuses[entry.containerName] = status;
    if (entry.identity) statusesByIdentity[entry.identity] = status;
  }
  return { statuses: { ...statuses }, statusesByIdentity: { ...statusesByIdentity } };
}
