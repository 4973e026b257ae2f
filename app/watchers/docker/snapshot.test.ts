import { isVersionTag } from '../../core/tags.ts';
import { buildSnapshot } from './snapshot.ts';
import type { EngineContainerInspect, EngineImageInspect } from './engine-port.ts';

const options = {
  watcher: 'local',
  watchByDefault: true,
  describeRegistry: (host: string) => ({ name: host === 'docker.io' ? 'hub' : 'custom', url: host }),
};
const IMAGE_ID = `sha256:${'b'.repeat(64)}`;
const DIGEST = `sha256:${'c'.repeat(64)}`;
const OTHER_DIGEST = `sha256:${'d'.repeat(64)}`;

function inspect(image: string, labels: Record<string, string> = {}, state = 'running'): EngineContainerInspect {
  return {
    Id: 'abc123',
    Name: '/web',
    Created: '2026-01-02T03:04:05Z',
    Image: IMAGE_ID,
    Config: { Image: image, Labels: labels },
    State: { Status: state, Health: { Status: 'healthy' } },
  };
}
const image: EngineImageInspect = {
  Id: IMAGE_ID,
  RepoDigests: [`127.0.0.1:5000/team/app@${DIGEST}`, `other.example/app@${OTHER_DIGEST}`],
  Os: 'linux',
  Architecture: 'arm',
  Variant: 'v7',
  Created: '2025-12-01T00:00:00Z',
};

