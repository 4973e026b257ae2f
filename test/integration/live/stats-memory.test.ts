import { DOCKER, exec } from '../../bench/exec.ts';
import { uniqueName } from '../../bench/images.ts';
import type { WatcherConfig } from '../../../app/config/load-config.ts';
import { EngineConnection } from '../../../app/engine/engine-connection.ts';
import { EngineRelay } from '../watchers/engine-relay.ts';
import { removeContainers, runContainer, startLiveHarness, storedContainer, type LiveHarness } from './harness.ts';

interface Summary {
  watchedCount: number;
  totalMemoryUsageBytes: number;
  totalMemoryLimitBytes: number;
  totalMemoryPercent: number;
}

const MiB = 1024 ** 2;
const watcherBase: WatcherConfig = {
  name: 'local', cron: '0 */6 * * *', jitterSeconds: 0, watchByDefault: true, watchAll: false, watchEvents: false, watchAtStart: false, labelFilter: [],
};

/** The fleet memory total against the real engine: containers without a limit count the host once. */
describe('fleet memory total against the real engine', () => {
  let harness: LiveHarness;
  let hostMemory = 0;
  const unlimited: string[] = [];
  const limited: string[] = [];

  beforeAll(async () => {
    hostMemory = Number(await exec(DOCKER, ['info', '--format', '{{.MemTotal}}']));
    for (let i = 0; i < 3; i++) unlimited.push(await runContainer(uniqueName('dd-nolimit'), ['sleep', '100000']));
    limited.push(await runContainer(uniqueName('dd-limit64'), ['sleep', '100000'], ['--memory', '64m']));
    limited.push(await runContainer(uniqueName('dd-limit32'), ['sleep', '100000'], ['--memory', '32m']));
    harness = await startLiveHarness({ statsIntervalMs: 60_000, heartbeatMs: 60_000 });
  });

  afterAll(async () => {
    await harness?.close();
    await removeContainers([...unlimited, ...limited]);
  });

  const fleetOf = (ids: readonly string[]) =>
    harness.store.update((data) => {
      data.containers.splice(0, data.containers.length, ...ids.map((id, i) => storedContainer(id, `c${i}`)));
    });

  const summary = async (): Promise<Summary> => {
    await harness.live.stats.tick();
    return ((await (await fetch(`${harness.url}/api/v1/stats/summary`)).json()) as { data: Summary }).data;
  };

  it('reads the host memory from engine info once per connection', async () => {
    expect(hostMemory).toBeGreaterThan(256 * MiB);
    const relay = await EngineRelay.start();
    try {
      const connection = new EngineConnection({ ...watcherBase, name: 'relayed', host: '127.0.0.1', port: relay.port });
      expect(await connection.memoryTotal()).toBe(hostMemory);
      // Cached: with the engine out of reach the figure is still known.
      await relay.down();
      expect(await connection.memoryTotal()).toBe(hostMemory);
    } finally {
      await relay.close();
    }
  });

  it('answers undefined, not an error, for an engine it cannot reach', async () => {
    const relay = await EngineRelay.start();
    const connection = new EngineConnection({ ...watcherBase, name: 'gone', host: '127.0.0.1', port: relay.port });
    await relay.close();
    expect(await connection.memoryTotal()).toBeUndefined();
  });

  it('caps the total at the host memory when containers have no limit', async () => {
    fleetOf([...unlimited, ...limited]);
    const data = await summary();
    expect(data.watchedCount).toBe(5);
    // Summed, the unlimited containers alone would be three hosts.
    expect(data.totalMemoryLimitBytes).toBe(hostMemory);
    expect(data.totalMemoryPercent).toBeCloseTo((data.totalMemoryUsageBytes / hostMemory) * 100, 1);
    const perContainer = harness.live.stats.latest(unlimited[0] ?? '');
    expect(perContainer?.memoryLimitBytes).toBeGreaterThan(64 * MiB);
  });

  it('keeps the sum of limits when every container has a limit below the host', async () => {
    fleetOf(limited);
    const data = await summary();
    expect(data.watchedCount).toBe(2);
    expect(data.totalMemoryLimitBytes).toBe(96 * MiB);
  });
});
