import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import mqtt from 'mqtt';
import { SMTPServer } from 'smtp-server';
import { sampleContainer } from '../../../app/triggers/testing/sample-container.ts';
import { sampleOperation } from '../../../app/triggers/testing/sample-operation.ts';
import { emitCycle, startService, tempStoreFolder, triggerGroup } from './trigger-helpers.ts';

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('smtp trigger against a real SMTP server on loopback', () => {
  const mails: { from: string; to: string[]; data: string; user: string }[] = [];
  let server: SMTPServer;
  let port = 0;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      onAuth(auth, _session, callback) {
        if (auth.username === 'dd' && auth.password === 'm4il-secret') callback(null, { user: 'dd' });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString('utf8'),
            user: String(session.user),
          });
          callback();
        });
      },
    });
    port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function run(password: string) {
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const group = triggerGroup('smtp', 'ops', { host: '127.0.0.1', port: String(port), user: 'dd', password, from: 'dockdeck@example.test', to: 'ops@example.test, oncall@example.test' });
    const started = await startService(temp.folder, [group], { queue: { backoffMs: [10], maxAttempts: 1 } });
    cleanups.push(started.stop);
    emitCycle(started.bus, [sampleContainer({ name: 'web' })]);
    await started.service.idle();
    return started.service;
  }

  it('sends one authenticated mail with the title as subject', async () => {
    const service = await run('m4il-secret');
    expect(service.outbox()[0]!.status).toBe('sent');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'dockdeck@example.test', to: ['ops@example.test', 'oncall@example.test'], user: 'dd' });
    expect(mails[0]!.data).toContain('Subject: dockdeck: update for web on local');
    expect(mails[0]!.data.replace(/=\r\n/g, '')).toMatch(/web \(local\): 1\.0\.0 (→|=E2=86=92) 1\.1\.0 \(minor\)/);
  });

  it('records a refused login as a failed delivery without the password', async () => {
    mails.length = 0;
    const service = await run('wrong-pass');
    const [entry] = service.outbox();
    expect(entry!.status).toBe('failed');
    expect(entry!.attempts[0]!.error).toContain('SMTP 127.0.0.1');
    expect(JSON.stringify(entry)).not.toContain('wrong-pass');
    expect(mails).toHaveLength(0);
  });
});

describe('mqtt trigger against a real mosquitto broker', () => {
  let broker: ChildProcess;
  let url = '';
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const port = await freePort();
    broker = spawn('mosquitto', ['-p', String(port)], { stdio: 'ignore' });
    url = `mqtt://127.0.0.1:${port}`;
    // Wait until the broker accepts connections.
    for (let attempt = 0; ; attempt++) {
      try {
        const probe = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 });
        await probe.endAsync();
        break;
      } catch (error) {
        if (attempt > 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  afterEach(async () => {
    while (cleanups.length > 0) await (cleanups.pop() as () => Promise<void>)();
  });
  afterAll(() => {
    broker?.kill('SIGTERM');
  });

  it('publishes retained Home Assistant discovery and state for each updated container', async () => {
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const started = await startService(temp.folder, [triggerGroup('mqtt', 'ha', { url })]);
    cleanups.push(started.stop);
    emitCycle(started.bus, [sampleContainer({ name: 'web' }), sampleContainer({ name: 'db+#/x', kind: 'major', to: '2.0.0' })]);
    await started.service.idle();
    expect(started.service.outbox().map((entry) => entry.status)).toEqual(['sent', 'sent']);

    // A client connecting afterwards gets the retained messages.
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    cleanups.push(() => client.endAsync());
    const received = new Map<string, { payload: string; retain: boolean }>();
    client.on('message', (topic, payload, packet) => received.set(topic, { payload: payload.toString(), retain: packet.retain }));
    await client.subscribeAsync(['homeassistant/update/#', 'dockdeck/container/#']);
    for (let i = 0; i < 50 && received.size < 4; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...received.keys()].sort()).toEqual([
      'dockdeck/container/local/db___x',
      'dockdeck/container/local/web',
      'homeassistant/update/dockdeck_local_db___x/config',
      'homeassistant/update/dockdeck_local_web/config',
    ]);
    expect([...received.values()].every((message) => message.retain)).toBe(true);
    const config = JSON.parse(received.get('homeassistant/update/dockdeck_local_web/config')!.payload);
    expect(config).toMatchObject({ unique_id: 'dockdeck_local_web', state_topic: 'dockdeck/container/local/web', name: 'web' });
    const state = JSON.parse(received.get('dockdeck/container/local/web')!.payload);
    expect(state).toMatchObject({ installed_version: '1.0.0', latest_version: '1.1.0', release_url: 'https://example.test/releases/1.1.0', host: 'local' });
  });

  it('publishes what an update did, not retained, to the result topic, and leaves the state alone', async () => {
    const temp = await tempStoreFolder();
    cleanups.push(temp.remove);
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    cleanups.push(() => client.endAsync());
    const received: { topic: string; payload: string; retain: boolean }[] = [];
    client.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await client.subscribeAsync(['dockdeck-results/#', 'homeassistant-results/#']);
    const started = await startService(temp.folder, [
      triggerGroup('mqtt', 'ops', { url, topic: 'dockdeck-results', hassprefix: 'homeassistant-results', events: 'rollback-failed' }),
    ]);
    cleanups.push(started.stop);
    started.bus.emit('update-operation-changed', { operation: sampleOperation('rollback-failed', { containerName: 'web/#', identity: '::local::web/#' }) });
    await started.service.idle();
    for (let i = 0; i < 50 && received.length < 1; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.map((message) => [message.topic, message.retain])).toEqual([['dockdeck-results/local/web__/result', false]]);
    expect(JSON.parse(received[0]!.payload)).toMatchObject({
      title: '🚨 web/#: rollback failed, service may be down',
      event: 'rollback-failed',
      outcome: 'rollback-failed',
      operationId: 'op-1',
      reason: expect.stringContaining('Rollback failed'),
    });
  });
});
