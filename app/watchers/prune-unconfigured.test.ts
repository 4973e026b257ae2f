import type { Container } from '../core/container.ts';
import { sampleContainer } from '../triggers/testing/sample-container.ts';
import { pruneUnconfiguredWatchers } from './prune-unconfigured.ts';

const on = (watcher: string, name: string): Container => ({ ...sampleContainer(), id: `${watcher}-${name}`, name, watcher });

describe('pruneUnconfiguredWatchers', () => {
  it('removes the containers of watchers no longer configured and keeps the rest in order', () => {
    const data = { containers: [on('local', 'a'), on('old-nas', 'b'), on('edge', 'c'), on('old-nas', 'd'), on('Local', 'e'), on('local', 'f')] };
    const result = pruneUnconfiguredWatchers(data, ['local', 'edge']);
    expect(result).toEqual({ removed: 3, watchers: ['Local', 'old-nas'] });
    expect(data.containers.map((c) => c.id)).toEqual(['local-a', 'edge-c', 'local-f']);
  });

  it('changes nothing when every watcher is configured', () => {
    const containers = [on('local', 'a'), on('edge', 'b')];
    const data = { containers };
    expect(pruneUnconfiguredWatchers(data, new Set(['local', 'edge']))).toEqual({ removed: 0, watchers: [] });
    expect(data.containers).toBe(containers);
    expect(data.containers).toHaveLength(2);
  });

  it('empties the list when no stored watcher is configured any more', () => {
    const data = { containers: [on('gone', 'a')] };
    expect(pruneUnconfiguredWatchers(data, [])).toEqual({ removed: 1, watchers: ['gone'] });
    expect(data.containers).toEqual([]);
  });
});
