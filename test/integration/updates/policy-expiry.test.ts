import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { docker } from '../../bench/exec.ts';
import { buildTestImage, uniqueName } from '../../bench/images.ts';
import { startNtfyReceiver } from '../../bench/receivers/ntfy-receiver.ts';
import type { Receiver } from '../../bench/receivers/receiver.ts';
import { waitFor } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';
import { openSse, type SseReader } from '../live/sse-reader.ts';
import { cleanup, runLabel } from './helpers.ts';

/**
 * A snooze ends by itself: the daemon, the real engine and registry, no watch run after the
 * snooze. The container must flip back to updateAvailable=true at the snooze's end, the UI stream
 * must say so, and the ntfy trigger must publish — all without waiting for the next cycle.
 */
describe('update policy expiry without a watch run', () => {
  const { registry } = benchState();
  const repository = `${registry.address}/${uniqueName('pexp')}`;
  const name = uniqueName('pexp-c');
  let receiver: Receiver;
  let daemon: RunningDaemon | undefined;
  let events: SseReader | undefined;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${daemon!.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const watched = async () => {
    const { body } = await call('POST', '/api/v1/containers/watch');
    const found = (body.data as Array<Record<string, any>>).find((entry) => entry.name === name);
    if (!found) throw new Error(`${name} not in the watch result`);
    return found;
  };
  const mine = () => receiver.accepted.map((request) => JSON.parse(request.body) as Record<string, any>).filter((body) => String(body.title).includes(name));

  beforeAll(async () => {
    receiver = await startNtfyReceiver({ token: 'tk_policy' });
    await buildTestImage({ reference: `${repository}:1.0.0` });
    // 1.1.0 exists locally but reaches the registry only once the container is snoozed.
    await buildTestImage({ reference: `${repository}:1.1.0`, push: false });
    await docker('run', '-d', '--name', name, '--label', runLabel(), '--label', 'dd.watch=true', `${repository}:1.0.0`);
    daemon = await startDaemon({
      DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
      DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
      DD_WATCHER_LOCAL_WATCHATSTART: 'false',
      DD_WATCHER_LOCAL_WATCHEVENTS: 'false',
      DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
      DD_TRIGGER_NTFY_PHONE_URL: receiver.url,
      DD_TRIGGER_NTFY_PHONE_TOPIC: 'dd-policy',
      DD_TRIGGER_NTFY_PHONE_TOKEN: 'tk_policy',
      DD_LOG_LEVEL: 'warn',
    });
  }, 120_000);

  afterAll(async () => {
    events?.close();
    await daemon?.stop();
    await receiver?.close();
    await cleanup('container', [name]);
  });

  it('flips back to updateAvailable=true when the snooze ends, on the SSE stream and through ntfy', async () => {
    const first = await watched();
    expect(first).toMatchObject({ updateAvailable: false, updateKind: null });

    // Seed 003's body, with an explicit end a few seconds ahead.
    const snoozeUntil = new Date(Date.now() + 8000).toISOString();
    const snoozed = await call('PATCH', `/api/v1/containers/${first.id}/update-policy`, { action: 'snooze', snoozeUntil });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body).toMatchObject({ updateAvailable: false, updatePolicy: { snoozeUntil } });

    await docker('push', '-q', `${repository}:1.1.0`);
    const found = await watched();
    expect(found).toMatchObject({ updateAvailable: false, updateKind: { kind: 'minor', remoteValue: '1.1.0' } });
    const checkedAt = found.lastCheckedAt as string;
    expect(mine()).toEqual([]);

    events = await openSse(`${daemon!.url}/api/v1/events/ui`);
    expect(events.status).toBe(200);
    const flipped = await events.waitFor((event) => {
      if (event.event !== 'dd:container-updated') return false;
      const container = (JSON.parse(event.data) as { container: Record<string, any> }).container;
      return container.name === name && container.updateAvailable === true;
    }, 30_000);
    const seenAt = Date.now();
    expect(seenAt).toBeGreaterThanOrEqual(Date.parse(snoozeUntil));
    // Well before any watch cycle (the default cron runs every six hours).
    expect(seenAt - Date.parse(snoozeUntil)).toBeLessThan(5000);
    expect(flipped.id).toBeTruthy();

    const current = await call('GET', `/api/v1/containers/${first.id}`);
    expect(current.body).toMatchObject({ updateAvailable: true, updatePolicy: { snoozeUntil }, lastCheckedAt: checkedAt });
    const listed = await call('GET', '/api/v1/containers?status=update-available&limit=200');
    expect((listed.body.data as Array<Record<string, any>>).map((entry) => entry.name)).toContain(name);

    await waitFor(async () => mine().length > 0, 20_000, 'the ntfy publish after the snooze');
    expect(mine()).toHaveLength(1);
    expect(mine()[0]).toMatchObject({ topic: 'dd-policy', title: `dockdeck: update for ${name} on local` });
    expect(receiver.rejected).toEqual([]);
  }, 90_000);
});
