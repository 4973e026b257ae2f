import type { Container } from '../core/container.ts';
import { sampleContainer } from '../triggers/testing/sample-container.ts';
import { parseGitHubUrl, RELEASE_REPO_LABEL, resolveReleaseSource } from './release-source.ts';
import { releaseTagCandidates } from './release-tags.ts';

const base = sampleContainer();
function container(options: { labels?: Record<string, string>; source?: string; registry?: { name: string; url: string }; name?: string } = {}): Container {
  return {
    ...base,
    labels: options.labels ?? {},
    image: {
      ...base.image,
      ...(options.source === undefined ? {} : { source: options.source }),
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.name ? { name: options.name } : {}),
    },
  };
}
const ghcr = { name: 'ghcr.public', url: 'https://ghcr.io' };

describe('resolveReleaseSource', () => {
  it('reads the image source label', () => {
    expect(resolveReleaseSource(container({ source: 'https://github.com/acme/app' }))).toEqual({
      found: true,
      source: { provider: 'github', owner: 'acme', repo: 'app', origin: 'org.opencontainers.image.source' },
    });
  });

  it('falls back to the image name on ghcr.io (owner/repo of owner/repo/sub), never for lscr.io or other registries', () => {
    expect(resolveReleaseSource(container({ registry: ghcr, name: 'acme/app' }))).toMatchObject({ found: true, source: { owner: 'acme', repo: 'app', origin: 'image-name' } });
    expect(resolveReleaseSource(container({ registry: ghcr, name: 'acme/app/server' }))).toMatchObject({ found: true, source: { owner: 'acme', repo: 'app' } });
    expect(resolveReleaseSource(container({ registry: { name: 'lscr.public', url: 'https://ghcr.io' }, name: 'linuxserver/sonarr' })).found).toBe(false);
    expect(resolveReleaseSource(container({ registry: { name: 'hub.public', url: 'https://registry-1.docker.io' }, name: 'acme/app' })).found).toBe(false);
    expect(resolveReleaseSource(container({ registry: ghcr, name: 'acme' })).found).toBe(false);
  });

  it('prefers the image label to the ghcr.io name, and the dd.release.repo label to both', () => {
    const both = container({ source: 'https://github.com/acme/real', registry: ghcr, name: 'acme/image' });
    expect(resolveReleaseSource(both)).toMatchObject({ source: { repo: 'real', origin: 'org.opencontainers.image.source' } });
    const overridden = container({ labels: { [RELEASE_REPO_LABEL]: ' upstream/project ' }, source: 'https://github.com/acme/real', registry: ghcr, name: 'acme/image' });
    expect(resolveReleaseSource(overridden)).toEqual({ found: true, source: { provider: 'github', owner: 'upstream', repo: 'project', origin: 'dd.release.repo' } });
    expect(resolveReleaseSource(container({ labels: { [RELEASE_REPO_LABEL]: 'https://github.com/upstream/project.git' } }))).toMatchObject({ source: { owner: 'upstream', repo: 'project' } });
  });

  it('uses the ghcr.io name when the image source is on another forge, and says why when nothing fits', () => {
    expect(resolveReleaseSource(container({ source: 'https://gitlab.com/acme/app', registry: ghcr, name: 'acme/app' }))).toMatchObject({ found: true, source: { origin: 'image-name' } });
    const gitlab = resolveReleaseSource(container({ source: 'https://gitlab.com/acme/app' }));
    expect(gitlab).toEqual({ found: false, reason: expect.stringContaining("'https://gitlab.com/acme/app' is not a GitHub repository") });
    expect(resolveReleaseSource(container())).toEqual({ found: false, reason: expect.stringContaining('no org.opencontainers.image.source label') });
  });

  it.each([
    '../../etc/passwd',
    'acme/app/../../x',
    'acme/../app',
    'acme/..',
    'acme/.',
    'ac me/app',
    '-acme/app',
    'acme-/app',
    'acme/app?per_page=100',
    'acme/app#x',
    'acme%2F..%2Fx/app',
    'acme/ap%2e%2e',
    'acme',
    'javascript:alert(1)',
    'https://evil.example/acme/app',
    'https://github.com.evil.example/acme/app',
    `${'a'.repeat(40)}/app`,
    `acme/${'a'.repeat(101)}`,
    'acme/app\nHost: evil',
  ])('refuses the hostile or malformed dd.release.repo %j (reported, not skipped)', (value) => {
    const resolution = resolveReleaseSource(container({ labels: { [RELEASE_REPO_LABEL]: value }, source: 'https://github.com/acme/real' }));
    expect(resolution).toEqual({ found: false, reason: expect.stringContaining(`label ${RELEASE_REPO_LABEL}`) });
  });

  it('refuses an over-long dd.release.repo without quoting it whole', () => {
    const resolution = resolveReleaseSource(container({ labels: { [RELEASE_REPO_LABEL]: `acme/${'x'.repeat(300)}` } }));
    expect(resolution).toEqual({ found: false, reason: `label ${RELEASE_REPO_LABEL} is longer than 256 characters` });
  });

  it('ignores a blank dd.release.repo', () => {
    expect(resolveReleaseSource(container({ labels: { [RELEASE_REPO_LABEL]: '  ' }, source: 'https://github.com/acme/app' }))).toMatchObject({ found: true, source: { origin: 'org.opencontainers.image.source' } });
  });
});

