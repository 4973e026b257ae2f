import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { startNtfyReceiver } from '../../bench/receivers/ntfy-receiver.ts';
import type { Receiver } from '../../bench/receivers/receiver.ts';
import { waitFor } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';

/**
 * Issue 4 end to end: the daemon as a child process, the real engine and bench registry, a strict
 * ntfy receiver. 1.0.0 → 1.1.0 is published once; a second watch and a restart send nothing more;
 * a THRESHOLD=major trigger stays silent for the minor update.
 */
describe('ntfy notifications from the real daemon', () => {
  const { registry } = benchState();
  const repo = uniqueName('ntfy-app');
  const containerName = uniqueName('ntfy-web');
  let receiver: Receiver;
  let daemon: RunningDaemon | undefined;
  let storePath = '';
  let containerId = '';

  const env = () => ({
    DD_LOG_LEVEL: 'info',
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_WATCHER_LOCAL_WATCHEVENTS: 'false',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_SERVER_PUBLICURL: 'http://dockdeck.test:3000',
    DD_TRIGGER_NTFY_PHONE_URL: receiver.url,
    DD_TRIGGER_NTFY_PHONE_TOPIC: 'dd-phone',
    DD_TRIGGER_NTFY_PHONE_TOKEN: 'tk_e2e_secret',
    DD_TRIGGER_NTFY_MAJOR_URL: receiver.url,
    DD_TRIGGER_NTFY_MAJOR_TOPIC: 'dd-major',
    DD_TRIGGER_NTFY_MAJOR_TOKEN: 'tk_e2e_secret',
    DD_TRIGGER_NTFY_MAJOR_THRESHOLD: 'major',
  });
  // Other tests share the engine: only publishes about this container count.
  const mine = () => receiver.accepted.map((request) => JSON.parse(request.body) as Record<string, any>).filter((body) => String(body.title).includes(containerName));

  const watchAndSettle = async () => {
    const response = await fetch(`${daemon!.url}/api/v1/containers/watch`, { method: 'POST' });
    expect(response.status).toBe(200);
    await waitFor(async () => {
      const outbox = (await (await fetch(`${daemon!.url}/api/v1/notifications/outbox`)).json()) as { data: { status: string }[] };
      return outbox.data.every((entry) => entry.status === 'sent' || entry.status === 'failed');
    }, 20_000, 'outbox settled');
  };

  beforeAll(async () => {
    receiver = await startNtfyReceiver({ token: 'tk_e2e_secret' });
    for (const tag of ['1.0.0', '1.1.0']) await buildTestImage({ reference: `${registry.address}/${repo}:${tag}` });
    containerId = await exec(DOCKER, [
      'run', '-d', '--name', containerName, '--label', `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`,
      '--label', 'dd.watch=true', '--label', 'dd.link.template=https://example.test/app/releases/${tag}',
      `${registry.address}/${repo}:1.0.0`,
    ]);
    daemon = await startDaemon(env());
    storePath = daemon.storePath;
  }, 180_000);

  afterAll(async () => {
    await daemon?.stop();
    if (containerId) await exec(DOCKER, ['rm', '-f', containerId]).catch(() => '');
    await receiver?.close();
    if (storePath) rmSync(storePath, { recursive: true, force: true });
  });

  it('publishes exactly one well-formed message, and nothing more after a second watch or a restart', async () => {
    await watchAndSettle();
    await waitFor(async () => mine().length > 0, 20_000, 'the ntfy publish');
    expect(receiver.rejected).toEqual([]);
    const published = mine();
    expect(published).toHaveLength(1);
    expect(published[0]).toEqual({
      topic: 'dd-phone',
      title: `dockdeck: update for ${containerName} on local`,
      message: `${containerName} (local): 1.0.0 → 1.1.0 (minor)\nhttps://example.test/app/releases/1.1.0`,
      priority: 3,
      tags: ['whale'],
      click: 'https://example.test/app/releases/1.1.0',
      actions: [{ action: 'http', label: 'Update now', url: `http://dockdeck.test:3000/api/v1/containers/${containerId}/update`, method: 'POST', clear: true }],
    });
    // The THRESHOLD=major trigger sent nothing for a minor update.
    expect(mine().filter((body) => body.topic === 'dd-major')).toEqual([]);
    // Registry requests and the delivery are counted in the Prometheus metrics.
    const metrics = await (await fetch(`${daemon!.url}/metrics`)).text();
    expect(metrics).toMatch(/^dd_registry_requests_total\{registry="custom\.bench",status="200"\} [1-9]\d*$/m);
    // Containers of other tests on the shared engine may be notified too: the counter equals every publish to the topic.
    const phonePublishes = receiver.accepted.filter((request) => (JSON.parse(request.body) as { topic?: string }).topic === 'dd-phone').length;
    expect(metrics).toMatch(new RegExp(`^dd_trigger_deliveries_total\\{trigger="ntfy\\.phone",outcome="sent"\\} ${phonePublishes}$`, 'm'));

    await watchAndSettle();
    expect(mine()).toHaveLength(1);

    expect(await daemon!.stop()).toBe(0);
    daemon = await startDaemon(env(), { storePath });
    await watchAndSettle();
    expect(mine()).toHaveLength(1);
    expect(daemon.output()).not.toContain('tk_e2e_secret');
    const triggers = await (await fetch(`${daemon.url}/api/v1/triggers`)).text();
    expect(triggers).toContain('"token":"***"');
    expect(triggers).not.toContain('tk_e2e_secret');
  });
});
