import type { UpdateKind } from '../core/container.ts';

/**
 * THRESHOLD: the least severe update a trigger reports (severity major > minor > patch ≥ prerelease > digest).
 * - `all` and `digest`: every update kind (major, minor, patch, prerelease, digest).
 * - `patch`: major, minor, patch and prerelease (every tag change, no digest-only change).
 * - `minor`: major and minor.  `major`: major only.
 * - `{major|minor|patch|digest}-only`: exactly that kind (`patch-only` also takes prerelease).
 * - `{level}-no-digest`: the level without digest-only updates (only changes `all` and `digest`:
 *   `all-no-digest` = every tag change).
 */
export const THRESHOLDS = [
  'all', 'major', 'minor', 'patch', 'digest',
  'major-only', 'minor-only', 'patch-only', 'digest-only',
  'all-no-digest', 'major-no-digest', 'minor-no-digest', 'patch-no-digest',
] as const;
export type Threshold = (typeof THRESHOLDS)[number];

const SEVERITY: Record<UpdateKind, number> = { digest: 0, prerelease: 1, patch: 1, minor: 2, major: 3 };
const LEVEL: Record<string, number> = { all: 0, digest: 0, patch: 1, minor: 2, major: 3 };

export function isThreshold(value: string): value is Threshold {
  return (THRESHOLDS as readonly string[]).includes(value);
}

export function passesThreshold(kind: UpdateKind, threshold: Threshold): boolean {
  if (threshold.endsWith('-only')) {
    const wanted = threshold.slice(0, -'-only'.length);
    return wanted === 'patch' ? kind === 'patch' || kind === 'prerelease' : kind === wanted;
  }
  const noDigest = threshold.endsWith('-no-digest');
  const level = LEVEL[noDigest ? threshold.slice(0, -'-no-digest'.length) : threshold] ?? 0;
  if (noDigest && kind === 'digest') return false;
  return SEVERITY[kind] >= level;
}
