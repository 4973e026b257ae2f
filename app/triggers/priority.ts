import type { Container, UpdateKind } from '../core/container.ts';

const BY_KIND: Record<UpdateKind, number> = { major: 4, minor: 3, patch: 2, prerelease: 2, digest: 2 };

/** Default priority 1–5 by update kind (the most severe of a batch); 3 when nothing says otherwise. */
export function defaultPriority(containers: readonly Container[]): number {
  let priority = 0;
  for (const container of containers) {
    if (container.updateKind) priority = Math.max(priority, BY_KIND[container.updateKind.kind]);
  }
  return priority || 3;
}
