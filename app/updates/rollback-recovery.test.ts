import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { FakeClock } from '../clock/testing/fake-clock.ts';
import type { Container } from '../core/container.ts';
import { EventBus } from '../events/bus.ts';
import { Store } from '../store/store.ts';
import type { ContainerInspect } from './container-spec.ts';
import type { UpdateOperation } from './operation.ts';
import { DEFAULT_UPDATE_SETTINGS } from './settings.ts';
import type { UpdateEngine } from './update-engine.ts';
import { UpdateService } from './update-service.ts';

const MINUTE = 60_000;

interface FakeContainer {
  id: string;
  name: string;
  running: boolean;
  image: string;
}

/** An engine with a few containers in memory that, like Docker, refuses a rename onto a name in use (409). */
function fakeEngine(containers: FakeContainer[]): UpdateEngine {
  const find = (idOrName: string) => containers.find((entry) => entry.id === idOrName || entry.name === idOrName);
  const inspect = (entry: FakeContainer): ContainerInspect => ({
    Id: entry.id, Name: `/${entry.name}`, Image: `sha256:${entry.image}`, Config: { Image: entry.image, Labels: {} }, HostConfig: {},
    NetworkSettings: {}, State: { Running: entry.running, Status: entry.running ? 'running' : 'exited' }, RestartCount: 0,
  });
  return {
    inspectContainer: async (idOrName: string) => {
      const entry = find(idOrName);
      return entry ? inspect(entry) : undefined;
    },
    rename: async (id: string, name: string) => {
      const holder = containers.find((entry) => entry.name === name);
      if (holder && holder.id !== id) {
        throw Object.assign(new Error(`Conflict. The container name "/${name}" is already in use by container "${holder.id}"`), { statusCode: 409 });
      }
      find(id)!.name = name;
    },
    start: async (id: string) => void (find(id)!.running = true),
    remove: async (id: string) => {
      const entry = find(id);
      if (entry) containers.splice(containers.indexOf(entry), 1);
    },
  } as unknown as UpdateEngine;
}

