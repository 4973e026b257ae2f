import { AppError } from '../core/errors.ts';
import { cutUtf8, GitHubReleases, type GitHubReleasesOptions } from './github-releases.ts';
import { fakeFetch, githubRelease, json, type FakeAnswer, type FakeCall } from './testing/fake-fetch.ts';
import type { ReleaseSource } from './types.ts';

const API = 'https://api.github.test';
const source: ReleaseSource = { provider: 'github', owner: 'acme', repo: 'app', origin: 'org.opencontainers.image.source' };

function provider(handler: (call: FakeCall) => FakeAnswer | Promise<FakeAnswer>, options: Partial<GitHubReleasesOptions> = {}) {
  const fake = fakeFetch(handler);
  let now = Date.parse('2026-03-01T12:00:00Z');
  const github = new GitHubReleases({ apiUrl: API, fetch: fake.fetch, now: () => now, ...options });
  return { github, calls: fake.calls, advance: (ms: number) => (now += ms), now: () => now };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('GitHubReleases', () => {
  it('asks GET /repos/{owner}/{repo}/releases/tags/{tag} with GitHub headers and no Authorization without a token', async () => {
    const { github, calls } = provider(() => json(githubRelease('v1.1.0')));
    const release = await github.findRelease(source, 'v1.1.0');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url.href).toBe(`${API}/repos/acme/app/releases/tags/v1.1.0`);
    expect(calls[0]!.headers).toEqual({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'dockdeck' });
    expect(release).toEqual({
      provider: 'github',
      repository: 'acme/app',
      tag: 'v1.1.0',
      name: 'Release v1.1.0',
      body: '## Changes in v1.1.0\n- fixed things',
      truncated: false,
      url: 'https://github.com/acme/app/releases/tag/v1.1.0',
      publishedAt: '2026-01-02T03:04:05.000Z',
      prerelease: false,
    });
  });

  it('sends the token as Bearer and keeps a base path (GitHub Enterprise /api/v3)', async () => {
    const { github, calls } = provider(() => json(githubRelease('1.0.0')), { token: 'ghp_secret', apiUrl: `${API}/api/v3/` });
    await github.findRelease(source, '1.0.0');
    expect(calls[0]!.url.href).toBe(`${API}/api/v3/repos/acme/app/releases/tags/1.0.0`);
    expect(calls[0]!.headers.authorization).toBe('Bearer ghp_secret');
  });

  it('answers null for 404 (no such release)', async () => {
    const { github } = provider(() => json({ message: 'Not Found' }, 404));
    expect(await github.findRelease(source, '9.9.9')).toBeNull();
  });

  it('keeps hostile text as plain text, falls back for a missing name and a non-http link, and drops a bad date', async () => {
    const body = '<img src=x onerror=alert(1)> **bold**';
    const { github } = provider(() => json(githubRelease('1.0.0', { name: null, body, html_url: 'javascript:alert(1)', published_at: 'yesterday', prerelease: true })));
    const release = await github.findRelease(source, '1.0.0');
    expect(release).toMatchObject({ name: '1.0.0', body, url: 'https://github.com/acme/app/releases/tag/1.0.0', publishedAt: null, prerelease: true });
  });

  it('cuts a long body at the limit, on a character boundary, and flags it', async () => {
    const { github } = provider(() => json(githubRelease('1.0.0', { body: `${'a'.repeat(9)}é${'b'.repeat(50)}` })), { maxBodyBytes: 10 });
    const release = await github.findRelease(source, '1.0.0');
    expect(release).toMatchObject({ body: 'a'.repeat(9), truncated: true });
    expect(cutUtf8('abc', 3)).toEqual({ text: 'abc', truncated: false });
    expect(cutUtf8('ab€', 4)).toEqual({ text: 'ab', truncated: true });
  });

  it('refuses an answer larger than the response limit, one that is not JSON, and one that is not a release', async () => {
    const big = provider(() => json(githubRelease('1.0.0', { body: 'x'.repeat(5000) })), { maxResponseBytes: 1000 });
    expect(await failure(big.github.findRelease(source, '1.0.0'))).toMatchObject({ status: 502, code: 'RELEASE_NOTES_UPSTREAM_ERROR', message: expect.stringContaining('larger than 1000 bytes') });
    const html = provider(() => new Response('<html>login</html>', { status: 200 }));
    expect((await failure(html.github.findRelease(source, '1.0.0'))).message).toContain('not JSON');
    const other = provider(() => json({ message: 'hello' }));
    expect((await failure(other.github.findRelease(source, '1.0.0'))).message).toContain('not a release');
  });

  it('turns 5xx, a refused token, a refused connection and a timeout into 502 without the token', async () => {
    const broken = provider(() => json({ message: 'boom' }, 500), { token: 'ghp_secret' });
    expect(await failure(broken.github.findRelease(source, '1.0.0'))).toMatchObject({ status: 502, message: 'GitHub answered 500 for acme/app' });
    const refused = provider(() => json({ message: 'Bad credentials' }, 401), { token: 'ghp_secret' });
    const unauthorized = await failure(refused.github.findRelease(source, '1.0.0'));
    expect(unauthorized.message).toContain('DD_RELEASENOTES_GITHUB_TOKEN was refused');
    expect(unauthorized.message).not.toContain('ghp_secret');
    const down = provider(() => 'refuse');
    expect((await failure(down.github.findRelease(source, '1.0.0'))).message).toContain('ECONNREFUSED');
    const slow = provider(() => 'hang', { timeoutMs: 50 });
    expect(await failure(slow.github.findRelease(source, '1.0.0'))).toMatchObject({ status: 502, message: 'GitHub did not answer within 0.05 s (acme/app)' });
  });

  it('treats a plain 403 as an upstream error, not as a rate limit', async () => {
    const { github, calls } = provider(() => json({ message: 'Resource not accessible' }, 403, { 'x-ratelimit-remaining': '42' }));
    expect(await failure(github.findRelease(source, '1.0.0'))).toMatchObject({ status: 502, code: 'RELEASE_NOTES_UPSTREAM_ERROR' });
    await failure(github.findRelease(source, '1.0.0'));
    expect(calls).toHaveLength(2);
  });

  it('on 403 with x-ratelimit-remaining: 0 answers 503 and sends nothing until the reset', async () => {
    let limited = true;
    const t = provider((): FakeAnswer => {
      if (!limited) return json(githubRelease('1.0.0'));
      const reset = Math.floor(t.now() / 1000) + 120;
      return json({ message: 'API rate limit exceeded' }, 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    });
    expect(await failure(t.github.findRelease(source, '1.0.0'))).toMatchObject({ status: 503, code: 'RELEASE_NOTES_RATE_LIMITED', details: { retryAfterSeconds: 120 } });
    limited = false;
    t.advance(60_000);
    expect(await failure(t.github.findRelease(source, '1.0.0'))).toMatchObject({ status: 503, details: { retryAfterSeconds: 60 } });
    expect(t.calls).toHaveLength(1);
    t.advance(61_000);
    expect(await t.github.findRelease(source, '1.0.0')).toMatchObject({ tag: '1.0.0' });
    expect(t.calls).toHaveLength(2);
  });

  it('honours retry-after on 429 and on a secondary-limit 403', async () => {
    const tooMany = provider(() => json({ message: 'slow down' }, 429, { 'retry-after': '30' }));
    expect(await failure(tooMany.github.findRelease(source, '1.0.0'))).toMatchObject({ status: 503, details: { retryAfterSeconds: 30 } });
    expect(tooMany.github.blockedUntil).toBe(tooMany.now() + 30_000);
    const secondary = provider(() => json({ message: 'secondary rate limit' }, 403, { 'retry-after': '5' }));
    expect(await failure(secondary.github.findRelease(source, '1.0.0'))).toMatchObject({ status: 503, details: { retryAfterSeconds: 5 } });
    const bare = provider(() => json({ message: 'slow down' }, 429));
    expect(await failure(bare.github.findRelease(source, '1.0.0'))).toMatchObject({ details: { retryAfterSeconds: 60 } });
  });

  it('stops after a success that used the last request of the window', async () => {
    const t = provider(() => json(githubRelease('1.0.0'), 200, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(t.now() / 1000) + 10) }));
    expect(await t.github.findRelease(source, '1.0.0')).not.toBeNull();
    expect(await failure(t.github.findRelease(source, '1.0.0'))).toMatchObject({ status: 503, details: { retryAfterSeconds: 10 } });
    expect(t.calls).toHaveLength(1);
  });

  it('follows a redirect within the API origin (a renamed repository), token kept, and no other', async () => {
    const inside = provider(
      (call) => (call.url.pathname.startsWith('/repos/') ? new Response(null, { status: 301, headers: { location: '/repositories/7/releases/tags/1.0.0' } }) : json(githubRelease('1.0.0'))),
      { token: 'ghp_secret' },
    );
    expect(await inside.github.findRelease(source, '1.0.0')).toMatchObject({ tag: '1.0.0' });
    expect(inside.calls.map((call) => call.url.href)).toEqual([`${API}/repos/acme/app/releases/tags/1.0.0`, `${API}/repositories/7/releases/tags/1.0.0`]);
    expect(inside.calls[1]!.headers.authorization).toBe('Bearer ghp_secret');

    const outside = provider(() => new Response(null, { status: 302, headers: { location: 'https://evil.example/steal' } }), { token: 'ghp_secret' });
    expect(await failure(outside.github.findRelease(source, '1.0.0'))).toMatchObject({ status: 502, message: expect.stringContaining('redirect') });
    expect(outside.calls).toHaveLength(1);

    const loop = provider(() => new Response(null, { status: 307, headers: { location: `${API}/again` } }));
    await failure(loop.github.findRelease(source, '1.0.0'));
    expect(loop.calls).toHaveLength(4);
  });

  it('encodes every path part (names are validated before, this is the second fence)', async () => {
    const { github, calls } = provider(() => json(githubRelease('1.0.0+build')));
    await github.findRelease({ ...source, repo: 'my.app' }, '1.0.0+build');
    expect(calls[0]!.url.pathname).toBe('/repos/acme/my.app/releases/tags/1.0.0%2Bbuild');
  });
});
