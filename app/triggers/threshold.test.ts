import { describe, expect, it } from '@jest/globals';
import { UPDATE_KINDS } from '../core/container.ts';
import { passesThreshold, THRESHOLDS, type Threshold } from './threshold.ts';

const passing = (threshold: Threshold) => UPDATE_KINDS.filter((kind) => passesThreshold(kind, threshold));

describe('passesThreshold', () => {
  it('treats a level as the least severe update reported', () => {
    expect(passing('all')).toEqual(['major', 'minor', 'patch', 'prerelease', 'digest']);
    expect(passing('digest')).toEqual(['major', 'minor', 'patch', 'prerelease', 'digest']);
    expect(passing('patch')).toEqual(['major', 'minor', 'patch', 'prerelease']);
    expect(passing('minor')).toEqual(['major', 'minor']);
    expect(passing('major')).toEqual(['major']);
  });

  it('matches exactly one kind with -only', () => {
    expect(passing('major-only')).toEqual(['major']);
    expect(passing('minor-only')).toEqual(['minor']);
    expect(passing('patch-only')).toEqual(['patch', 'prerelease']);
    expect(passing('digest-only')).toEqual(['digest']);
  });

  it('drops digest-only updates with -no-digest', () => {
    expect(passing('all-no-digest')).toEqual(['major', 'minor', 'patch', 'prerelease']);
    expect(passing('minor-no-digest')).toEqual(['major', 'minor']);
    for (const threshold of THRESHOLDS.filter((t) => t.endsWith('-no-digest'))) expect(passesThreshold('digest', threshold)).toBe(false);
  });
});
