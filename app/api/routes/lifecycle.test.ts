import { describe, expect, it } from '@jest/globals';
import { RequestWindow } from './lifecycle.ts';

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
});
