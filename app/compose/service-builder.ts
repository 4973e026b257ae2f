import { userSet } from '../updates/container-spec.ts';
import { literal, literals, type PlaceholderNames } from './compose-values.ts';
import { environmentOf, labelsOf } from './service-env.ts';
import { mountsOf } from './service-mounts.ts';
import { networksOf } from './service-networks.ts';
import { healthcheckOf, runtimeOf } from './service-runtime.ts';
import type { ExportOptions, ServiceInput } from './types.ts';

export interface BuiltService {
  readonly name: string;
  readonly service: Record<string, unknown>;
  readonly volumes: Record<string, Record<string, unknown>>;
  readonly networks: Record<string, Record<string, unknown>>;
  /** Placeholder variables the .env file lists. */
  readonly placeholders: string[];
  readonly revealedKeys: string[];
  readonly warnings: string[];
}

const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/**
 * One Compose service from one container's inspect data. What the image sets by itself (command,
 * entrypoint, env, labels, user, workdir, healthcheck) is left to the image, the way the update's
 * create plan does (updates/container-spec.ts); every string is escaped for Compose interpolation.
 */
export function buildService(
  input: ServiceInput,
  name: string,
  options: ExportOptions,
  names: PlaceholderNames,
  servicesById: ReadonlyMap<string, string> = new Map(),
): BuiltService {
  const { inspect, image } = input;
  const config = inspect.Config;
  const warnings: string[] = [];
  if (!image) warnings.push(`The image of service '${name}' is not on the engine: its defaults (command, environment, labels) are written out as the container has them`);
  const service: Record<string, unknown> = {};

  const reference = config.Image && !IMAGE_ID.test(config.Image) ? config.Image : inspect.Image;
  if (IMAGE_ID.test(reference)) warnings.push(`Service '${name}' runs an image without a name (${reference.slice(7, 19)}); tag it before using this file elsewhere`);
  service.image = literal(reference);
  service.container_name = literal(inspect.Name.replace(/^\//, ''));

  const sharesNetwork = (inspect.HostConfig.NetworkMode ?? '').startsWith('container:');
  const hostname = config.Hostname;
  // The engine's default hostname is the short id, and `container:` mode copies the other's in.
  if (hostname && hostname !== inspect.Id.slice(0, 12) && !sharesNetwork) service.hostname = literal(hostname);
  if (config.Domainname && !sharesNetwork) service.domainname = literal(String(config.Domainname));

  if (userSet(config.Entrypoint, image?.Entrypoint)) service.entrypoint = commandValue(config.Entrypoint);
  if (userSet(config.Cmd, image?.Cmd)) service.command = commandValue(config.Cmd);
  if (userSet(config.User, image?.User)) service.user = literal(String(config.User));
  if (userSet(config.WorkingDir, image?.WorkingDir)) service.working_dir = literal(String(config.WorkingDir));

  const env = environmentOf(name, config.Env ?? [], image?.Env ?? undefined, options.sanitizeSecrets, names);
  if (env.environment.length > 0) service.environment = env.environment;
  warnings.push(...env.warnings);

  const runtime = runtimeOf(inspect.HostConfig, warnings, name);
  const { ports, ...rest } = runtime as { ports?: string[] } & Record<string, unknown>;
  if (ports) service.ports = ports;
  const exposed = Object.keys(config.ExposedPorts ?? {}).filter((port) => !(image?.ExposedPorts && port in image.ExposedPorts) && !(port in ((inspect.HostConfig.PortBindings as object | null) ?? {})));
  if (exposed.length > 0) service.expose = literals(exposed.map((port) => port.replace(/\/tcp$/, '')));

  const mounts = mountsOf(inspect, image, options.includeVolumes);
  if (mounts.volumes.length > 0) service.volumes = mounts.volumes;
  if (mounts.tmpfs.length > 0) service.tmpfs = mounts.tmpfs;
  warnings.push(...mounts.warnings);

  const networking = networksOf(input, name, options.includeNetworks, servicesById);
  if (networking.networkMode) service.network_mode = networking.networkMode;
  if (networking.networks) service.networks = networking.networks;
  warnings.push(...networking.warnings);

  Object.assign(service, rest);
  if (userSet(config.Healthcheck, image?.Healthcheck)) {
    const healthcheck = healthcheckOf(config.Healthcheck);
    if (healthcheck) service.healthcheck = healthcheck;
  }
  if (userSet(config.StopSignal, image?.StopSignal)) service.stop_signal = literal(String(config.StopSignal));
  if (typeof config.StopTimeout === 'number') service.stop_grace_period = `${config.StopTimeout}s`;
  if (config.Tty) service.tty = true;
  if (config.OpenStdin) service.stdin_open = true;
  const labels = labelsOf(name, config.Labels ?? {}, image?.Labels ?? undefined, options.sanitizeSecrets, names);
  if (Object.keys(labels.labels).length > 0) service.labels = labels.labels;
  warnings.push(...labels.warnings);

  return {
    name,
    service,
    volumes: mounts.definitions,
    networks: networking.definitions,
    placeholders: [...env.placeholders, ...labels.placeholders],
    revealedKeys: [...env.revealedKeys, ...labels.revealedKeys],
    warnings,
  };
}

/** Exec form stays a list (exact arguments); a string entrypoint is a shell form. */
function commandValue(value: unknown): string | string[] {
  if (Array.isArray(value)) return literals(value.map(String));
  return literal(String(value));
}
