import type { ContainerInspect, ImageConfig } from '../updates/container-spec.ts';

/** What the caller asked for (seed 002, "Export Configuration"). */
export interface ExportOptions {
  /** Replace sensitive environment values with `${NAME}` placeholders (listed in the .env file). */
  readonly sanitizeSecrets: boolean;
  /** Emit volumes, binds and the top-level `volumes:` section. */
  readonly includeVolumes: boolean;
  /** Emit user networks (aliases, static IPs) and the top-level `networks:` section. */
  readonly includeNetworks: boolean;
}

/** `docker network inspect` as far as the export reads it. */
export interface NetworkInspect {
  readonly Name: string;
  readonly Driver?: string;
  readonly EnableIPv6?: boolean;
  readonly Internal?: boolean;
  readonly Attachable?: boolean;
  readonly Options?: Readonly<Record<string, string>> | null;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly IPAM?: {
    readonly Driver?: string;
    readonly Options?: Readonly<Record<string, string>> | null;
    readonly Config?: ReadonlyArray<{ readonly Subnet?: string; readonly Gateway?: string; readonly IPRange?: string }> | null;
  } | null;
}

/** Everything the pure builder needs about one container, gathered by the exporter. */
export interface ServiceInput {
  readonly inspect: ContainerInspect;
  /** The image's own configuration; absent when the image is gone (then nothing counts as a default). */
  readonly image?: ImageConfig;
  /** Inspect data of the container's user networks, by name; a missing entry becomes `external: true`. */
  readonly networks: ReadonlyMap<string, NetworkInspect>;
  /** The container whose network this one shares (`container:` mode; its full id and name), when it could be found. */
  readonly sharedNetworkContainer?: { readonly id: string; readonly name: string };
}

/** The answer of the export endpoints (seed 002). */
export interface ExportResult {
  readonly format: 'docker-compose';
  readonly content: string;
  readonly filename: string;
  readonly warnings: string[];
  readonly env_content: string;
  readonly env_filename: string;
}

/** Inspect calls the exporter makes; the real one talks to an engine, unit tests pass a fake. */
export interface ComposeSource {
  inspectContainer(id: string): Promise<ContainerInspect | undefined>;
  inspectImage(reference: string): Promise<{ readonly Config: ImageConfig } | undefined>;
  inspectNetwork(name: string): Promise<NetworkInspect | undefined>;
}
