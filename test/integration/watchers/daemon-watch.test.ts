import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container } from '../../../app/core/container.ts';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { benchState } from '../../bench/state.ts';

/** The daemon as a user starts it: DD_REGISTRY_CUSTOM_* and DD_WATCHER_* variables, watch at start, SIGTERM. */
describe('the daemon watching the real engine', () => {
  const { registry } = benchState();
  const repo = uniqueName('daemon-watch');
  let daemon: RunningDaemon | undefined;
  let containerId = '';

  beforeAll(async () => {
    for (const tag of ['1.0.0', '1.0.1']) await buildTestImage({ reference: `${registry.address}/${repo}:${tag}` });
    containerId = await exec(DOCKER, [
      'run', '-d', '--name', uniqueName('dwatch'),
      '--label', `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`, '--label', 'dd.watch=true',
      `${registry.address}/${repo}:1.0.0`,
    ]);
    daemon = await startDaemon({
      DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
      DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
      DD_WATCHER_LOCAL_CRON: '*/30 * * * *',
      DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    });
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
    if (containerId) await exec(DOCKER, ['rm', '-f', containerId]).catch(() => '');
  });

  it('finds the patch update, lists the watcher, and keeps it in the store after SIGTERM', async () => {
    const watch = await fetch(`${daemon!.url}/api/v1/containers/${containerId}/watch`, { method: 'POST' }).catch(() => undefined);
    // The run at start may not have stored the container yet: a full watch finds it either way.
    if (!watch || watch.status !== 200) expect((await fetch(`${daemon!.url}/api/v1/containers/watch`, { method: 'POST' })).status).toBe(200);
    const one = (await (await fetch(`${daemon!.url}/api/v1/containers/${containerId}`)).json()) as Container;
    expect(one).toMatchObject({ checkStatus: 'ok', updateKind: { kind: 'patch', remoteValue: '1.0.1' }, updateAvailable: true });

    const watchers = (await (await fetch(`${daemon!.url}/api/v1/watchers`)).json()) as { data: Record<string, unknown>[] };
    expect(watchers.data[0]).toMatchObject({ name: 'local', cron: '*/30 * * * *', endpoint: 'unix:///var/run/docker.sock', nextRunAt: expect.any(String) });

    expect(await daemon!.stop()).toBe(0);
    const stored = JSON.parse(readFileSync(join(daemon!.storePath, 'dd.json'), 'utf8')) as { containers: Container[] };
    expect(stored.containers.find((c) => c.id === containerId)?.updateKind?.kind).toBe('patch');
  });
});
