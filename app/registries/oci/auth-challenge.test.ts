import { parseAuthChallenge } from './auth-challenge.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from './retry-policy.ts';
import { selectPlatformManifest } from './platform.ts';
import { TokenCache } from './token-cache.ts';
import { readBoundedBody, BodyTooLargeError } from './bounded-body.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('parseAuthChallenge', () => {
  it('reads a Bearer challenge', () => {
    expect(parseAuthChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"')).toEqual({
      scheme: 'bearer',
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
      scope: 'repository:library/nginx:pull',
    });
  });
  it('reads Basic and unquoted values', () => {
    expect(parseAuthChallenge('Basic realm="dockdeck-test"')).toEqual({ scheme: 'basic', realm: 'dockdeck-test' });
    expect(parseAuthChallenge('bearer realm=https://x.test/token, service=x')).toEqual({ scheme: 'bearer', realm: 'https://x.test/token', service: 'x' });
  });
  it('refuses other schemes and hostile headers', () => {
    expect(parseAuthChallenge('Digest realm="x"')).toBeNull();
    expect(parseAuthChallenge(null)).toBeNull();
    expect(parseAuthChallenge(`Bearer realm="${'a'.repeat(5000)}"`)).toBeNull();
  });
});

describe('retry policy', () => {
  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
  it('backs off exponentially up to the cap', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((i) => backoffDelay(policy, i, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(policy, 0, () => 0)).toBe(50);
  });
});

describe('selectPlatformManifest', () => {
  const entries = [
    { digest: d('1'), platform: { os: 'linux', architecture: 'amd64' } },
    { digest: d('2'), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { digest: d('3'), platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
    { digest: d('4'), platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { digest: d('5'), platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
  ];
  it('matches os, architecture and variant', () => {
    expect(selectPlatformManifest(entries, { os: 'linux', architecture: 'amd64' })?.digest).toBe(d('1'));
    expect(selectPlatformManifest(entries, { os: 'linux', architecture: 'x86_64' })?.digest).toBe(d('1'));
    expect(selectPlatformManifest(entries, { os: 'linux', architecture: 'arm64' })?.digest).toBe(d('2'));
    expect(selectPlatformManifest(entries, { os: 'linux', architecture: 'arm', variant: 'v6' })?.digest).toBe(d('3'));
    expect(selectPlatformManifest(entries, { os: 'linux', architecture: 'arm' })?.digest).toBe(d('4'));
  });
  it('never picks an attestation or another platform', () => {
    expect(selectPlatformManifest(entries, { os: 'unknown', architecture: 'unknown' })).toBeNull();
    expect(selectPlatformManifest(entries, { os: 'windows', architecture: 'amd64' })).toBeNull();
    expect(selectPlatformManifest(entries, { os: 'linux', architecture: 'arm', variant: 'v5' })).toBeNull();
  });
});

describe('TokenCache', () => {
  it('keeps tokens until shortly before they expire', () => {
    let now = 0;
    const cache = new TokenCache({ now: () => now });
    cache.set('k', 't', 60);
    now = 40_000;
    expect(cache.get('k')).toBe('t');
    now = 46_000;
    expect(cache.get('k')).toBeUndefined();
  });
  it('is bounded', () => {
    const cache = new TokenCache({ maxEntries: 2 });
    cache.set('a', '1', 300);
    cache.set('b', '2', 300);
    cache.set('c', '3', 300);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, '2', '3']);
  });
});

describe('readBoundedBody', () => {
  it('reads up to the limit and refuses more', async () => {
    await expect(readBoundedBody(new Response('hello').body as unknown as AsyncIterable<Uint8Array>, 5)).resolves.toEqual(Buffer.from('hello'));
    await expect(readBoundedBody(new Response('hello!').body as unknown as AsyncIterable<Uint8Array>, 5)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});
