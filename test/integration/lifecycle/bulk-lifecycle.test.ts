import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { docker } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { benchState } from '../../bench/state.ts';
import { openSse } from '../live/sse-reader.ts';

/**
 * Bulk start/stop/restart as a script drives them: the daemon as a process, the real engine.
 * The engine is shared with other tests, so the daemon's watcher is scoped by a label filter to
 * this file's containers, and the test refuses to go on if the store shows anything else.
 */
const { registry } = benchState();
const runLabel = `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`;
const scope = uniqueName('bulk-scope');
const image = `${registry.address}/${uniqueName('bulk')}:1.0.0`;
const watchedNames = ['a', 'b', 'c'].map((letter) => uniqueName(`bulk-${letter}`));
const unwatchedName = uniqueName('bulk-unwatched');
const mine = [...watchedNames, unwatchedName];
const [nameA, nameB, nameC] = watchedNames as [string, string, string];
let daemon: RunningDaemon;
const ids = new Map<string, string>();

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${daemon.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function running(name: string): Promise<boolean> {
  const [data] = JSON.parse(await docker('inspect', name)) as Array<{ State: { Running: boolean } }>;
  return Boolean(data?.State.Running);
}

async function startedAt(name: string): Promise<string> {
  return (await docker('inspect', '-f', '{{.State.StartedAt}}', name)).trim();
}

const id = (name: string) => ids.get(name) as string;
const confirm = (action: string) => ({ 'X-DD-Confirm-Action': `containers-${action}-all` });

beforeAll(async () => {
  await buildTestImage({ reference: image });
  for (const name of mine) {
    const watch = name === unwatchedName ? 'false' : 'true';
    // --init: PID 1 forwards SIGTERM, so every stop is quick whatever the command.
    await docker('run', '-d', '--init', '--name', name, '--label', runLabel, '--label', `dockdeck.bulk-scope=${scope}`, '--label', `dd.watch=${watch}`, image);
  }
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_LABELFILTER: `dockdeck.bulk-scope=${scope}`,
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_WATCHER_LOCAL_WATCHALL: 'true',
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_WATCHER_LOCAL_CRON: '0 0 1 1 *',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_LOG_LEVEL: 'warn',
  });
  const watched = await call('POST', '/api/v1/containers/watch');
  expect(watched.status).toBe(200);
  const stored = (watched.body.data as Array<{ id: string; name: string; watched: boolean }>);
  // The safety net for the shared engine: the daemon knows our four containers and nothing else.
  expect(stored.map((container) => container.name).sort()).toEqual([...mine].sort());
  for (const container of stored) ids.set(container.name, container.id);
}, 120_000);

afterAll(async () => {
  await daemon?.stop();
  for (const name of mine) await docker('rm', '-f', name).catch(() => '');
}, 60_000);

