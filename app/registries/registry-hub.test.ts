import type { ImageInfo } from '../core/container.ts';
import { silentLogger } from '../log.ts';
import { RegistryHub, type RegistryHubOptions } from './registry-hub.ts';
import { digestOf, fakeFetch, index, json, manifest, serveManifest, status, type FakeHandler } from './testing/fake-registry.ts';
import { RegistryError } from './types.ts';
import type { RegistryConfig } from '../config/load-config.ts';

const HOST = '127.0.0.1:5999';
const BASE = `http://${HOST}`;

function image(overrides: Partial<Omit<ImageInfo, 'tag' | 'digest'>> & { tag?: string; watch?: boolean; repoDigests?: string[] } = {}): ImageInfo {
  const { tag = '1.0.0', watch = false, repoDigests = [], ...rest } = overrides;
  return {
    id: 'sha256:local',
    registry: { name: HOST, url: BASE },
    name: 'team/app',
    tag: { value: tag, semver: true },
    digest: { watch, repoDigests },
    architecture: 'amd64',
    os: 'linux',
    ...rest,
  };
}

function hub(handler: FakeHandler, configs: RegistryConfig[] = [], options: Partial<RegistryHubOptions> = {}) {
  const fake = fakeFetch(handler);
  const sleeps: number[] = [];
  const instance = new RegistryHub(configs, {
    logger: silentLogger(),
    fetch: fake.fetch,
    sleep: async (ms) => void sleeps.push(ms),
    timeoutMs: 200,
    retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 5000 },
    ...options,
  });
  return { hub: instance, calls: fake.calls, sleeps };
}

const TAGS = ['1.0.0', '1.1.0', '2.0.0', '2.0.0-rc1', 'latest'];
const tagsHandler: FakeHandler = ({ url }) => (url.pathname.endsWith('/tags/list') ? json({ name: 'team/app', tags: TAGS }) : status(404));

