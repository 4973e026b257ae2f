import { buildSnapshot, OCI_SOURCE_LABEL } from './snapshot.ts';
import type { EngineContainerInspect, EngineImageInspect } from './engine-port.ts';

const options = { watcher: 'local', watchByDefault: true, describeRegistry: () => ({ name: 'custom', url: 'https://127.0.0.1:5000' }) };
const IMAGE_ID = `sha256:${'b'.repeat(64)}`;

const inspect = (labels: Record<string, string> = {}): EngineContainerInspect => ({
  Id: 'abc123',
  Name: '/web',
  Image: IMAGE_ID,
  Config: { Image: '127.0.0.1:5000/team/app:1.2.3', Labels: labels },
  State: { Status: 'running' },
});
const image = (labels: Record<string, string> | null): EngineImageInspect => ({ Id: IMAGE_ID, Os: 'linux', Architecture: 'amd64', Config: { Labels: labels } });

describe('buildSnapshot: the image source (org.opencontainers.image.source)', () => {
  it("keeps the image's own label, which wins over the container's copy", () => {
    const { container } = buildSnapshot(
      inspect({ [OCI_SOURCE_LABEL]: 'https://github.com/old/name' }),
      image({ [OCI_SOURCE_LABEL]: ' https://github.com/acme/app ' }),
      options,
    );
    expect(container.image.source).toBe('https://github.com/acme/app');
  });

  it("falls back to the container's labels when the image has none (or is not inspectable)", () => {
    expect(buildSnapshot(inspect({ [OCI_SOURCE_LABEL]: 'https://github.com/acme/app' }), image(null), options).container.image.source).toBe('https://github.com/acme/app');
    expect(buildSnapshot(inspect({ [OCI_SOURCE_LABEL]: 'https://github.com/acme/app' }), null, options).container.image.source).toBe('https://github.com/acme/app');
  });

  it('leaves it out when absent, blank or over-long (a cut URL would name another repository)', () => {
    expect(buildSnapshot(inspect(), image({}), options).container.image).not.toHaveProperty('source');
    expect(buildSnapshot(inspect(), image({ [OCI_SOURCE_LABEL]: '   ' }), options).container.image).not.toHaveProperty('source');
    const long = `https://github.com/acme/${'a'.repeat(600)}`;
    expect(buildSnapshot(inspect({ [OCI_SOURCE_LABEL]: long }), image({ [OCI_SOURCE_LABEL]: long }), options).container.image).not.toHaveProperty('source');
  });

  it('never keeps a source URL that carries credentials', () => {
    const leaky = 'https://bot:ghp_secret123@github.com/acme/app';
    expect(buildSnapshot(inspect(), image({ [OCI_SOURCE_LABEL]: leaky }), options).container.image).not.toHaveProperty('source');
    expect(buildSnapshot(inspect({ [OCI_SOURCE_LABEL]: 'https://github.com/acme/app' }), image({ [OCI_SOURCE_LABEL]: leaky }), options).container.image.source).toBe('https://github.com/acme/app');
  });
});
