import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { docker } from '../../bench/exec.ts';
import { buildTestImage, uniqueName } from '../../bench/images.ts';
import { waitFor } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';
import { cleanup, containersNamed, inspect, runLabel } from './helpers.ts';

/**
 * The update feature as a user drives it: the daemon started as a process, the real engine and
 * registry, the HTTP API. Includes SIGKILL in the middle of an update and recovery on restart.
 */
const { registry } = benchState();
const repository = `${registry.address}/${uniqueName('dupd')}`;
const ref = (tag: string) => `${repository}:${tag}`;
const names: string[] = [];
const SECRET_LABEL = 'traefik.http.middlewares.dupd.basicauth.users';
const SECRET_USERS = 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/';
const daemons: RunningDaemon[] = [];

function daemonEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_WATCHER_LOCAL_WATCHEVENTS: 'false',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_TRIGGER_DOCKER_LOCAL_GRACESECONDS: '1',
    DD_LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function start(extra: Record<string, string> = {}, storePath?: string): Promise<RunningDaemon> {
  const daemon = await startDaemon(daemonEnv(extra), storePath ? { storePath } : {});
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
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function runContainer(extraLabels: string[] = []): Promise<string> {
  const name = uniqueName('dupd-c');
  names.push(name);
  const labels = ['--label', runLabel(), '--label', 'dd.watch=true', ...extraLabels.flatMap((label) => ['--label', label])];
  await docker('run', '-d', '--name', name, ...labels, '-e', 'API_TOKEN=hunter2', ref('1.0.0'));
  return name;
}

/** Runs a watch cycle and returns the container's record as the API shows it. */
async function watched(daemon: RunningDaemon, name: string): Promise<Record<string, any>> {
  const { body } = await call(daemon, 'POST', '/api/v1/containers/watch');
  const container = (body.data as Array<Record<string, any>>).find((entry) => entry.name === name);
  if (!container) throw new Error(`container ${name} not in the watch result`);
  return container;
}

async function waitTerminal(daemon: RunningDaemon, operationId: string): Promise<Record<string, any>> {
  let operation: Record<string, any> = {};
  await waitFor(async () => {
    operation = (await call(daemon, 'GET', `/api/v1/update-operations/${operationId}`)).body;
    return ['succeeded', 'rolled-back', 'failed', 'expired'].includes(operation.status);
  }, 60_000, `operation ${operationId} to end`);
  return operation;
}

async function waitPhase(daemon: RunningDaemon, operationId: string, phase: string): Promise<void> {
  await waitFor(async () => (await call(daemon, 'GET', `/api/v1/update-operations/${operationId}`)).body?.phase === phase, 30_000, `phase ${phase}`);
}

beforeAll(async () => {
  await buildTestImage({ reference: ref('1.0.0') });
  await buildTestImage({ reference: ref('1.1.0') });
}, 120_000);

afterAll(async () => {
  for (const daemon of daemons) await daemon.kill().catch(() => undefined);
  for (const name of names) for (const found of await containersNamed(name)) await cleanup('container', [found]);
});

describe('update API on the real engine', () => {
  let daemon: RunningDaemon;
  let name: string;

  beforeAll(async () => {
    daemon = await start({ DD_TRIGGER_DOCKER_LOCAL_PHASEDELAYMS: '300' });
    name = await runContainer([`${SECRET_LABEL}=${SECRET_USERS}`]);
  }, 60_000);

  it('updates, refuses a concurrent one with 409, keeps a backup and rolls back only with confirmation', async () => {
    const container = await watched(daemon, name);
    expect(container).toMatchObject({ updateAvailable: true, result: { tag: '1.1.0' } });
    // The secret label leaves the daemon masked, in the watch answer and in GET.
    expect(container.labels[SECRET_LABEL]).toBe('***');
    expect(container.labels['dd.watch']).toBe('true');
    expect(JSON.stringify((await call(daemon, 'GET', `/api/v1/containers/${container.id}`)).body)).not.toContain('apr1');

    expect((await call(daemon, 'POST', '/api/v1/containers/no-such-container/update')).status).toBe(404);
    const preview = await call(daemon, 'POST', `/api/v1/containers/${container.id}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ currentImage: ref('1.0.0'), targetImage: ref('1.1.0'), running: true });
    expect(preview.body.phases).toContain('health-gate');

    const accepted = await call(daemon, 'POST', `/api/v1/containers/${container.id}/update`);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ message: 'Container update accepted', operationId: expect.any(String) });
    const second = await call(daemon, 'POST', `/api/v1/containers/${container.id}/update`);
    expect(second.status).toBe(409);
    const done = await waitTerminal(daemon, accepted.body.operationId);
    expect(done).toMatchObject({ status: 'succeeded', phase: 'succeeded', fromVersion: '1.0.0', toVersion: '1.1.0' });
    expect((await call(daemon, 'POST', `/api/v1/operations/${done.id}/cancel`)).body).toEqual({ error: 'Operation is not active', code: 'OPERATION_NOT_ACTIVE', status: 'succeeded' });
    expect((await inspect(name)).Config.Image).toBe(ref('1.1.0'));
    // ...while the update copied its real value.
    expect((await inspect(name)).Config.Labels[SECRET_LABEL]).toBe(SECRET_USERS);

    const updated = await watched(daemon, name);
    expect(updated.updateAvailable).toBe(false);
    const none = await call(daemon, 'POST', `/api/v1/containers/${updated.id}/update`);
    expect(none).toMatchObject({ status: 400, body: { code: 'NO_UPDATE_AVAILABLE' } });
    const history = await call(daemon, 'GET', `/api/v1/containers/${updated.id}/update-operations`);
    expect(history.body).toMatchObject({ total: 1, data: [{ id: done.id, status: 'succeeded' }] });
    const backups = await call(daemon, 'GET', `/api/v1/containers/backups?containerName=${name}`);
    expect(backups.body).toMatchObject({ total: 1, data: [{ containerName: name, imageTag: '1.0.0' }] });
    expect(backups.body.data[0].spec).toBeUndefined();

    const unconfirmed = await call(daemon, 'POST', `/api/v1/containers/${updated.id}/rollback`, {});
    expect(unconfirmed.status).toBe(428);
    expect((await inspect(name)).Config.Image).toBe(ref('1.1.0'));
    const rolled = await call(daemon, 'POST', `/api/v1/containers/${updated.id}/rollback`, { backupId: backups.body.data[0].id }, { 'x-dd-confirm-action': 'container-rollback' });
    expect(rolled.status).toBe(200);
    expect(rolled.body.operation).toMatchObject({ kind: 'rollback', status: 'succeeded' });
    const after = await inspect(name);
    expect(after.Config.Image).toBe(ref('1.0.0'));
    expect(after.State.Running).toBe(true);
    expect(await containersNamed(name)).toEqual([name]);
  });

  it('lists operations across containers with filters and paging', async () => {
    const all = await call(daemon, 'GET', `/api/v1/update-operations?containerName=${name}`);
    expect(all.status).toBe(200);
    expect(all.body.data.length).toBeGreaterThanOrEqual(2);
    expect(all.body.data.every((operation: Record<string, any>) => operation.containerName === name)).toBe(true);
    const times = all.body.data.map((operation: Record<string, any>) => operation.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const page = await call(daemon, 'GET', `/api/v1/update-operations?containerName=${name}&limit=1&offset=1&status=succeeded`);
    expect(page.body).toMatchObject({ limit: 1, offset: 1, data: [expect.objectContaining({ status: 'succeeded' })] });
    const bad = await call(daemon, 'GET', '/api/v1/update-operations?limit=abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_QUERY', parameter: 'limit' });
    expect((await call(daemon, 'GET', '/api/v1/update-operations?status=bogus')).status).toBe(400);
  });

  it('skip-current and snooze hide the update; clear shows it again', async () => {
    const container = await watched(daemon, name);
    expect(container.updateAvailable).toBe(true);
    const skipped = await call(daemon, 'PATCH', `/api/v1/containers/${container.id}/update-policy`, { action: 'skip-current' });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ updateAvailable: false, updatePolicy: { skipTags: ['1.1.0'] } });
    // The policy is part of the container everywhere: after a watch, in GET and in the list.
    expect(await watched(daemon, name)).toMatchObject({ updateAvailable: false, updatePolicy: { skipTags: ['1.1.0'] } });
    expect((await call(daemon, 'GET', `/api/v1/containers/${container.id}`)).body.updatePolicy).toEqual({ skipTags: ['1.1.0'] });
    await call(daemon, 'PATCH', `/api/v1/containers/${container.id}/update-policy`, { action: 'clear-skips' });
    const snoozed = await call(daemon, 'PATCH', `/api/v1/containers/${container.id}/update-policy`, { action: 'snooze', days: 3 });
    expect(snoozed.body).toMatchObject({ updateAvailable: false, updatePolicy: { snoozeUntil: expect.any(String) } });
    expect((await watched(daemon, name)).updateAvailable).toBe(false);
    expect((await call(daemon, 'PATCH', `/api/v1/containers/${container.id}/update-policy`, { action: 'snooze' })).status).toBe(400);
    const cleared = await call(daemon, 'PATCH', `/api/v1/containers/${container.id}/update-policy`, { action: 'clear' });
    expect(cleared.body.updateAvailable).toBe(true);
    expect(cleared.body).not.toHaveProperty('updatePolicy');
  });

  it('stops, starts and restarts with timeouts and state conflicts; reveals env only on request', async () => {
    const container = await watched(daemon, name);
    expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/stop?timeout=0`)).body.code).toBe('INVALID_TIMEOUT');
    expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/stop?timeout=301`)).status).toBe(400);
    expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/start`)).status).toBe(409);
    expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/stop?timeout=5`)).body).toMatchObject({ status: 'exited' });
    expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/stop`)).status).toBe(409);
    expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/start`)).body).toMatchObject({ status: 'running' });
    expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/restart?timeout=5`)).body).toMatchObject({ status: 'running' });
    // Everywhere else the secret is masked: the container response and the stored container
    // (only backups keep the full spec, so a rollback can recreate the container as it was).
    const detail = await call(daemon, 'GET', `/api/v1/containers/${container.id}`);
    expect(detail.body.env).toEqual(expect.arrayContaining([{ key: 'API_TOKEN', value: '***', sensitive: true }]));
    expect(JSON.stringify(detail.body)).not.toContain('hunter2');
    const stored = JSON.parse(readFileSync(join(daemon.storePath, 'dd.json'), 'utf8')) as { containers: unknown[] };
    expect(JSON.stringify(stored.containers)).not.toContain('hunter2');
    const revealed = await call(daemon, 'POST', `/api/v1/containers/${container.id}/env/reveal`);
    expect(revealed.body.env).toEqual(expect.arrayContaining([{ key: 'API_TOKEN', value: 'hunter2', sensitive: true }]));
    // Seed 003: at most 10 reveals a minute, then 429.
    for (let count = 2; count <= 10; count++) expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/env/reveal`)).status).toBe(200);
    const limited = await call(daemon, 'POST', `/api/v1/containers/${container.id}/env/reveal`);
    expect({ status: limited.status, code: limited.body.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
  });
});

describe('container actions disabled', () => {
  it('answers 403 for update and lifecycle actions', async () => {
    const daemon = await start({ DD_SERVER_FEATURE_CONTAINERACTIONS: 'false' });
    const name = await runContainer();
    const container = await watched(daemon, name);
    expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/update`)).status).toBe(403);
    expect((await call(daemon, 'POST', `/api/v1/containers/${container.id}/stop`)).status).toBe(403);
    await daemon.stop();
  });
});

