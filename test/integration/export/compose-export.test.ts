import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { strFromU8, unzipSync } from 'fflate';
import { parse } from 'yaml';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { docker } from '../../bench/exec.ts';
import { buildTestImage, uniqueName } from '../../bench/images.ts';
import { waitFor } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';
import { runLabel } from '../updates/helpers.ts';
import { checkComposeStructure } from './compose-structure.ts';
import { createSubnetNetwork } from './test-network.ts';

/**
 * Export to Docker Compose as a user calls it: the daemon as a process, containers on the real
 * engine with ports, env (one secret, one hostile value), a named volume, a user network with an
 * alias and a static address, labels; the answer parsed back and compared with `docker inspect`.
 * compose-roundtrip.test.ts runs such files with a real Compose client.
 */
const { registry } = benchState();
const image = `${registry.address}/${uniqueName('export')}:1.0.0`;
const networkName = uniqueName('export-net');
const volumeName = uniqueName('export-vol');
const webName = uniqueName('export-web');
const workerName = uniqueName('export-worker');
const HOSTILE = 'line one\nsay "hi": ${HOME} # $$ yes';
/** A secret label (Traefik basic auth users): sanitized like a secret variable. */
const WORKER_SECRET_LABEL = 'traefik.http.middlewares.worker-auth.basicauth.users';
const WORKER_USERS = 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/';
const WORKER_LABEL_VARIABLE = 'LABEL_TRAEFIK_HTTP_MIDDLEWARES_WORKER_AUTH_BASICAUTH_USERS';
/** What the file must hold for a literal value: Compose reads `$$` as one dollar. */
const composeEscaped = (value: string) => value.replaceAll('$', () => '$$');
let subnet = '';
let daemon: RunningDaemon;
const ids: Record<string, string> = {};

