import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../events/bus.ts';
import { silentLogger } from '../log.ts';
import { Store } from '../store/store.ts';
import { DEFAULT_UPDATE_SETTINGS } from './settings.ts';
import { UpdateService } from './update-service.ts';

describe('UpdateService.expireStuck', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dd-expiry-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  async function serviceWithOrphan(): Promise<{ service: UpdateService; bus: EventBus; id: string }> {
    const store = await Store.open(folder);
    const bus = new EventBus();
    const service = new UpdateService({
      store,
      bus,
      logger: silentLogger(),
      settings: { ...DEFAULT_UPDATE_SETTINGS, operationTtlMs: 60_000 },
      engineFor: () => {
        throw new Error('no engine in this test');
      },
    });
    // An operation left in progress by a previous run whose recovery could not finish it.
    const operation = await service.repository.create({
      kind: 'update', watcher: 'local', identity: '::local::web', containerName: 'web', containerId: 'abc',
      triggerName: 'docker.local', fromVersion: '1.0.0', toVersion: '1.1.0', currentImage: 'sha256:1', targetImage: 'app:1.1.0',
    });
    await service.repository.advance(operation, 'renamed', { status: 'in-progress' });
    return { service, bus, id: operation.id };
  }

  it('leaves a recent orphan alone and expires it after the TTL, without an update-failed event', async () => {
    const { service, bus, id } = await serviceWithOrphan();
    const failed: unknown[] = [];
    const changed: unknown[] = [];
    bus.on('update-failed', (event) => failed.push(event));
    bus.on('update-operation-changed', (event) => changed.push(event));
    const updatedAt = Date.parse(service.repository.get(id)!.updatedAt);

    expect(await service.expireStuck(updatedAt + 30_000)).toBe(0);
    expect(service.repository.get(id)!.status).toBe('in-progress');

    expect(await service.expireStuck(updatedAt + 61_000)).toBe(1);
    const operation = service.repository.get(id)!;
    expect(operation.status).toBe('expired');
    expect(operation.phase).toBe('expired');
    expect(operation.history.at(-1)?.message).toMatch(/marked expired/);
    expect(failed).toEqual([]);
    expect(changed).toHaveLength(1);
    // Terminal now: a second sweep does nothing.
    expect(await service.expireStuck(updatedAt + 120_000)).toBe(0);
  });
});
