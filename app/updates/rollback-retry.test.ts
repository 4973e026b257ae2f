import { describe, expect, it } from '@jest/globals';
import { firstSchedule, scheduleAfterFailure } from './rollback-retry.ts';

const MINUTE = 60_000;
const delays = [MINUTE, 5 * MINUTE, 15 * MINUTE];
const iso = (ms: number) => new Date(ms).toISOString();

describe('rollback retry schedule', () => {
  it('plans the first retry one delay after the failure, then 5 and 15 minutes later, then gives up', () => {
    let plan = firstSchedule(0, delays);
    expect(plan).toEqual({ attempts: 0, automaticAttempts: 0, nextAttemptAt: iso(MINUTE) });
    plan = scheduleAfterFailure(plan, 'automatic', MINUTE, delays, false);
    expect(plan).toEqual({ attempts: 1, automaticAttempts: 1, nextAttemptAt: iso(6 * MINUTE) });
    plan = scheduleAfterFailure(plan, 'automatic', 6 * MINUTE, delays, false);
    expect(plan).toEqual({ attempts: 2, automaticAttempts: 2, nextAttemptAt: iso(21 * MINUTE) });
    plan = scheduleAfterFailure(plan, 'automatic', 21 * MINUTE, delays, false);
    expect(plan).toEqual({ attempts: 3, automaticAttempts: 3, gaveUpAt: iso(21 * MINUTE), gaveUpReason: 'retries-exhausted' });
  });

  it('a retry at start counts as automatic; one by hand keeps the plan and the budget', () => {
    const first = firstSchedule(0, delays);
    const afterStart = scheduleAfterFailure(first, 'start', 10_000, delays, false);
    expect(afterStart).toEqual({ attempts: 1, automaticAttempts: 1, nextAttemptAt: iso(10_000 + 5 * MINUTE) });
    const afterManual = scheduleAfterFailure(afterStart, 'manual', 20_000, delays, false);
    expect(afterManual).toEqual({ attempts: 2, automaticAttempts: 1, nextAttemptAt: afterStart.nextAttemptAt });
    const gaveUp = { attempts: 3, automaticAttempts: 3, gaveUpAt: iso(1), gaveUpReason: 'retries-exhausted' as const };
    expect(scheduleAfterFailure(gaveUp, 'manual', 5, delays, false)).toEqual({ ...gaveUp, attempts: 4 });
  });

  it('stops at once when the old container is gone, and never plans anything without delays', () => {
    expect(scheduleAfterFailure(firstSchedule(0, delays), 'automatic', MINUTE, delays, true)).toEqual({
      attempts: 1, automaticAttempts: 1, gaveUpAt: iso(MINUTE), gaveUpReason: 'old-container-gone',
    });
    expect(firstSchedule(0, [])).toEqual({ attempts: 0, automaticAttempts: 0, gaveUpAt: iso(0), gaveUpReason: 'retries-exhausted' });
  });
});