describe('crash in the middle of an update', () => {
  it.each(['renamed', 'old-stopped'])('SIGKILL right after %s: on restart the container runs and the operation is terminal', async (phase) => {
    const name = await runContainer();
    const before = await inspect(name);
    const first = await start({ DD_TRIGGER_DOCKER_LOCAL_PHASEDELAYMS: '3000' });
    const container = await watched(first, name);
    const accepted = await call(first, 'POST', `/api/v1/containers/${container.id}/update`);
    expect(accepted.status).toBe(202);
    await waitPhase(first, accepted.body.operationId, phase);
    await first.kill();
    // The crash left the engine mid-update.
    expect((await containersNamed(name)).some((found) => found.includes('-dd-old-'))).toBe(true);

    const second = await start({}, first.storePath);
    const operation = (await call(second, 'GET', `/api/v1/update-operations/${accepted.body.operationId}`)).body;
    expect(['rolled-back', 'succeeded']).toContain(operation.status);
    expect(operation.history.at(-1).message).toMatch(/dockdeck stopped during the update/);
    const after = await inspect(name);
    expect(after.State.Running).toBe(true);
    expect(await containersNamed(name)).toEqual([name]);
    if (operation.status === 'rolled-back') expect(after.Id).toBe(before.Id);
    await second.stop();
  }, 90_000);
});