describe('retrying failed rollbacks', () => {
  let folder: string;
  let clock: FakeClock;
  let logLines: string[];
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dd-rollback-recovery-'));
    clock = new FakeClock();
    logLines = [];
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const logger = () =>
    pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) }));

  async function service(containers: FakeContainer[], store?: Store) {
    const opened = store ?? (await Store.open(folder));
    const bus = new EventBus();
    const changes: Array<{ phase: string; status: string }> = [];
    bus.on('update-operation-changed', ({ operation }) => changes.push({ phase: String(operation.phase), status: String(operation.status) }));
    const updates = new UpdateService({ store: opened, bus, logger: logger(), settings: { ...DEFAULT_UPDATE_SETTINGS, rollbackRecoveryDelaysMs: [MINUTE, 5 * MINUTE, 15 * MINUTE] }, engineFor: () => fakeEngine(containers), clock });
    return { updates, bus, store: opened, changes };
  }

  /** The state a rollback that failed for good leaves: the old container stopped under its temporary name, the new one removed. */
  async function strandedOperation(updates: UpdateService, bus: EventBus, options: { announce?: boolean } = {}): Promise<UpdateOperation> {
    const operation = await updates.repository.create({
      kind: 'update', watcher: 'local', identity: '::local::web', containerName: 'web', containerId: 'old',
      triggerName: 'docker.local', fromVersion: '1.0.0', toVersion: '1.1.0', currentImage: 'sha256:1', targetImage: 'app:1.1.0',
    });
    await updates.repository.advance(operation, 'renamed', { status: 'in-progress', fields: { wasRunning: true, temporaryName: 'web-dd-old-12345678' } });
    await updates.repository.advance(operation, 'new-created', { fields: { newContainerId: 'new' } });
    await updates.repository.advance(operation, 'rollback-started', { message: 'New container exited' });
    const lastError = 'Rollback failed: name in use';
    await updates.repository.advance(operation, 'rollback-failed', { status: 'failed', message: lastError, fields: { lastError, rollbackReason: 'New container exited' } });
    // As the executor does after its final advance.
    if (options.announce !== false) bus.emit('update-failed', { operation: { id: operation.id } });
    return operation;
  }

  const oldStopped = (): FakeContainer => ({ id: 'old', name: 'web-dd-old-12345678', running: false, image: 'app:1.0.0' });
  const obstacle = (): FakeContainer => ({ id: 'someone-else', name: 'web', running: true, image: 'other:1' });

  it('retries on the backoff schedule, records every attempt, and restores the old container once the obstacle is gone', async () => {
    const containers = [oldStopped(), obstacle()];
    const { updates, bus, changes } = await service(containers);
    await updates.startRollbackRecovery();
    const operation = await strandedOperation(updates, bus);
    await updates.rollbackRecoverySettled();
    const failedAt = clock.now();
    expect(operation.rollbackRecovery).toEqual({ attempts: 0, automaticAttempts: 0, nextAttemptAt: new Date(failedAt + MINUTE).toISOString() });
    expect(clock.pendingTimers).toBe(1);

    changes.length = 0;
    clock.advance(MINUTE - 1);
    await updates.rollbackRecoverySettled();
    expect(changes).toEqual([]);
    clock.advance(1);
    await updates.rollbackRecoverySettled();
    expect(changes).toEqual([
      { phase: 'rollback-started', status: 'in-progress' },
      { phase: 'rollback-failed', status: 'failed' },
    ]);
    expect(operation.lastError).toMatch(/^Rollback retry 1 \(automatic\) failed: Cannot rename the old container back to web, another container has the name: Conflict/);
    expect(operation.rollbackRecovery).toEqual({ attempts: 1, automaticAttempts: 1, nextAttemptAt: new Date(clock.now() + 5 * MINUTE).toISOString() });
    // The container under the name is someone else's: never removed.
    expect(containers).toEqual([oldStopped(), obstacle()]);
    expect(clock.pendingTimers).toBe(1);

    containers.splice(1, 1);
    clock.advance(5 * MINUTE);
    await updates.rollbackRecoverySettled();
    expect(operation).toMatchObject({ status: 'rolled-back', phase: 'rolled-back' });
    expect(operation.lastError).toBeUndefined();
    expect(operation.rollbackRecovery).toEqual({ attempts: 2, automaticAttempts: 2, recoveredAt: new Date(clock.now()).toISOString() });
    expect(containers).toEqual([{ id: 'old', name: 'web', running: true, image: 'app:1.0.0' }]);
    expect(operation.history.slice(-4).map((entry) => entry.phase)).toEqual(['rollback-started', 'rollback-failed', 'rollback-started', 'rolled-back']);
    expect(operation.history.at(-4)?.message).toBe('Retrying the rollback (retry 1, automatic)');
    expect(operation.history.at(-2)?.message).toBe('Retrying the rollback (retry 2, automatic)');
    expect(operation.history.at(-1)?.message).toBe('Rolled back on retry 2 (automatic): web is back on its previous container');
    expect(clock.pendingTimers).toBe(0);
    updates.stopRollbackRecovery();
  });

  it('gives up loudly after the last delay, then a retry by hand still works', async () => {
    const containers = [oldStopped(), obstacle()];
    const { updates, bus } = await service(containers);
    await updates.startRollbackRecovery();
    const operation = await strandedOperation(updates, bus);
    await updates.rollbackRecoverySettled();
    for (const step of [MINUTE, 5 * MINUTE, 15 * MINUTE]) {
      clock.advance(step);
      await updates.rollbackRecoverySettled();
    }
    expect(operation).toMatchObject({ status: 'failed', phase: 'rollback-failed' });
    expect(operation.rollbackRecovery).toMatchObject({ attempts: 3, automaticAttempts: 3, gaveUpReason: 'retries-exhausted' });
    expect(operation.rollbackRecovery?.nextAttemptAt).toBeUndefined();
    expect(operation.lastError).toMatch(/giving up: no automatic retries left/);
    const gaveUp = logLines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.msg.startsWith('ROLLBACK GAVE UP'));
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]?.level).toBe(50);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(24 * 60 * MINUTE);
    await updates.rollbackRecoverySettled();
    expect(operation.rollbackRecovery?.attempts).toBe(3);

    // By hand, while the obstacle is still there: fails, recorded, nothing planned.
    const manualFailure = await updates.retryRollback(operation.id, 'manual');
    expect(manualFailure.status).toBe('failed');
    expect(operation.lastError).toMatch(/^Rollback retry 4 \(manual\) failed/);
    containers.splice(1, 1);
    const stranded = updates.strandedRollbackFor({ id: 'old', name: 'web', watcher: 'local' } as Container);
    expect(stranded?.id).toBe(operation.id);
    const done = await updates.retryRollback(operation.id, 'manual');
    expect(done).toMatchObject({ status: 'rolled-back', rollbackRecovery: { attempts: 5, automaticAttempts: 3 } });
    expect(containers).toEqual([{ id: 'old', name: 'web', running: true, image: 'app:1.0.0' }]);
    await expect(updates.retryRollback(operation.id, 'manual')).rejects.toMatchObject({ status: 409, code: 'ROLLBACK_NOT_RETRYABLE' });
  });

  it('retries at start what a previous run left failed, with no plan recorded yet', async () => {
    const containers = [oldStopped()];
    const first = await service(containers);
    const operation = await strandedOperation(first.updates, first.bus, { announce: false });
    await first.store.flush();

    const restarted = await service(containers, await Store.open(folder));
    await restarted.updates.startRollbackRecovery();
    const after = restarted.updates.repository.get(operation.id)!;
    expect(after).toMatchObject({ status: 'rolled-back', rollbackRecovery: { attempts: 1, automaticAttempts: 1 } });
    expect(after.history.at(-2)?.message).toBe('Retrying the rollback (retry 1, start)');
    expect(containers).toEqual([{ id: 'old', name: 'web', running: true, image: 'app:1.0.0' }]);
  });

  it('refuses an update of a container its failed rollback left down, until the rollback is retried', async () => {
    const containers = [oldStopped(), obstacle()];
    const { updates, bus } = await service(containers);
    const operation = await strandedOperation(updates, bus);
    const target = { kind: 'update', targetImage: 'app:1.1.0', fromVersion: '1.0.0', toVersion: '1.1.0' } as const;
    const asStored = (entry: FakeContainer) => ({ id: entry.id, name: entry.name, watcher: 'local', image: { id: `sha256:${entry.image}` } }) as unknown as Container;
    // The old container under its temporary name, and whatever now holds the original name.
    await expect(updates.enqueue(asStored(oldStopped()), target)).rejects.toMatchObject({ status: 409, code: 'TEMPORARY_CONTAINER' });
    await expect(updates.enqueue(asStored(obstacle()), target)).rejects.toMatchObject({
      status: 409,
      code: 'ROLLBACK_RETRY_REQUIRED',
      details: { operationId: operation.id },
    });
    // The same container back under its name but still stopped (say, its start failed): refused too.
    await expect(updates.enqueue({ ...asStored(oldStopped()), name: 'web' } as Container, target)).rejects.toMatchObject({ code: 'ROLLBACK_RETRY_REQUIRED' });
    // Another container of the engine is not held up.
    const other = await updates.enqueue({ ...asStored(obstacle()), id: 'db', name: 'db' } as Container, target);
    expect(other).toMatchObject({ kind: 'update', containerName: 'db' });

    containers.splice(1, 1);
    expect(await updates.retryRollback(operation.id, 'manual')).toMatchObject({ status: 'rolled-back' });
    const update = await updates.enqueue({ ...asStored(oldStopped()), name: 'web' } as Container, target);
    expect(update).toMatchObject({ kind: 'update', containerName: 'web' });
    // The fake engine cannot pull: both updates end early, before touching any container.
    await updates.idle();
    updates.stopRollbackRecovery();
  });

  it('stops for good when the old container is gone, and leaves superseded or busy operations alone', async () => {
    const containers: FakeContainer[] = [];
    const { updates, bus } = await service(containers);
    await updates.startRollbackRecovery();
    const gone = await strandedOperation(updates, bus);
    await updates.rollbackRecoverySettled();
    clock.advance(MINUTE);
    await updates.rollbackRecoverySettled();
    expect(gone.rollbackRecovery).toMatchObject({ attempts: 1, gaveUpReason: 'old-container-gone' });
    expect(gone.lastError).toMatch(/The old container is gone; nothing left to roll back to/);
    expect(updates.strandedRollbackFor({ id: 'old', name: 'web', watcher: 'local' } as Container)).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);

    // A newer operation on the same container: the old failure is no longer the last word.
    containers.push(oldStopped());
    const older = await strandedOperation(updates, bus);
    await updates.rollbackRecoverySettled();
    clock.advance(1000);
    const newer = await updates.repository.create({
      kind: 'update', watcher: 'local', identity: '::local::web', containerName: 'web', containerId: 'other',
      triggerName: 'docker.local', fromVersion: '1.0.0', toVersion: '1.2.0', currentImage: 'sha256:1', targetImage: 'app:1.2.0',
    });
    await expect(updates.retryRollback(older.id, 'manual')).rejects.toMatchObject({ status: 409, code: 'ROLLBACK_NOT_RETRYABLE' });
    clock.advance(MINUTE);
    await updates.rollbackRecoverySettled();
    expect(older.rollbackRecovery?.attempts).toBe(0);
    expect(containers).toEqual([oldStopped()]);
    expect(newer.status).toBe('queued');
    updates.stopRollbackRecovery();
  });
});