async function call(method: string, path: string, body?: unknown, raw?: string) {
  const response = await fetch(`${daemon.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(raw !== undefined ? { body: raw } : body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    body: type.includes('json') ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined,
  };
}

beforeAll(async () => {
  await buildTestImage({ reference: image, env: { FROM_IMAGE: 'default' }, labels: { 'org.example.from-image': 'yes' } });
  subnet = await createSubnetNetwork(networkName);
  await docker('volume', 'create', '--label', runLabel(), volumeName);
  await docker('run', '-d', '--name', webName, '--label', runLabel(), '--label', 'dd.watch=true', '--label', `hostile=${HOSTILE}`,
    '--network', networkName, '--network-alias', 'web-alias', '--ip', `${subnet}.10`,
    '-p', '127.0.0.1::80', '-v', `${volumeName}:/data`, '--restart', 'unless-stopped', '--memory', '64m', '--init',
    '-e', 'API_TOKEN=hunter2', '-e', `PLAIN=${HOSTILE}`, image);
  await docker('run', '-d', '--name', workerName, '--label', runLabel(), '--label', 'dd.watch=true', '--label', `${WORKER_SECRET_LABEL}=${WORKER_USERS}`, '--network', networkName,
    '-e', 'DB_PASSWORD=s3cr3t-worker', image, '/bin/sh', '-c', "trap 'exit 0' TERM; while :; do sleep 2 & wait $!; done");
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_WATCHER_LOCAL_WATCHEVENTS: 'false',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_LOG_LEVEL: 'warn',
  });
  const watched = await call('POST', '/api/v1/containers/watch');
  for (const name of [webName, workerName]) {
    const found = (watched.body.data as Array<{ id: string; name: string }>).find((container) => container.name === name);
    if (!found) throw new Error(`${name} not watched`);
    ids[name] = found.id;
  }
}, 120_000);

afterAll(async () => {
  await daemon?.stop();
  await docker('rm', '-f', webName, workerName).catch(() => '');
  await docker('network', 'rm', networkName).catch(() => '');
  await docker('volume', 'rm', '-f', volumeName).catch(() => '');
}, 60_000);

describe('export of one container', () => {
  it('previews a Compose file that matches docker inspect, with the secret as a placeholder', async () => {
    const preview = await call('POST', `/api/v1/containers/${ids[webName]}/export/preview`, {});
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-disposition')).toBeNull();
    const result = preview.body;
    expect(result).toMatchObject({ format: 'docker-compose', filename: `${webName}-compose.yaml`, env_filename: `${webName}.env`, env_content: 'API_TOKEN=\n' });
    expect(result.warnings).toEqual(["Secret 'API_TOKEN' was sanitized"]);
    expect(JSON.stringify(result)).not.toContain('hunter2');

    const inspect = JSON.parse(await docker('inspect', webName))[0];
    const document = parse(result.content);
    checkComposeStructure(document, result.env_content);
    const service = document.services[webName];
    const hostPort = inspect.NetworkSettings.Ports['80/tcp'][0].HostPort;
    expect(hostPort).toMatch(/^\d+$/);
    expect(service).toMatchObject({
      image,
      container_name: webName,
      ports: ['127.0.0.1::80'],
      volumes: [`${volumeName}:/data`],
      networks: { [networkName]: { aliases: ['web-alias'], ipv4_address: `${subnet}.10` } },
      restart: 'unless-stopped',
      init: true,
      mem_limit: '64m',
    });
    // Only what the user set: the image's env, label and command stay the image's.
    expect(service.environment).toEqual(['API_TOKEN=${API_TOKEN}', `PLAIN=${composeEscaped(HOSTILE)}`]);
    // The run label has the image's value (the bench labels images too): the image brings it.
    expect(service.labels).toEqual({ 'dd.watch': 'true', hostile: composeEscaped(HOSTILE) });
    expect(service).not.toHaveProperty('command');
    expect(document.volumes).toEqual({ [volumeName]: { name: volumeName } });
    const [labelKey, labelValue] = runLabel().split('=') as [string, string];
    expect(document.networks[networkName]).toEqual({ name: networkName, labels: { [labelKey]: labelValue }, ipam: { config: [{ subnet: `${subnet}.0/24` }] } });
  });

  it('answers export as a download, as JSON or as a zip of the same files', async () => {
    const json = await call('POST', `/api/v1/containers/${webName}/export`, { include_volumes: false, include_networks: false });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename="${webName}-export.json"`);
    const service = parse(json.body.content).services[webName];
    expect(service).not.toHaveProperty('volumes');
    expect(service).not.toHaveProperty('networks');

    const zip = await call('POST', `/api/v1/containers/${ids[webName]}/export?format=zip`, {});
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('content-disposition')).toBe(`attachment; filename="${webName}.zip"`);
    const files = Object.fromEntries(Object.entries(unzipSync(zip.bytes)).map(([name, data]) => [name, strFromU8(data)]));
    const preview = (await call('POST', `/api/v1/containers/${ids[webName]}/export/preview`, {})).body;
    expect(files).toEqual({ [preview.filename]: preview.content, [preview.env_filename]: 'API_TOKEN=\n', 'warnings.txt': "Secret 'API_TOKEN' was sanitized\n" });
  });

  it('refuses unknown containers and bad bodies with JSON errors', async () => {
    expect(await errorOf('POST', '/api/v1/containers/no-such-container-anywhere/export/preview', {})).toEqual([404, 'CONTAINER_NOT_FOUND']);
    expect(await errorOf('POST', `/api/v1/containers/${ids[webName]}/export`, undefined, '{"sanitize_secrets": tru')).toEqual([400, expect.any(String)]);
    expect(await errorOf('POST', `/api/v1/containers/${ids[webName]}/export`, { sanitize_secrets: 'no' })).toEqual([400, 'INVALID_BODY']);
    expect(await errorOf('POST', `/api/v1/containers/${ids[webName]}/export`, { sanitise_secrets: false })).toEqual([400, 'INVALID_BODY']);
    expect(await errorOf('POST', `/api/v1/containers/${ids[webName]}/export?format=tar`, {})).toEqual([400, 'INVALID_QUERY']);
  });
});