describe('buildSnapshot', () => {
  it('describes a plain container with defaults', () => {
    const { container, rules, problem } = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3'), image, options);
    expect(problem).toBeUndefined();
    expect(rules).toEqual({});
    expect(container).toMatchObject({
      id: 'abc123',
      name: 'web',
      watcher: 'local',
      status: 'running',
      health: 'healthy',
      displayName: 'web',
      displayIcon: 'mdi:docker',
      watched: true,
      checkStatus: 'pending',
      updateKind: null,
      updateAvailable: false,
      createdAt: '2026-01-02T03:04:05Z',
      image: {
        id: IMAGE_ID,
        registry: { name: 'custom', url: '127.0.0.1:5000' },
        name: 'team/app',
        tag: { value: '1.2.3', semver: true },
        // semver tags are not watched by digest unless asked; only this repository's digests count
        digest: { watch: false, repoDigests: [DIGEST] },
        os: 'linux',
        architecture: 'arm',
        variant: 'v7',
        created: '2025-12-01T00:00:00Z',
      },
    });
    expect(container.group).toBeUndefined();
  });

  it('stores sensitive label values as *** (like env) and keeps dd.* labels readable', () => {
    const labels = {
      'traefik.http.middlewares.auth.basicauth.users': 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/',
      'com.example.db': `postgres://app:hunter2@db/app${'x'.repeat(2000)}`,
      'app.api-token': 'tok',
      team: 'media',
      'dd.display.name': 'My App',
    };
    const { container } = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', labels), image, options);
    expect(container.labels).toEqual({
      'traefik.http.middlewares.auth.basicauth.users': '***',
      'com.example.db': '***',
      'app.api-token': '***',
      team: 'media',
      'dd.display.name': 'My App',
    });
    expect(container.displayName).toBe('My App');
    expect(JSON.stringify(container)).not.toMatch(/apr1|hunter2|tok"/);
  });

  it('defaults to latest and watches the digest of non-semver tags; Docker Hub names get library/', () => {
    const { container } = buildSnapshot(inspect('nginx'), image, options);
    expect(container.image).toMatchObject({ registry: { name: 'hub' }, name: 'library/nginx', tag: { value: 'latest', semver: false }, digest: { watch: true, repoDigests: [] } });
  });

  it('applies every dd.* label', () => {
    const labels = {
      'dd.watch': 'false',
      'dd.watch.digest': 'true',
      'dd.tag.include': '^1\\.',
      'dd.tag.exclude': 'rc',
      'dd.tag.transform': '^v(.*)$ => $1',
      'dd.link.template': 'https://example.test/${major}',
      'dd.display.name': 'My App',
      'dd.display.icon': 'si:nginx',
      'dd.group': 'frontend',
      'dd.trigger.include': 'ntfy.phone',
      'dd.trigger.exclude': 'smtp.mail',
      'com.docker.compose.project': 'stack',
    };
    const { container, rules, problem } = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', labels), image, options);
    expect(problem).toBeUndefined();
    expect(container).toMatchObject({
      watched: false,
      displayName: 'My App',
      displayIcon: 'si:nginx',
      group: 'frontend',
      includeTags: '^1\\.',
      excludeTags: 'rc',
      transformTags: '^v(.*)$ => $1',
      linkTemplate: 'https://example.test/${major}',
      triggerInclude: 'ntfy.phone',
      triggerExclude: 'smtp.mail',
      image: { digest: { watch: true } },
    });
    expect(rules).toEqual({ includeTags: '^1\\.', excludeTags: 'rc', transformTags: '^v(.*)$ => $1', linkTemplate: 'https://example.test/${major}' });
  });

  it('falls back to the compose project for the group, and dd.watch=true overrides WATCHBYDEFAULT=false', () => {
    const { container } = buildSnapshot(
      inspect('127.0.0.1:5000/team/app:1.2.3', { 'com.docker.compose.project': 'stack', 'dd.watch': 'true' }),
      image,
      { ...options, watchByDefault: false },
    );
    expect(container.group).toBe('stack');
    expect(container.watched).toBe(true);
    expect(buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3'), image, { ...options, watchByDefault: false }).container.watched).toBe(false);
  });

  it('turns a catastrophic or invalid pattern into an INVALID_LABEL problem naming the label', () => {
    const nested = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', { 'dd.tag.include': '^(a+)+$' }), image, options);
    expect(nested.problem).toEqual({ code: 'INVALID_LABEL', message: expect.stringContaining('dd.tag.include') });
    expect(nested.container.includeTags).toBeUndefined();
    const invalid = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', { 'dd.tag.exclude': '([' }), image, options);
    expect(invalid.problem?.message).toMatch(/dd\.tag\.exclude: invalid pattern/);
    const transform = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', { 'dd.tag.transform': 'no arrow' }), image, options);
    expect(transform.problem?.message).toMatch(/dd\.tag\.transform/);
    // The valid labels still apply: a bad pattern must not silently unwatch the container.
    const kept = buildSnapshot(
      inspect('127.0.0.1:5000/team/app:1.2.3', { 'dd.watch': 'true', 'dd.tag.include': '(a+)+$', 'dd.display.name': 'Kept' }),
      image,
      { ...options, watchByDefault: false },
    );
    expect(kept.problem?.code).toBe('INVALID_LABEL');
    expect(kept.container).toMatchObject({ watched: true, displayName: 'Kept' });
    const bool = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', { 'dd.watch': 'maybe' }), image, options);
    expect(bool.problem?.message).toMatch(/dd\.watch: 'maybe' is not true or false/);
  });

  it('bounds hostile labels of 100 KB: a problem, a bounded store copy, no huge message', () => {
    const huge = 'x'.repeat(100 * 1024);
    const labels: Record<string, string> = { 'dd.tag.include': huge, 'dd.display.name': huge, junk: huge };
    for (let i = 0; i < 500; i++) labels[`extra.${i}`] = huge;
    const { container, problem } = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', labels), image, options);
    expect(problem?.code).toBe('INVALID_LABEL');
    expect(problem!.message.length).toBeLessThan(200);
    expect(Object.keys(container.labels).length).toBeLessThanOrEqual(100);
    expect(Math.max(...Object.values(container.labels).map((v) => v.length))).toBeLessThanOrEqual(1025);
    expect(container.displayName).toBe('web');
    expect(JSON.stringify(container).length).toBeLessThan(200 * 1024);

    const longName = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', { 'dd.display.name': huge }), image, options);
    expect(longName.problem?.message).toBe('label dd.display.name: is longer than 128 characters');
    const icon = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', { 'dd.display.icon': '<script>' }), image, options);
    expect(icon.problem?.message).toMatch(/dd\.display\.icon/);
  });

  it('reports a container created from an image id, or pinned by digest, instead of guessing', () => {
    const byId = buildSnapshot(inspect(IMAGE_ID), image, options);
    expect(byId.problem?.code).toBe('IMAGE_REFERENCE_BY_ID');
    expect(byId.container.image.tag.value).toBe('');
    expect(buildSnapshot(inspect('b'.repeat(12)), image, options).problem?.code).toBe('IMAGE_REFERENCE_BY_ID');
    const pinned = buildSnapshot(inspect(`127.0.0.1:5000/team/app@${DIGEST}`), image, options);
    expect(pinned.problem).toEqual({ code: 'IMAGE_PINNED_BY_DIGEST', message: expect.stringContaining('pin a tag') });
    expect(pinned.container.image.name).toBe('team/app');
    const broken = buildSnapshot(inspect('UPPER/Case:tag'), image, options);
    expect(broken.problem?.code).toBe('INVALID_IMAGE_REFERENCE');
  });

  it('copes with a missing image and unknown runtime state', () => {
    const { container } = buildSnapshot(inspect('127.0.0.1:5000/team/app:1.2.3', {}, 'weird'), null, options);
    expect(container.status).toBe('created');
    expect(container.image).toMatchObject({ os: '', architecture: '', digest: { repoDigests: [] } });
  });
});

describe('isVersionTag (the semver flag of a snapshot)', () => {
  it.each([
    ['1.2.3', true],
    ['v1.2.3', true],
    ['1.2.3-alpine', true],
    ['16', true],
    ['2021.6.4', true],
    ['latest', false],
    ['stable', false],
    ['alpine', false],
    ['', false],
  ])('%s → %s', (tag, expected) => {
    expect(isVersionTag(tag)).toBe(expected);
  });
});
