import { formatImageReference, InvalidReferenceError, parseImageReference } from './image-ref.ts';

describe('parseImageReference', () => {
  it.each([
    ['nginx', { registryHost: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.25-alpine', { registryHost: 'docker.io', repository: 'library/nginx', tag: '1.25-alpine' }],
    ['linuxserver/sonarr:latest', { registryHost: 'docker.io', repository: 'linuxserver/sonarr', tag: 'latest' }],
    ['ghcr.io/owner/app:v1.2.3', { registryHost: 'ghcr.io', repository: 'owner/app', tag: 'v1.2.3' }],
    ['127.0.0.1:5000/app:1.0.0', { registryHost: '127.0.0.1:5000', repository: 'app', tag: '1.0.0' }],
    ['localhost/app', { registryHost: 'localhost', repository: 'app' }],
    ['index.docker.io/library/redis:7', { registryHost: 'docker.io', repository: 'library/redis', tag: '7' }],
    [`quay.io/a/b@sha256:${'a'.repeat(64)}`, { registryHost: 'quay.io', repository: 'a/b', digest: `sha256:${'a'.repeat(64)}` }],
  ])('parses %s', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  it.each(['', 'UPPER/case', 'app:bad tag', 'a'.repeat(600), 'app@sha256:xyz', 'bad host!/x'])('rejects %j', (reference) => {
    expect(() => parseImageReference(reference)).toThrow(InvalidReferenceError);
  });

  it('formats back to the short form', () => {
    expect(formatImageReference(parseImageReference('nginx:1'))).toBe('nginx:1');
    expect(formatImageReference(parseImageReference('127.0.0.1:5000/app:1.0.0'))).toBe('127.0.0.1:5000/app:1.0.0');
  });
});
