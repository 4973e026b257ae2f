import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import type { RawGroup } from '../config/groups.ts';
import { outcomeOf } from './operation-outcome.ts';
import type { Delivery } from './provider.ts';
import { providerDefinitions } from './providers.ts';
import { renderResult, DEFAULT_RESULT_TEMPLATES } from './result-messages.ts';
import { sampleContainer } from './testing/sample-container.ts';
import { sampleOperation } from './testing/sample-operation.ts';
import { buildTriggers } from './trigger.ts';

/** Builds one trigger over a fetch that records the JSON bodies it is given. */
function capture(type: string, values: Record<string, string>, publicUrl?: string) {
  const bodies: Record<string, unknown>[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    bodies.push(JSON.parse(String(init.body)) as Record<string, unknown>);
    return new Response('{}', { status: 200 });
  }) as unknown as typeof globalThis.fetch;
  const group: RawGroup = { kind: 'trigger', name: `${type}.x`, prefix: `DD_TRIGGER_${type.toUpperCase()}_X_`, values: new Map(Object.entries(values)) };
  const environment = { logger: pino({ level: 'silent' }), fetch, timeoutMs: 1000, ...(publicUrl ? { publicUrl } : {}) };
  const [trigger] = buildTriggers([group], providerDefinitions, environment).triggers;
  return { send: (delivery: Delivery) => trigger!.provider.send(delivery, new AbortController().signal), bodies };
}

const resultDelivery = (end: Parameters<typeof sampleOperation>[0]): Delivery => {
  const result = outcomeOf(sampleOperation(end))!;
  return { mode: 'simple', reason: 'auto', containers: [sampleContainer({ name: 'web' })], message: renderResult(DEFAULT_RESULT_TEMPLATES, result), result };
};

describe('providers on messages about what an update did', () => {
  it('ntfy: priority by severity over PRIORITY, word tags, the operations page, no Update now button', async () => {
    const ntfy = capture('ntfy', { url: 'http://127.0.0.1:9', topic: 'ops', priority: '2' }, 'http://dd.test');
    await ntfy.send(resultDelivery('succeeded'));
    await ntfy.send(resultDelivery('rolled-back'));
    await ntfy.send(resultDelivery('rollback-failed'));
    await ntfy.send(resultDelivery('gave-up'));
    expect(ntfy.bodies.map((body) => body.priority)).toEqual([2, 4, 5, 5]);
    expect(ntfy.bodies[1]).toEqual({
      topic: 'ops',
      title: '⚠️ web: update to 1.3.0 failed, rolled back to 1.2.0',
      message: 'web: update to 1.3.0 failed, rolled back to 1.2.0 (local)\nReason: container exited (code 3)',
      priority: 4,
      tags: ['whale', 'update-failed', 'rolled-back'],
      click: 'http://dd.test/operations',
    });
    const plain = capture('ntfy', { url: 'http://127.0.0.1:9', topic: 'ops' });
    await plain.send(resultDelivery('succeeded'));
    expect(plain.bodies[0]).toMatchObject({ priority: 3, tags: ['whale', 'update-applied', 'updated'] });
    expect(plain.bodies[0]).not.toHaveProperty('click');
    expect(plain.bodies[0]).not.toHaveProperty('actions');
  });

  it('gotify and pushover raise failures; the webhook carries the event and the outcome', async () => {
    const gotify = capture('gotify', { url: 'http://127.0.0.1:9', token: 'tok' });
    for (const end of ['succeeded', 'failed', 'rollback-failed'] as const) await gotify.send(resultDelivery(end));
    expect(gotify.bodies.map((body) => body.priority)).toEqual([5, 8, 10]);
    expect(gotify.bodies[0]).not.toHaveProperty('extras');
    const pushover = capture('pushover', { url: 'http://127.0.0.1:9', token: 'tok', user: 'usr', priority: '-1' });
    await pushover.send(resultDelivery('succeeded'));
    await pushover.send(resultDelivery('rollback-failed'));
    expect(pushover.bodies.map((body) => body.priority)).toEqual([-1, 1]);
    const webhook = capture('http', { url: 'http://127.0.0.1:9/hook' });
    await webhook.send(resultDelivery('rolled-back'));
    expect(webhook.bodies[0]).toMatchObject({ event: 'update-failed', result: { outcome: 'rolled-back', operationId: 'op-1', fromVersion: '1.2.0', toVersion: '1.3.0' } });
    await webhook.send({ mode: 'simple', reason: 'auto', containers: [sampleContainer()], message: { title: 't', body: 'b' } });
    // Available updates keep the body they always had.
    expect(Object.keys(webhook.bodies[1]!)).toEqual(['title', 'message', 'mode', 'reason', 'containers']);
  });
});
