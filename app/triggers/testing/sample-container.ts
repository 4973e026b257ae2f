import type { Container, UpdateKind } from '../../core/container.ts';

/** A watched container with an update from `from` to `to` (tests only). */
export function sampleContainer(overrides: Partial<Container> & { from?: string; to?: string; kind?: UpdateKind } = {}): Container {
  const { from = '1.0.0', to = '1.1.0', kind = 'minor', ...rest } = overrides;
  const name = rest.name ?? 'web';
  return {
    id: `id-${name}`,
    name,
    watcher: 'local',
    status: 'running',
    displayName: name,
    displayIcon: 'mdi:docker',
    labels: {},
    watched: true,
    image: {
      id: 'sha256:1111',
      registry: { name: 'registry.local', url: 'http://127.0.0.1:5000/v2' },
      name: 'app',
      tag: { value: from, semver: true },
      digest: { watch: false, repoDigests: [] },
      architecture: 'amd64',
      os: 'linux',
    },
    result: { tag: to, link: `https://example.test/releases/${to}` },
    updateKind: { kind, localValue: from, remoteValue: to },
    updateAvailable: true,
    checkStatus: 'ok',
    ...rest,
  };
}
