import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { RawGroup } from '../../../app/config/groups.ts';
import type { Container } from '../../../app/core/container.ts';
import { EventBus } from '../../../app/events/bus.ts';
import { Store } from '../../../app/store/store.ts';
import { TriggerService, type TriggerServiceOptions } from '../../../app/triggers/trigger-service.ts';

export const silentLogger = pino({ level: 'silent' });

/** DD_TRIGGER_{TYPE}_{NAME}_* as the config loader would group them. */
export function triggerGroup(type: string, name: string, values: Record<string, string>): RawGroup {
  return {
    kind: 'trigger',
    name: `${type}.${name}`,
    prefix: `DD_TRIGGER_${type.toUpperCase()}_${name.toUpperCase()}_`,
    values: new Map(Object.entries(values).map(([key, value]) => [key.toLowerCase(), value])),
  };
}

export async function tempStoreFolder(): Promise<{ folder: string; remove: () => Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'dd-triggers-'));
  return { folder, remove: () => rm(folder, { recursive: true, force: true }) };
}

/** A started service over the store in `folder`, with fast retries. */
export async function startService(folder: string, groups: RawGroup[], extra: Partial<TriggerServiceOptions> = {}) {
  const store = await Store.open(folder);
  const bus = new EventBus((_event, error) => {
    throw error;
  });
  const service = new TriggerService({
    groups,
    store,
    bus,
    logger: silentLogger,
    timeoutMs: 5000,
    queue: { backoffMs: [20, 40], maxAttempts: 4 },
    ...extra,
  });
  service.start();
  const stop = async () => {
    service.stop();
    await store.flush();
  };
  return { store, bus, service, stop };
}

/** What a watcher emits at the end of a cycle. */
export function emitCycle(bus: EventBus, containers: Container[]): void {
  for (const container of containers) bus.emit('container-updated', { container });
  bus.emit('watch-cycle-completed', { watcher: 'local', containers, startedAt: new Date().toISOString(), durationMs: 1, errors: 0 });
}
