import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EventBus } from '../events/bus.ts';
import { silentLogger } from '../log.ts';
import { Store } from '../store/store.ts';
import type { ContainerInspect } from './container-spec.ts';
import { UpdateExecutor } from './executor.ts';
import { OperationRepository } from './operation-repository.ts';
import { DEFAULT_UPDATE_SETTINGS } from './settings.ts';
import type { UpdateEngine } from './update-engine.ts';

/** One container `web` on image `sha256:v1`; the images present locally can be removed (and then cannot be used). */
function fakeEngine(images: Set<string>): UpdateEngine & { removedImages: string[] } {
  const removedImages: string[] = [];
  const containers = new Map<string, { name: string; image: string; running: boolean }>([['old', { name: 'web', image: 'sha256:v1', running: true }]]);
  const imageIds: Record<string, string> = { 'app:1.0.0': 'sha256:v1', 'app:1.1.0': 'sha256:v2', 'sha256:v1': 'sha256:v1', 'sha256:v2': 'sha256:v2' };
  let created = 0;
  const find = (idOrName: string) => [...containers].find(([id, entry]) => id === idOrName || entry.name === idOrName);
  return {
    removedImages,
    inspectContainer: async (idOrName) => {
      const found = find(idOrName);
      if (!found) return undefined;
      const [id, entry] = found;
      return {
        Id: id, Name: `/${entry.name}`, Image: entry.image, Config: { Image: 'app:1.0.0', Labels: {} }, HostConfig: {},
        NetworkSettings: {}, State: { Running: entry.running, Status: entry.running ? 'running' : 'exited' }, RestartCount: 0,
      } as ContainerInspect;
    },
    inspectImage: async (reference) => {
      const id = imageIds[reference];
      return id && images.has(id) ? { Id: id, RepoDigests: [], Config: {} } : undefined;
    },
    pull: async () => undefined,
    rename: async (id, name) => void (containers.get(id)!.name = name),
    create: async (name, body) => {
      const image = imageIds[String(body.Image)];
      if (!image || !images.has(image)) throw new Error(`No such image: ${String(body.Image)}`);
      const id = `new${++created}`;
      containers.set(id, { name, image, running: false });
      return id;
    },
    connect: async () => undefined,
    start: async (id) => void (containers.get(id)!.running = true),
    stop: async (id) => void (containers.get(id)!.running = false),
    restart: async () => undefined,
    remove: async (id) => void containers.delete(id),
    removeImage: async (id) => {
      removedImages.push(id);
      images.delete(id);
    },
  };
}

describe('UpdateExecutor with PRUNE', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dd-executor-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('never prunes the image the update is about to run, even when a dropped backup refers to it', async () => {
    const store = await Store.open(folder);
    const bus = new EventBus();
    const repository = new OperationRepository(store, bus);
    // An earlier backup (e.g. from before a manual rollback) holds the target image 1.1.0.
    await repository.addBackup(
      {
        identity: '::local::web', watcher: 'local', containerId: 'older', containerName: 'web', imageName: 'app', imageTag: '1.1.0',
        imageId: 'sha256:v2', imageReference: 'app:1.1.0', triggerName: 'docker.local', operationId: 'earlier', spec: {},
      },
      1,
    );
    const engine = fakeEngine(new Set(['sha256:v1', 'sha256:v2']));
    const settings = { ...DEFAULT_UPDATE_SETTINGS, prune: true, backupCount: 1, graceMs: 0 };
    const executor = new UpdateExecutor({ repository, bus, logger: silentLogger(), settings, engineFor: () => engine });
    const operation = await repository.create({
      kind: 'update', watcher: 'local', identity: '::local::web', containerName: 'web', containerId: 'old',
      triggerName: 'docker.local', fromVersion: '1.0.0', toVersion: '1.1.0', currentImage: 'sha256:v1', targetImage: 'app:1.1.0',
    });
    await executor.run(operation);
    expect({ status: operation.status, error: operation.rollbackReason ?? operation.lastError }).toEqual({ status: 'succeeded', error: undefined });
    expect(engine.removedImages).not.toContain('sha256:v2');
    // The one backup left is of 1.0.0, whose image therefore stays too.
    expect(repository.backupsFor('::local::web').map((backup) => backup.imageId)).toEqual(['sha256:v1']);
    expect(engine.removedImages).toEqual([]);
  });
});

describe('UpdateExecutor rollback', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dd-executor-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  async function failingUpdate(retryDelays: readonly number[]) {
    const store = await Store.open(folder);
    const bus = new EventBus();
    const repository = new OperationRepository(store, bus);
    // The new container cannot be created, so the update rolls back; the engine refuses the first rename back.
    const engine = fakeEngine(new Set(['sha256:v1', 'sha256:v2']));
    engine.create = async () => {
      throw new Error('create refused');
    };
    const rename = engine.rename;
    let refusals = 1;
    engine.rename = async (id, name) => {
      if (name === 'web' && refusals-- > 0) throw new Error('engine busy');
      return rename(id, name);
    };
    const settings = { ...DEFAULT_UPDATE_SETTINGS, graceMs: 0, rollbackRetryDelaysMs: retryDelays };
    const executor = new UpdateExecutor({ repository, bus, logger: silentLogger(), settings, engineFor: () => engine });
    const operation = await repository.create({
      kind: 'update', watcher: 'local', identity: '::local::web', containerName: 'web', containerId: 'old',
      triggerName: 'docker.local', fromVersion: '1.0.0', toVersion: '1.1.0', currentImage: 'sha256:v1', targetImage: 'app:1.1.0',
    });
    await executor.run(operation);
    return { operation, old: await engine.inspectContainer('old') };
  }

  it('retries a rollback that failed on a passing engine error, and the old container runs under its name', async () => {
    const { operation, old } = await failingUpdate([0]);
    expect(operation.status).toBe('rolled-back');
    expect(old).toMatchObject({ Name: '/web', State: { Running: true } });
  });

  it('ends rollback-failed only when every attempt failed', async () => {
    const { operation } = await failingUpdate([]);
    expect(operation).toMatchObject({ status: 'failed', phase: 'rollback-failed' });
    expect(operation.lastError).toMatch(/Rollback failed: engine busy/);
  });
});
