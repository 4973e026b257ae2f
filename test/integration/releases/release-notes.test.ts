import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container } from '../../../app/core/container.ts';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../../bench/receivers/github-api.ts';
import { benchState } from '../../bench/state.ts';

/**
 * The daemon as a user runs it, a real container whose busybox image carries
 * org.opencontainers.image.source, a newer tag in the real registry, the real watch finding it,
 * and a strict GitHub API stand-in on loopback answering the release.
 */
const { registry } = benchState();
const runLabel = `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`;
const scope = `dd.test.release-notes=${uniqueName('scope')}`;
const labelled = `${registry.address}/${uniqueName('rn-labelled')}`;
const unlabelled = `${registry.address}/${uniqueName('rn-plain')}`;
const SOURCE = 'org.opencontainers.image.source';
const TOKEN = `ghp_${uniqueName('token').replace(/-/g, '')}`;
const BODY = '## What changed\r\n\r\n- <b>bold</b> <script>alert(1)</script>\r\n- second line';

let daemon: RunningDaemon;
let github: GitHubStandIn;
const ids: Record<string, string> = {};

async function run(name: string, image: string, labels: Record<string, string> = {}): Promise<void> {
  const args = ['run', '-d', '--name', uniqueName(`rn-${name}`), '--label', runLabel, '--label', scope];
  for (const [key, value] of Object.entries(labels)) args.push('--label', `${key}=${value}`);
  ids[name] = await exec(DOCKER, [...args, image]);
}

const notes = (name: string) => fetch(`${daemon.url}/api/v1/containers/${ids[name] ?? name}/release-notes`);

beforeAll(async () => {
  github = await startGitHubStandIn({ token: TOKEN });
  github.publish('acme-rn', 'app', { tag_name: 'v1.1.0', name: 'App 1.1.0', body: BODY, published_at: '2026-02-03T04:05:06Z' });
  github.publish('acme-rn', 'override', { tag_name: '1.1.0', name: null, body: 'override notes' });
  const source = { [SOURCE]: 'https://github.com/acme-rn/app.git' };
  await Promise.all([
    buildTestImage({ reference: `${labelled}:1.0.0`, labels: source }).then(() => buildTestImage({ reference: `${labelled}:1.1.0`, labels: source })),
    buildTestImage({ reference: `${unlabelled}:1.0.0` }).then(() => buildTestImage({ reference: `${unlabelled}:1.1.0` })),
  ]);
  // The container's own copy of the label is stale on purpose: the image's label must win.
  await run('image-label', `${labelled}:1.0.0`, { [SOURCE]: 'https://github.com/stale/copy' });
  await run('override', `${unlabelled}:1.0.0`, { 'dd.release.repo': 'Acme-RN/override' });
  await run('hostile', `${labelled}:1.0.0`, { 'dd.release.repo': '../../../user/repos' });
  await run('no-source', `${unlabelled}:1.0.0`);
  await run('up-to-date', `${labelled}:1.1.0`);
  const folder = mkdtempSync(join(tmpdir(), 'dd-rn-'));
  writeFileSync(join(folder, 'token'), `${TOKEN}\n`);
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_LABELFILTER: scope,
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_RELEASENOTES_GITHUB_URL: github.url,
    DD_RELEASENOTES_GITHUB_TOKEN__FILE: join(folder, 'token'),
    DD_LOG_LEVEL: 'debug',
  });
  expect((await fetch(`${daemon.url}/api/v1/containers/watch`, { method: 'POST' })).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await daemon?.stop();
  await github?.close();
  const created = Object.values(ids);
  if (created.length) await exec(DOCKER, ['rm', '-f', ...created]).catch(() => '');
}, 60_000);

describe('GET /api/v1/containers/:id/release-notes', () => {
  it("finds the update by a real watch and answers the release of its tag (v-prefixed) from the image's source label", async () => {
    const container = (await (await fetch(`${daemon.url}/api/v1/containers/${ids['image-label']}`)).json()) as Container;
    expect(container).toMatchObject({ updateKind: { remoteValue: '1.1.0' }, image: { source: 'https://github.com/acme-rn/app.git' } });

    const response = await notes('image-label');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      provider: 'github',
      repository: 'acme-rn/app',
      tag: 'v1.1.0',
      name: 'App 1.1.0',
      body: BODY.replace(/\r\n/g, '\n'),
      truncated: false,
      url: 'https://github.com/acme-rn/app/releases/tag/v1.1.0',
      publishedAt: '2026-02-03T04:05:06.000Z',
      prerelease: false,
      source: SOURCE,
    });
    // 1.1.0 first (404), then v1.1.0, each with the configured token.
    expect(github.accepted.map((request) => request.path)).toEqual(['/repos/acme-rn/app/releases/tags/1.1.0', '/repos/acme-rn/app/releases/tags/v1.1.0']);
    expect(github.rejected).toEqual([]);
  });

  it('serves the same release again from its cache', async () => {
    const before = github.accepted.length;
    expect((await notes('image-label')).status).toBe(200);
    expect(github.accepted).toHaveLength(before);
  });

  it('holds back while GitHub is rate-limited (503 with Retry-After), still serving the cache, then asks again', async () => {
    github.rateLimitNext(2);
    const limited = await notes('override');
    expect(limited.status).toBe(503);
    const body = (await limited.json()) as { code: string; retryAfterSeconds: number };
    expect(body).toMatchObject({ code: 'RELEASE_NOTES_RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(body.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(body.retryAfterSeconds).toBeLessThanOrEqual(2);
    expect(limited.headers.get('retry-after')).toBe(String(body.retryAfterSeconds));
    const asked = github.accepted.length;
    expect((await notes('override')).status).toBe(503);
    expect((await notes('image-label')).status).toBe(200);
    expect(github.accepted).toHaveLength(asked);

    await new Promise((resolve) => setTimeout(resolve, body.retryAfterSeconds * 1000 + 300));
    const after = await notes('override');
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ repository: 'Acme-RN/override', tag: '1.1.0', name: '1.1.0', body: 'override notes', source: 'dd.release.repo' });
    expect(github.rejected).toEqual([]);
  }, 30_000);

  it('answers 404 with a code for a hostile label, an image without a source, no update, and an unknown container', async () => {
    const asked = github.accepted.length;
    const hostile = await notes('hostile');
    expect(hostile.status).toBe(404);
    expect(await hostile.json()).toMatchObject({ code: 'RELEASE_NOTES_UNAVAILABLE', error: expect.stringContaining('label dd.release.repo') });
    const noSource = await notes('no-source');
    expect(await noSource.json()).toMatchObject({ code: 'RELEASE_NOTES_UNAVAILABLE', error: expect.stringContaining('org.opencontainers.image.source') });
    expect(noSource.status).toBe(404);
    const upToDate = await notes('up-to-date');
    expect(upToDate.status).toBe(404);
    expect(await upToDate.json()).toMatchObject({ code: 'NO_UPDATE_AVAILABLE' });
    const unknown = await notes('no-such-container');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'CONTAINER_NOT_FOUND' });
    expect(github.accepted).toHaveLength(asked);
  });

  it('never shows the token in a response or a log line', async () => {
    const containers = await (await fetch(`${daemon.url}/api/v1/containers`)).text();
    expect(containers).not.toContain(TOKEN);
    expect(daemon.output()).not.toContain(TOKEN);
    expect(github.accepted.every((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});
