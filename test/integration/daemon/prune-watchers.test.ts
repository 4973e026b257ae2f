import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { benchState } from '../../bench/state.ts';

interface StoreFile {
  containers: Array<{ id: string; name: string; watcher: string }>;
  policies: Record<string, unknown>;
  updateOperations: Array<Record<string, unknown>>;
  backups: Array<Record<string, unknown>>;
  audit: unknown[];
}

/** A watcher removed from the configuration: its stored containers go at the next start, history and policies stay. */
describe('start-up with a watcher no longer configured', () => {
  const { registry } = benchState();
  const repo = uniqueName('prune');
  const keepScope = `dd.test.scope=${uniqueName('prune-keep')}`;
  const oldScope = `dd.test.scope=${uniqueName('prune-old')}`;
  const keepName = uniqueName('prune-keep');
  const oldName = uniqueName('prune-old');
  const daemons: RunningDaemon[] = [];
  const ids: string[] = [];

  const watcherEnv = (name: string, scope: string): Record<string, string> => {
    const prefix = `DD_WATCHER_${name.toUpperCase()}_`;
    return { [`${prefix}SOCKET`]: '/var/run/docker.sock', [`${prefix}LABELFILTER`]: scope, [`${prefix}WATCHATSTART`]: 'false', [`${prefix}WATCHEVENTS`]: 'false', [`${prefix}CRON`]: '0 0 1 1 *' };
  };
  const start = async (env: Record<string, string>, storePath?: string) => {
    const daemon = await startDaemon({ DD_REGISTRY_CUSTOM_BENCH_URL: registry.url, DD_LOG_LEVEL: 'info', ...env }, storePath ? { storePath } : {});
    daemons.push(daemon);
    return daemon;
  };
  const readStore = (daemon: RunningDaemon) => JSON.parse(readFileSync(join(daemon.storePath, 'dd.json'), 'utf8')) as StoreFile;

  beforeAll(async () => {
    for (const tag of ['1.0.0', '1.1.0']) await buildTestImage({ reference: `${registry.address}/${repo}:${tag}` });
    for (const [name, scope] of [[keepName, keepScope], [oldName, oldScope]] as const) {
      ids.push(await exec(DOCKER, ['run', '-d', '--init', '--name', name, '--label', `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`, '--label', 'dd.watch=true', '--label', scope, `${registry.address}/${repo}:1.0.0`]));
    }
  }, 120_000);

  afterAll(async () => {
    for (const daemon of daemons) await daemon.kill().catch(() => undefined);
    await Promise.all(ids.map((id) => exec(DOCKER, ['rm', '-f', id]).catch(() => '')));
  });

  it('removes only the containers of the removed watcher and logs how many; operations, backups and policies stay', async () => {
    const first = await start({ ...watcherEnv('keep', keepScope), ...watcherEnv('old', oldScope) });
    expect((await fetch(`${first.url}/api/v1/containers/watch`, { method: 'POST' })).status).toBe(200);
    const listed = (await (await fetch(`${first.url}/api/v1/containers`)).json()) as { data: Array<{ id: string; name: string; watcher: string }> };
    expect(listed.data.map((c) => [c.name, c.watcher]).sort()).toEqual([[keepName, 'keep'], [oldName, 'old']].sort());
    const oldId = listed.data.find((c) => c.name === oldName)?.id ?? '';
    const skipped = await fetch(`${first.url}/api/v1/containers/${oldId}/update-policy`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'skip-current' }) });
    expect(skipped.status).toBe(200);
    expect(first.output()).not.toContain('no longer configured');
    expect(await first.stop()).toBe(0);

    // History of the old watcher's container, as an earlier update would have left it.
    const before = readStore(first);
    const identity = `::old::${oldName}`;
    expect(Object.keys(before.policies)).toContain(identity);
    const at = new Date().toISOString();
    before.updateOperations.push({
      id: 'op-prune-1', kind: 'update', status: 'succeeded', phase: 'succeeded', createdAt: at, updatedAt: at, watcher: 'old', identity,
      containerName: oldName, containerId: oldId, triggerName: 'manual', fromVersion: '0.9.0', toVersion: '1.0.0',
      currentImage: `${registry.address}/${repo}:0.9.0`, targetImage: `${registry.address}/${repo}:1.0.0`, history: [{ phase: 'succeeded', at }],
    });
    before.backups.push({
      id: 'backup-prune-1', identity, watcher: 'old', containerId: 'f'.repeat(64), containerName: oldName, imageName: `${registry.address}/${repo}`,
      imageTag: '0.9.0', imageId: `sha256:${'e'.repeat(64)}`, imageReference: `${registry.address}/${repo}:0.9.0`, timestamp: at, triggerName: 'manual', operationId: 'op-prune-1', spec: {},
    });
    writeFileSync(join(first.storePath, 'dd.json'), JSON.stringify(before));

    const second = await start(watcherEnv('keep', keepScope), first.storePath);
    const after = (await (await fetch(`${second.url}/api/v1/containers`)).json()) as { data: Array<{ name: string; watcher: string }> };
    expect(after.data.map((c) => [c.name, c.watcher])).toEqual([[keepName, 'keep']]);
    expect((await fetch(`${second.url}/api/v1/containers/${oldId}`)).status).toBe(404);
    const line = second.output().split('\n').find((text) => text.includes('no longer configured'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ containers: 1, watchers: ['old'] });
    const operations = (await (await fetch(`${second.url}/api/v1/update-operations?containerName=${oldName}`)).json()) as { data: Array<{ id: string }> };
    expect(operations.data.map((op) => op.id)).toEqual(['op-prune-1']);
    expect(await second.stop()).toBe(0);

    const stored = readStore(second);
    expect(stored.containers.map((c) => c.name)).toEqual([keepName]);
    expect(stored.policies[identity]).toEqual(before.policies[identity]);
    expect(stored.updateOperations).toEqual(before.updateOperations);
    expect(stored.backups).toEqual(before.backups);
    expect(stored.audit).toEqual(before.audit);

    // Nothing left to prune: a later start says nothing.
    const third = await start(watcherEnv('keep', keepScope), first.storePath);
    expect(await third.stop()).toBe(0);
    expect(third.output()).not.toContain('no longer configured');
  }, 120_000);
});
