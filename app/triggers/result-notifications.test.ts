import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ConfigError } from '../config/config-error.ts';
import type { RawGroup } from '../config/groups.ts';
import type { Container } from '../core/container.ts';
import { EventBus } from '../events/bus.ts';
import { Store } from '../store/store.ts';
import { defineProvider, type Delivery } from './provider.ts';
import { providerDefinitions } from './providers.ts';
import { sampleContainer } from './testing/sample-container.ts';
import { sampleOperation } from './testing/sample-operation.ts';
import { TriggerService } from './trigger-service.ts';

const logger = pino({ level: 'silent' });

/** A notify type and an act type that record what they are asked to send; `failures` sends of the notify one fail first. */
function recordingDefinitions(failures = 0) {
  const sent: { trigger: string; delivery: Delivery }[] = [];
  let left = failures;
  const notify = defineProvider({
    type: 'fake',
    kind: 'notify',
    description: 'test',
    settings: {},
    create: ({ id }) => ({
      configuration: {},
      send: async (delivery) => {
        if (left-- > 0) throw new Error('receiver down');
        sent.push({ trigger: id, delivery });
      },
    }),
  });
  const act = defineProvider({
    type: 'act',
    kind: 'act',
    description: 'test',
    settings: {},
    create: ({ id }) => ({ configuration: {}, send: async (delivery) => void sent.push({ trigger: id, delivery }) }),
  });
  return { definitions: new Map([['fake', notify], ['act', act]]), sent };
}

const group = (type: string, name: string, values: Record<string, string> = {}): RawGroup => ({
  kind: 'trigger',
  name: `${type}.${name}`,
  prefix: `DD_TRIGGER_${type.toUpperCase()}_${name.toUpperCase()}_`,
  values: new Map(Object.entries(values)),
});

