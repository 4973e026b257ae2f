import { afterEach, describe, expect, it } from '@jest/globals';
import { defineProvider, type Delivery } from '../../../app/triggers/provider.ts';
import { sampleContainer } from '../../../app/triggers/testing/sample-container.ts';
import { emitCycle, startService, tempStoreFolder, triggerGroup } from './trigger-helpers.ts';

/** A provider whose sends wait until released (or aborted): shows that watch events never wait on delivery. */
function blockingDefinition() {
  const started: Delivery[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const definition = defineProvider({
    type: 'slow',
    kind: 'notify',
    description: 'test',
    settings: {},
    create: () => ({
      configuration: {},
      send: async (delivery, signal) => {
        started.push(delivery);
        await Promise.race([gate, new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))]);
      },
    }),
  });
  return { definitions: new Map([['slow', definition]]), started, release: () => release() };
}

describe('delivery queue', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)();
  });

  it('returns from watch events at once, bounds the queue, and sends the rest when the receiver frees up', async () => {
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const slow = blockingDefinition();
    const { bus, service, stop } = await startService(temp.folder, [triggerGroup('slow', 'one', {})], {
      definitions: slow.definitions,
      queue: { limit: 3, concurrency: 1, backoffMs: [10], maxAttempts: 2 },
    });
    cleanups.push(stop);
    emitCycle(bus, ['a', 'b', 'c', 'd'].map((name) => sampleContainer({ name })));
    // The emit returned while the first send still hangs.
    expect(slow.started).toHaveLength(1);
    const statuses = () => service.outbox().map((entry) => `${entry.identities[0]?.split('::')[2]}:${entry.status}`);
    expect(statuses()).toEqual(['a:sending', 'b:pending', 'c:pending', 'd:failed']);
    expect(service.outbox()[3]!.attempts[0]!.error).toBe('delivery queue full');
    slow.release();
    await service.idle();
    expect(statuses()).toEqual(['a:sent', 'b:sent', 'c:sent', 'd:failed']);
  });

  it('a manual retry during the backoff wait sends once, not once more when the backoff timer fires', async () => {
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const sends: string[] = [];
    const flaky = defineProvider({
      type: 'flaky',
      kind: 'notify',
      description: 'test',
      settings: {},
      create: () => ({
        configuration: {},
        send: async (delivery) => {
          sends.push(delivery.containers[0]?.name ?? '');
          if (sends.length === 1) throw new Error('receiver down');
        },
      }),
    });
    const { bus, service, store, stop } = await startService(temp.folder, [triggerGroup('flaky', 'one', {})], {
      definitions: new Map([['flaky', flaky]]),
      queue: { backoffMs: [300], maxAttempts: 3 },
    });
    cleanups.push(stop);
    const container = sampleContainer({ name: 'a' });
    store.update((data) => data.containers.push(container));
    emitCycle(bus, [container]);
    while (service.outbox()[0]?.attempts.length !== 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const entry = service.outbox()[0]!;
    expect(entry.status).toBe('pending');
    service.retry(entry.id);
    // It is being sent again right away: a second retry is refused.
    expect(() => service.retry(entry.id)).toThrow(/sending/);
    await service.idle();
    expect(sends).toEqual(['a', 'a']);
    expect(service.outbox()[0]).toMatchObject({ status: 'sent' });
    expect(service.outbox()[0]!.attempts.map((attempt) => attempt.ok)).toEqual([false, true]);
  });

  it('leaves unsent deliveries pending on stop and sends them after a restart', async () => {
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const slow = blockingDefinition();
    const first = await startService(temp.folder, [triggerGroup('slow', 'one', {})], { definitions: slow.definitions, queue: { concurrency: 1 } });
    const containers = [sampleContainer({ name: 'a' }), sampleContainer({ name: 'b' })];
    first.store.update((data) => data.containers.push(...containers));
    emitCycle(first.bus, containers);
    await first.stop();
    expect(first.store.data.notifications.outbox.map((entry) => entry.status)).toEqual(['pending', 'pending']);

    const fresh = blockingDefinition();
    fresh.release();
    const second = await startService(temp.folder, [triggerGroup('slow', 'one', {})], { definitions: fresh.definitions });
    cleanups.push(second.stop);
    await second.service.idle();
    expect(second.service.outbox().map((entry) => entry.status)).toEqual(['sent', 'sent']);
    // Resumed with the containers as the store knows them.
    expect(fresh.started.map((delivery) => delivery.containers[0]?.name)).toEqual(['a', 'b']);
  });
});