describe('automatic updates (DD_TRIGGER_DOCKER_{NAME}_AUTO=true)', () => {
  it('updates a container on its own once its check finds the update, once', async () => {
    // Other tests' containers share the engine and the registry: the watcher's label filter scopes
    // this daemon to the one container the test starts, so nothing else can be updated by it.
    const scope = `dockdeck.test-scope=${uniqueName('auto')}`;
    const daemon = await start({
      DD_TRIGGER_DOCKER_LOCAL_AUTO: 'true',
      DD_TRIGGER_DOCKER_LOCAL_THRESHOLD: 'minor',
      DD_WATCHER_LOCAL_WATCHEVENTS: 'true',
      DD_WATCHER_LOCAL_LABELFILTER: `dd.watch=true,${scope}`,
    });
    const outside = await runContainer();
    const name = await runContainer([scope]);
    let operations: Array<Record<string, any>> = [];
    await waitFor(async () => {
      const current = (await call(daemon, 'GET', '/api/v1/containers')).body.data.find((entry: Record<string, any>) => entry.name === name);
      if (!current) return false;
      operations = (await call(daemon, 'GET', `/api/v1/containers/${current.id}/update-operations`)).body.data;
      return operations.some((operation) => operation.status === 'succeeded');
    }, 60_000, 'the automatic update to succeed');
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ status: 'succeeded', fromVersion: '1.0.0', toVersion: '1.1.0', triggerName: 'docker.local' });
    expect(await containersNamed(name)).toEqual([name]);
    expect((await inspect(name)).Config.Image).toBe(ref('1.1.0'));
    // Now up to date: checking it again queues nothing more.
    let after: Record<string, any> | undefined;
    await waitFor(async () => {
      const runningId = (await inspect(name)).Id;
      after = (await call(daemon, 'GET', '/api/v1/containers')).body.data.find((entry: Record<string, any>) => entry.id === runningId);
      return after !== undefined;
    }, 30_000, 'the updated container in the store');
    const checked = await call(daemon, 'POST', `/api/v1/containers/${after!.id}/watch`);
    expect(checked.body).toMatchObject({ updateAvailable: false, updateKind: null });
    const again = (await call(daemon, 'GET', `/api/v1/containers/${after!.id}/update-operations`)).body.data;
    expect(again).toHaveLength(1);
    // The replaced container leaves the store once its destroy event is handled; the container
    // outside the scope is never stored nor touched.
    const storedNames = async () => ((await call(daemon, 'GET', '/api/v1/containers')).body.data as Array<Record<string, any>>).map((entry) => entry.name);
    await waitFor(async () => (await storedNames()).length === 1, 10_000, 'the replaced container to leave the store');
    expect(await storedNames()).toEqual([name]);
    expect((await inspect(outside)).Config.Image).toBe(ref('1.0.0'));
    await daemon.stop();
  });
});

