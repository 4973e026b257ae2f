import { describe, expect, it } from '@jest/globals';
import { applyPolicyAction, nextSuppressionChange, suppressionReason, type UpdatePolicyRecord } from './policy.ts';
import { computeUpdateAvailable } from './update-available.ts';

const now = new Date('2026-01-10T00:00:00.000Z');
const minor = {
  result: { tag: '1.1.0', digest: 'sha256:aaa', created: '2026-01-09T00:00:00.000Z' },
  updateKind: { kind: 'minor' as const, localValue: '1.0.0', remoteValue: '1.1.0' },
  updateDetectedAt: '2026-01-09T12:00:00.000Z',
  watched: true,
};
const digestUpdate = { ...minor, result: { tag: '1.0.0', digest: 'sha256:bbb' }, updateKind: { kind: 'digest' as const, localValue: 'sha256:old', remoteValue: 'sha256:bbb' } };

function apply(policy: UpdatePolicyRecord | undefined, action: Parameters<typeof applyPolicyAction>[1], container: Parameters<typeof applyPolicyAction>[2] = minor): Record<string, unknown> | undefined {
  const result = applyPolicyAction(policy, action, container, now);
  if ('error' in result) throw new Error(result.error);
  return result.policy as Record<string, unknown> | undefined;
}

describe('update policy', () => {
  it('skip-current skips the tag of a tag update and the digest of a digest update', () => {
    expect(apply(undefined, { action: 'skip-current' })).toEqual({ skipTags: ['1.1.0'] });
    expect(apply(undefined, { action: 'skip-current' }, digestUpdate)).toEqual({ skipDigests: ['sha256:bbb'] });
    expect(computeUpdateAvailable(minor, { skipTags: ['1.1.0'] }, now)).toBe(false);
    expect(computeUpdateAvailable(digestUpdate, { skipDigests: ['sha256:bbb'] }, now)).toBe(false);
    expect(computeUpdateAvailable(minor, { skipTags: ['1.2.0'] }, now)).toBe(true);
  });

  it('remove-skip and clear-skips undo skips', () => {
    const policy = { skipTags: ['1.1.0', '1.2.0'], skipDigests: ['sha256:x'], snoozeUntil: '2027-01-01T00:00:00.000Z' };
    expect(apply(policy, { action: 'remove-skip', kind: 'tag', value: '1.1.0' })).toEqual({ ...policy, skipTags: ['1.2.0'] });
    expect(apply(policy, { action: 'remove-skip', kind: 'digest', value: 'sha256:x' })).toEqual({ skipTags: ['1.1.0', '1.2.0'], snoozeUntil: policy.snoozeUntil });
    expect(apply(policy, { action: 'clear-skips' })).toEqual({ snoozeUntil: policy.snoozeUntil });
    expect(apply(policy, { action: 'clear' })).toBeUndefined();
  });

  it('snooze hides the update until the date, by days or explicit date', () => {
    const byDays = apply(undefined, { action: 'snooze', days: 7 });
    expect(byDays).toEqual({ snoozeUntil: '2026-01-17T00:00:00.000Z' });
    expect(suppressionReason(minor, byDays, now)).toBe('snoozed');
    expect(computeUpdateAvailable(minor, byDays, new Date('2026-01-18T00:00:00.000Z'))).toBe(true);
    expect(apply(undefined, { action: 'snooze', snoozeUntil: '2026-02-01T00:00:00Z' })).toEqual({ snoozeUntil: '2026-02-01T00:00:00.000Z' });
    expect(applyPolicyAction(undefined, { action: 'snooze', snoozeUntil: '2025-01-01T00:00:00Z' }, minor, now)).toHaveProperty('error');
    expect(apply(byDays, { action: 'unsnooze' })).toBeUndefined();
  });

  it('the maturity policy hides candidates younger than minAgeDays', () => {
    const policy = apply(undefined, { action: 'set-maturity-policy', mode: 'mature', minAgeDays: 3 });
    expect(policy).toEqual({ maturityMode: 'mature', maturityMinAgeDays: 3 });
    expect(suppressionReason(minor, policy, now)).toBe('immature');
    expect(computeUpdateAvailable(minor, policy, new Date('2026-01-12T00:00:00.000Z'))).toBe(true);
    expect(apply(policy, { action: 'clear-maturity-policy' })).toBeUndefined();
  });

  it('tells when a snooze ends or the candidate matures, whichever comes first, and nothing for skips', () => {
    const snooze = { snoozeUntil: '2026-01-12T00:00:00.000Z' };
    expect(nextSuppressionChange(minor, snooze, now)?.toISOString()).toBe('2026-01-12T00:00:00.000Z');
    // The candidate was created 2026-01-09: with 3 days it matures on the 12th at midnight; with 2 on the 11th.
    expect(nextSuppressionChange(minor, { ...snooze, maturityMode: 'mature', maturityMinAgeDays: 2 }, now)?.toISOString()).toBe('2026-01-11T00:00:00.000Z');
    expect(nextSuppressionChange(minor, { maturityMode: 'mature', maturityMinAgeDays: 3 }, now)?.toISOString()).toBe('2026-01-12T00:00:00.000Z');
    // Without a creation time the detection time counts.
    const noCreated = { ...minor, result: { tag: '1.1.0' } };
    expect(nextSuppressionChange(noCreated, { maturityMode: 'mature', maturityMinAgeDays: 1 }, now)?.toISOString()).toBe('2026-01-10T12:00:00.000Z');
    // Past moments, skips, no policy, no update: nothing ahead.
    expect(nextSuppressionChange(minor, { snoozeUntil: '2026-01-09T00:00:00.000Z', maturityMode: 'mature', maturityMinAgeDays: 1 }, now)).toBeUndefined();
    expect(nextSuppressionChange(minor, { skipTags: ['1.1.0'] }, now)).toBeUndefined();
    expect(nextSuppressionChange(minor, undefined, now)).toBeUndefined();
    expect(nextSuppressionChange({ ...minor, updateKind: null }, snooze, now)).toBeUndefined();
    // At the moment itself the answer has already changed.
    expect(computeUpdateAvailable(minor, snooze, new Date('2026-01-12T00:00:00.000Z'))).toBe(true);
  });

  it('never reports an update when there is none, and refuses to skip nothing', () => {
    expect(computeUpdateAvailable({ ...minor, updateKind: null }, undefined, now)).toBe(false);
    expect(applyPolicyAction(undefined, { action: 'skip-current' }, { ...minor, updateKind: null }, now)).toHaveProperty('error');
  });
});