describe('RegistryHub tag updates', () => {
  it('answers major 2.0.0 for 1.0.0, and minor 1.1.0 with an include rule', async () => {
    const { hub: h, calls } = hub(tagsHandler);
    const cycle = h.newCycle();
    await expect(h.check(image(), {}, cycle)).resolves.toEqual({
      result: { tag: '2.0.0' },
      updateKind: { kind: 'major', localValue: '1.0.0', remoteValue: '2.0.0' },
    });
    const included = await h.check(image(), { includeTags: '^1\\.' }, cycle);
    expect(included.updateKind).toEqual({ kind: 'minor', localValue: '1.0.0', remoteValue: '1.1.0' });
    expect(calls).toHaveLength(1); // the tag list is asked once per cycle
    expect(calls[0]?.url.toString()).toBe(`${BASE}/v2/team/app/tags/list?n=1000`);
    expect(h.requestsUsed(cycle)).toEqual({ [HOST]: 1 });
  });

  it('asks once for many containers of one repository checked concurrently', async () => {
    const { hub: h, calls } = hub(tagsHandler);
    const cycle = h.newCycle();
    await Promise.all(Array.from({ length: 20 }, () => h.check(image(), {}, cycle)));
    expect(calls).toHaveLength(1);
  });

  it('follows Link pages on the same registry only', async () => {
    const { hub: h, calls } = hub(({ url }) => {
      if (url.searchParams.get('last') === null) return json({ tags: ['1.0.0'] }, { headers: { link: '</v2/team/app/tags/list?last=1.0.0&n=1000>; rel="next"' } });
      return json({ tags: ['1.0.5'] });
    });
    const outcome = await h.check(image(), {}, h.newCycle());
    expect(outcome.updateKind?.remoteValue).toBe('1.0.5');
    expect(calls).toHaveLength(2);

    const evil = hub(() => json({ tags: ['1.0.0'] }, { headers: { link: '<http://169.254.169.254/v2/x>; rel="next"' } }));
    await expect(evil.hub.check(image(), {}, evil.hub.newCycle())).rejects.toMatchObject({ code: 'REGISTRY_BAD_RESPONSE' });
    expect(evil.calls).toHaveLength(1);
  });

  it('asks again without a page size the registry refuses', async () => {
    const { hub: h, calls } = hub(({ url }) => (url.searchParams.has('n') ? status(400) : json({ tags: ['1.0.0', '1.0.3'] })));
    await expect(h.check(image(), {}, h.newCycle())).resolves.toMatchObject({ updateKind: { remoteValue: '1.0.3' } });
    expect(calls.map((c) => c.url.search)).toEqual(['?n=1000', '']);
  });

  it('keeps at most maxConcurrency requests in flight per registry', async () => {
    let inFlight = 0;
    let peak = 0;
    const { hub: h } = hub(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return json({ tags: ['1.0.0'] });
    }, [], { maxConcurrency: 3 });
    const cycle = h.newCycle();
    await Promise.all(Array.from({ length: 12 }, (_, i) => h.check(image({ name: `team/app${i}` }), {}, cycle)));
    expect(peak).toBe(3);
  });

  it('bounds the number of pages', async () => {
    const { hub: h } = hub(() => json({ tags: ['1.0.0'] }, { headers: { link: '</v2/team/app/tags/list?last=x>; rel="next"' } }), [], { limits: { maxTagPages: 3 } });
    await expect(h.check(image(), {}, h.newCycle())).rejects.toThrow(/more than 3 pages/);
  });

  it('rejects garbage and oversized bodies without a false update', async () => {
    const garbage = hub(() => new Response('<html>not json</html>', { status: 200 }));
    await expect(garbage.hub.check(image(), {}, garbage.hub.newCycle())).rejects.toMatchObject({ code: 'REGISTRY_BAD_RESPONSE' });
    const big = hub(() => json({ tags: Array.from({ length: 2000 }, (_, i) => `1.0.${i}`) }), [], { limits: { maxTagPageBytes: 1000 } });
    await expect(big.hub.check(image(), {}, big.hub.newCycle())).rejects.toThrow(/larger than 1000 bytes/);
    const wrongShape = hub(() => json({ tags: 'nope' }));
    await expect(wrongShape.hub.check(image(), {}, wrongShape.hub.newCycle())).rejects.toMatchObject({ code: 'REGISTRY_BAD_RESPONSE' });
  });

  it('reports each registry answer once to onResponse, even when its body is then refused', async () => {
    const seen: Array<[string, number | 'error']> = [];
    const big = hub(() => json({ tags: Array.from({ length: 2000 }, (_, i) => `1.0.${i}`) }), [], {
      limits: { maxTagPageBytes: 1000 },
      onResponse: (registry, answer) => void seen.push([registry, answer]),
    });
    await expect(big.hub.check(image(), {}, big.hub.newCycle())).rejects.toMatchObject({ code: 'REGISTRY_BAD_RESPONSE' });
    expect(seen).toEqual([[HOST, 200]]);
  });

  it('turns an unsafe label pattern into a clear error', async () => {
    const { hub: h, calls } = hub(tagsHandler);
    await expect(h.check(image(), { includeTags: '(a+)+$' }, h.newCycle())).rejects.toMatchObject({ code: 'TAG_RULE_INVALID' });
    expect(calls).toHaveLength(0);
  });
});

