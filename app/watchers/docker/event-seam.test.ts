import { dockerTimestamp, isoOfNanos, RecentEvents, timeNanoOf } from './event-seam.ts';

describe('event seam', () => {
  it('reads timeNano exactly from the raw line, not from a label that looks like it', () => {
    const line = '{"Type":"container","Action":"start","Actor":{"ID":"a","Attributes":{"timeNano":"42","x":"\\"timeNano\\":7,"}},"time":1772366401,"timeNano":1772366401500123457}';
    expect(timeNanoOf(line)).toBe(1772366401500123457n);
    // What JSON.parse would have given: the last digits are gone.
    expect(BigInt((JSON.parse(line) as { timeNano: number }).timeNano)).not.toBe(1772366401500123457n);
    expect(timeNanoOf('{"Type":"container","Action":"start"}')).toBeUndefined();
  });

  it("writes Docker's since form with nine digits of nanoseconds", () => {
    expect(dockerTimestamp(1772366401500123457n)).toBe('1772366401.500123457');
    expect(dockerTimestamp(1772366401000000007n)).toBe('1772366401.000000007');
    expect(dockerTimestamp(-5n)).toBe('0.000000000');
    expect(isoOfNanos(1772366401500123457n)).toBe('2026-03-01T12:00:01.500Z');
  });

  it('remembers events by container, action and time, forgetting the oldest beyond its capacity', () => {
    const seen = new RecentEvents(2);
    expect(seen.remember('a', 'start', 1n)).toBe(true);
    expect(seen.remember('a', 'start', 1n)).toBe(false);
    expect(seen.remember('a', 'die', 1n)).toBe(true);
    expect(seen.remember('b', 'start', 1n)).toBe(true);
    // 'a start 1' was the oldest: forgotten.
    expect(seen.remember('a', 'start', 1n)).toBe(true);
    expect(seen.remember('b', 'start', 1n)).toBe(false);
  });
});
