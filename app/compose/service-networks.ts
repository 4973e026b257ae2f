import { endpointConfig } from '../updates/container-spec.ts';
import { isEmpty, literal, literals } from './compose-values.ts';
import type { NetworkInspect, ServiceInput } from './types.ts';

export interface NetworksPart {
  readonly networkMode?: string;
  /** Service `networks:` (aliases, static IPs) by network key. */
  readonly networks?: Record<string, Record<string, unknown>>;
  /** Top-level `networks:` definitions by key. */
  readonly definitions: Record<string, Record<string, unknown>>;
  readonly warnings: string[];
}

/** Networks every engine has; Compose reaches them through `network_mode`, never by definition. */
const ENGINE_NETWORKS = new Set(['bridge', 'host', 'none']);

/**
 * network_mode, the service's networks and their definitions. `servicesById` maps the container
 * ids of the same export to their service names, so `container:<id>` can become `service:<name>`.
 */
export function networksOf(input: ServiceInput, service: string, includeNetworks: boolean, servicesById: ReadonlyMap<string, string>): NetworksPart {
  const { inspect } = input;
  const mode = inspect.HostConfig.NetworkMode ?? 'default';
  const warnings: string[] = [];
  if (mode === 'host' || mode === 'none') return { networkMode: mode, definitions: {}, warnings };
  if (mode.startsWith('container:')) return { networkMode: sharedMode(input, mode.slice('container:'.length), servicesById, warnings), definitions: {}, warnings };
  if (!includeNetworks) return { definitions: {}, warnings };

  const attached = Object.entries(inspect.NetworkSettings.Networks ?? {});
  const user = attached.filter(([name]) => !ENGINE_NETWORKS.has(name));
  if (user.length === 0) return { definitions: {}, warnings };
  if (attached.some(([name]) => name === 'bridge')) warnings.push(`Service '${service}' is also on the engine's default 'bridge' network, which a Compose service with other networks cannot join; left out`);

  const containerName = inspect.Name.replace(/^\//, '');
  // The engine adds these aliases by itself (Compose adds the service name): only the user's remain.
  const automatic = new Set([containerName, service, inspect.Config.Hostname ?? '']);
  const networks: Record<string, Record<string, unknown>> = {};
  const definitions: Record<string, Record<string, unknown>> = {};
  for (const [name, settings] of user) {
    const endpoint = endpointConfig(settings, inspect.Id);
    const entry: Record<string, unknown> = {};
    const aliases = ((endpoint.Aliases as string[] | undefined) ?? []).filter((alias) => !automatic.has(alias));
    if (aliases.length > 0) entry.aliases = literals(aliases);
    const ipam = (endpoint.IPAMConfig ?? {}) as { IPv4Address?: string; IPv6Address?: string };
    if (ipam.IPv4Address) entry.ipv4_address = literal(ipam.IPv4Address);
    if (ipam.IPv6Address) entry.ipv6_address = literal(ipam.IPv6Address);
    networks[name] = entry;
    const network = input.networks.get(name);
    if (!network) warnings.push(`Network '${name}' could not be inspected; declared as external`);
    definitions[name] = network ? networkDefinition(network, Boolean(ipam.IPv4Address || ipam.IPv6Address)) : { name: literal(name), external: true };
  }
  return { networks, definitions, warnings };
}

function sharedMode(input: ServiceInput, id: string, servicesById: ReadonlyMap<string, string>, warnings: string[]): string {
  const shared = input.sharedNetworkContainer;
  const inBatch = servicesById.get(id) ?? (shared ? servicesById.get(shared.id) : undefined);
  if (inBatch) return `service:${inBatch}`;
  if (shared) return literal(`container:${shared.name}`);
  warnings.push(`The container whose network is shared (${id.slice(0, 12)}) could not be found; network_mode names its id`);
  return literal(`container:${id}`);
}

/**
 * The network as the engine has it, under its real name (so existing peers still meet this
 * service). Subnets are written only when a static address needs one: an automatic subnet pinned
 * in the file could clash on another host.
 */
export function networkDefinition(network: NetworkInspect, withSubnets: boolean): Record<string, unknown> {
  const definition: Record<string, unknown> = { name: literal(network.Name) };
  if (network.Driver && network.Driver !== 'bridge') definition.driver = literal(network.Driver);
  if (!isEmpty(network.Options)) definition.driver_opts = literalValues(network.Options ?? {});
  if (network.Internal) definition.internal = true;
  if (network.Attachable) definition.attachable = true;
  if (network.EnableIPv6) definition.enable_ipv6 = true;
  const labels = Object.fromEntries(Object.entries(network.Labels ?? {}).filter(([key]) => !key.startsWith('com.docker.compose.')));
  if (!isEmpty(labels)) definition.labels = literalValues(labels);
  const config = (network.IPAM?.Config ?? []).filter((entry) => entry.Subnet);
  if (withSubnets && config.length > 0) {
    const ipam: Record<string, unknown> = {};
    if (network.IPAM?.Driver && network.IPAM.Driver !== 'default') ipam.driver = literal(network.IPAM.Driver);
    ipam.config = config.map((entry) => {
      const item: Record<string, string> = { subnet: literal(entry.Subnet ?? '') };
      if (entry.Gateway) item.gateway = literal(entry.Gateway);
      if (entry.IPRange) item.ip_range = literal(entry.IPRange);
      return item;
    });
    definition.ipam = ipam;
  }
  return definition;
}

function literalValues(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, literal(String(value))]));
}
