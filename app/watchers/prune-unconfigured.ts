import type { Container } from '../core/container.ts';

export interface PruneResult {
  /** How many stored containers were removed. */
  readonly removed: number;
  /** The watchers they belonged to, sorted (names from the store, bounded by it). */
  readonly watchers: string[];
}

/**
 * Drops the stored containers of watchers that are no longer configured (a DD_WATCHER_* or
 * DD_AGENT_* group removed or renamed): no watch cycle will ever refresh or remove them, so they
 * would stay in the UI forever. Only `containers` changes: update operations, backups and the
 * audit are history, and update policies are the user's intent, kept by identity so they apply
 * again if the watcher comes back under the same name.
 */
export function pruneUnconfiguredWatchers(data: { containers: Container[] }, configured: Iterable<string>): PruneResult {
  const names = new Set(configured);
  const gone = new Set<string>();
  const kept = data.containers.filter((container) => {
    if (names.has(container.watcher)) return true;
    gone.add(String(container.watcher));
    return false;
  });
  const removed = data.containers.length - kept.length;
  if (removed > 0) data.containers.splice(0, data.containers.length, ...kept);
  return { removed, watchers: [...gone].sort() };
}
