import { describe, expect, it } from '@jest/globals';
import { DeadlineTimer, MAX_SLEEP_MS } from './deadline-timer.ts';
import { FakeClock } from './testing/fake-clock.ts';

describe('DeadlineTimer', () => {
  it('fires once at the deadline, only moves earlier with atOrBefore, and keeps a single timer', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    const timer = new DeadlineTimer(clock, () => fired.push(clock.now()));
    timer.atOrBefore(5000);
    timer.atOrBefore(9000);
    timer.atOrBefore(3000);
    expect(timer.deadline).toBe(3000);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(2999);
    expect(fired).toEqual([]);
    clock.advance(10_000);
    expect(fired).toEqual([3000]);
    expect(timer.deadline).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
  });

  it('wakes in bounded steps for a far deadline and fires exactly then', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    const timer = new DeadlineTimer(clock, () => fired.push(clock.now()));
    const far = 40 * 24 * 3_600_000; // beyond setTimeout's 24.8-day limit
    timer.set(far);
    clock.advance(MAX_SLEEP_MS);
    expect(fired).toEqual([]);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(far);
    expect(fired).toEqual([far]);
  });

  it('stop and set(undefined) cancel; a deadline in the past fires at once', () => {
    const clock = new FakeClock(1000);
    const fired: number[] = [];
    const timer = new DeadlineTimer(clock, () => fired.push(clock.now()));
    timer.set(5000);
    timer.stop();
    clock.advance(10_000);
    expect(fired).toEqual([]);
    timer.set(0);
    clock.advance(0);
    expect(fired).toEqual([11_000]);
  });
});
