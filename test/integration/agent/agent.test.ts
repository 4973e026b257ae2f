import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAgentToExit, startAgent, type RunningAgent } from '../../bench/agent.ts';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { docker } from '../../bench/exec.ts';
import { buildTestImage, uniqueName } from '../../bench/images.ts';
import { waitFor } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';
import { makeTlsMaterial, type TlsMaterial } from '../../bench/tls-engine-proxy.ts';
import { cleanup, containersNamed, inspect, runLabel } from '../updates/helpers.ts';

/**
 * A controller daemon watching and updating containers of another "host" through `dockdeck
 * agent`, all against the real engine: the agent relays its local engine, the controller has no
 * socket watcher at all.
 */
const { registry } = benchState();
const repository = `${registry.address}/${uniqueName('agent')}`;
const ref = (tag: string) => `${repository}:${tag}`;
const SECRET = randomBytes(24).toString('hex');
/** Only this file's containers carry it; the controller's LABELFILTER makes every other container invisible. */
const SCOPE_LABEL = `dockdeck.test-agent=${uniqueName('scope')}`;
const names: string[] = [];
const agents: RunningAgent[] = [];
const daemons: RunningDaemon[] = [];

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** One request with the path exactly as given (fetch would normalise `..`). */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, tls?: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const send = tls ? httpsRequest : httpRequest;
    // A fresh connection each time: a refused request must not leave a half-used socket in a pool.
    const req = send({ host: '127.0.0.1', port, method, path, headers, timeout: 10_000, agent: false, ...(tls ?? {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

async function api(daemon: RunningDaemon, method: string, path: string): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`${daemon.url}${path}`, { method, headers: { 'content-type': 'application/json' } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
}

async function runContainer(labels: string[]): Promise<string> {
  const name = uniqueName('agent-c');
  names.push(name);
  const labelArgs = [runLabel(), SCOPE_LABEL, ...labels].flatMap((label) => ['--label', label]);
  await docker('run', '-d', '--name', name, ...labelArgs, ref('1.0.0'));
  return name;
}

function controllerEnv(agent: RunningAgent, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DD_AGENT_EDGE_HOST: '127.0.0.1',
    DD_AGENT_EDGE_PORT: String(agent.port),
    DD_AGENT_EDGE_SECRET: SECRET,
    // Only this run's containers are seen, and only dd.watch=true ones are checked: never other tests' containers.
    DD_AGENT_EDGE_WATCHBYDEFAULT: 'false',
    DD_AGENT_EDGE_LABELFILTER: SCOPE_LABEL,
    DD_AGENT_EDGE_WATCHATSTART: 'false',
    DD_AGENT_EDGE_WATCHEVENTS: 'false',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_TRIGGER_DOCKER_EDGE_GRACESECONDS: '1',
    DD_LOG_LEVEL: 'info',
    ...extra,
  };
}

async function controller(env: Record<string, string>): Promise<RunningDaemon> {
  const daemon = await startDaemon(env);
  daemons.push(daemon);
  return daemon;
}

async function agent(env: Record<string, string> = {}, options: { https?: boolean } = {}): Promise<RunningAgent> {
  const started = await startAgent({ DD_AGENT_SECRET: SECRET, DD_LOG_LEVEL: 'debug', ...env }, options);
  agents.push(started);
  return started;
}

let watchedName: string;
let unwatchedName: string;
let plainAgent: RunningAgent;

beforeAll(async () => {
  await buildTestImage({ reference: ref('1.0.0') });
  await buildTestImage({ reference: ref('1.1.0') });
  watchedName = await runContainer(['dd.watch=true']);
  unwatchedName = await runContainer([]);
  plainAgent = await agent();
}, 120_000);

afterAll(async () => {
  for (const daemon of daemons) await daemon.kill().catch(() => undefined);
  for (const running of agents) await running.stop().catch(() => undefined);
  for (const name of names) for (const found of await containersNamed(name)) await cleanup('container', [found]);
});

describe('dockdeck agent', () => {
  it('refuses to start without a secret, naming the variable', async () => {
    const { code, output } = await runAgentToExit({ DD_AGENT_ADDRESS: '127.0.0.1', DD_AGENT_PORT: '1' });
    expect(code).toBe(78);
    expect(output).toContain('DD_AGENT_SECRET: is missing');
  });

  it('warns loudly before listening without TLS on a non-loopback address', async () => {
    // 192.0.2.1 (TEST-NET) is not on this machine: the warning is printed, then listening fails, so nothing is exposed.
    const { code, output } = await runAgentToExit({ DD_AGENT_SECRET: SECRET, DD_AGENT_ADDRESS: '192.0.2.1', DD_AGENT_PORT: '3001' });
    expect(output).toContain('THE AGENT LISTENS WITHOUT TLS on 192.0.2.1');
    expect(output).toContain('cannot listen on 192.0.2.1:3001');
    expect(code).toBe(1);
    expect(output).not.toContain(SECRET);
  });

  it('answers 401 without the right secret and never logs it', async () => {
    const missing = await raw(plainAgent.port, 'GET', '/v1.41/containers/json');
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toEqual({ error: 'Missing or wrong agent secret', code: 'AGENT_UNAUTHORIZED' });
    const wrong = await raw(plainAgent.port, 'GET', '/v1.41/containers/json', bearer(`${SECRET}x`));
    expect(wrong.status).toBe(401);
    // The log line travels through the child's stdout: wait for it rather than race it.
    await waitFor(async () => plainAgent.output().includes('agent refused a request without the right secret'), 5_000, 'the refusal in the agent log');
    expect(plainAgent.output()).not.toContain(SECRET);
  });

  it('relays allowed calls to its engine', async () => {
    const listed = await raw(plainAgent.port, 'GET', `/v1.41/containers/json?filters=${encodeURIComponent(JSON.stringify({ name: [watchedName] }))}`, bearer(SECRET));
    expect(listed.status).toBe(200);
    expect((JSON.parse(listed.body) as Array<{ Names: string[] }>).map((c) => c.Names[0])).toEqual([`/${watchedName}`]);
    const ping = await raw(plainAgent.port, 'GET', '/_ping', bearer(SECRET));
    expect(ping).toMatchObject({ status: 200, body: 'OK' });
    expect(ping.headers['api-version']).toBeDefined();
  });

  it('denies exec, traversal tricks and upgrades with 403, and the engine never sees them', async () => {
    const { Id } = await inspect(watchedName);
    for (const path of [`/v1.41/containers/${Id}/exec`, `/v1.41/containers/${Id}/../${Id}/exec`, `/containers/${watchedName}%2Fexec`, '/v1.41/build', '/v1.41/swarm/init']) {
      const denied = await raw(plainAgent.port, 'POST', path, { ...bearer(SECRET), 'content-type': 'application/json' });
      expect({ path, status: denied.status, code: JSON.parse(denied.body).code }).toEqual({ path, status: 403, code: 'AGENT_ENDPOINT_DENIED' });
    }
    const upgrade = await raw(plainAgent.port, 'POST', `/v1.41/containers/${Id}/attach?stream=1&stdout=1`, { ...bearer(SECRET), connection: 'Upgrade', upgrade: 'tcp' });
    expect(upgrade.status).toBe(403);
    expect(JSON.parse(upgrade.body).code).toBe('AGENT_UPGRADE_REFUSED');
    expect((await inspect(watchedName)).ExecIDs).toBeNull();
  });

  it('refuses a body larger than its limit before the engine sees it', async () => {
    const huge = await raw(plainAgent.port, 'POST', '/v1.41/containers/create', { ...bearer(SECRET), 'content-type': 'application/json', 'content-length': String(5 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body).code).toBe('AGENT_BODY_TOO_LARGE');
  });

  it('streams events as they happen, without buffering', async () => {
    const filters = encodeURIComponent(JSON.stringify({ container: [watchedName], event: ['kill'] }));
    const received = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: plainAgent.port, path: `/v1.41/events?filters=${filters}`, headers: bearer(SECRET), agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        // The headers arrived before any event exists: now cause one (USR1 is ignored by the test image's shell).
        void docker('kill', '--signal', 'USR1', watchedName).catch(reject);
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => {
          req.destroy();
          resolve(chunk);
        });
      });
      req.setTimeout(15_000, () => req.destroy(new Error('no event within 15 s')));
      // After the first chunk the promise is settled; a later socket error changes nothing.
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(received.trim().split('\n')[0] ?? '{}')).toMatchObject({ Type: 'container', Action: 'kill', Actor: { Attributes: { name: watchedName } } });
  });
});