describe('export of a stack', () => {
  it('exports several containers into one project, 206 with a warning for the one that is missing', async () => {
    const answer = await call('POST', '/api/v1/containers/batch/export/preview', { container_ids: [ids[webName], workerName, 'missing-container-x', ids[webName]], stack_name: 'my-stack' });
    expect(answer.status).toBe(206);
    expect(answer.body.warnings).toEqual([
      "Container 'missing-container-x' was not exported: Container 'missing-container-x' not found",
      "Secret 'API_TOKEN' was sanitized",
      "Secret 'DB_PASSWORD' was sanitized",
      `Secret label '${WORKER_SECRET_LABEL}' of service '${workerName}' was sanitized as \${${WORKER_LABEL_VARIABLE}}`,
    ]);
    expect(answer.body).toMatchObject({ filename: 'my-stack-compose.yaml', env_filename: 'my-stack.env', env_content: `API_TOKEN=\nDB_PASSWORD=\n${WORKER_LABEL_VARIABLE}=\n` });
    const document = parse(answer.body.content);
    checkComposeStructure(document, answer.body.env_content);
    // The stack's name is the project on the command line (docker-compose 1.x refuses a top-level `name`).
    expect(document).not.toHaveProperty('name');
    expect(answer.body.content).toContain('docker compose -p my-stack --env-file my-stack.env -f my-stack-compose.yaml up -d');
    expect(Object.keys(document.services)).toEqual([webName, workerName]);
    expect(document.services[workerName].command).toEqual(['/bin/sh', '-c', "trap 'exit 0' TERM; while :; do sleep 2 & wait $$!; done"]);
    expect(document.services[workerName].networks).toEqual({ [networkName]: {} });
    expect(document.services[workerName].labels[WORKER_SECRET_LABEL]).toBe(`\${${WORKER_LABEL_VARIABLE}}`);
    expect(JSON.stringify(answer.body)).not.toMatch(/hunter2|s3cr3t-worker|apr1/);

    const zip = await call('POST', '/api/v1/containers/batch/export?format=zip', { container_ids: [ids[webName], ids[workerName]] });
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-disposition')).toBe('attachment; filename="exported-stack.zip"');
    expect(Object.keys(unzipSync(zip.bytes)).sort()).toEqual(['exported-stack-compose.yaml', 'exported-stack.env', 'warnings.txt']);
  });

  it('refuses empty, oversized and invalid batches, and answers 404 when nothing could be exported', async () => {
    expect(await errorOf('POST', '/api/v1/containers/batch/export', { container_ids: [] })).toEqual([400, 'INVALID_BODY']);
    expect(await errorOf('POST', '/api/v1/containers/batch/export', {})).toEqual([400, 'INVALID_BODY']);
    expect(await errorOf('POST', '/api/v1/containers/batch/export', { container_ids: Array.from({ length: 101 }, (_, index) => `c${index}`) })).toEqual([400, 'INVALID_BODY']);
    expect(await errorOf('POST', '/api/v1/containers/batch/export', { container_ids: [ids[webName]], stack_name: '../../etc' })).toEqual([400, 'INVALID_BODY']);
    expect(await errorOf('POST', '/api/v1/containers/batch/export', undefined, '[1,')).toEqual([400, expect.any(String)]);
    const none = await call('POST', '/api/v1/containers/batch/export', { container_ids: ['nope-1', 'nope-2'] });
    expect({ status: none.status, code: none.body.code, failures: none.body.failures?.length }).toEqual({ status: 404, code: 'ALL_CONTAINERS_FAILED', failures: 2 });
  });
});

describe('export with secrets', () => {
  it('includes real values only when asked, audits it, and allows it 10 times a minute together with env reveal', async () => {
    const answer = await call('POST', `/api/v1/containers/${ids[webName]}/export/preview`, { sanitize_secrets: false });
    expect(answer.status).toBe(200);
    expect(parse(answer.body.content).services[webName].environment).toContain('API_TOKEN=hunter2');
    expect(answer.body.env_content).toBe('');
    await waitFor(async () => {
      const store = JSON.parse(readFileSync(join(daemon.storePath, 'dd.json'), 'utf8')) as { audit: Array<Record<string, any>> };
      const entry = store.audit.find((item) => item.action === 'compose-export-secrets');
      if (!entry) return false;
      expect(entry).toMatchObject({ containerId: ids[webName], details: { keys: ['API_TOKEN'], preview: true } });
      expect(JSON.stringify(store.audit)).not.toContain('hunter2');
      return true;
    }, 10_000, 'the audit entry');
    const worker = await call('POST', '/api/v1/containers/batch/export/preview', { container_ids: [ids[workerName]], sanitize_secrets: false });
    expect(worker.status).toBe(200);
    // Compose interpolates label values: the real one is written with $ doubled.
    expect(parse(worker.body.content).services[workerName].labels[WORKER_SECRET_LABEL]).toBe(composeEscaped(WORKER_USERS));
    await waitFor(async () => {
      const store = JSON.parse(readFileSync(join(daemon.storePath, 'dd.json'), 'utf8')) as { audit: Array<Record<string, any>> };
      const entry = store.audit.find((item) => item.action === 'compose-export-secrets' && item.containerId === ids[workerName]);
      if (!entry) return false;
      expect(entry.details.keys).toEqual(['DB_PASSWORD', `label:${WORKER_SECRET_LABEL}`]);
      expect(JSON.stringify(store.audit)).not.toContain('apr1');
      return true;
    }, 10_000, 'the audit entry of the worker');
    for (let count = 3; count <= 10; count++) {
      expect((await call('POST', '/api/v1/containers/batch/export', { container_ids: [ids[workerName]], sanitize_secrets: false })).status).toBe(200);
    }
    expect(await errorOf('POST', `/api/v1/containers/${ids[webName]}/export`, { sanitize_secrets: false })).toEqual([429, 'RATE_LIMITED']);
    // One budget with env reveal: the exports used it up for the client.
    expect(await errorOf('POST', `/api/v1/containers/${ids[webName]}/env/reveal`)).toEqual([429, 'RATE_LIMITED']);
    // Sanitized exports are not limited.
    expect((await call('POST', `/api/v1/containers/${ids[webName]}/export`, {})).status).toBe(200);
  });
});

async function errorOf(method: string, path: string, body?: unknown, raw?: string): Promise<[number, string]> {
  const answer = await call(method, path, body, raw);
  expect(typeof answer.body?.error).toBe('string');
  return [answer.status, answer.body?.code];
}
