import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { docker } from '../../bench/exec.ts';
import { buildTestImage, uniqueName } from '../../bench/images.ts';
import { waitFor } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';
import { openSse, type SseReader } from '../live/sse-reader.ts';
import { cleanup, containersNamed, inspect, runLabel } from './helpers.ts';

/**
 * A rollback that fails for real and is finished later: the daemon, the real engine and registry.
 * While the new container is in its health gate, the test moves it away, puts another container
 * of its own under the original name and kills the new one. The rollback then cannot rename the
 * old container back (the engine refuses: the name is in use) and ends `rollback-failed`, with the
 * service down. Once the obstacle is removed, a retry — on the schedule, or at the next start —
 * brings the original container back, running, under its name.
 */
const { registry } = benchState();
const repository = `${registry.address}/${uniqueName('rbr')}`;
const ref = (tag: string) => `${repository}:${tag}`;
const created: string[] = [];
const daemons: RunningDaemon[] = [];
const readers: SseReader[] = [];
const CONFIRM = { 'x-dd-confirm-action': 'container-rollback' };

async function start(extra: Record<string, string>, storePath?: string): Promise<RunningDaemon> {
  const daemon = await startDaemon(
    {
      DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
      DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
      DD_WATCHER_LOCAL_WATCHATSTART: 'false',
      DD_WATCHER_LOCAL_WATCHEVENTS: 'false',
      DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
      // Long enough for the test to act while the new container is in its health gate.
      DD_TRIGGER_DOCKER_LOCAL_GRACESECONDS: '8',
      DD_LOG_LEVEL: 'warn',
      ...extra,
    },
    storePath ? { storePath } : {},
  );
  daemons.push(daemon);
  return daemon;
}