describe('a controller with an agent host', () => {
  let daemon: RunningDaemon;

  beforeAll(async () => {
    daemon = await controller(controllerEnv(plainAgent));
  }, 60_000);

  it('lists the agent as a watcher, never its secret', async () => {
    const watchers = await api(daemon, 'GET', '/api/v1/watchers');
    expect(watchers.status).toBe(200);
    expect(watchers.body.data).toEqual([
      expect.objectContaining({ name: 'edge', type: 'docker', endpoint: `http://127.0.0.1:${plainAgent.port}`, agent: { host: '127.0.0.1', port: plainAgent.port, tls: false } }),
    ]);
    expect(watchers.text).not.toContain(SECRET);
  });

  it("watches the agent host's labelled containers, reads stats and logs, and updates one through the agent", async () => {
    const watched = await api(daemon, 'POST', '/api/v1/containers/watch');
    expect(watched.status).toBe(200);
    const byName = new Map((watched.body.data as Array<Record<string, any>>).map((c) => [c.name as string, c]));
    // LABELFILTER is applied by the engine behind the agent: nothing but this file's containers.
    expect([...byName.keys()].sort()).toEqual([watchedName, unwatchedName].sort());
    expect(byName.get(watchedName)).toEqual(expect.objectContaining({ watcher: 'edge', watched: true, updateAvailable: true, result: { tag: '1.1.0' } }));
    // Seen through the agent, but without dd.watch=true it is not checked (WATCHBYDEFAULT=false).
    expect(byName.get(unwatchedName)).toEqual(expect.objectContaining({ watcher: 'edge', watched: false, updateAvailable: false }));
    const id = byName.get(watchedName)!.id as string;

    const stats = await api(daemon, 'GET', `/api/v1/containers/${id}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body.data).toEqual(expect.objectContaining({ memoryUsageBytes: expect.any(Number) }));
    const logs = await fetch(`${daemon.url}/api/v1/containers/${id}/logs`);
    expect(logs.status).toBe(200);

    const accepted = await api(daemon, 'POST', `/api/v1/containers/${id}/update`);
    expect(accepted.status).toBe(202);
    let operation: Record<string, any> = {};
    await waitFor(async () => {
      operation = (await api(daemon, 'GET', `/api/v1/update-operations/${accepted.body.operationId}`)).body;
      return ['succeeded', 'rolled-back', 'failed', 'expired'].includes(operation.status);
    }, 60_000, 'the update through the agent to end');
    expect(operation).toMatchObject({ status: 'succeeded', fromVersion: '1.0.0', toVersion: '1.1.0' });
    const after = await inspect(watchedName);
    expect(after.Config.Image).toBe(ref('1.1.0'));
    expect(after.State.Running).toBe(true);
    expect(after.Id).not.toBe(id);

    // And back again from the backup, through the agent as well (after a cycle has seen the new container).
    const rewatched = await api(daemon, 'POST', '/api/v1/containers/watch');
    expect((rewatched.body.data as Array<Record<string, any>>).find((c) => c.name === watchedName)).toMatchObject({ id: after.Id, updateAvailable: false });
    const backups = await api(daemon, 'GET', `/api/v1/containers/backups?containerName=${watchedName}`);
    expect(backups.body).toMatchObject({ total: 1, data: [{ imageTag: '1.0.0' }] });
    const rolled = await fetch(`${daemon.url}/api/v1/containers/${after.Id}/rollback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dd-confirm-action': 'container-rollback' },
      body: JSON.stringify({ backupId: backups.body.data[0].id }),
    });
    expect(rolled.status).toBe(200);
    expect(((await rolled.json()) as Record<string, any>).operation).toMatchObject({ kind: 'rollback', status: 'succeeded' });
    const restored = await inspect(watchedName);
    expect(restored.Config.Image).toBe(ref('1.0.0'));
    expect(restored.State.Running).toBe(true);
    expect(await containersNamed(watchedName)).toEqual([watchedName]);
    expect(daemon.output()).not.toContain(SECRET);
    // The relay really carried it: pull, create and start went through the agent.
    await waitFor(async () => plainAgent.output().includes('"endpoint":"container start"'), 5_000, 'the relayed calls in the agent log');
    expect(plainAgent.output()).toMatch(/"endpoint":"image pull"/);
    expect(plainAgent.output()).toMatch(/"endpoint":"container create"/);
  });
});

