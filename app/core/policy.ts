import type { Container } from './container.ts';

/** Per-container update policy, stored by identity so it survives restarts and recreation. */
export interface UpdatePolicyRecord {
  readonly skipTags?: readonly string[];
  readonly skipDigests?: readonly string[];
  /** ISO time until which the update is hidden. */
  readonly snoozeUntil?: string;
  /** `all`: no age rule; `mature`: the candidate must be at least minAgeDays old. */
  readonly maturityMode?: 'all' | 'mature';
  readonly maturityMinAgeDays?: number;
}

export const DEFAULT_MATURITY_MIN_AGE_DAYS = 7;
export const MAX_SKIPS = 200;
const DAY_MS = 86_400_000;

export type PolicyAction =
  | { readonly action: 'skip-current' }
  | { readonly action: 'remove-skip'; readonly kind: 'tag' | 'digest'; readonly value: string }
  | { readonly action: 'clear-skips' }
  | { readonly action: 'snooze'; readonly days?: number; readonly snoozeUntil?: string }
  | { readonly action: 'unsnooze' }
  | { readonly action: 'set-maturity-policy'; readonly mode: 'all' | 'mature'; readonly minAgeDays?: number }
  | { readonly action: 'clear-maturity-policy' }
  | { readonly action: 'clear' };

type Candidate = Pick<Container, 'result' | 'updateKind'>;

/** Applies one PATCH action; returns the new policy (undefined when empty) or an error message. */
export function applyPolicyAction(
  policy: UpdatePolicyRecord | undefined,
  action: PolicyAction,
  container: Candidate,
  now: Date,
): { policy: UpdatePolicyRecord | undefined } | { error: string } {
  const current: UpdatePolicyRecord = { ...(policy ?? {}) };
  switch (action.action) {
    case 'skip-current': {
      const tag = container.result?.tag;
      const digest = container.result?.digest;
      if (!container.updateKind || !container.result) return { error: 'There is no current update to skip' };
      // A digest update (same tag, new digest) is skipped by digest; a new tag by tag.
      if (container.updateKind.kind === 'digest') {
        if (!digest) return { error: 'The current update has no digest to skip' };
        return { policy: compact({ ...current, skipDigests: addBounded(current.skipDigests, digest) }) };
      }
      return { policy: compact({ ...current, skipTags: addBounded(current.skipTags, tag as string) }) };
    }
    case 'remove-skip': {
      const key = action.kind === 'tag' ? 'skipTags' : 'skipDigests';
      return { policy: compact({ ...current, [key]: (current[key] ?? []).filter((value) => value !== action.value) }) };
    }
    case 'clear-skips': {
      const { skipTags: _t, skipDigests: _d, ...rest } = current;
      return { policy: compact(rest) };
    }
    case 'snooze': {
      const until = action.snoozeUntil ? new Date(action.snoozeUntil) : new Date(now.getTime() + (action.days ?? 0) * DAY_MS);
      if (Number.isNaN(until.getTime())) return { error: 'snoozeUntil is not a valid date' };
      if (until.getTime() <= now.getTime()) return { error: 'The snooze must end in the future' };
      return { policy: compact({ ...current, snoozeUntil: until.toISOString() }) };
    }
    case 'unsnooze': {
      const { snoozeUntil: _s, ...rest } = current;
      return { policy: compact(rest) };
    }
    case 'set-maturity-policy':
      return {
        policy: compact({
          ...current,
          maturityMode: action.mode,
          ...(action.mode === 'mature' ? { maturityMinAgeDays: action.minAgeDays ?? DEFAULT_MATURITY_MIN_AGE_DAYS } : {}),
        }),
      };
    case 'clear-maturity-policy': {
      const { maturityMode: _m, maturityMinAgeDays: _a, ...rest } = current;
      return { policy: compact(rest) };
    }
    case 'clear':
      return { policy: undefined };
  }
}

/** Why a policy hides the container's current update, or undefined when it does not. */
export function suppressionReason(
  container: Pick<Container, 'result' | 'updateKind' | 'updateDetectedAt'>,
  policy: UpdatePolicyRecord | undefined,
  now: Date,
): 'skipped' | 'snoozed' | 'immature' | undefined {
  if (!policy || !container.updateKind) return undefined;
  const result = container.result;
  if (result && container.updateKind.kind !== 'digest' && policy.skipTags?.includes(result.tag)) return 'skipped';
  if (result?.digest && policy.skipDigests?.includes(result.digest)) return 'skipped';
  if (policy.snoozeUntil && new Date(policy.snoozeUntil).getTime() > now.getTime()) return 'snoozed';
  if (policy.maturityMode === 'mature') {
    const since = result?.created ?? container.updateDetectedAt;
    const minAgeMs = (policy.maturityMinAgeDays ?? DEFAULT_MATURITY_MIN_AGE_DAYS) * DAY_MS;
    const sinceMs = since ? new Date(since).getTime() : Number.NaN;
    if (Number.isNaN(sinceMs) || now.getTime() - sinceMs < minAgeMs) return 'immature';
  }
  return undefined;
}

/**
 * The next moment after `now` when a time-dependent rule (a snooze ending, the candidate reaching
 * its minimum age) changes, so the caller can re-evaluate `updateAvailable` right then instead of
 * at the next watch cycle. Undefined when no such moment is ahead (skips never expire).
 */
export function nextSuppressionChange(
  container: Pick<Container, 'result' | 'updateKind' | 'updateDetectedAt'>,
  policy: UpdatePolicyRecord | undefined,
  now: Date,
): Date | undefined {
  if (!policy || !container.updateKind) return undefined;
  const moments: number[] = [];
  if (policy.snoozeUntil) moments.push(new Date(policy.snoozeUntil).getTime());
  if (policy.maturityMode === 'mature') {
    const since = container.result?.created ?? container.updateDetectedAt;
    const minAgeMs = (policy.maturityMinAgeDays ?? DEFAULT_MATURITY_MIN_AGE_DAYS) * DAY_MS;
    if (since) moments.push(new Date(since).getTime() + minAgeMs);
  }
  const ahead = moments.filter((moment) => Number.isFinite(moment) && moment > now.getTime());
  return ahead.length === 0 ? undefined : new Date(Math.min(...ahead));
}

function addBounded(list: readonly string[] | undefined, value: string): string[] {
  const next = (list ?? []).filter((entry) => entry !== value);
  next.push(value);
  return next.slice(-MAX_SKIPS);
}

function compact(policy: UpdatePolicyRecord): UpdatePolicyRecord | undefined {
  const entries = Object.entries(policy).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0));
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as UpdatePolicyRecord);
}