describe('batch', () => {
  it('stops, then starts, exactly the listed containers; an unknown id fails on its own', async () => {
    const events = await openSse(`${daemon.url}/api/v1/events/ui`);
    try {
      const stopped = await call('POST', '/api/v1/containers/batch', { action: 'stop', containerIds: [id(nameA), 'no-such-container', nameB], timeout: 5 });
      expect(stopped.status).toBe(200);
      expect(stopped.body).toEqual({
        message: 'Batch operation completed',
        total: 3,
        success: 2,
        failed: 1,
        results: [
          { id: id(nameA), name: nameA, success: true, status: 'exited' },
          { id: 'no-such-container', name: '', success: false, code: 'CONTAINER_NOT_FOUND', error: expect.any(String) },
          { id: id(nameB), name: nameB, success: true, status: 'exited' },
        ],
      });
      expect([await running(nameA), await running(nameB), await running(nameC)]).toEqual([false, false, true]);
      // The same completion event a single stop sends, once per container.
      for (const name of [nameA, nameB]) {
        await events.waitFor((event) => event.event === 'dd:container-action-completed' && JSON.parse(event.data).containerName === name);
      }
      // The store knows at once (no waiting for engine events): the list shows them stopped.
      const list = await call('GET', '/api/v1/containers?status=stopped');
      expect((list.body.data as Array<{ name: string }>).map((c) => c.name).sort()).toEqual([nameA, nameB].sort());

      // Again: they are already stopped, which each result says.
      const again = await call('POST', '/api/v1/containers/batch', { action: 'stop', containerIds: [nameA] });
      expect(again.body).toMatchObject({ total: 1, success: 0, failed: 1, results: [{ name: nameA, success: false, code: 'ALREADY_STOPPED' }] });

      const started = await call('POST', '/api/v1/containers/batch', { action: 'start', containerIds: [nameA, id(nameB), nameA] });
      expect(started.body).toMatchObject({ total: 2, success: 2, failed: 0 });
      expect([await running(nameA), await running(nameB)]).toEqual([true, true]);
    } finally {
      events.close();
    }
  }, 60_000);

  it('answers 400 with a clear code for a bad request, and acts on nothing', async () => {
    const bad = async (body: unknown) => {
      const { status, body: answer } = await call('POST', '/api/v1/containers/batch', body);
      return `${status} ${answer.code}`;
    };
    expect(await bad({ action: 'kill', containerIds: [nameA] })).toBe('400 INVALID_ACTION');
    expect(await bad({ containerIds: [nameA] })).toBe('400 INVALID_ACTION');
    expect(await bad({ action: 'stop', containerIds: [] })).toBe('400 EMPTY_CONTAINER_LIST');
    expect(await bad({ action: 'stop' })).toBe('400 EMPTY_CONTAINER_LIST');
    expect(await bad({ action: 'stop', containerIds: nameA })).toBe('400 INVALID_BODY');
    expect(await bad({ action: 'stop', containerIds: [42] })).toBe('400 INVALID_BODY');
    expect(await bad({ action: 'stop', containerIds: [nameA], timeout: '5' })).toBe('400 INVALID_BODY');
    expect(await bad({ action: 'stop', containerIds: [nameA], timeout: 0 })).toBe('400 INVALID_TIMEOUT');
    expect(await bad({ action: 'stop', containerIds: [nameA], timeout: 301 })).toBe('400 INVALID_TIMEOUT');
    expect(await bad({ action: 'stop', containerIds: Array.from({ length: 101 }, (_, i) => `id-${i}`) })).toBe('400 TOO_MANY_CONTAINERS');
    const malformed = await fetch(`${daemon.url}/api/v1/containers/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"action":' });
    expect(malformed.status).toBe(400);
    expect(await running(nameA)).toBe(true);
  });
});

describe('start-all, stop-all, restart-all', () => {
  it('refuses without the confirmation header (428) and touches nothing', async () => {
    for (const action of ['start', 'stop', 'restart']) {
      const refused = await call('POST', `/api/v1/containers/${action}-all`);
      expect({ status: refused.status, code: refused.body.code, requiredValue: refused.body.requiredValue }).toEqual({
        status: 428,
        code: 'CONFIRMATION_REQUIRED',
        requiredValue: `containers-${action}-all`,
      });
    }
    const wrong = await call('POST', '/api/v1/containers/stop-all', undefined, { 'X-DD-Confirm-Action': 'containers-start-all' });
    expect(wrong.status).toBe(428);
    for (const name of mine) expect(await running(name)).toBe(true);
  });

  it('acts on every watched container and never on an unwatched one', async () => {
    const stopped = await call('POST', '/api/v1/containers/stop-all?timeout=5', undefined, confirm('stop'));
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ message: 'Stop all operation completed', total: 3, success: 3, failed: 0 });
    expect((stopped.body.results as Array<{ name: string }>).map((result) => result.name).sort()).toEqual([...watchedNames].sort());
    for (const name of watchedNames) expect(await running(name)).toBe(false);
    expect(await running(unwatchedName)).toBe(true);

    // Nothing is left running among the watched: a second stop-all has nothing to do.
    expect((await call('POST', '/api/v1/containers/stop-all', undefined, confirm('stop'))).body).toMatchObject({ total: 0, success: 0, failed: 0, results: [] });

    const started = await call('POST', '/api/v1/containers/start-all', undefined, confirm('start'));
    expect(started.body).toMatchObject({ message: 'Start all operation completed', total: 3, success: 3, failed: 0 });
    for (const name of mine) expect(await running(name)).toBe(true);

    const before = await startedAt(nameA);
    const unwatchedBefore = await startedAt(unwatchedName);
    const restarted = await call('POST', '/api/v1/containers/restart-all?watcher=local', undefined, confirm('restart'));
    expect(restarted.body).toMatchObject({ message: 'Restart all operation completed', total: 3, success: 3, failed: 0 });
    expect(await startedAt(nameA)).not.toBe(before);
    expect(await running(nameA)).toBe(true);
    expect(await startedAt(unwatchedName)).toBe(unwatchedBefore);

    expect((await call('POST', '/api/v1/containers/restart-all?watcher=nope', undefined, confirm('restart'))).status).toBe(404);
    expect((await call('POST', '/api/v1/containers/stop-all?timeout=0', undefined, confirm('stop'))).body.code).toBe('INVALID_TIMEOUT');
  }, 90_000);

  it('writes one audit entry per bulk request, with the outcome per container', async () => {
    await daemon.stop();
    const { audit } = JSON.parse(readFileSync(join(daemon.storePath, 'dd.json'), 'utf8')) as { audit: Array<{ action: string; details?: Record<string, unknown> }> };
    const bulk = audit.filter((entry) => entry.action.startsWith('containers-'));
    expect(bulk.map((entry) => entry.action)).toEqual([
      'containers-batch-stop',
      'containers-batch-stop',
      'containers-batch-start',
      'containers-stop-all',
      'containers-stop-all',
      'containers-start-all',
      'containers-restart-all',
    ]);
    expect(bulk[0]?.details).toMatchObject({ action: 'stop', total: 3, success: 2, failed: 1 });
    expect((bulk[3]?.details?.results as unknown[]).length).toBe(3);
    // Bulk actions are audited per request, not once more per container.
    expect(audit.filter((entry) => entry.action === 'container-stop')).toEqual([]);
  });
});
