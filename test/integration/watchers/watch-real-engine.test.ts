import type { ChildProcess } from 'node:child_process';
import type { Container } from '../../../app/core/container.ts';
import { EngineConnection } from '../../../app/engine/engine-connection.ts';
import { RegistryHub } from '../../../app/registries/registry-hub.ts';
import { createWatchService } from '../../../app/scheduler/create-watch-service.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { startRegistry, waitFor, type RunningRegistry } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';
import { getJson, startApi } from './api-harness.ts';

/**
 * Issue 3 "what it must show", from the user's side: real engine, real registry, the API started
 * in-process, `POST /api/v1/containers/watch`, and engine events reflected without a watch run.
 */
const runId = process.env.DD_TEST_RUN_ID ?? 'manual';
const created: string[] = [];

async function run(name: string, image: string, labels: Record<string, string> = {}): Promise<string> {
  const args = ['run', '-d', '--name', name, '--label', `${RUN_LABEL}=${runId}`, '--label', 'dd.watch=true'];
  for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`);
  const id = await exec(DOCKER, [...args, image]);
  created.push(id);
  return id;
}

describe('watching the real engine and registry', () => {
  const { registry } = benchState();
  const repo = uniqueName('watch-app');
  const image = (tag: string) => `${registry.address}/${repo}:${tag}`;
  let faultRegistry: { registry: RunningRegistry; child: ChildProcess };
  let api: Awaited<ReturnType<typeof startApi>>;
  const ids: Record<string, string> = {};
  const byId = (id: string): Container | undefined => api.store.data.containers.find((c) => c.id === id);

  beforeAll(async () => {
    faultRegistry = await startRegistry();
    const faultImage = `${faultRegistry.registry.address}/${uniqueName('fault')}:1.0.0`;
    for (const tag of ['1.1.0', '2.0.0', '2.0.0-rc1', 'latest', '1.0.0']) await buildTestImage({ reference: image(tag) });
    await buildTestImage({ reference: faultImage });
    await buildTestImage({ reference: faultImage.replace(':1.0.0', ':1.2.0') });
    ids.plain = await run(uniqueName('wplain'), image('1.0.0'));
    ids.ones = await run(uniqueName('wones'), image('1.0.0'), { 'dd.tag.include': '^1\\.' });
    ids.latest = await run(uniqueName('wlatest'), image('latest'));
    ids.fault = await run(uniqueName('wfault'), faultImage);
    ids.evil = await run(uniqueName('wevil'), image('1.0.0'), { 'dd.tag.include': '(a+)+$' });
    const hubConfigs = [
      { provider: 'custom', name: 'bench', url: registry.url, insecure: false, maxRequests: 1000 },
      { provider: 'custom', name: 'fault', url: faultRegistry.registry.url, insecure: false, maxRequests: 1000 },
    ];
    api = await startApi({
      // Only containers labelled dd.watch=true are checked: the engine is shared with other tests.
      env: { DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock', DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false', DD_WATCHER_LOCAL_WATCHATSTART: 'false' },
      watch: ({ store, bus, config, logger }) => {
        const engines = new Map(config.watchers.map((watcher) => [watcher.name, new EngineConnection(watcher)]));
        const checker = new RegistryHub(hubConfigs, { logger });
        return createWatchService({ config, engines, checker, store, bus, logger });
      },
    });
    api.watch?.start();
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    if (created.length > 0) await exec(DOCKER, ['rm', '-f', ...created]).catch(() => '');
    try {
      if (faultRegistry) process.kill(faultRegistry.registry.pid);
    } catch {
      // already stopped by the test
    }
  });

  it('reports major 2.0.0, minor 1.1.0 with dd.tag.include, and unknown for a bad label', async () => {
    const { status, body } = await getJson(`${api.url}/api/v1/containers/watch`, { method: 'POST' });
    expect(status).toBe(200);
    const mine = (id: string) => body.data.find((c: Container) => c.id === id) as Container;
    expect(mine(ids.plain!)).toMatchObject({
      checkStatus: 'ok',
      updateAvailable: true,
      result: { tag: '2.0.0' },
      updateKind: { kind: 'major', localValue: '1.0.0', remoteValue: '2.0.0' },
      image: { name: repo, tag: { value: '1.0.0', semver: true } },
    });
    expect(mine(ids.plain!).updateDetectedAt).toEqual(expect.any(String));
    expect(mine(ids.ones!)).toMatchObject({ checkStatus: 'ok', updateKind: { kind: 'minor', remoteValue: '1.1.0' }, result: { tag: '1.1.0' } });
    expect(mine(ids.latest!)).toMatchObject({ checkStatus: 'ok', updateAvailable: false, updateKind: null, image: { digest: { watch: true } } });
    expect(mine(ids.fault!)).toMatchObject({ checkStatus: 'ok', updateKind: { kind: 'minor', remoteValue: '1.2.0' } });
    expect(mine(ids.evil!)).toMatchObject({ checkStatus: 'unknown', error: { code: 'INVALID_LABEL' } });
    const kinds = await getJson(`${api.url}/api/v1/containers?kind=major&containerIds=${Object.values(ids).join(',')}`);
    expect(kinds.body.data.map((c: Container) => c.id)).toEqual([ids.plain]);
  });

  it('a re-pushed :latest is a digest update', async () => {
    await buildTestImage({ reference: image('latest'), content: 'new latest content' });
    const { status, body } = await getJson(`${api.url}/api/v1/containers/${ids.latest}/watch`, { method: 'POST' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ checkStatus: 'ok', updateAvailable: true, updateKind: { kind: 'digest' } });
  });

  it('a registry fault makes that container unknown with the last result kept; the others are still checked', async () => {
    process.kill(faultRegistry.registry.pid);
    await waitFor(async () => {
      try {
        await fetch(`${faultRegistry.registry.url}/v2/`);
        return false;
      } catch {
        return true;
      }
    }, 10_000, 'the fault registry to stop');
    const { body } = await getJson(`${api.url}/api/v1/containers/watch`, { method: 'POST' });
    const mine = (id: string) => body.data.find((c: Container) => c.id === id) as Container;
    expect(mine(ids.fault!)).toMatchObject({
      checkStatus: 'unknown',
      error: { message: expect.any(String), at: expect.any(String) },
      result: { tag: '1.2.0' },
      updateKind: { kind: 'minor' },
      updateAvailable: true,
    });
    expect(mine(ids.plain!)).toMatchObject({ checkStatus: 'ok', updateKind: { kind: 'major' } });
    const upToDate = await getJson(`${api.url}/api/v1/containers?status=up-to-date&containerIds=${ids.fault}`);
    expect(upToDate.body.total).toBe(0);
  });

  it('engine events keep the store fresh without a watch run', async () => {
    await getJson(`${api.url}/api/v1/containers/watch`, { method: 'POST' });
    const runsBefore = api.watch?.statuses()[0]?.lastRun?.startedAt;
    expect(runsBefore).toEqual(expect.any(String));
    await exec(DOCKER, ['stop', '-t', '1', ids.plain!]);
    await waitFor(async () => byId(ids.plain!)?.status === 'exited', 20_000, 'the stopped state to reach the store');
    expect(byId(ids.plain!)).toMatchObject({ result: { tag: '2.0.0' }, updateAvailable: true });

    await exec(DOCKER, ['rm', '-f', ids.ones!]);
    await waitFor(async () => byId(ids.ones!) === undefined, 20_000, 'the removed container to leave the store');

    const newcomer = await run(uniqueName('wnew'), image('1.0.0'));
    await waitFor(async () => byId(newcomer)?.checkStatus === 'ok', 30_000, 'the new container to be checked');
    expect(byId(newcomer)).toMatchObject({ updateKind: { kind: 'major' } });
    expect(api.watch?.statuses()[0]?.lastRun?.startedAt).toBe(runsBefore);
  });

  it('GET /watchers shows the engine endpoint and the event stream', async () => {
    const { body } = await getJson(`${api.url}/api/v1/watchers`);
    expect(body.data[0]).toMatchObject({ name: 'local', endpoint: 'unix:///var/run/docker.sock', events: 'connected', watchByDefault: false });
  });
});