describe('parseGitHubUrl', () => {
  it.each([
    ['https://github.com/acme/app', 'acme/app'],
    ['http://github.com/acme/app/', 'acme/app'],
    ['https://github.com/acme/app.git', 'acme/app'],
    ['https://github.com/acme/app/tree/main/docker', 'acme/app'],
    ['https://github.com/acme/app?tab=readme#top', 'acme/app'],
    ['https://www.github.com/Acme/My.App_2', 'Acme/My.App_2'],
    ['git+https://github.com/acme/app.git', 'acme/app'],
    ['git://github.com/acme/app.git', 'acme/app'],
    ['ssh://git@github.com/acme/app.git', 'acme/app'],
    ['git@github.com:acme/app.git', 'acme/app'],
    ['github.com/acme/app', 'acme/app'],
  ])('reads %s', (url, expected) => {
    const parsed = parseGitHubUrl(url);
    expect(parsed && `${parsed.owner}/${parsed.repo}`).toBe(expected);
  });

  it.each([
    'https://gitlab.com/acme/app',
    'https://github.com/acme',
    'https://github.com/acme/%2e%2e',
    'https://github.com/../acme/app/..',
    'https://github.com/acme/..%2F..%2Fusers',
    'https://github.com:evil@evil.example/acme/app',
    'ftp://github.com/acme/app',
    'javascript://github.com/acme/app',
    'file:///etc/passwd',
    'not a url',
    `https://github.com/acme/${'a'.repeat(600)}`,
  ])('refuses %s', (url) => {
    expect(parseGitHubUrl(url)).toBeUndefined();
  });
});

describe('releaseTagCandidates', () => {
  it('tries the tag as is, then without or with a leading v', () => {
    expect(releaseTagCandidates('1.2.3')).toEqual(['1.2.3', 'v1.2.3']);
    expect(releaseTagCandidates('v1.2.3')).toEqual(['v1.2.3', '1.2.3']);
    expect(releaseTagCandidates('V2')).toEqual(['V2', '2']);
    expect(releaseTagCandidates('latest')).toEqual(['latest']);
    expect(releaseTagCandidates('version-1')).toEqual(['version-1']);
  });

  it('gives nothing for a tag no registry could serve (so it never reaches a URL)', () => {
    for (const tag of ['', '../x', 'a/b', 'a?b', '.hidden', 'x'.repeat(129), 'a b']) expect(releaseTagCandidates(tag)).toEqual([]);
  });
});
