import type { Container } from '../../../app/core/container.ts';
import { EngineConnection } from '../../../app/engine/engine-connection.ts';
import { RegistryHub } from '../../../app/registries/registry-hub.ts';
import { createWatchService } from '../../../app/scheduler/create-watch-service.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { waitFor } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';
import { startApi } from './api-harness.ts';
import { EngineRelay } from './engine-relay.ts';

/** The event stream of a TCP engine that goes away and comes back: reconnect, then catch up on what was missed. */
describe('engine event stream across an engine restart', () => {
  const { registry } = benchState();
  const reference = `${registry.address}/${uniqueName('restart-app')}:1.0.0`;
  let relay: EngineRelay;
  let api: Awaited<ReturnType<typeof startApi>>;
  let containerId = '';
  const stored = (): Container | undefined => api.store.data.containers.find((c) => c.id === containerId);

  beforeAll(async () => {
    await buildTestImage({ reference });
    containerId = await exec(DOCKER, [
      'run', '-d', '--name', uniqueName('wrestart'),
      '--label', `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`, '--label', 'dd.watch=true', reference,
    ]);
    relay = await EngineRelay.start();
    api = await startApi({
      env: {
        DD_WATCHER_REMOTE_HOST: '127.0.0.1',
        DD_WATCHER_REMOTE_PORT: String(relay.port),
        DD_WATCHER_REMOTE_WATCHBYDEFAULT: 'false',
        DD_WATCHER_REMOTE_WATCHATSTART: 'false',
      },
      watch: ({ store, bus, config, logger }) => {
        const engines = new Map(config.watchers.map((watcher) => [watcher.name, new EngineConnection(watcher)]));
        const checker = new RegistryHub([{ provider: 'custom', name: 'bench', url: registry.url, insecure: false, maxRequests: 1000 }], { logger });
        return createWatchService({ config, engines, checker, store, bus, logger });
      },
    });
    api.watch?.start();
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await relay?.close();
    if (containerId) await exec(DOCKER, ['rm', '-f', containerId]).catch(() => '');
  });

  it('reconnects and applies what happened while it was away, without a watch run', async () => {
    await api.watch!.watchAll();
    expect(stored()).toMatchObject({ watcher: 'remote', status: 'running', checkStatus: 'ok' });
    const lastRun = api.watch!.statuses()[0]?.lastRun?.startedAt;
    await waitFor(async () => api.watch!.statuses()[0]?.events === 'connected', 10_000, 'the event stream');

    await relay.down();
    await waitFor(async () => api.watch!.statuses()[0]?.events === 'reconnecting', 10_000, 'the follower to notice');
    // Missed while the engine is unreachable for the watcher.
    await exec(DOCKER, ['stop', '-t', '1', containerId]);
    expect(stored()?.status).toBe('running');
    await relay.up();

    await waitFor(async () => stored()?.status === 'exited', 30_000, 'the resync after reconnecting');
    expect(api.watch!.statuses()[0]).toMatchObject({ events: 'connected' });

    // Events flow again on the new stream.
    await exec(DOCKER, ['rm', '-f', containerId]);
    await waitFor(async () => stored() === undefined, 20_000, 'the destroy event');
    expect(api.watch!.statuses()[0]?.lastRun?.startedAt).toBe(lastRun);
  });
});
