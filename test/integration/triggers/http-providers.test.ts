import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { sampleContainer } from '../../../app/triggers/testing/sample-container.ts';
import { sampleOperation } from '../../../app/triggers/testing/sample-operation.ts';
import {
  startDiscordReceiver,
  startGotifyReceiver,
  startPushoverReceiver,
  startSlackReceiver,
  startTelegramReceiver,
  startWebhookReceiver,
} from '../../bench/receivers/chat-receivers.ts';
import type { Receiver } from '../../bench/receivers/receiver.ts';
import { emitCycle, startService, tempStoreFolder, triggerGroup } from './trigger-helpers.ts';

describe('HTTP API providers against strict local receivers', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)();
  });

  async function deliverOne(receiver: Receiver, type: string, values: Record<string, string>, mode = 'simple') {
    cleanups.push(() => receiver.close());
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const { bus, service, stop } = await startService(temp.folder, [triggerGroup(type, 'one', { ...values, mode })], { queue: { backoffMs: [10], maxAttempts: 1 } });
    cleanups.push(stop);
    emitCycle(bus, [sampleContainer({ name: 'web' }), ...(mode === 'batch' ? [sampleContainer({ name: 'db', kind: 'major', to: '2.0.0' })] : [])]);
    await service.idle();
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted).toHaveLength(1);
    expect(service.outbox().map((entry) => entry.status)).toEqual(['sent']);
    return { body: JSON.parse(receiver.accepted[0]!.body) as Record<string, any>, service };
  }

  it('slack: one text message naming host and container, markup escaped', async () => {
    const receiver = await startSlackReceiver();
    const { body } = await deliverOne(receiver, 'slack', { url: `${receiver.url}/services/T000/B000/secret`, simplebody: '<!channel> ${name} ${currentValue} → ${newValue}' });
    expect(body).toEqual({ text: '*dockdeck: update for web on local*\n&lt;!channel&gt; web 1.0.0 → 1.1.0' });
  });

  it('discord: one embed with the link, no mentions; secret webhook URL masked in the configuration', async () => {
    const receiver = await startDiscordReceiver();
    const { body, service } = await deliverOne(receiver, 'discord', { url: `${receiver.url}/api/webhooks/1/secret` });
    expect(body.embeds[0]).toMatchObject({ title: 'dockdeck: update for web on local', url: 'https://example.test/releases/1.1.0' });
    expect(body.embeds[0].description).toContain('web (local): 1.0.0 → 1.1.0 (minor)');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(service.triggers[0]!.configuration.url).toBe('***');
  });

  it('gotify: app token header, priority by kind, click extra', async () => {
    const receiver = await startGotifyReceiver('A.token');
    const { body } = await deliverOne(receiver, 'gotify', { url: receiver.url, token: 'A.token' });
    expect(body).toMatchObject({ title: 'dockdeck: update for web on local', priority: 6 });
    expect(body.extras['client::notification'].click.url).toBe('https://example.test/releases/1.1.0');
  });

  it('telegram: plain text to the chat', async () => {
    const receiver = await startTelegramReceiver('123:abc_DEF', '-100200');
    const { body } = await deliverOne(receiver, 'telegram', { url: receiver.url, bottoken: '123:abc_DEF', chatid: '-100200' });
    expect(body.text).toBe('dockdeck: update for web on local\n\nweb (local): 1.0.0 → 1.1.0 (minor)\nhttps://example.test/releases/1.1.0');
  });

  it('telegram: a failure is recorded without the bot token (it sits in the URL path)', async () => {
    const receiver = await startTelegramReceiver('123:abc_DEF', '-100200');
    cleanups.push(() => receiver.close());
    receiver.failNext(5);
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const { bus, service, stop } = await startService(temp.folder, [triggerGroup('telegram', 'one', { url: receiver.url, bottoken: '123:abc_DEF', chatid: '-100200' })], { queue: { backoffMs: [10], maxAttempts: 1 } });
    cleanups.push(stop);
    emitCycle(bus, [sampleContainer({ name: 'web' })]);
    await service.idle();
    const [entry] = service.outbox();
    expect(entry!.status).toBe('failed');
    expect(entry!.attempts[0]!.error).toBe(`${receiver.url} answered 503: {"error":"try later"}`);
    expect(JSON.stringify(service.outbox())).not.toContain('abc_DEF');
    expect(JSON.stringify(service.triggers[0]!.configuration)).not.toContain('abc_DEF');
  });

  it('pushover: token and user key, batch of two in one message', async () => {
    const receiver = await startPushoverReceiver('apptoken', 'userkey');
    const { body } = await deliverOne(receiver, 'pushover', { url: receiver.url, token: 'apptoken', user: 'userkey' }, 'batch');
    expect(body.title).toBe('dockdeck: 2 updates on local');
    expect(body.message).toBe('web (local): 1.0.0 → 1.1.0 (minor)\ndb (local): 1.0.0 → 2.0.0 (major)');
    expect(body.url).toBeUndefined();
  });

  it('http webhook: bearer auth and the documented body', async () => {
    const receiver = await startWebhookReceiver('hooktoken');
    const { body } = await deliverOne(receiver, 'http', { url: `${receiver.url}/hook`, token: 'hooktoken' });
    expect(body).toMatchObject({ title: 'dockdeck: update for web on local', mode: 'simple', reason: 'auto' });
    expect(body.containers).toEqual([
      { id: 'id-web', name: 'web', displayName: 'web', watcher: 'local', agent: null, host: 'local', image: 'registry.local/app', kind: 'minor', currentValue: '1.0.0', newValue: '1.1.0', link: 'https://example.test/releases/1.1.0' },
    ]);
  });

  it('http webhook: a message about what an update did adds event and result', async () => {
    const receiver = await startWebhookReceiver('hooktoken');
    cleanups.push(() => receiver.close());
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const { bus, service, stop } = await startService(temp.folder, [triggerGroup('http', 'one', { url: `${receiver.url}/hook`, token: 'hooktoken', events: 'update-failed' })]);
    cleanups.push(stop);
    bus.emit('update-operation-changed', { operation: sampleOperation('rolled-back') });
    await service.idle();
    expect(receiver.rejected).toEqual([]);
    const body = JSON.parse(receiver.accepted[0]!.body) as Record<string, any>;
    expect(body).toMatchObject({
      title: '⚠️ web: update to 1.3.0 failed, rolled back to 1.2.0',
      event: 'update-failed',
      result: { outcome: 'rolled-back', operationId: 'op-1', fromVersion: '1.2.0', toVersion: '1.3.0', reason: 'container exited (code 3)' },
      containers: [],
    });
  });

  it('http webhook: a redirect is not followed when credentials are set', async () => {
    const receiver = await startWebhookReceiver('hooktoken');
    cleanups.push(() => receiver.close());
    const redirector = createServer((_req, res) => res.writeHead(307, { location: `${receiver.url}/hook` }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => redirector.close(() => resolve())));
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`;
    const { bus, service, stop } = await startService(temp.folder, [triggerGroup('http', 'one', { url, token: 'hooktoken' })], { queue: { backoffMs: [10], maxAttempts: 1 } });
    cleanups.push(stop);
    emitCycle(bus, [sampleContainer({ name: 'web' })]);
    await service.idle();
    expect(receiver.accepted).toHaveLength(0);
    expect(receiver.rejected).toHaveLength(0);
    const [entry] = service.outbox();
    expect(entry!.status).toBe('failed');
    expect(entry!.attempts[0]!.error).toContain('307');
    expect(JSON.stringify(entry)).not.toContain('hooktoken');
  });
});
