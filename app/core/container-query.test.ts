import type { Container, UpdateKind } from './container.ts';
import { containerFixture } from './testing/container-fixture.ts';
import { queryContainers, summarizeContainers, updateMaturity } from './container-query.ts';

const now = new Date('2026-03-31T00:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

function container(id: string, overrides: Partial<Container> & { kind?: UpdateKind; detectedDaysAgo?: number } = {}): Container {
  const { kind, detectedDaysAgo, ...rest } = overrides;
  return containerFixture(id, {
    name: id,
    updateKind: kind ? { kind, localValue: '1.0.0', remoteValue: '2.0.0' } : null,
    updateAvailable: kind !== undefined,
    ...(detectedDaysAgo !== undefined ? { updateDetectedAt: daysAgo(detectedDaysAgo) } : {}),
    ...rest,
  });
}

const fleet: Container[] = [
  container('alpha', { kind: 'major', detectedDaysAgo: 1, createdAt: '2026-01-03T00:00:00Z' }),
  container('bravo', { kind: 'minor', detectedDaysAgo: 10, createdAt: '2026-01-01T00:00:00Z' }),
  container('charlie', { kind: 'digest', detectedDaysAgo: 40, status: 'exited', createdAt: '2026-01-02T00:00:00Z' }),
  container('delta', { watched: false, checkStatus: 'pending', status: 'paused' }),
  container('echo', { checkStatus: 'unknown', error: { message: 'x', at: daysAgo(0) } }),
  container('foxtrot', { watcher: 'remote' }),
];
const ctx = { now, maturityThresholdDays: 7 };
const ids = (page: { data: Container[] }) => page.data.map((c) => c.id);

describe('queryContainers', () => {
  it('pages with the seed envelope (limit 0 = unbounded)', () => {
    expect(queryContainers(fleet, { limit: 2, offset: 0 }, ctx)).toMatchObject({ total: 6, limit: 2, offset: 0, hasMore: true });
    expect(ids(queryContainers(fleet, { limit: 2, offset: 2 }, ctx))).toEqual(['charlie', 'delta']);
    const last = queryContainers(fleet, { limit: 2, offset: 4 }, ctx);
    expect(ids(last)).toEqual(['echo', 'foxtrot']);
    expect(last.hasMore).toBe(false);
    expect(queryContainers(fleet, { limit: 0, offset: 1 }, ctx)).toMatchObject({ total: 6, hasMore: false, data: expect.any(Array) });
    expect(queryContainers(fleet, { limit: 0, offset: 1 }, ctx).data).toHaveLength(5);
    expect(queryContainers(fleet, { limit: 10, offset: 100 }, ctx)).toMatchObject({ data: [], total: 6, hasMore: false });
  });

  it('sorts by name, status, created and update age, with - or order', () => {
    expect(ids(queryContainers(fleet, { limit: 0, offset: 0, sort: '-name' }, ctx))).toEqual(['foxtrot', 'echo', 'delta', 'charlie', 'bravo', 'alpha']);
    expect(ids(queryContainers(fleet, { limit: 0, offset: 0, sort: 'name', order: 'desc' }, ctx))[0]).toBe('foxtrot');
    expect(ids(queryContainers(fleet, { limit: 0, offset: 0, sort: '-name', order: 'asc' }, ctx))[0]).toBe('alpha');
    expect(ids(queryContainers(fleet, { limit: 0, offset: 0, sort: 'status' }, ctx))).toEqual(['charlie', 'delta', 'alpha', 'bravo', 'echo', 'foxtrot']);
    expect(ids(queryContainers(fleet, { limit: 3, offset: 0, sort: '-created' }, ctx))).toEqual(['alpha', 'charlie', 'bravo']);
    expect(ids(queryContainers(fleet, { limit: 3, offset: 0, sort: 'age' }, ctx))).toEqual(['alpha', 'bravo', 'charlie']);
  });

  it('filters by status', () => {
    const by = (status: Parameters<typeof queryContainers>[1]['status']) => ids(queryContainers(fleet, { limit: 0, offset: 0, status }, ctx));
    expect(by('update-available')).toEqual(['alpha', 'bravo', 'charlie']);
    // A failed check (echo) and an unwatched container (delta) are never "up to date".
    expect(by('up-to-date')).toEqual(['foxtrot']);
    expect(by('running')).toEqual(['alpha', 'bravo', 'echo', 'foxtrot']);
    expect(by('stopped')).toEqual(['charlie', 'delta']);
    expect(by('exited')).toEqual(['charlie']);
    expect(by('paused')).toEqual(['delta']);
    expect(by('dead')).toEqual([]);
  });

  it('filters by kind, watcher, maturity and container ids', () => {
    const q = (extra: object) => ids(queryContainers(fleet, { limit: 0, offset: 0, ...extra }, ctx));
    expect(q({ kind: 'major' })).toEqual(['alpha']);
    expect(q({ kind: 'digest' })).toEqual(['charlie']);
    expect(q({ kind: 'patch' })).toEqual([]);
    expect(q({ kind: 'unwatched' })).toEqual(['delta']);
    expect(q({ kind: 'watched' })).toHaveLength(5);
    expect(q({ kind: 'all' })).toHaveLength(6);
    expect(q({ watcher: 'remote' })).toEqual(['foxtrot']);
    expect(q({ maturity: 'hot' })).toEqual(['alpha']);
    expect(q({ maturity: 'mature' })).toEqual(['bravo']);
    expect(q({ maturity: 'established' })).toEqual(['charlie']);
    expect(q({ containerIds: ['echo', 'alpha', 'nope'] })).toEqual(['alpha', 'echo']);
    expect(q({ containerIds: ['alpha', 'bravo'], kind: 'minor' })).toEqual(['bravo']);
  });

  it('moves the hot/mature boundary with the threshold', () => {
    expect(updateMaturity(fleet[1]!, now, 7)).toBe('mature');
    expect(updateMaturity(fleet[1]!, now, 14)).toBe('hot');
    expect(updateMaturity(fleet[3]!, now, 7)).toBeNull();
  });
});

describe('summarizeContainers', () => {
  it('counts containers, updates by kind, unknown and maturity', () => {
    expect(summarizeContainers(fleet, now, 7)).toEqual({
      containers: { total: 6, running: 4, stopped: 2 },
      security: { issues: 0 },
      hotUpdates: 0,
      matureUpdates: 1,
      updates: { total: 3, major: 1, minor: 1, patch: 0, prerelease: 0, digest: 1 },
      unknown: 1,
      upToDate: 1,
    });
    const fresh = [container('new', { kind: 'patch', detectedDaysAgo: 0.5 })];
    expect(summarizeContainers(fresh, now, 7)).toMatchObject({ hotUpdates: 1, matureUpdates: 0 });
  });
});
