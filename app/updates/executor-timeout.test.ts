import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeClock } from '../clock/testing/fake-clock.ts';
import { ScriptedStream, scriptedConnection, type ScriptedAnswer, type ScriptedRequest } from '../engine/testing/scripted-engine.ts';
import { EventBus } from '../events/bus.ts';
import { silentLogger } from '../log.ts';
import { Store } from '../store/store.ts';
import { UpdateExecutor } from './executor.ts';
import { OperationRepository } from './operation-repository.ts';
import { DEFAULT_UPDATE_SETTINGS } from './settings.ts';
import { DockerUpdateEngine } from './update-engine.ts';

/**
 * A small engine behind the scripted modem: container `old` named `web` on app:1.0.0; from the
 * moment `stopAnswering` is set (or the new container is started, when `hangOnStart`), requests
 * get no answer at all, as through a black-holed connection.
 */
function engineScript(options: { hangOnStart: boolean }) {
  const containers = new Map<string, { name: string; running: boolean; image: string }>([['old', { name: 'web', running: true, image: 'sha256:v1' }]]);
  const state = { stopAnswering: false, hangOnStart: options.hangOnStart };
  const inspect = (id: string) => {
    const found = [...containers].find(([key, entry]) => key === id || entry.name === id);
    if (!found) return { error: Object.assign(new Error('no such container'), { statusCode: 404 }) };
    const [key, entry] = found;
    return {
      json: {
        Id: key, Name: `/${entry.name}`, Image: entry.image, Config: { Image: 'app:1.0.0', Labels: {} }, HostConfig: {}, NetworkSettings: {},
        State: { Running: entry.running, Status: entry.running ? 'running' : 'exited' }, RestartCount: 0,
      },
    };
  };
  const answer = (request: ScriptedRequest): ScriptedAnswer | undefined => {
    if (request.path === '/version') return undefined;
    if (state.stopAnswering) return 'hang';
    const container = /^\/containers\/([^/]+)\/(json|rename|stop|start)$/.exec(request.path);
    if (container) {
      const [, id = '', action] = container;
      if (action === 'json') return inspect(id);
      const entry = containers.get(id);
      if (!entry) return { error: Object.assign(new Error('no such container'), { statusCode: 404 }) };
      if (action === 'rename') entry.name = String(request.query.name);
      if (action === 'stop') entry.running = false;
      if (action === 'start') {
        if (id !== 'old' && state.hangOnStart) {
          state.stopAnswering = true;
          return 'hang';
        }
        entry.running = true;
      }
      return { json: '' };
    }
    if (request.path === '/containers/create') {
      containers.set('new1', { name: String(request.query.name), running: false, image: 'sha256:v2' });
      return { json: { Id: 'new1' } };
    }
    if (request.method === 'DELETE' && request.path.startsWith('/containers/')) {
      containers.delete(request.path.split('/')[2] ?? '');
      return { json: '' };
    }
    if (request.path.startsWith('/images/') && request.path.endsWith('/json')) {
      return { json: { Id: request.path.includes('1.1.0') ? 'sha256:v2' : 'sha256:v1', RepoDigests: [], Config: {} } };
    }
    if (request.path === '/images/create') {
      const progress = new ScriptedStream();
      queueMicrotask(() => progress.end('{"status":"Downloaded newer image"}\n'));
      return { stream: progress };
    }
    return undefined;
  };
  return { containers, state, answer };
}

describe('UpdateExecutor when the engine stops answering mid-update', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dd-executor-timeout-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  async function runUpdate(script: ReturnType<typeof engineScript>) {
    const clock = new FakeClock();
    const { connection } = scriptedConnection(script.answer, { clock, timeoutSeconds: 2 });
    const engine = new DockerUpdateEngine(connection);
    const store = await Store.open(folder);
    const bus = new EventBus();
    const repository = new OperationRepository(store, bus);
    const settings = { ...DEFAULT_UPDATE_SETTINGS, graceMs: 0, rollbackRetryDelaysMs: [0] };
    const executor = new UpdateExecutor({ repository, bus, logger: silentLogger(), settings, engineFor: () => engine });
    const operation = await repository.create({
      kind: 'update', watcher: 'remote', identity: '::remote::web', containerName: 'web', containerId: 'old',
      triggerName: 'docker.local', fromVersion: '1.0.0', toVersion: '1.1.0', currentImage: 'sha256:v1', targetImage: 'app:1.1.0',
    });
    let done = false;
    const running = executor.run(operation).finally(() => (done = true));
    // Engine time passes only here: a bounded number of steps, each giving the executor (and its store writes) a moment.
    for (let step = 0; step < 400 && !done; step++) {
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
      clock.advance(250);
    }
    expect(done).toBe(true);
    await running;
    return operation;
  }

  it('fails the phase with the timeout and rolls back once the engine answers again', async () => {
    const script = engineScript({ hangOnStart: true });
    const operation = runUpdate(script);
    // The start of the new container hangs; the engine is back for the rollback.
    const started = Date.now();
    while (!script.state.stopAnswering && Date.now() - started < 5000) await new Promise<void>((resolve) => setImmediate(resolve));
    script.state.stopAnswering = false;
    const finished = await operation;
    expect(finished).toMatchObject({ status: 'rolled-back', rollbackReason: "Docker engine 'remote' timed out: no answer within 2 s" });
    expect([...script.containers]).toEqual([['old', { name: 'web', running: true, image: 'sha256:v1' }]]);
  });

  it('ends rollback-failed (left to rollback recovery) when the engine stays silent, instead of hanging', async () => {
    const script = engineScript({ hangOnStart: true });
    const finished = await runUpdate(script);
    expect(finished).toMatchObject({ status: 'failed', phase: 'rollback-failed' });
    expect(finished.lastError).toBe(
      "Rollback failed: Docker engine 'remote' timed out: no answer within 2 s (after: Docker engine 'remote' timed out: no answer within 2 s)",
    );
  });
});
