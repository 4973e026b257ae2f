import { describe, expect, it } from '@jest/globals';
import { RequestWindow } from './request-window.ts';

describe('RequestWindow (env reveal: 10 per minute)', () => {
  it('refuses the 11th request of a client within the minute and allows it again once the window slid', () => {
    const window = new RequestWindow(10, 60_000);
    for (let second = 0; second < 10; second++) expect(window.allow('ip:127.0.0.1', second * 1000)).toBe(true);
    expect(window.allow('ip:127.0.0.1', 30_000)).toBe(false);
    // Another client has its own budget.
    expect(window.allow('user:alice', 30_000)).toBe(true);
    // The first request left the window at 60 s.
    expect(window.allow('ip:127.0.0.1', 60_000)).toBe(true);
    expect(window.allow('ip:127.0.0.1', 60_500)).toBe(false);
  });

  it('says how long until the budget has room again, and only counts recorded requests', () => {
    const window = new RequestWindow(3, 60_000);
    expect(window.retryAfterMs('ip:a', 0)).toBe(0);
    window.record('ip:a', 1_000);
    window.record('ip:a', 2_000);
    expect(window.retryAfterMs('ip:a', 2_500)).toBe(0);
    window.record('ip:a', 3_000);
    // Full: the first of the three leaves the window at 61 s.
    expect(window.retryAfterMs('ip:a', 3_000)).toBe(58_000);
    expect(window.retryAfterMs('ip:a', 60_999)).toBe(1);
    expect(window.retryAfterMs('ip:a', 61_000)).toBe(0);
    // Asking does not spend anything.
    for (let i = 0; i < 10; i++) expect(window.retryAfterMs('ip:b', 5_000)).toBe(0);
  });

  it('forgets the oldest client beyond its bound', () => {
    const window = new RequestWindow(1, 60_000, 2);
    window.record('a', 0);
    window.record('b', 0);
    window.record('c', 0);
    expect(window.retryAfterMs('a', 1)).toBe(0);
    expect(window.retryAfterMs('c', 1)).toBeGreaterThan(0);
  });
});
