import type { Container } from '../core/container.ts';
import { AppError } from '../core/errors.ts';
import { sampleContainer } from '../triggers/testing/sample-container.ts';
import { GitHubReleases } from './github-releases.ts';
import { ReleaseNotesService, type ReleaseNotesServiceOptions } from './release-notes-service.ts';
import { releaseUpstreamError } from './release-errors.ts';
import { fakeFetch, githubRelease, json } from './testing/fake-fetch.ts';
import type { ProviderRelease, ReleaseProvider, ReleaseSource } from './types.ts';

/** A forge holding releases by `owner/repo@tag`; records every question. */
class FakeForge implements ReleaseProvider {
  readonly id = 'github' as const;
  readonly asked: string[] = [];
  readonly releases = new Map<string, ProviderRelease>();
  failNext = 0;

  publish(repository: string, tag: string): void {
    this.releases.set(`${repository}@${tag}`, { provider: 'github', repository, tag, name: `Release ${tag}`, body: `notes of ${tag}`, truncated: false, url: `https://github.com/${repository}/releases/tag/${tag}`, publishedAt: null, prerelease: false });
  }

  async findRelease(source: ReleaseSource, tag: string): Promise<ProviderRelease | null> {
    const key = `${source.owner}/${source.repo}@${tag}`;
    this.asked.push(key);
    await Promise.resolve();
    if (this.failNext > 0) {
      this.failNext--;
      throw releaseUpstreamError('GitHub answered 500 for acme/app');
    }
    return this.releases.get(key) ?? null;
  }
}

function setup(options: Partial<ReleaseNotesServiceOptions> = {}) {
  const forge = new FakeForge();
  let now = 0;
  const service = new ReleaseNotesService({ providers: [forge], now: () => now, ...options });
  return { forge, service, advance: (ms: number) => (now += ms) };
}

