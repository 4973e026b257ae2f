import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EventBus } from '../events/bus.ts';
import { silentLogger } from '../log.ts';
import { Store } from '../store/store.ts';
import type { ContainerInspect } from './container-spec.ts';
import { OperationRepository } from './operation-repository.ts';
import type { OperationPhase } from './operation.ts';
import { recoverInterrupted } from './recovery.ts';
import { DEFAULT_UPDATE_SETTINGS } from './settings.ts';
import type { UpdateEngine } from './update-engine.ts';

interface FakeContainer {
  id: string;
  name: string;
  running: boolean;
}

/** An engine holding a few containers in memory; records what recovery did to them. */
function fakeEngine(containers: FakeContainer[]): UpdateEngine & { calls: string[] } {
  const calls: string[] = [];
  const find = (idOrName: string) => containers.find((entry) => entry.id === idOrName || entry.name === idOrName);
  const inspect = (entry: FakeContainer): ContainerInspect => ({
    Id: entry.id,
    Name: `/${entry.name}`,
    Image: 'sha256:image',
    Config: { Image: 'app:x', Labels: {} },
    HostConfig: {},
    NetworkSettings: {},
    State: { Running: entry.running, Status: entry.running ? 'running' : 'exited' },
    RestartCount: 0,
  });
  return {
    calls,
    inspectContainer: async (idOrName) => {
      const entry = find(idOrName);
      return entry ? inspect(entry) : undefined;
    },
    rename: async (id, name) => {
      calls.push(`rename ${id} ${name}`);
      find(id)!.name = name;
    },
    start: async (id) => {
      calls.push(`start ${id}`);
      find(id)!.running = true;
    },
    remove: async (id) => {
      calls.push(`remove ${id}`);
      // Like the real adapter: removing a container that is already gone is not an error.
      const entry = find(id);
      if (entry) containers.splice(containers.indexOf(entry), 1);
    },
  } as UpdateEngine & { calls: string[] };
}

describe('recoverInterrupted', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dd-recovery-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  async function interrupted(phase: OperationPhase, wasRunning: boolean, engine: UpdateEngine) {
    const store = await Store.open(folder);
    const bus = new EventBus();
    const repository = new OperationRepository(store, bus);
    const operation = await repository.create({
      kind: 'update', watcher: 'local', identity: '::local::web', containerName: 'web', containerId: 'old',
      triggerName: 'docker.local', fromVersion: '1.0.0', toVersion: '1.1.0', currentImage: 'sha256:1', targetImage: 'app:1.1.0',
    });
    await repository.advance(operation, 'renamed', { status: 'in-progress', fields: { wasRunning, temporaryName: 'web-dd-old-12345678' } });
    if (phase !== 'renamed') await repository.advance(operation, phase, { fields: { newContainerId: 'new' } });
    const settings = { ...DEFAULT_UPDATE_SETTINGS, graceMs: 0 };
    await recoverInterrupted({ repository, bus, logger: silentLogger(), settings, engineFor: () => engine });
    return repository.get(operation.id)!;
  }

  it('rolls a stopped container back when it crashed before the extra networks were connected', async () => {
    const containers = [
      { id: 'old', name: 'web-dd-old-12345678', running: false },
      { id: 'new', name: 'web', running: false },
    ];
    const engine = fakeEngine(containers);
    const operation = await interrupted('new-created', false, engine);
    expect(operation.status).toBe('rolled-back');
    expect(containers).toEqual([{ id: 'old', name: 'web', running: false }]);
  });

  it('finishes a stopped container forward once old-stopped was recorded', async () => {
    const containers = [
      { id: 'old', name: 'web-dd-old-12345678', running: false },
      { id: 'new', name: 'web', running: false },
    ];
    const operation = await interrupted('old-stopped', false, fakeEngine(containers));
    expect(operation.status).toBe('succeeded');
    expect(containers).toEqual([{ id: 'new', name: 'web', running: false }]);
  });

  it('continues a rollback that was under way instead of keeping the rejected container', async () => {
    const containers = [
      { id: 'old', name: 'web-dd-old-12345678', running: false },
      { id: 'new', name: 'web', running: true },
    ];
    const operation = await interrupted('rollback-started', true, fakeEngine(containers));
    expect(operation.status).toBe('rolled-back');
    expect(containers).toEqual([{ id: 'old', name: 'web', running: true }]);
  });

  it('keeps the new container when the old one was already removed', async () => {
    const containers = [{ id: 'new', name: 'web', running: false }];
    const engine = fakeEngine(containers);
    const operation = await interrupted('health-gate-passed', true, engine);
    expect(operation.status).toBe('succeeded');
    expect(operation.history.at(-1)?.message).toMatch(/already removed/);
    expect(containers).toEqual([{ id: 'new', name: 'web', running: true }]);
  });
});