describe('rollback when the backed-up image was removed outside dockdeck', () => {
  it('pulls the image back by its digest and rolls back', async () => {
    const own = `${registry.address}/${uniqueName('drb')}`;
    await buildTestImage({ reference: `${own}:1.0.0` });
    await buildTestImage({ reference: `${own}:1.1.0` });
    const daemon = await start();
    const name = uniqueName('drb-c');
    names.push(name);
    await docker('run', '-d', '--name', name, '--label', runLabel(), '--label', 'dd.watch=true', `${own}:1.0.0`);
    const container = await watched(daemon, name);
    const accepted = await call(daemon, 'POST', `/api/v1/containers/${container.id}/update`);
    expect((await waitTerminal(daemon, accepted.body.operationId)).status).toBe('succeeded');
    const oldImageId = container.image.id as string;
    await docker('rmi', '-f', oldImageId);
    await expect(docker('image', 'inspect', oldImageId)).rejects.toThrow();

    const updated = await watched(daemon, name);
    const rolled = await call(daemon, 'POST', `/api/v1/containers/${updated.id}/rollback`, {}, { 'x-dd-confirm-action': 'container-rollback' });
    expect(rolled.status).toBe(200);
    const after = await inspect(name);
    expect(after.Image).toBe(oldImageId);
    expect(after.State.Running).toBe(true);
  });
});
