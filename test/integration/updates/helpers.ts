import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { WatcherConfig } from '../../../app/config/load-config.ts';
import type { Container } from '../../../app/core/container.ts';
import { EngineConnection } from '../../../app/engine/engine-connection.ts';
import { EventBus } from '../../../app/events/bus.ts';
import { Store } from '../../../app/store/store.ts';
import { DEFAULT_UPDATE_SETTINGS, type UpdateSettings } from '../../../app/updates/settings.ts';
import { DockerUpdateEngine, type PullAuthLookup } from '../../../app/updates/update-engine.ts';
import { UpdateService } from '../../../app/updates/update-service.ts';
import { docker } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { benchState } from '../../bench/state.ts';

export const runLabel = () => `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`;

/** Releases of one repository: good ones, one that exits at once, one whose HEALTHCHECK fails. */
export interface Releases {
  readonly repository: string;
  readonly ref: (tag: string) => string;
}

export async function buildReleases(): Promise<Releases> {
  const repository = `${benchState().registry.address}/${uniqueName('upd')}`;
  const ref = (tag: string) => `${repository}:${tag}`;
  await buildTestImage({ reference: ref('1.0.0'), env: { APP_MODE: 'one', SHARED: 'same' } });
  await buildTestImage({ reference: ref('1.1.0'), env: { APP_MODE: 'two', SHARED: 'same' } });
  await buildTestImage({ reference: ref('1.2.0-crash'), cmd: ['/bin/sh', '-c', 'exit 3'] });
  await buildTestImage({ reference: ref('1.3.0-sick'), healthcheck: 'false' });
  await buildTestImage({ reference: ref('1.4.0-healthy'), healthcheck: 'true' });
  return { repository, ref };
}

export function testSettings(overrides: Partial<UpdateSettings> = {}): UpdateSettings {
  return { ...DEFAULT_UPDATE_SETTINGS, graceMs: 1500, pollMs: 200, rollbackWindowMs: 15_000, stopTimeoutSeconds: 5, ...overrides };
}

export function localEngine(): EngineConnection {
  return new EngineConnection({ name: 'local', socket: '/var/run/docker.sock' } as WatcherConfig);
}

export async function makeService(
  overrides: Partial<UpdateSettings> = {},
  authFor?: PullAuthLookup,
): Promise<{ service: UpdateService; store: Store; bus: EventBus }> {
  const store = await Store.open(mkdtempSync(join(tmpdir(), 'dd-updates-')));
  const bus = new EventBus();
  const engine = new DockerUpdateEngine(localEngine(), authFor);
  const service = new UpdateService({ store, bus, logger: pino({ level: 'silent' }), settings: testSettings(overrides), engineFor: () => engine });
  return { service, store, bus };
}

export async function inspect(name: string): Promise<Record<string, any>> {
  return (JSON.parse(await docker('inspect', name)) as Array<Record<string, any>>)[0] as Record<string, any>;
}

/** The Container record the watcher would have written for a running container. */
export async function containerRecord(name: string, target?: string): Promise<Container> {
  const data = await inspect(name);
  const reference = String(data.Config.Image);
  const tag = reference.slice(reference.lastIndexOf(':') + 1);
  return {
    id: data.Id,
    name,
    watcher: 'local',
    status: data.State.Status,
    displayName: name,
    displayIcon: 'mdi:docker',
    labels: data.Config.Labels ?? {},
    watched: true,
    image: {
      id: data.Image,
      registry: { name: 'custom', url: benchState().registry.url },
      name: reference.slice(reference.indexOf('/') + 1, reference.lastIndexOf(':')),
      tag: { value: tag, semver: true },
      digest: { watch: false, repoDigests: [] },
      architecture: 'amd64',
      os: 'linux',
    },
    ...(target ? { result: { tag: target } } : {}),
    updateKind: target ? { kind: 'minor', localValue: tag, remoteValue: target } : null,
    updateAvailable: Boolean(target),
    checkStatus: 'ok',
  } as Container;
}

/** Removes everything a test created; never throws. */
export async function cleanup(kind: 'container' | 'network' | 'volume', names: string[]): Promise<void> {
  for (const name of names) {
    if (kind === 'container') await docker('rm', '-f', '-v', name).catch(() => '');
    else await docker(kind, 'rm', name).catch(() => '');
  }
}

/** Containers whose name starts with this one's (the temporary `-dd-old-` names included). */
export async function containersNamed(prefix: string): Promise<string[]> {
  const out = await docker('ps', '-a', '--filter', `name=${prefix}`, '--format', '{{.Names}}');
  return out.split('\n').filter(Boolean).sort();
}
