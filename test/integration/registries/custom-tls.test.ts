import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../../bench/exec.ts';
import { silentLogger } from '../../../app/log.ts';
import { RegistryHub } from '../../../app/registries/registry-hub.ts';
import type { RegistryConfig } from '../../../app/config/load-config.ts';
import type { ImageInfo } from '../../../app/core/container.ts';

// A TLS registry with a private certificate: the distribution API's tag list is all it needs to serve.
let folder = '';
let server: Server | undefined;
let url = '';
const seen: string[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dockdeck-tls-'));
  await exec('/usr/bin/openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=dockdeck-test',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem'),
  ]);
  const [key, cert] = await Promise.all([readFile(join(folder, 'key.pem')), readFile(join(folder, 'cert.pem'))]);
  server = createServer({ key, cert }, (req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? 'none'}`);
    if (req.headers.authorization !== 'Bearer tls-token') {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="tls"' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'team/app', tags: ['1.0.0', '1.3.0'] }));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await rm(folder, { recursive: true, force: true });
});

function hubWith(extra: Partial<RegistryConfig>): RegistryHub {
  return new RegistryHub([{ provider: 'custom', name: 'tls', url, token: 'tls-token', insecure: false, maxRequests: 100, ...extra }], {
    logger: silentLogger(),
    retry: { attempts: 1 },
  });
}

function image(hub: RegistryHub): ImageInfo {
  return {
    id: 'sha256:local',
    registry: hub.describeRegistry(new URL(url).host),
    name: 'team/app',
    tag: { value: '1.0.0', semver: true },
    digest: { watch: false, repoDigests: [] },
    architecture: 'amd64',
    os: 'linux',
  };
}

describe('a custom registry with a private CA', () => {
  it('is trusted with CAFILE and sends the TOKEN', async () => {
    const hub = hubWith({ cafile: join(folder, 'cert.pem') });
    await expect(hub.check(image(hub), {}, hub.newCycle())).resolves.toMatchObject({ updateKind: { kind: 'minor', remoteValue: '1.3.0' } });
    expect(seen.at(-1)).toBe('GET /v2/team/app/tags/list?n=1000 Bearer tls-token');
  });

  it('is refused without CAFILE', async () => {
    const hub = hubWith({});
    await expect(hub.check(image(hub), {}, hub.newCycle())).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
  });

  it('is accepted with INSECURE', async () => {
    const hub = hubWith({ insecure: true });
    await expect(hub.check(image(hub), {}, hub.newCycle())).resolves.toMatchObject({ updateKind: { remoteValue: '1.3.0' } });
  });

  it('fails start-up clearly for an unreadable CAFILE', () => {
    expect(() => hubWith({ cafile: join(folder, 'missing.pem') })).toThrow(/DD_REGISTRY_CUSTOM_TLS_CAFILE: cannot read/);
  });
});
