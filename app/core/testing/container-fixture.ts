import type { Container } from '../container.ts';

/** A watched, running, up-to-date container for unit tests; override what a test is about. */
export function containerFixture(id: string, overrides: Partial<Container> = {}): Container {
  return {
    id,
    name: `name-${id}`,
    watcher: 'local',
    status: 'running',
    displayName: id,
    displayIcon: 'mdi:docker',
    labels: {},
    watched: true,
    image: {
      id: 'sha256:1',
      registry: { name: 'hub', url: 'https://registry-1.docker.io' },
      name: 'library/app',
      tag: { value: '1.0.0', semver: true },
      digest: { watch: false, repoDigests: [] },
      architecture: 'amd64',
      os: 'linux',
    },
    updateKind: null,
    updateAvailable: false,
    checkStatus: 'ok',
    ...overrides,
  };
}
