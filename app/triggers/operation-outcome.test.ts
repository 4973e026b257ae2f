import { describe, expect, it } from '@jest/globals';
import { outcomeKey, outcomeOf, severityOf } from './operation-outcome.ts';
import { sampleOperation } from './testing/sample-operation.ts';

describe('operation outcomes', () => {
  it('maps every end of an operation to its event kind and severity', () => {
    const cases = [
      [sampleOperation('succeeded'), 'updated', 'update-applied', 'info'],
      [sampleOperation('succeeded', { kind: 'rollback' }), 'restored', 'update-applied', 'info'],
      [sampleOperation('rolled-back'), 'rolled-back', 'update-failed', 'warning'],
      [sampleOperation('failed'), 'failed', 'update-failed', 'warning'],
      [sampleOperation('rollback-failed'), 'rollback-failed', 'rollback-failed', 'critical'],
      [sampleOperation('gave-up'), 'rollback-gave-up', 'rollback-failed', 'critical'],
      [sampleOperation('recovered'), 'rollback-recovered', 'rollback-failed', 'info'],
    ] as const;
    for (const [operation, outcome, event, severity] of cases) {
      const result = outcomeOf(operation);
      expect(result).toMatchObject({ outcome, event });
      expect(severityOf(result!)).toBe(severity);
    }
  });

  it('says nothing while an operation runs, when it expired, or when the record is not an operation', () => {
    expect(outcomeOf(sampleOperation('in-progress'))).toBeUndefined();
    expect(outcomeOf(sampleOperation('expired'))).toBeUndefined();
    expect(outcomeOf({ status: 'succeeded' })).toBeUndefined();
    expect(outcomeOf(sampleOperation('succeeded', { id: 42 }))).toBeUndefined();
  });

  it('keeps the versions, the reason of a failure and the container that runs now', () => {
    expect(outcomeOf(sampleOperation('succeeded'))).toEqual({
      event: 'update-applied',
      outcome: 'updated',
      operationId: 'op-1',
      operationKind: 'update',
      containerId: 'new-id',
      containerName: 'web',
      identity: '::local::web',
      watcher: 'local',
      fromVersion: '1.2.0',
      toVersion: '1.3.0',
      targetImage: '127.0.0.1:5000/app:1.3.0',
      at: '2026-01-01T10:01:00.000Z',
    });
    expect(outcomeOf(sampleOperation('rolled-back'))).toMatchObject({ containerId: 'old-id', reason: 'container exited (code 3)' });
    expect(outcomeOf(sampleOperation('gave-up'))).toMatchObject({ gaveUpReason: 'retries-exhausted', reason: expect.stringContaining('retry 3') });
    expect(outcomeOf(sampleOperation('recovered'))).not.toHaveProperty('reason');
    expect(outcomeOf(sampleOperation('succeeded', { identity: 'edge::local::web' }))).toMatchObject({ agent: 'edge' });
    expect(outcomeOf(sampleOperation('failed', { lastError: 'x'.repeat(5000) }))!.reason).toHaveLength(2001);
  });

  it('marks a failed health gate without automatic rollback as kept', () => {
    const history = [{ phase: 'new-started' }, { phase: 'health-gate' }, { phase: 'failed' }];
    expect(outcomeOf(sampleOperation('failed', { history }))).toMatchObject({ outcome: 'failed', kept: true });
    expect(outcomeOf(sampleOperation('failed'))).not.toHaveProperty('kept');
  });

  it('keys one message per operation and outcome', () => {
    const failed = outcomeOf(sampleOperation('rollback-failed'))!;
    const retriedAndFailedAgain = outcomeOf(sampleOperation('rollback-failed', { lastError: 'Rollback retry 1 failed', updatedAt: '2026-01-01T10:05:00.000Z' }))!;
    expect(outcomeKey(retriedAndFailedAgain)).toBe(outcomeKey(failed));
    expect(outcomeKey(outcomeOf(sampleOperation('gave-up'))!)).not.toBe(outcomeKey(failed));
    expect(outcomeKey(outcomeOf(sampleOperation('rollback-failed', { id: 'op-2' }))!)).not.toBe(outcomeKey(failed));
  });
});