describe('RegistryHub digests', () => {
  const v1 = manifest('one');
  const v2 = manifest('two');

  it('reports digest when the tag points at a new image, with one HEAD', async () => {
    const { hub: h, calls } = hub((request) => serveManifest(request, { latest: v2 }));
    const outcome = await h.check(image({ tag: 'latest', watch: true, repoDigests: [`${HOST}/team/app@${v1.digest}`] }), {}, h.newCycle());
    expect(outcome).toEqual({ result: { tag: 'latest', digest: v2.digest }, updateKind: { kind: 'digest', localValue: v1.digest, remoteValue: v2.digest } });
    expect(calls.map((c) => c.method)).toEqual(['HEAD']);
  });

  it('is up to date when the digest is local', async () => {
    const { hub: h } = hub((request) => serveManifest(request, { latest: v1 }));
    const outcome = await h.check(image({ tag: 'latest', watch: true, repoDigests: [v1.digest] }), {}, h.newCycle());
    expect(outcome.updateKind).toBeNull();
  });

  it('resolves a manifest list to the local platform', async () => {
    const amd = manifest('amd');
    const arm = manifest('arm');
    const list = index([
      { digest: arm.digest, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      { digest: digestOf('attestation'), platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      { digest: amd.digest, platform: { os: 'linux', architecture: 'amd64' } },
    ]);
    const { hub: h, calls } = hub((request) => serveManifest(request, { latest: list }));
    const upToDate = await h.check(image({ tag: 'latest', watch: true, repoDigests: [amd.digest] }), {}, h.newCycle());
    expect(upToDate).toEqual({ result: { tag: 'latest', digest: amd.digest }, updateKind: null });
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([`HEAD /v2/team/app/manifests/latest`, `GET /v2/team/app/manifests/${list.digest}`]);
    const outdated = await h.check(image({ tag: 'latest', watch: true, repoDigests: [digestOf('old')], architecture: 'arm64' }), {}, h.newCycle());
    expect(outdated.updateKind).toEqual({ kind: 'digest', localValue: digestOf('old'), remoteValue: arm.digest });
  });

  it('follows a nested index, bounded in depth', async () => {
    const amd = manifest('amd');
    const inner = index([{ digest: amd.digest, platform: { os: 'linux', architecture: 'amd64' } }]);
    const outer = index([{ digest: inner.digest, platform: { os: 'linux', architecture: 'amd64' }, mediaType: inner.mediaType }]);
    const { hub: h } = hub((request) => serveManifest(request, { latest: outer, inner }));
    const outcome = await h.check(image({ tag: 'latest', watch: true, repoDigests: [digestOf('x')] }), {}, h.newCycle());
    expect(outcome.result.digest).toBe(amd.digest);
    const shallow = hub((request) => serveManifest(request, { latest: outer, inner }), [], { limits: { maxIndexDepth: 1 } });
    await expect(shallow.hub.check(image({ tag: 'latest', watch: true, repoDigests: [digestOf('x')] }), {}, shallow.hub.newCycle())).rejects.toThrow(/nested/);
  });

  it('refuses an index whose body does not match its digest', async () => {
    const amd = manifest('amd');
    const list = index([{ digest: amd.digest, platform: { os: 'linux', architecture: 'amd64' } }]);
    const { hub: h } = hub((request) => {
      if (request.method === 'HEAD') return serveManifest(request, { latest: list });
      return new Response(JSON.stringify({ manifests: [] }), { headers: { 'content-type': list.mediaType } });
    });
    await expect(h.check(image({ tag: 'latest', watch: true, repoDigests: [digestOf('x')] }), {}, h.newCycle())).rejects.toThrow(/does not match/);
  });

  it('falls back to GET and hashes the body when HEAD has no digest', async () => {
    const { hub: h, calls } = hub((request) => {
      if (request.method === 'HEAD') return new Response(null, { status: 200 });
      return new Response(v2.body, { headers: { 'content-type': v2.mediaType } });
    });
    const outcome = await h.check(image({ tag: 'latest', watch: true, repoDigests: [v1.digest] }), {}, h.newCycle());
    expect(outcome.updateKind?.remoteValue).toBe(v2.digest);
    expect(calls.map((c) => c.method)).toEqual(['HEAD', 'GET']);
  });

  it('prefers a tag update and skips the digest request', async () => {
    const { hub: h, calls } = hub(tagsHandler);
    const outcome = await h.check(image({ watch: true, repoDigests: [v1.digest] }), {}, h.newCycle());
    expect(outcome.updateKind?.kind).toBe('major');
    expect(calls).toHaveLength(1);
  });
});

describe('RegistryHub authentication', () => {
  const bearerRegistry = (tokens: string[], requireBasic?: string): FakeHandler => ({ url, headers }) => {
    if (url.host === 'auth.test') {
      if (requireBasic && headers.authorization !== requireBasic) return status(401);
      const token = `tok-${url.searchParams.get('scope')}-${tokens.length}`;
      tokens.push(token);
      return json({ token, expires_in: 300 });
    }
    const scope = `repository:${url.pathname.split('/').slice(2, -2).join('/')}:pull`;
    if (!headers.authorization?.startsWith(`Bearer tok-${scope}`)) {
      return status(401, { 'www-authenticate': `Bearer realm="https://auth.test/token",service="reg.test",scope="${scope}"` });
    }
    return json({ tags: ['1.0.0', '1.2.0'] });
  };

  it('does the Bearer dance anonymously and reuses the token across cycles', async () => {
    const tokens: string[] = [];
    const { hub: h, calls } = hub(bearerRegistry(tokens));
    await h.check(image(), {}, h.newCycle());
    expect(calls.map((c) => c.url.host)).toEqual([HOST, 'auth.test', HOST]);
    expect(calls[1]?.url.searchParams.get('service')).toBe('reg.test');
    expect(calls[1]?.headers.authorization).toBeUndefined();
    await h.check(image(), {}, h.newCycle());
    expect(calls).toHaveLength(4); // the cached token is sent up front
    await h.check(image({ name: 'team/other' }), {}, h.newCycle());
    expect(calls.slice(4).map((c) => c.url.host)).toEqual(['auth.test', HOST]); // the known challenge saves a 401
    expect(tokens).toHaveLength(2);
  });

  it('sends configured credentials to the token service and never shows them in errors', async () => {
    const basic = `Basic ${Buffer.from('me:s3cret').toString('base64')}`;
    const config: RegistryConfig = { provider: 'custom', name: 'local', url: BASE, login: 'me', password: 's3cret', insecure: false, maxRequests: 100 };
    const ok = hub(bearerRegistry([], basic), [config]);
    expect(ok.hub.describeRegistry(HOST)).toEqual({ name: 'custom.local', url: BASE });
    const outcome = await ok.hub.check(image({ registry: { name: 'custom.local', url: BASE } }), {}, ok.hub.newCycle());
    expect(outcome.updateKind?.remoteValue).toBe('1.2.0');

    const wrong = hub(bearerRegistry([], 'Basic other'), [config]);
    const error = await wrong.hub.check(image({ registry: { name: 'custom.local', url: BASE } }), {}, wrong.hub.newCycle()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'REGISTRY_AUTH' });
    expect((error as Error).message).toMatch(/custom\.local.*team\/app.*rejected/);
    expect((error as Error).message).not.toMatch(/s3cret|me:/);
  });

  it('answers Basic challenges with credentials, and REGISTRY_AUTH without', async () => {
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const handler: FakeHandler = ({ headers }) =>
      headers.authorization === basic ? json({ tags: ['1.0.1'] }) : status(401, { 'www-authenticate': 'Basic realm="test"' });
    const config: RegistryConfig = { provider: 'custom', name: 'sec', url: BASE, login: 'u', password: 'p', insecure: false, maxRequests: 100 };
    const withCredentials = hub(handler, [config]);
    const cycle = withCredentials.hub.newCycle();
    await expect(withCredentials.hub.check(image({ registry: withCredentials.hub.describeRegistry(HOST) }), {}, cycle)).resolves.toMatchObject({ updateKind: { kind: 'patch' } });
    await withCredentials.hub.check(image({ name: 'team/b', registry: withCredentials.hub.describeRegistry(HOST) }), {}, cycle);
    expect(withCredentials.calls.map((c) => c.headers.authorization ?? 'none')).toEqual(['none', basic, basic]);

    const without = hub(handler);
    await expect(without.hub.check(image(), {}, without.hub.newCycle())).rejects.toMatchObject({ code: 'REGISTRY_AUTH', message: expect.stringMatching(/requires credentials/) });
  });

  it('sends a custom TOKEN as a static Bearer token', async () => {
    const config: RegistryConfig = { provider: 'custom', name: 'tok', url: BASE, token: 'abc', insecure: false, maxRequests: 100 };
    const { hub: h, calls } = hub(tagsHandler, [config]);
    await h.check(image({ registry: h.describeRegistry(HOST) }), {}, h.newCycle());
    expect(calls[0]?.headers.authorization).toBe('Bearer abc');
  });
});

describe('RegistryHub failures', () => {
  it('retries 429 honouring Retry-After, then fails as rate limited', async () => {
    const { hub: h, calls, sleeps } = hub(() => status(429, { 'retry-after': '2' }));
    await expect(h.check(image(), {}, h.newCycle())).rejects.toMatchObject({ code: 'REGISTRY_RATE_LIMITED', message: expect.stringMatching(/after 3 attempts/) });
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([2000, 2000]);
  });

  it('does not wait for a Retry-After beyond the bound', async () => {
    const { hub: h, calls, sleeps } = hub(() => status(429, { 'retry-after': '3600' }));
    await expect(h.check(image(), {}, h.newCycle())).rejects.toThrow(/retry after 3600s/);
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('recovers when a 5xx is followed by success', async () => {
    let n = 0;
    const { hub: h, calls, sleeps } = hub(() => (n++ === 0 ? status(503) : json({ tags: ['1.0.1'] })));
    await expect(h.check(image(), {}, h.newCycle())).resolves.toMatchObject({ updateKind: { remoteValue: '1.0.1' } });
    expect(calls).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('maps 500, timeouts, connection failures and 404', async () => {
    const cases: Array<[FakeHandler, string]> = [
      [() => status(500), 'REGISTRY_UNAVAILABLE'],
      [() => 'hang', 'REGISTRY_TIMEOUT'],
      [() => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })), 'REGISTRY_UNAVAILABLE'],
      [() => status(404), 'REGISTRY_NOT_FOUND'],
      [() => status(418), 'REGISTRY_BAD_RESPONSE'],
    ];
    for (const [handler, code] of cases) {
      const { hub: h, calls } = hub(handler, [], { timeoutMs: 20 });
      const error = (await h.check(image(), {}, h.newCycle()).catch((e: unknown) => e)) as RegistryError;
      expect(error).toBeInstanceOf(RegistryError);
      expect(error.code).toBe(code);
      expect(error.message).toContain(`registry ${HOST}, repository team/app`);
      expect(calls).toHaveLength(code === 'REGISTRY_NOT_FOUND' || code === 'REGISTRY_BAD_RESPONSE' ? 1 : 3);
    }
  });

  it('stops at the per-cycle request budget', async () => {
    const config: RegistryConfig = { provider: 'custom', name: 'small', url: BASE, insecure: false, maxRequests: 2 };
    const { hub: h, calls } = hub(tagsHandler, [config]);
    const registry = h.describeRegistry(HOST);
    const cycle = h.newCycle();
    await h.check(image({ registry, name: 'a/one' }), {}, cycle);
    await h.check(image({ registry, name: 'a/two' }), {}, cycle);
    await expect(h.check(image({ registry, name: 'a/three' }), {}, cycle)).rejects.toMatchObject({ code: 'REGISTRY_BUDGET_EXHAUSTED' });
    expect(calls).toHaveLength(2);
    await expect(h.check(image({ registry, name: 'a/three' }), {}, h.newCycle())).resolves.toBeDefined();
  });
});

describe('RegistryHub routing', () => {
  it('describes public registries and unknown hosts', () => {
    const { hub: h } = hub(tagsHandler);
    expect(h.describeRegistry('docker.io')).toEqual({ name: 'hub.public', url: 'https://registry-1.docker.io' });
    expect(h.describeRegistry('ghcr.io')).toEqual({ name: 'ghcr.public', url: 'https://ghcr.io' });
    expect(h.describeRegistry('123456789012.dkr.ecr.eu-west-1.amazonaws.com').name).toBe('ecr.public');
    expect(h.describeRegistry('europe-docker.pkg.dev').name).toBe('gcr.public');
    expect(h.describeRegistry('me.azurecr.io')).toEqual({ name: 'acr.public', url: 'https://me.azurecr.io' });
    expect(h.describeRegistry('registry.example.com')).toEqual({ name: 'registry.example.com', url: 'https://registry.example.com' });
    expect(h.describeRegistry('localhost:5000')).toEqual({ name: 'localhost:5000', url: 'http://localhost:5000' });
  });

  it('never shows or sends credentials written into a registry URL', async () => {
    const config: RegistryConfig = { provider: 'custom', name: 'inurl', url: `http://me:hunter2@${HOST}`, insecure: false, maxRequests: 50 };
    const { hub: h, calls } = hub(tagsHandler, [config]);
    expect(JSON.stringify(h.listRegistries())).not.toContain('hunter2');
    const registry = h.describeRegistry(HOST);
    expect(registry).toEqual({ name: 'custom.inurl', url: BASE });
    await expect(h.check(image({ registry }), {}, h.newCycle())).resolves.toMatchObject({ updateKind: { kind: 'major' } });
    expect(calls.map((c) => c.url.toString())).toEqual([`${BASE}/v2/team/app/tags/list?n=1000`]);
  });

  it('lists registries without secrets', () => {
    const config: RegistryConfig = { provider: 'ghcr', name: 'mine', token: 'ghp_secret', insecure: false, maxRequests: 50 };
    const { hub: h } = hub(tagsHandler, [config]);
    const listed = h.listRegistries();
    expect(listed[0]).toMatchObject({ id: 'ghcr.mine', provider: 'ghcr', credentials: true, builtIn: false, maxRequests: 50, url: 'https://ghcr.io' });
    expect(listed.map((r) => r.id)).toContain('hub.public');
    expect(JSON.stringify(listed)).not.toContain('ghp_secret');
    expect(h.describeRegistry('ghcr.io').name).toBe('ghcr.mine');
  });
});
