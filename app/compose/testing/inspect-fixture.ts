import type { ContainerInspect, EndpointSettings, ImageConfig } from '../../updates/container-spec.ts';
import type { ComposeSource, NetworkInspect } from '../types.ts';

/** Inspect data shaped like Docker 20.10 answers (API 1.41), with only what a test overrides. */
export const CONTAINER_ID = 'a1b2c3d4e5f6'.padEnd(64, '0');

export interface InspectOverrides {
  readonly id?: string;
  readonly name?: string;
  readonly config?: Record<string, unknown>;
  readonly hostConfig?: Record<string, unknown>;
  readonly networks?: Record<string, EndpointSettings>;
  readonly mounts?: ContainerInspect['Mounts'];
}

export function inspectOf(overrides: InspectOverrides = {}): ContainerInspect {
  const id = overrides.id ?? CONTAINER_ID;
  return {
    Id: id,
    Name: `/${overrides.name ?? 'web'}`,
    Image: 'sha256:'.padEnd(71, 'f'),
    Config: { Image: 'example/web:1.0', Hostname: id.slice(0, 12), Env: ['PATH=/usr/bin'], Cmd: ['/bin/serve'], Labels: {}, ...overrides.config } as ContainerInspect['Config'],
    HostConfig: { NetworkMode: 'default', LogConfig: { Type: 'json-file', Config: {} }, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, ShmSize: 67108864, ...overrides.hostConfig },
    NetworkSettings: { Networks: overrides.networks ?? { bridge: { Aliases: null, IPAMConfig: null } } },
    State: { Running: true, Status: 'running' },
    Mounts: overrides.mounts ?? [],
  };
}

export const IMAGE: ImageConfig = { Env: ['PATH=/usr/bin'], Cmd: ['/bin/serve'], Labels: { 'org.opencontainers.image.version': '1.0' } };

export function networkOf(name: string, overrides: Partial<NetworkInspect> = {}): NetworkInspect {
  return { Name: name, Driver: 'bridge', Options: {}, Labels: {}, IPAM: { Driver: 'default', Config: [{ Subnet: '172.30.1.0/24', Gateway: '172.30.1.1' }] }, ...overrides };
}

/** A ComposeSource over fixed data; `failing` ids throw like an engine that errs. */
export class FakeComposeSource implements ComposeSource {
  readonly containers = new Map<string, ContainerInspect>();
  readonly images = new Map<string, ImageConfig>();
  readonly networks = new Map<string, NetworkInspect>();
  readonly failing = new Set<string>();

  async inspectContainer(id: string): Promise<ContainerInspect | undefined> {
    if (this.failing.has(id)) throw new Error('engine said no');
    return this.containers.get(id) ?? [...this.containers.values()].find((inspect) => inspect.Name === `/${id}`);
  }

  async inspectImage(reference: string): Promise<{ Config: ImageConfig } | undefined> {
    if (this.failing.has(reference)) throw new Error('image inspect failed');
    const config = this.images.get(reference);
    return config ? { Config: config } : undefined;
  }

  async inspectNetwork(name: string): Promise<NetworkInspect | undefined> {
    if (this.failing.has(name)) throw new Error('network inspect failed');
    return this.networks.get(name);
  }
}
