import { describe, expect, it } from '@jest/globals';
import { parseRouteRules, routeThreshold } from './routing.ts';

const phone = { type: 'ntfy', name: 'phone', threshold: 'all' as const };

describe('dd.trigger.include / dd.trigger.exclude', () => {
  it('parses type.name[:threshold] and name[:threshold], skipping malformed entries', () => {
    expect(parseRouteRules(' ntfy.phone:minor, mail ,bad entry,x:notathreshold,${constructor}')).toEqual([
      { type: 'ntfy', name: 'phone', threshold: 'minor' },
      { name: 'mail' },
    ]);
  });

  it('routes every trigger without labels', () => {
    expect(routeThreshold({}, phone)).toBe('all');
  });

  it('with an include list, routes only the named triggers, with their threshold', () => {
    expect(routeThreshold({ include: 'phone:major' }, phone)).toBe('major');
    expect(routeThreshold({ include: 'ntfy.phone' }, phone)).toBe('all');
    expect(routeThreshold({ include: 'slack.phone' }, phone)).toBeNull();
    expect(routeThreshold({ include: 'mail' }, phone)).toBeNull();
  });

  it('excludes a named trigger', () => {
    expect(routeThreshold({ exclude: 'phone' }, phone)).toBeNull();
    expect(routeThreshold({ exclude: 'ntfy.other' }, phone)).toBe('all');
  });
});