async function call(daemon: RunningDaemon, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${daemon.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

const operationOf = async (daemon: RunningDaemon, id: string) => (await call(daemon, 'GET', `/api/v1/update-operations/${id}`)).body;

/** Runs a container on 1.0.0, updates it to 1.1.0 and makes the rollback fail for real; returns what the test needs. */
async function strandRollback(daemon: RunningDaemon) {
  const name = uniqueName('rbr-c');
  const moved = `${name}-moved`;
  created.push(name, moved);
  await docker('run', '-d', '--name', name, '--label', runLabel(), '--label', 'dd.watch=true', ref('1.0.0'));
  const original = await inspect(name);
  const { body: watched } = await call(daemon, 'POST', '/api/v1/containers/watch');
  const container = (watched.data as Array<Record<string, any>>).find((entry) => entry.name === name);
  expect(container).toMatchObject({ id: original.Id, updateAvailable: true });

  const accepted = await call(daemon, 'POST', `/api/v1/containers/${original.Id}/update`);
  expect(accepted.status).toBe(202);
  const operationId = accepted.body.operationId as string;
  await waitFor(async () => (await operationOf(daemon, operationId)).phase === 'health-gate', 30_000, 'the health gate');
  // The obstacle: the new container moved aside and killed, another container under the name.
  await docker('rename', name, moved);
  await docker('run', '-d', '--name', name, '--label', runLabel(), ref('1.0.0'));
  const obstacle = await inspect(name);
  await docker('kill', moved);

  let operation: Record<string, any> = {};
  await waitFor(async () => {
    operation = await operationOf(daemon, operationId);
    return operation.phase === 'rollback-failed';
  }, 60_000, 'the rollback to fail');
  expect(operation).toMatchObject({ status: 'failed', rollbackReason: expect.stringMatching(/New container exited/) });
  expect(operation.lastError).toMatch(/Cannot rename the old container back to .*another container has the name/);
  // The service is down: the old container stopped under its temporary name; the obstacle untouched.
  const old = await inspect(original.Id);
  expect(old.Name).toBe(`/${operation.temporaryName}`);
  expect(old.State.Running).toBe(false);
  expect((await inspect(name)).Id).toBe(obstacle.Id);
  return { name, original, operationId };
}

async function expectRestored(name: string, original: Record<string, any>): Promise<void> {
  const after = await inspect(name);
  expect(after.Id).toBe(original.Id);
  expect(after.State.Running).toBe(true);
  expect(after.Config.Image).toBe(ref('1.0.0'));
  expect(await containersNamed(name)).toEqual([name]);
}

beforeAll(async () => {
  await buildTestImage({ reference: ref('1.0.0') });
  await buildTestImage({ reference: ref('1.1.0') });
}, 120_000);

afterAll(async () => {
  for (const reader of readers) reader.close();
  for (const daemon of daemons) await daemon.kill().catch(() => undefined);
  for (const name of created) for (const found of await containersNamed(name)) await cleanup('container', [found]);
});

describe('failed rollbacks are retried', () => {
  it('on the backoff schedule while running: a retry by hand reports the obstacle, the next automatic one restores the container', async () => {
    // Retries 3 s, 15 s and 45 s after the failure.
    const daemon = await start({ DD_TRIGGER_DOCKER_LOCAL_ROLLBACKRETRYDELAY: '3' });
    const events = await openSse(`${daemon.url}/api/v1/events/ui`);
    readers.push(events);
    const { name, original, operationId } = await strandRollback(daemon);

    let operation: Record<string, any> = {};
    await waitFor(async () => {
      operation = await operationOf(daemon, operationId);
      return operation.phase === 'rollback-failed' && operation.rollbackRecovery?.attempts === 1;
    }, 30_000, 'the first automatic retry to fail');
    expect(operation.lastError).toMatch(/^Rollback retry 1 \(automatic\) failed: Cannot rename .*; next automatic retry at /);
    expect(operation.rollbackRecovery).toMatchObject({ automaticAttempts: 1, nextAttemptAt: expect.any(String) });
    const nextAt = Date.parse(operation.rollbackRecovery.nextAttemptAt);

    // By hand, with the obstacle still there: 500 with the reason, recorded on the operation.
    expect((await call(daemon, 'POST', `/api/v1/containers/${original.Id}/rollback`, {})).status).toBe(428);
    const manual = await call(daemon, 'POST', `/api/v1/containers/${original.Id}/rollback`, {}, CONFIRM);
    expect(manual.status).toBe(500);
    expect(manual.body).toMatchObject({ code: 'ROLLBACK_FAILED', operationId, error: expect.stringMatching(/^Rollback retry 2 \(manual\) failed: Cannot rename/) });
    operation = await operationOf(daemon, operationId);
    expect(operation.rollbackRecovery).toMatchObject({ attempts: 2, automaticAttempts: 1 });
    expect(Date.parse(operation.rollbackRecovery.nextAttemptAt)).toBe(nextAt);

    await docker('rm', '-f', name);
    await waitFor(async () => (operation = await operationOf(daemon, operationId)).status === 'rolled-back', 40_000, 'the automatic retry to restore the container');
    expect(Date.now()).toBeGreaterThanOrEqual(nextAt);
    expect(operation).toMatchObject({ phase: 'rolled-back', rollbackRecovery: { attempts: 3, automaticAttempts: 2, recoveredAt: expect.any(String) } });
    expect(operation.lastError).toBeUndefined();
    expect(operation.history.at(-1).message).toMatch(/^Rolled back on retry 3 \(automatic\)/);
    const retries = (operation.history as Array<{ phase: string; message?: string }>).filter((entry) => entry.phase === 'rollback-started' && entry.message?.startsWith('Retrying'));
    expect(retries.map((entry) => entry.message)).toEqual([
      'Retrying the rollback (retry 1, automatic)',
      'Retrying the rollback (retry 2, manual)',
      'Retrying the rollback (retry 3, automatic)',
    ]);
    await expectRestored(name, original);

    // Every attempt reached the UI stream as an operation change.
    const changes = events.events
      .filter((event) => event.event === 'dd:update-operation-changed')
      .map((event) => (JSON.parse(event.data) as { operation: Record<string, any> }).operation)
      .filter((entry) => entry.id === operationId);
    expect(changes.filter((entry) => entry.phase === 'rollback-started' && entry.status === 'in-progress').length).toBeGreaterThanOrEqual(4);
    expect(changes.at(-1)).toMatchObject({ status: 'rolled-back', phase: 'rolled-back' });
  }, 150_000);

  it('at the next start, after dockdeck was stopped with a rollback failed', async () => {
    // No automatic retry within the test: only the start retries.
    const first = await start({ DD_TRIGGER_DOCKER_LOCAL_ROLLBACKRETRYDELAY: '3600' });
    const { name, original, operationId } = await strandRollback(first);
    await waitFor(async () => (await operationOf(first, operationId)).rollbackRecovery?.nextAttemptAt !== undefined, 10_000, 'the retry plan');
    expect(await first.stop()).toBe(0);
    await docker('rm', '-f', name);

    const second = await start({ DD_TRIGGER_DOCKER_LOCAL_ROLLBACKRETRYDELAY: '3600' }, first.storePath);
    let operation: Record<string, any> = {};
    await waitFor(async () => (operation = await operationOf(second, operationId)).status === 'rolled-back', 30_000, 'the retry at start');
    expect(operation.history.at(-2).message).toBe('Retrying the rollback (retry 1, start)');
    expect(operation.rollbackRecovery).toMatchObject({ attempts: 1, automaticAttempts: 1 });
    await expectRestored(name, original);
    await second.stop();
  }, 150_000);
});
