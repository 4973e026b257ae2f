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
 * Messages about what dockdeck did, end to end: the daemon as a child process, the real engine
 * and bench registry, the strict ntfy receiver. One real update succeeds and one fails its health
 * gate (the release exits at once) and is rolled back: exactly one message each, also after a
 * restart, and none about the available updates (EVENTS does not list update-available).
 */
describe('ntfy messages about updates dockdeck applied or rolled back', () => {
  const { registry } = benchState();
  const goodRepo = `${registry.address}/${uniqueName('res-good')}`;
  const crashRepo = `${registry.address}/${uniqueName('res-crash')}`;
  const scope = `dockdeck.test-scope=${uniqueName('results')}`;
  const good = uniqueName('res-ok');
  const crashing = uniqueName('res-bad');
  const interrupted = uniqueName('res-kill');
  const created: string[] = [];
  let receiver: Receiver;
  let daemon: RunningDaemon | undefined;
  let storePath = '';
  const stores: string[] = [];

  const env = () => ({
    DD_LOG_LEVEL: 'warn',
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_WATCHER_LOCAL_WATCHEVENTS: 'false',
    // Only this test's two containers: nothing else on the shared engine is watched or updated.
    DD_WATCHER_LOCAL_LABELFILTER: `dd.watch=true,${scope}`,
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_SERVER_PUBLICURL: 'http://dockdeck.test:3000',
    DD_TRIGGER_DOCKER_LOCAL_GRACESECONDS: '2',
    DD_TRIGGER_NTFY_X_URL: receiver.url,
    DD_TRIGGER_NTFY_X_TOPIC: 'dd-results',
    DD_TRIGGER_NTFY_X_TOKEN: 'tk_results_secret',
    DD_TRIGGER_NTFY_X_EVENTS: 'update-applied,update-failed',
  });
  const published = () => receiver.accepted.map((request) => JSON.parse(request.body) as Record<string, unknown>);
  const about = (name: string) => published().filter((body) => String(body.title).includes(name));

  async function call(method: string, path: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${daemon!.url}${path}`, { method });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function waitTerminal(operationId: string): Promise<Record<string, any>> {
    let operation: Record<string, any> = {};
    await waitFor(async () => {
      operation = (await call('GET', `/api/v1/update-operations/${operationId}`)).body;
      return ['succeeded', 'rolled-back', 'failed', 'expired'].includes(operation.status);
    }, 60_000, 'the operation to end');
    return operation;
  }

  async function update(id: string): Promise<Record<string, any>> {
    const accepted = await call('POST', `/api/v1/containers/${id}/update`);
    expect(accepted.status).toBe(202);
    return waitTerminal(accepted.body.operationId);
  }

  const runScoped = async (name: string, image: string) => {
    const labels = ['--label', `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`, '--label', 'dd.watch=true', '--label', scope];
    created.push(await exec(DOCKER, ['run', '-d', '--name', name, ...labels, image]));
  };

  const outboxSettled = () =>
    waitFor(async () => {
      const outbox = (await call('GET', '/api/v1/notifications/outbox')).body as { data: { status: string }[] };
      return outbox.data.every((entry) => entry.status === 'sent' || entry.status === 'failed');
    }, 30_000, 'outbox settled');

  beforeAll(async () => {
    receiver = await startNtfyReceiver({ token: 'tk_results_secret' });
    await buildTestImage({ reference: `${goodRepo}:1.0.0` });
    await buildTestImage({ reference: `${goodRepo}:1.1.0` });
    await buildTestImage({ reference: `${crashRepo}:1.0.0` });
    await buildTestImage({ reference: `${crashRepo}:1.1.0`, cmd: ['/bin/sh', '-c', 'exit 3'] });
    await runScoped(good, `${goodRepo}:1.0.0`);
    await runScoped(crashing, `${crashRepo}:1.0.0`);
    daemon = await startDaemon(env());
    storePath = daemon.storePath;
    stores.push(storePath);
  }, 180_000);

  afterAll(async () => {
    await daemon?.kill().catch(() => undefined);
    // Updates recreate containers: remove by name (and any temporary -dd-old- copy) as well as by the first ids.
    const leftovers = (await exec(DOCKER, ['ps', '-aq', '--filter', `label=${scope.split('=')[0]}=${scope.split('=')[1]}`]).catch(() => '')).split('\n').filter(Boolean);
    for (const id of [...created, ...leftovers]) await exec(DOCKER, ['rm', '-f', '-v', id]).catch(() => '');
    await receiver?.close();
    for (const folder of stores) rmSync(folder, { recursive: true, force: true });
  });

  it('sends one message with the versions for an update, one failure message for a rolled-back one, and no more after a restart', async () => {
    const watched = (await call('POST', '/api/v1/containers/watch')).body.data as Array<Record<string, any>>;
    expect(watched.map((container) => container.name).sort()).toEqual([good, crashing].sort());
    expect(watched.every((container) => container.updateAvailable)).toBe(true);
    await outboxSettled();
    // EVENTS lists no update-available: the watch itself is not news for this trigger.
    expect(published()).toEqual([]);

    const applied = await update(watched.find((container) => container.name === good)!.id);
    expect(applied).toMatchObject({ status: 'succeeded', fromVersion: '1.0.0', toVersion: '1.1.0' });
    await waitFor(async () => about(good).length > 0, 20_000, 'the update-applied message');
    expect(about(good)).toEqual([
      {
        topic: 'dd-results',
        title: `✅ ${good} updated 1.0.0 → 1.1.0`,
        message: `${good} updated 1.0.0 → 1.1.0 (local)`,
        priority: 3,
        tags: ['whale', 'update-applied', 'updated'],
        click: 'http://dockdeck.test:3000/operations',
      },
    ]);

    // The receiver refuses the first try: the outbox retries it, still one message in the end.
    receiver.failNext(1);
    const failed = await update(watched.find((container) => container.name === crashing)!.id);
    expect(failed).toMatchObject({ status: 'rolled-back', rollbackReason: expect.stringContaining('exited') });
    await waitFor(async () => about(crashing).length > 0, 30_000, 'the update-failed message');
    expect(about(crashing)).toEqual([
      {
        topic: 'dd-results',
        title: `⚠️ ${crashing}: update to 1.1.0 failed, rolled back to 1.0.0`,
        message: `${crashing}: update to 1.1.0 failed, rolled back to 1.0.0 (local)\nReason: ${failed.rollbackReason}`,
        priority: 4,
        tags: ['whale', 'update-failed', 'rolled-back'],
        click: 'http://dockdeck.test:3000/operations',
      },
    ]);
    const outbox = (await call('GET', '/api/v1/notifications/outbox')).body.data as Array<Record<string, any>>;
    const failureEntry = outbox.find((entry) => entry.result?.operationId === failed.id);
    expect(failureEntry).toMatchObject({ status: 'sent', result: { event: 'update-failed', outcome: 'rolled-back' } });
    expect(failureEntry!.attempts.map((attempt: { ok: boolean }) => attempt.ok)).toEqual([false, true]);

    // A restart resumes the outbox and watches again: nothing is sent twice.
    expect(await daemon!.stop()).toBe(0);
    daemon = await startDaemon(env(), { storePath });
    await call('POST', '/api/v1/containers/watch');
    await outboxSettled();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(about(good)).toHaveLength(1);
    expect(about(crashing)).toHaveLength(1);
    expect(published()).toHaveLength(2);
    expect(receiver.rejected).toEqual([]);
    expect(daemon.output()).not.toContain('tk_results_secret');
  }, 180_000);

  it('sends the failure message of an update that crash recovery rolled back at start, before the triggers listened', async () => {
    await daemon!.stop();
    await runScoped(interrupted, `${goodRepo}:1.0.0`);
    daemon = await startDaemon({ ...env(), DD_TRIGGER_DOCKER_LOCAL_PHASEDELAYMS: '3000' });
    stores.push(daemon.storePath);
    const target = ((await call('POST', '/api/v1/containers/watch')).body.data as Array<Record<string, any>>).find((container) => container.name === interrupted)!;
    const accepted = await call('POST', `/api/v1/containers/${target.id}/update`);
    expect(accepted.status).toBe(202);
    await waitFor(async () => (await call('GET', `/api/v1/update-operations/${accepted.body.operationId}`)).body?.phase === 'renamed', 30_000, 'phase renamed');
    await daemon.kill();
    expect(about(interrupted)).toEqual([]);

    daemon = await startDaemon(env(), { storePath: daemon.storePath });
    const operation = await waitTerminal(accepted.body.operationId);
    expect(operation).toMatchObject({ status: 'rolled-back' });
    await waitFor(async () => about(interrupted).length > 0, 20_000, 'the message about the recovered update');
    await outboxSettled();
    expect(about(interrupted)).toEqual([
      expect.objectContaining({
        title: `⚠️ ${interrupted}: update to 1.1.0 failed, rolled back to 1.0.0`,
        message: `${interrupted}: update to 1.1.0 failed, rolled back to 1.0.0 (local)\nReason: dockdeck stopped during the update; recovered by rolling back`,
        priority: 4,
      }),
    ]);
    expect(receiver.rejected).toEqual([]);
  }, 120_000);
});
