import type { CheckError, Container } from '../core/container.ts';
import { applyPolicy, type UpdatePolicy } from '../core/update-available.ts';
import type { CheckOutcome } from '../registries/types.ts';

/**
 * Carries what the last checks learnt (result, kind, detection time, error) onto a fresh snapshot,
 * as long as the container still runs the same image under the same reference. A new image (the
 * container was updated) starts `pending` again: the old answer described another image.
 */
export function carryOver(snapshot: Container, previous: Container | undefined, policy: UpdatePolicy | undefined, now: Date): Container {
  if (!previous || !sameImage(previous, snapshot)) return applyPolicy(snapshot, policy, now);
  const carried: Container = {
    ...snapshot,
    image: { ...snapshot.image, digest: { ...snapshot.image.digest, ...(previous.image.digest.value ? { value: previous.image.digest.value } : {}) } },
    ...(previous.result ? { result: previous.result } : {}),
    updateKind: previous.updateKind,
    checkStatus: previous.checkStatus,
    ...(previous.error ? { error: previous.error } : {}),
    ...(previous.lastCheckedAt ? { lastCheckedAt: previous.lastCheckedAt } : {}),
    ...(previous.updateDetectedAt ? { updateDetectedAt: previous.updateDetectedAt } : {}),
  };
  return applyPolicy(carried, policy, now);
}

function sameImage(a: Container, b: Container): boolean {
  return (
    a.image.id === b.image.id &&
    a.image.registry.url === b.image.registry.url &&
    a.image.name === b.image.name &&
    a.image.tag.value === b.image.tag.value
  );
}

/** A good registry answer. The detection time is kept while the same candidate stays. */
export function applyOutcome(container: Container, outcome: CheckOutcome, policy: UpdatePolicy | undefined, now: Date): Container {
  const kind = outcome.updateKind;
  const previousKind = container.updateKind;
  const sameCandidate =
    kind !== null && previousKind !== null && previousKind.kind === kind.kind && previousKind.remoteValue === kind.remoteValue;
  const { error: _error, updateDetectedAt: _detected, ...rest } = container;
  const digestValue = outcome.result.digest && outcome.result.tag === container.image.tag.value ? outcome.result.digest : container.image.digest.value;
  const next: Container = {
    ...rest,
    image: { ...container.image, digest: { ...container.image.digest, ...(digestValue ? { value: digestValue } : {}) } },
    result: outcome.result,
    updateKind: kind,
    checkStatus: 'ok',
    lastCheckedAt: now.toISOString(),
    ...(kind === null
      ? {}
      : { updateDetectedAt: sameCandidate && container.updateDetectedAt ? container.updateDetectedAt : now.toISOString() }),
  };
  return applyPolicy(next, policy, now);
}

/** A failed check: `unknown` with the error, the last good result kept (never shown as up to date). */
export function applyFailure(
  container: Container,
  failure: { message: string; code?: string },
  policy: UpdatePolicy | undefined,
  now: Date,
): Container {
  const error: CheckError = { message: failure.message.slice(0, 1000), ...(failure.code ? { code: failure.code } : {}), at: now.toISOString() };
  const next: Container = { ...container, checkStatus: 'unknown', error, lastCheckedAt: now.toISOString() };
  return applyPolicy(next, policy, now);
}

/** Whether listeners should hear about the change: check times alone are not news. */
export function hasMeaningfulChange(previous: Container, next: Container): boolean {
  return stableJson(comparable(previous)) !== stableJson(comparable(next));
}

/** JSON with sorted keys, so two equal containers built in a different field order compare equal. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function comparable(container: Container): unknown {
  const { lastCheckedAt: _checked, error, ...rest } = container;
  return { ...rest, error: error ? { message: error.message, code: error.code } : undefined };
}
