import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { EventBus, type NotificationDeliveryChange } from '../events/bus.ts';
import { Store } from '../store/store.ts';
import type { Delivery, TriggerProvider } from './provider.ts';
import { DEFAULT_QUEUE_OPTIONS, DeliveryQueue } from './delivery-queue.ts';
import { sampleContainer } from './testing/sample-container.ts';
import type { Trigger } from './trigger.ts';

/** A provider that fails the first `failures` sends with a message, then succeeds. */
function flakyProvider(failures: number): TriggerProvider {
  let left = failures;
  return {
    configuration: {},
    send: async () => {
      if (left-- > 0) throw new Error('receiver answered 503');
    },
  };
}

function trigger(provider: TriggerProvider): Trigger {
  return {
    id: 'ntfy.phone',
    type: 'ntfy',
    name: 'phone',
    kind: 'notify',
    threshold: 'all',
    mode: 'simple',
    once: true,
    auto: true,
    order: 100,
    templates: { simpletitle: '', simplebody: '', batchtitle: '', batchbody: '' },
    maxAttempts: 2,
    provider,
    configuration: {},
  };
}

const SECRET_BODY = 'token=tk_secret_in_body';
const delivery: Delivery = {
  mode: 'simple',
  reason: 'auto',
  containers: [sampleContainer()],
  message: { title: 'web can be updated', body: SECRET_BODY },
};

async function queueWithBus(): Promise<{ queue: DeliveryQueue; changes: NotificationDeliveryChange[] }> {
  const store = await Store.open(mkdtempSync(join(tmpdir(), 'dd-queue-')));
  const bus = new EventBus();
  const changes: NotificationDeliveryChange[] = [];
  bus.on('notification-delivery-changed', (change) => changes.push(change));
  const queue = new DeliveryQueue(store, pino({ level: 'silent' }), { ...DEFAULT_QUEUE_OPTIONS, backoffMs: [1], bus });
  return { queue, changes };
}

describe('DeliveryQueue state changes on the bus', () => {
  it('tells of every step of a delivery that fails, waits, and is sent on its second attempt', async () => {
    const { queue, changes } = await queueWithBus();
    const entry = queue.enqueue(trigger(flakyProvider(1)), delivery);
    const settled = await queue.settled(entry.id);
    expect(settled.status).toBe('sent');
    expect(changes).toEqual([
      { id: entry.id, trigger: 'ntfy.phone', status: 'pending', attempts: 0 },
      { id: entry.id, trigger: 'ntfy.phone', status: 'sending', attempts: 0 },
      { id: entry.id, trigger: 'ntfy.phone', status: 'pending', attempts: 1, lastError: 'receiver answered 503' },
      { id: entry.id, trigger: 'ntfy.phone', status: 'sending', attempts: 1, lastError: 'receiver answered 503' },
      { id: entry.id, trigger: 'ntfy.phone', status: 'sent', attempts: 2 },
    ]);
  });

  it('tells of a delivery that failed for good and of its retry by hand; never the message', async () => {
    const { queue, changes } = await queueWithBus();
    const flaky = trigger(flakyProvider(2));
    const entry = queue.enqueue(flaky, delivery);
    expect((await queue.settled(entry.id)).status).toBe('failed');
    expect(changes.at(-1)).toEqual({ id: entry.id, trigger: 'ntfy.phone', status: 'failed', attempts: 2, lastError: 'receiver answered 503' });

    changes.splice(0);
    queue.retry(entry.id, flaky, delivery);
    await queue.idle();
    expect(changes.map((change) => [change.status, change.attempts])).toEqual([
      ['pending', 2],
      ['sending', 2],
      ['sent', 3],
    ]);
    const everything = JSON.stringify(changes);
    expect(everything).not.toContain(SECRET_BODY);
    expect(everything).not.toContain(delivery.message.title);
    for (const change of changes) expect(Object.keys(change).every((key) => ['id', 'trigger', 'status', 'attempts', 'lastError'].includes(key))).toBe(true);
  });

  it('tells of a delivery refused because the queue is full, as failed at once', async () => {
    const store = await Store.open(mkdtempSync(join(tmpdir(), 'dd-queue-')));
    const bus = new EventBus();
    const changes: NotificationDeliveryChange[] = [];
    bus.on('notification-delivery-changed', (change) => changes.push(change));
    const never: TriggerProvider = { configuration: {}, send: (_delivery, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))) };
    const queue = new DeliveryQueue(store, pino({ level: 'silent' }), { ...DEFAULT_QUEUE_OPTIONS, limit: 1, concurrency: 1, bus });
    queue.enqueue(trigger(never), delivery);
    const refused = queue.enqueue(trigger(never), delivery);
    expect(changes.filter((change) => change.id === refused.id)).toEqual([
      { id: refused.id, trigger: 'ntfy.phone', status: 'failed', attempts: 1, lastError: 'delivery queue full' },
    ]);
    queue.stop();
  });
});
