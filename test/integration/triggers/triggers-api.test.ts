import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApp } from '../../../app/api/create-app.ts';
import { closeGracefully, listen } from '../../../app/api/server.ts';
import { loadConfig } from '../../../app/config/load-config.ts';
import { containerIdentity } from '../../../app/core/container.ts';
import { EventBus } from '../../../app/events/bus.ts';
import { Store } from '../../../app/store/store.ts';
import { TriggerService } from '../../../app/triggers/trigger-service.ts';
import { sampleContainer } from '../../../app/triggers/testing/sample-container.ts';
import { startNtfyReceiver } from '../../bench/receivers/ntfy-receiver.ts';
import type { Receiver } from '../../bench/receivers/receiver.ts';
import { silentLogger, tempStoreFolder } from './trigger-helpers.ts';

describe('trigger API', () => {
  let receiver: Receiver;
  let http: Server;
  let base = '';
  let store: Store;
  let service: TriggerService;
  let removeFolder: () => Promise<void> = async () => undefined;
  const web = sampleContainer({ name: 'web', triggerExclude: 'mail' });
  const db = sampleContainer({ name: 'db', triggerInclude: 'ntfy.other' });

  beforeAll(async () => {
    receiver = await startNtfyReceiver({ user: 'alice', password: 'pa55word' });
    const temp = await tempStoreFolder();
    removeFolder = temp.remove;
    const config = loadConfig({
      DD_STORE_PATH: temp.folder,
      DD_LOG_LEVEL: 'silent',
      DD_TRIGGER_NTFY_PHONE_URL: receiver.url,
      DD_TRIGGER_NTFY_PHONE_TOPIC: 'dd',
      DD_TRIGGER_NTFY_PHONE_USER: 'alice',
      DD_TRIGGER_NTFY_PHONE_PASSWORD: 'pa55word',
      DD_TRIGGER_NTFY_PHONE_AUTO: 'false',
      DD_TRIGGER_NTFY_MAIL_URL: 'http://127.0.0.1:9',
      DD_TRIGGER_NTFY_MAIL_TOPIC: 'other',
      DD_TRIGGER_NTFY_MAIL_TOKEN: 'tk_hidden',
      DD_TRIGGER_NTFY_MAIL_ORDER: '1',
      DD_TRIGGER_NTFY_MAIL_EVENTS: 'rollback-failed, update-available,update-failed,rollback-failed',
    });
    store = await Store.open(temp.folder);
    store.update((data) => {
      data.containers.push(web, db);
      data.audit.push(
        { id: 'a1', at: '2026-01-01T00:00:00Z', action: 'update', containerName: 'web', identity: containerIdentity(web), status: 'pending' },
        { id: 'a2', at: '2026-01-01T00:01:00Z', action: 'update', containerName: 'web', identity: containerIdentity(web), status: 'updated' },
        { id: 'a3', at: '2026-01-01T00:02:00Z', action: 'update', containerName: 'db', identity: containerIdentity(db), status: 'failed' },
        { id: 'a4', at: '2026-01-01T00:03:00Z', action: 'note', containerName: 'db', status: 'info' },
      );
    });
    const bus = new EventBus();
    service = new TriggerService({ groups: config.triggers, store, bus, logger: silentLogger, timeoutMs: 2000 });
    service.start();
    const { app } = createApp({ version: 'test', startedAt: new Date(), config, store, bus, logger: silentLogger, engines: new Map(), triggers: service });
    http = await listen(app, { ...config.server, address: '127.0.0.1', port: 0 });
    const address = http.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    service?.stop();
    if (http) await closeGracefully(http, 2000);
    await store?.flush();
    await receiver?.close();
    await removeFolder();
  });

  const json = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
  };

  it('lists triggers in ORDER with secrets masked', async () => {
    const { status, body, text } = await json('/api/v1/triggers');
    expect(status).toBe(200);
    expect(body.total).toBe(2);
    expect(body.data.map((t: { id: string }) => t.id)).toEqual(['ntfy.mail', 'ntfy.phone']);
    expect(body.data[1]).toMatchObject({
      id: 'ntfy.phone',
      type: 'ntfy',
      name: 'phone',
      configuration: { topic: 'dd', url: receiver.url, user: 'alice', password: '***', threshold: 'all', mode: 'simple', once: true, auto: false },
    });
    expect(body.data[0].configuration.token).toBe('***');
    // The kinds of messages each sends (EVENTS), in one fixed order; the default is update-available only.
    expect(body.data[0].events).toEqual(['update-available', 'update-failed', 'rollback-failed']);
    expect(body.data[1].events).toEqual(['update-available']);
    expect(text).not.toContain('pa55word');
    expect(text).not.toContain('tk_hidden');
  });

  it('lists the triggers a container routes to', async () => {
    const routed = (await json(`/api/v1/containers/${web.id}/triggers`)).body;
    expect(routed.data.map((t: { id: string; events: string[] }) => [t.id, t.events])).toEqual([['ntfy.phone', ['update-available']]]);
    expect((await json(`/api/v1/containers/${db.id}/triggers`)).body).toEqual({ data: [], total: 0 });
    expect((await json('/api/v1/containers/nope/triggers')).status).toBe(404);
  });

  it('runs a trigger for a container by hand (AUTO=false) and records it in the outbox', async () => {
    const { status, body } = await json(`/api/v1/containers/${web.id}/triggers/ntfy/phone`, { method: 'POST' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ trigger: 'ntfy.phone', status: 'sent', reason: 'manual', containerIds: [web.id] });
    expect(receiver.rejected).toEqual([]);
    expect(receiver.accepted).toHaveLength(1);
    expect(JSON.parse(receiver.accepted[0]!.body).title).toBe('dockdeck: update for web on local');
    // By hand ignores ONCE: a second run sends again.
    expect((await json(`/api/v1/containers/${web.id}/triggers/ntfy/phone`, { method: 'POST' })).status).toBe(200);
    expect(receiver.accepted).toHaveLength(2);
    expect((await json(`/api/v1/containers/${web.id}/triggers/ntfy/none`, { method: 'POST' })).status).toBe(404);
  });

  it('sends a test message, and reports a failing receiver as 502 with a retryable outbox entry', async () => {
    const ok = await json('/api/v1/triggers/ntfy/phone', { method: 'POST' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(receiver.accepted.at(-1)!.body).title).toBe('dockdeck: test of trigger ntfy.phone');

    const failed = await json('/api/v1/triggers/ntfy/mail', { method: 'POST' });
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe('TRIGGER_FAILED');
    expect(failed.text).not.toContain('tk_hidden');

    const outbox = await json('/api/v1/notifications/outbox?status=failed');
    expect(outbox.body.total).toBe(1);
    expect(outbox.body.data[0]).toMatchObject({ id: failed.body.outboxId, trigger: 'ntfy.mail', status: 'failed' });
    const retry = await json(`/api/v1/notifications/outbox/${failed.body.outboxId}/retry`, { method: 'POST' });
    expect(retry.status).toBe(202);
    await service.idle();
    expect((await json('/api/v1/notifications/outbox?status=failed')).body.data[0].attempts).toHaveLength(2);
    expect((await json('/api/v1/notifications/outbox/unknown/retry', { method: 'POST' })).status).toBe(404);
    const all = await json('/api/v1/notifications/outbox');
    expect(all.body.total).toBe(4);
  });

  it('answers recent-status from the audit trail', async () => {
    const { status, body } = await json('/api/v1/containers/recent-status');
    expect(status).toBe(200);
    expect(body).toEqual({
      statuses: { web: 'updated', db: 'failed' },
      statusesByIdentity: { [containerIdentity(web)]: 'updated', [containerIdentity(db)]: 'failed' },
    });
  });
});