describe('notifications about what an update did', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  async function setup(groups: RawGroup[], options: { failures?: number; folder?: string; containers?: Container[]; since?: Date } = {}) {
    const folder = options.folder ?? mkdtempSync(join(tmpdir(), 'dd-results-'));
    if (!options.folder) cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const store = await Store.open(folder);
    if (options.containers) store.update((data) => void (data.containers = options.containers!));
    const bus = new EventBus((_event, error) => {
      throw error;
    });
    const recording = recordingDefinitions(options.failures);
    const service = new TriggerService({
      groups,
      store,
      bus,
      logger,
      definitions: recording.definitions,
      queue: { backoffMs: [5], maxAttempts: 3 },
      outcomesSince: options.since ?? new Date('2100-01-01T00:00:00.000Z'),
    });
    service.start();
    const stop = async () => {
      service.stop();
      await store.flush();
    };
    cleanups.push(stop);
    const emit = (operation: Record<string, unknown>) => bus.emit('update-operation-changed', { operation });
    return { store, bus, service, sent: recording.sent, emit, stop, folder };
  }

  it('sends nothing about updates by default: the default is update-available only, as before', async () => {
    const { bus, service, sent, emit } = await setup([group('fake', 'phone')]);
    emit(sampleOperation('succeeded'));
    emit(sampleOperation('rolled-back', { id: 'op-2' }));
    emit(sampleOperation('rollback-failed', { id: 'op-3' }));
    const container = sampleContainer();
    bus.emit('container-added', { container });
    await service.idle();
    expect(sent.map((entry) => entry.delivery.message.title)).toEqual(['dockdeck: update for web on local']);
    expect(sent[0]!.delivery.result).toBeUndefined();
    expect(service.triggers[0]!.configuration.events).toEqual(['update-available']);
  });

  it('sends one message per outcome for the listed kinds only, however often the operation is re-emitted', async () => {
    const { service, sent, emit } = await setup([group('fake', 'phone', { events: 'update-applied, UPDATE-FAILED' })]);
    emit(sampleOperation('in-progress'));
    emit(sampleOperation('succeeded'));
    emit(sampleOperation('succeeded'));
    emit(sampleOperation('rolled-back', { id: 'op-2' }));
    emit(sampleOperation('rolled-back', { id: 'op-2', updatedAt: '2026-01-01T10:09:00.000Z' }));
    emit(sampleOperation('rollback-failed', { id: 'op-3' }));
    await service.idle();
    expect(sent.map((entry) => entry.delivery.message.title)).toEqual(['✅ web updated 1.2.0 → 1.3.0', '⚠️ web: update to 1.3.0 failed, rolled back to 1.2.0']);
    expect(sent[0]!.delivery).toMatchObject({ mode: 'simple', reason: 'auto', result: { event: 'update-applied', outcome: 'updated', operationId: 'op-1' } });
    const outbox = service.outbox();
    expect(outbox).toHaveLength(2);
    expect(outbox[1]).toMatchObject({ status: 'sent', result: { outcome: 'rolled-back', reason: 'container exited (code 3)' } });
  });

  it('with only result kinds listed, available updates are not sent', async () => {
    const { bus, service, sent, emit } = await setup([group('fake', 'ops', { events: 'rollback-failed' })]);
    bus.emit('container-added', { container: sampleContainer() });
    bus.emit('watch-cycle-completed', { watcher: 'local', containers: [sampleContainer()], startedAt: new Date().toISOString(), durationMs: 1, errors: 0 });
    emit(sampleOperation('rollback-failed'));
    // A retry that fails again is the same outcome; giving up and the final recovery are news.
    emit(sampleOperation('rollback-failed', { lastError: 'Rollback retry 1 (automatic) failed', updatedAt: '2026-01-01T10:05:00.000Z' }));
    emit(sampleOperation('gave-up'));
    emit(sampleOperation('recovered'));
    await service.idle();
    expect(sent.map((entry) => entry.delivery.result?.outcome)).toEqual(['rollback-failed', 'rollback-gave-up', 'rollback-recovered']);
  });

  it('routes by the container labels; THRESHOLD and ONCE=false do not hold results back; act triggers never get them', async () => {
    const labelled = sampleContainer({ name: 'web', triggerExclude: 'fake.quiet', triggerInclude: 'loud:major,quiet,act.x' });
    const { service, sent, emit } = await setup(
      [
        group('fake', 'loud', { events: 'update-failed', threshold: 'major', once: 'false', auto: 'false' }),
        group('fake', 'quiet', { events: 'update-failed' }),
        group('fake', 'other', { events: 'update-failed' }),
        group('act', 'x', { auto: 'true' }),
      ],
      { containers: [labelled] },
    );
    emit(sampleOperation('failed', { containerId: labelled.id }));
    await service.idle();
    expect(sent.map((entry) => entry.trigger)).toEqual(['fake.loud']);
    expect(sent[0]!.delivery.containers.map((container) => container.name)).toEqual(['web']);
  });

  it('without a stored container (it left the store) the message still goes to every listing trigger', async () => {
    const { service, sent, emit } = await setup([group('fake', 'a', { events: 'update-applied' }), group('fake', 'b', { events: 'update-applied' })]);
    emit(sampleOperation('succeeded', { identity: '::local::gone', containerName: 'gone' }));
    await service.idle();
    expect(sent.map((entry) => `${entry.trigger}:${entry.delivery.message.title}`)).toEqual(['fake.a:✅ gone updated 1.2.0 → 1.3.0', 'fake.b:✅ gone updated 1.2.0 → 1.3.0']);
    expect(sent[0]!.delivery.containers).toEqual([]);
  });

  it('renders per-trigger RESULTTITLE and RESULTBODY', async () => {
    const { service, sent, emit } = await setup([group('fake', 'x', { events: 'update-applied', resulttitle: '${name}: ${outcome}', resultbody: '${fromVersion}..${toVersion}' })]);
    emit(sampleOperation('succeeded'));
    await service.idle();
    expect(sent[0]!.delivery.message).toEqual({ title: 'web: updated', body: '1.2.0..1.3.0' });
  });

  it('remembers what it sent across restarts, catches up on outcomes reached before it started, and resumes with the outcome', async () => {
    const first = await setup([group('fake', 'x', { events: 'update-applied,update-failed' })], { failures: 100 });
    first.emit(sampleOperation('succeeded'));
    // Stopped while its first attempt fails: the entry stays pending for the next start.
    await first.stop();
    expect(first.sent).toEqual([]);
    expect(first.service.outbox().map((entry) => entry.status)).toEqual(['pending']);
    // The same store, a new process: crash recovery ended an operation before the triggers started.
    const store = await Store.open(first.folder);
    store.update((data) => {
      data.updateOperations.push(sampleOperation('succeeded'), sampleOperation('rolled-back', { id: 'op-2', updatedAt: '2026-01-02T00:00:01.000Z' }));
      data.updateOperations.push(sampleOperation('failed', { id: 'op-old', updatedAt: '2025-12-31T00:00:00.000Z' }));
    });
    await store.flush();
    const second = await setup([group('fake', 'x', { events: 'update-applied,update-failed' })], { folder: first.folder, since: new Date('2026-01-01T00:00:00.000Z') });
    await second.service.idle();
    // op-1 is resumed from the outbox (not queued again), op-2 caught up, the older op-old left alone.
    expect(second.sent.map((entry) => entry.delivery.result?.operationId).sort()).toEqual(['op-1', 'op-2']);
    expect(second.sent.find((entry) => entry.delivery.result?.operationId === 'op-1')!.delivery.message.title).toBe('✅ web updated 1.2.0 → 1.3.0');
    expect(second.service.outbox()).toHaveLength(2);
    second.emit(sampleOperation('rolled-back', { id: 'op-2' }));
    await second.service.idle();
    expect(second.sent).toHaveLength(2);
  });

  it('refuses result kinds on an act trigger and a misspelt kind, naming the variable', () => {
    const build = (values: Record<string, string>, type = 'ntfy') => () =>
      new TriggerService({ groups: [group(type, 'x', { topic: 't', ...values })], store: {} as Store, bus: new EventBus(), logger, definitions: providerDefinitions });
    expect(build({ events: 'update-aplied' })).toThrow(ConfigError);
    expect(build({ events: 'update-aplied' })).toThrow(/DD_TRIGGER_NTFY_X_EVENTS: 'update-aplied' is not valid; expected a comma-separated list of update-available, update-applied/);
    expect(build({ events: ',' })).toThrow(/DD_TRIGGER_NTFY_X_EVENTS/);
    expect(build({ events: 'update-failed' }, 'docker')).toThrow(/DD_TRIGGER_DOCKER_X_EVENTS: the docker trigger updates containers and takes no other events/);
  });
});