const withSource = (overrides: Partial<Container> & { to?: string } = {}, source = 'https://github.com/acme/app'): Container => {
  const container = sampleContainer(overrides);
  return { ...container, image: { ...container.image, source } };
};

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('ReleaseNotesService', () => {
  it('finds the release of the update tag under its v-prefixed name and says where the repository came from', async () => {
    const { forge, service } = setup();
    forge.publish('acme/app', 'v1.1.0');
    const notes = await service.forContainer(withSource());
    expect(notes).toMatchObject({ repository: 'acme/app', tag: 'v1.1.0', body: 'notes of v1.1.0', source: 'org.opencontainers.image.source' });
    expect(forge.asked).toEqual(['acme/app@1.1.0', 'acme/app@v1.1.0']);
  });

  it('stops at the first tag that has a release', async () => {
    const { forge, service } = setup();
    forge.publish('acme/app', 'v2.0.0');
    forge.publish('acme/app', '2.0.0');
    expect((await service.forContainer(withSource({ to: 'v2.0.0' }))).tag).toBe('v2.0.0');
    expect(forge.asked).toEqual(['acme/app@v2.0.0']);
  });

  it('answers 404 NO_UPDATE_AVAILABLE without an update and 404 RELEASE_NOTES_UNAVAILABLE without a known repository', async () => {
    const { forge, service } = setup();
    const upToDate: Container = { ...withSource(), updateKind: null, updateAvailable: false };
    expect(await failure(service.forContainer(upToDate))).toMatchObject({ status: 404, code: 'NO_UPDATE_AVAILABLE' });
    const unknown = sampleContainer();
    expect(await failure(service.forContainer(unknown))).toMatchObject({ status: 404, code: 'RELEASE_NOTES_UNAVAILABLE', message: expect.stringContaining('dd.release.repo=owner/repo') });
    const hostile = { ...withSource(), labels: { 'dd.release.repo': '../../orgs/x' } };
    expect(await failure(service.forContainer(hostile))).toMatchObject({ status: 404, code: 'RELEASE_NOTES_UNAVAILABLE', message: expect.stringContaining('label dd.release.repo') });
    expect(forge.asked).toEqual([]);
  });

  it('never asks the forge for a tag no registry could serve', async () => {
    const { forge, service } = setup();
    const bad = withSource();
    const container: Container = { ...bad, result: { tag: '../../../users/x' } };
    expect(await failure(service.forContainer(container))).toMatchObject({ status: 404, code: 'RELEASE_NOTES_UNAVAILABLE', message: expect.stringContaining('not a valid image tag') });
    expect(forge.asked).toEqual([]);
  });

  it('answers 404 RELEASE_NOT_FOUND when no tag variant has a release, and remembers that for a shorter while', async () => {
    const { forge, service, advance } = setup({ notFoundTtlMs: 10 * 60_000 });
    expect(await failure(service.forContainer(withSource()))).toMatchObject({ status: 404, code: 'RELEASE_NOT_FOUND', message: "acme/app has no release for tag '1.1.0' or 'v1.1.0'" });
    expect(await failure(service.forContainer(withSource()))).toMatchObject({ code: 'RELEASE_NOT_FOUND' });
    expect(forge.asked).toHaveLength(2);
    forge.publish('acme/app', '1.1.0');
    advance(10 * 60_000);
    expect((await service.forContainer(withSource())).tag).toBe('1.1.0');
    expect(forge.asked).toHaveLength(3);
  });

  it('keeps a found release for an hour per repository (any case) and tag, whatever container asks', async () => {
    const { forge, service, advance } = setup();
    forge.publish('acme/app', '1.1.0');
    forge.publish('acme/app', '1.2.0');
    forge.publish('Acme/App', '1.1.0');
    await service.forContainer(withSource());
    const other = await service.forContainer(withSource({ name: 'other' }, 'https://github.com/Acme/App'));
    expect(other.repository).toBe('acme/app');
    expect(forge.asked).toEqual(['acme/app@1.1.0']);
    await service.forContainer(withSource({ to: '1.2.0' }));
    expect(forge.asked).toEqual(['acme/app@1.1.0', 'acme/app@1.2.0']);
    advance(60 * 60_000 - 1);
    await service.forContainer(withSource());
    expect(forge.asked).toHaveLength(2);
    advance(1);
    await service.forContainer(withSource());
    expect(forge.asked).toHaveLength(3);
  });

  it('reports the origin of the repository of each container even when the release came from the cache', async () => {
    const { forge, service } = setup();
    forge.publish('acme/app', '1.1.0');
    await service.forContainer(withSource());
    const labelled = { ...sampleContainer({ name: 'labelled' }), labels: { 'dd.release.repo': 'acme/app' } };
    expect((await service.forContainer(labelled)).source).toBe('dd.release.repo');
    expect(forge.asked).toHaveLength(1);
  });

  it('shares one lookup between concurrent asks', async () => {
    const { forge, service } = setup();
    forge.publish('acme/app', 'v1.1.0');
    const answers = await Promise.all([service.forContainer(withSource()), service.forContainer(withSource()), service.forContainer(withSource())]);
    expect(answers.map((notes) => notes.tag)).toEqual(['v1.1.0', 'v1.1.0', 'v1.1.0']);
    expect(forge.asked).toEqual(['acme/app@1.1.0', 'acme/app@v1.1.0']);
  });

  it('does not cache a failure: the next ask tries again', async () => {
    const { forge, service } = setup();
    forge.publish('acme/app', '1.1.0');
    forge.failNext = 1;
    expect(await failure(service.forContainer(withSource()))).toMatchObject({ status: 502, code: 'RELEASE_NOTES_UPSTREAM_ERROR' });
    expect((await service.forContainer(withSource())).tag).toBe('1.1.0');
  });

  it('holds a bounded number of releases, dropping the oldest', async () => {
    const { forge, service } = setup({ maxEntries: 2 });
    for (const tag of ['1.1.0', '1.2.0', '1.3.0']) forge.publish('acme/app', tag);
    for (const tag of ['1.1.0', '1.2.0', '1.3.0']) await service.forContainer(withSource({ to: tag }));
    await service.forContainer(withSource({ to: '1.3.0' }));
    expect(forge.asked).toHaveLength(3);
    await service.forContainer(withSource({ to: '1.1.0' }));
    expect(forge.asked).toHaveLength(4);
  });

  it('with GitHub rate-limited, answers 503 to every container without asking GitHub again', async () => {
    const fake = fakeFetch((call) =>
      call.url.pathname.endsWith('/1.1.0')
        ? json({ message: 'API rate limit exceeded' }, 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 600) })
        : json(githubRelease('x')),
    );
    const service = new ReleaseNotesService({ providers: [new GitHubReleases({ apiUrl: 'https://api.github.test', fetch: fake.fetch })] });
    expect(await failure(service.forContainer(withSource()))).toMatchObject({ status: 503, code: 'RELEASE_NOTES_RATE_LIMITED' });
    expect(await failure(service.forContainer(withSource({ name: 'b', to: '2.0.0' }, 'https://github.com/other/thing')))).toMatchObject({ status: 503 });
    expect(fake.calls).toHaveLength(1);
  });
});