describe('a controller with the wrong agent secret', () => {
  it('reports the engine unavailable and keeps running', async () => {
    const daemon = await controller(controllerEnv(plainAgent, { DD_AGENT_EDGE_SECRET: 'not-the-secret-at-all' }));
    const version = await api(daemon, 'GET', '/api/v1/system/version?watcher=edge');
    expect(version.status).toBe(503);
    expect(version.body).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    expect(version.body.error).toContain('agent secret');
    const watched = await api(daemon, 'POST', '/api/v1/containers/watch');
    expect(watched.status).toBeLessThan(500);
    expect((watched.body.data ?? []).some((c: Record<string, any>) => c.watcher === 'edge')).toBe(false);
    const watchers = await api(daemon, 'GET', '/api/v1/watchers');
    expect(watchers.body.data[0]).toMatchObject({ name: 'edge', status: 'error', lastRun: { error: expect.stringContaining('unavailable') } });
    expect((await fetch(`${daemon.url}/health`)).status).toBeLessThan(500);
    expect(daemon.child.exitCode).toBeNull();
    await daemon.stop();
  });
});

describe('an agent with TLS and client certificates', () => {
  let material: TlsMaterial;
  let tlsAgent: RunningAgent;

  beforeAll(async () => {
    material = await makeTlsMaterial();
    tlsAgent = await agent({ DD_AGENT_CERTFILE: material.serverCertFile, DD_AGENT_KEYFILE: material.serverKeyFile, DD_AGENT_CAFILE: material.caFile }, { https: true });
  }, 60_000);

  it('refuses a TLS client without a certificate', async () => {
    await expect(raw(tlsAgent.port, 'GET', '/_ping', bearer(SECRET), { ca: readFileSync(material.caFile) })).rejects.toThrow();
    const withCertificate = await raw(tlsAgent.port, 'GET', '/_ping', bearer(SECRET), {
      ca: readFileSync(material.caFile),
      cert: readFileSync(material.clientCertFile),
      key: readFileSync(material.clientKeyFile),
    });
    expect(withCertificate).toMatchObject({ status: 200, body: 'OK' });
  });

  it('serves the controller that presents its client certificate', async () => {
    const tlsEnv = { DD_AGENT_EDGE_CAFILE: material.caFile, DD_AGENT_EDGE_CERTFILE: material.clientCertFile, DD_AGENT_EDGE_KEYFILE: material.clientKeyFile };
    const daemon = await controller(controllerEnv(tlsAgent, { ...tlsEnv, DD_AGENT_EDGE_WATCHEVENTS: 'true' }));
    const version = await api(daemon, 'GET', '/api/v1/system/version?watcher=edge');
    expect(version.status).toBe(200);
    expect(version.body.Version).toBe(await docker('version', '--format', '{{.Server.Version}}'));
    // The engine event stream is followed through the agent too, and stays open.
    await waitFor(async () => (await api(daemon, 'GET', '/api/v1/watchers')).body.data[0].events === 'connected', 15_000, 'the event stream through the agent');
    const watchers = await api(daemon, 'GET', '/api/v1/watchers');
    expect(watchers.body.data[0]).toMatchObject({ endpoint: `https://127.0.0.1:${tlsAgent.port}`, agent: { host: '127.0.0.1', port: tlsAgent.port, tls: true } });
    await daemon.stop();
  });
});
