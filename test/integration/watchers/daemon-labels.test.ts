import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container } from '../../../app/core/container.ts';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { benchState } from '../../bench/state.ts';
import { openSse, type SseReader } from '../live/sse-reader.ts';

const SECRET_LABELS = {
  'traefik.http.middlewares.dlabels.basicauth.users': 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/',
  'com.example.db.password': 'hunter2-label',
  'com.example.dsn-url': 'postgres://app:s3cret-in-url@db:5432/app',
};
const SECRET_VALUES = ['apr1', 'hunter2-label', 's3cret-in-url'];

/** Labels leave the daemon masked (API, SSE, the store file), the way env does; dd.* and plain labels stay readable. */
describe('labels masked by the daemon watching the real engine', () => {
  const { registry } = benchState();
  const repo = uniqueName('dlabels');
  const scope = `dd.test.scope=${uniqueName('dlabels-scope')}`;
  let daemon: RunningDaemon | undefined;
  let reader: SseReader | undefined;
  let containerId = '';

  beforeAll(async () => {
    await buildTestImage({ reference: `${registry.address}/${repo}:1.0.0` });
    containerId = await exec(DOCKER, [
      'run', '-d', '--init', '--name', uniqueName('dlabels'),
      '--label', `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`, '--label', 'dd.watch=true', '--label', 'dd.display.name=Labelled',
      '--label', scope, '--label', 'team=media',
      ...Object.entries(SECRET_LABELS).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
      '-e', 'DB_PASSWORD=hunter2-env',
      `${registry.address}/${repo}:1.0.0`,
    ]);
    daemon = await startDaemon({
      DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
      DD_WATCHER_LOCAL_LABELFILTER: scope,
      DD_WATCHER_LOCAL_WATCHATSTART: 'false',
      DD_WATCHER_LOCAL_CRON: '0 0 1 1 *',
      DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    });
  }, 120_000);

  afterAll(async () => {
    reader?.close();
    await daemon?.stop();
    if (containerId) await exec(DOCKER, ['rm', '-f', containerId]).catch(() => '');
  });

  it('masks sensitive label values in SSE, the list, GET and the store; dd.* labels stay as they are', async () => {
    reader = await openSse(`${daemon!.url}/api/v1/events/ui`);
    await reader.waitFor((e) => e.event === 'dd:connected');
    expect((await fetch(`${daemon!.url}/api/v1/containers/watch`, { method: 'POST' })).status).toBe(200);
    const added = await reader.waitFor((e) => e.event === 'dd:container-added' && e.data.includes(containerId), 30_000);

    const one = (await (await fetch(`${daemon!.url}/api/v1/containers/${containerId}`)).json()) as Container;
    const list = await (await fetch(`${daemon!.url}/api/v1/containers`)).text();
    expect(one.labels).toMatchObject({
      'traefik.http.middlewares.dlabels.basicauth.users': '***',
      'com.example.db.password': '***',
      'com.example.dsn-url': '***',
      'dd.watch': 'true',
      'dd.display.name': 'Labelled',
      team: 'media',
    });
    expect(one.displayName).toBe('Labelled');
    expect(one.env).toContainEqual({ key: 'DB_PASSWORD', value: '***', sensitive: true });

    await daemon!.stop();
    const file = readFileSync(join(daemon!.storePath, 'dd.json'), 'utf8');
    for (const text of [added.data, JSON.stringify(one), list, file]) {
      expect(text).toContain('traefik.http.middlewares.dlabels.basicauth.users');
      for (const secret of [...SECRET_VALUES, 'hunter2-env']) expect(text).not.toContain(secret);
    }
    // The engine keeps the real values.
    const inspected = JSON.parse(await exec(DOCKER, ['inspect', containerId])) as Array<{ Config: { Labels: Record<string, string> } }>;
    expect(inspected[0]?.Config.Labels).toMatchObject(SECRET_LABELS);
  });
});
