import type { Container } from './container.ts';

/** The store's policy record for one container identity (skip, snooze, maturity …); owned by the updates feature. */
export type UpdatePolicy = Readonly<Record<string, unknown>>;

/**
 * Whether the container has an update to show. One pure function so the policies (skip, snooze,
 * maturity) can be added in one place. A failed check keeps the last good answer: a container
 * whose last known result was an update stays "update available" — never silently up to date.
 */
export function computeUpdateAvailable(
  container: Pick<Container, 'updateKind' | 'watched' | 'updateDetectedAt'>,
  _policy: UpdatePolicy | undefined,
  _now: Date,
): boolean {
  return container.updateKind !== null;
}
