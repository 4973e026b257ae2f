/**
 * Builds the create body of the replacement container from the old one's inspect data: the same
 * container with only the image changed. Pure, so every rule is unit tested.
 */

export interface ImageConfig {
  readonly Env?: readonly string[] | null;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly Cmd?: readonly string[] | null;
  readonly Entrypoint?: readonly string[] | string | null;
  readonly WorkingDir?: string;
  readonly User?: string;
  readonly Healthcheck?: unknown;
  readonly StopSignal?: string;
  readonly ExposedPorts?: Readonly<Record<string, unknown>> | null;
  readonly Volumes?: Readonly<Record<string, unknown>> | null;
}

export interface EndpointSettings {
  readonly IPAMConfig?: Record<string, unknown> | null;
  readonly Links?: readonly string[] | null;
  readonly Aliases?: readonly string[] | null;
  readonly DriverOpts?: Record<string, string> | null;
  readonly NetworkID?: string;
  readonly MacAddress?: string;
}

export interface ContainerInspect {
  readonly Id: string;
  readonly Name: string;
  readonly Image: string;
  readonly Config: ImageConfig & { readonly Image: string; readonly Hostname?: string } & Record<string, unknown>;
  readonly HostConfig: Record<string, unknown> & { readonly NetworkMode?: string };
  readonly NetworkSettings: { readonly Networks?: Readonly<Record<string, EndpointSettings>> | null };
  readonly State: {
    readonly Running: boolean;
    readonly Status: string;
    readonly Restarting?: boolean;
    readonly ExitCode?: number;
    readonly Health?: { readonly Status: string } | null;
  };
  readonly RestartCount?: number;
  readonly Mounts?: ReadonlyArray<{ readonly Type: string; readonly Name?: string; readonly Destination: string; readonly RW?: boolean }>;
}

export interface ExtraNetwork {
  readonly name: string;
  readonly endpoint: Record<string, unknown>;
}

export interface CreatePlan {
  readonly name: string;
  /** Body of POST /containers/create (API 1.41: one network at create time). */
  readonly body: Record<string, unknown>;
  /** Networks to connect after create, before start. */
  readonly extraNetworks: readonly ExtraNetwork[];
}

/** Config fields copied as they are (the user's choice or harmless runtime settings). */
const COPIED_CONFIG = ['Domainname', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'StopTimeout', 'MacAddress', 'NetworkDisabled', 'ArgsEscaped', 'Shell', 'OnBuild'] as const;

export function buildCreatePlan(old: ContainerInspect, oldImage: ImageConfig, newImage: ImageConfig, targetImage: string): CreatePlan {
  const name = old.Name.replace(/^\//, '');
  const config: Record<string, unknown> = { Image: targetImage };
  for (const key of COPIED_CONFIG) if (old.Config[key] !== undefined) config[key] = old.Config[key];

  // The engine defaults the hostname to the short id: carrying it over would pin the old id. In
  // `container:` mode the engine copies the other container's hostname in, and refuses it at create.
  const hostname = old.Config.Hostname;
  const sharesNetwork = (old.HostConfig.NetworkMode ?? '').startsWith('container:');
  if (sharesNetwork) delete config.Domainname;
  else if (hostname && hostname !== old.Id.slice(0, 12)) config.Hostname = hostname;

  config.Env = keptEnv(old.Config.Env ?? [], oldImage.Env ?? [], newImage.Env ?? []);
  config.Labels = keptLabels(old.Config.Labels ?? {}, oldImage.Labels ?? {});
  if (userSet(old.Config.Cmd, oldImage.Cmd)) config.Cmd = old.Config.Cmd;
  if (userSet(old.Config.Entrypoint, oldImage.Entrypoint)) config.Entrypoint = old.Config.Entrypoint;
  for (const key of ['WorkingDir', 'User', 'Healthcheck', 'StopSignal'] as const) {
    if (userSet(old.Config[key], oldImage[key])) config[key] = old.Config[key];
  }
  const exposed = keptKeys(old.Config.ExposedPorts, oldImage.ExposedPorts);
  if (exposed) config.ExposedPorts = exposed;
  const volumes = keptKeys(old.Config.Volumes, oldImage.Volumes);
  if (volumes) config.Volumes = volumes;

  const hostConfig: Record<string, unknown> = { ...old.HostConfig };
  const mounts = namedMounts(old);
  if (mounts) hostConfig.Mounts = mounts;
  const anonymous = anonymousVolumeBinds(old);
  if (anonymous.length > 0) hostConfig.Binds = [...((old.HostConfig.Binds as string[] | null) ?? []), ...anonymous];

  const networkMode = old.HostConfig.NetworkMode ?? 'default';
  const networks = Object.entries(old.NetworkSettings.Networks ?? {});
  const ownsNetworks = !['host', 'none'].includes(networkMode) && !networkMode.startsWith('container:');
  let networkingConfig: Record<string, unknown> | undefined;
  const extraNetworks: ExtraNetwork[] = [];
  if (ownsNetworks && networks.length > 0) {
    // Create on the network named by NetworkMode when it is one of them, so the engine agrees.
    const primaryIndex = Math.max(0, networks.findIndex(([networkName]) => networkName === networkMode));
    networks.forEach(([networkName, settings], index) => {
      const endpoint = endpointConfig(settings, old.Id);
      if (index === primaryIndex) networkingConfig = { EndpointsConfig: { [networkName]: endpoint } };
      else extraNetworks.push({ name: networkName, endpoint });
    });
  }
  const body: Record<string, unknown> = { ...config, HostConfig: hostConfig };
  if (networkingConfig) body.NetworkingConfig = networkingConfig;
  return { name, body, extraNetworks };
}

/** Drops variables that came from the old image's defaults and the new image changes or drops. */
export function keptEnv(containerEnv: readonly string[], oldImageEnv: readonly string[], newImageEnv: readonly string[]): string[] {
  const oldDefaults = new Set(oldImageEnv);
  const newByKey = new Map(newImageEnv.map((entry) => [envKey(entry), entry]));
  return containerEnv.filter((entry) => !(oldDefaults.has(entry) && newByKey.get(envKey(entry)) !== entry));
}

/** Drops labels equal to the old image's (the new image brings its own). */
export function keptLabels(containerLabels: Readonly<Record<string, string>>, oldImageLabels: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(containerLabels)) if (oldImageLabels[key] !== value) kept[key] = value;
  return kept;
}

function envKey(entry: string): string {
  const equals = entry.indexOf('=');
  return equals < 0 ? entry : entry.slice(0, equals);
}

/** A value is the user's when it is set and differs from what the image says (also used by the compose export). */
export function userSet(containerValue: unknown, imageValue: unknown): boolean {
  if (containerValue === undefined || containerValue === null || containerValue === '') return false;
  return JSON.stringify(containerValue) !== JSON.stringify(imageValue ?? null);
}

function keptKeys(container: Readonly<Record<string, unknown>> | null | undefined, image: Readonly<Record<string, unknown>> | null | undefined): Record<string, object> | undefined {
  const keys = Object.keys(container ?? {}).filter((key) => !(image && key in image));
  if (keys.length === 0) return undefined;
  return Object.fromEntries(keys.map((key) => [key, {}]));
}

/** `--mount type=volume` without a source made an anonymous volume: name it so its data follows. */
function namedMounts(old: ContainerInspect): Array<Record<string, unknown>> | undefined {
  const declared = old.HostConfig.Mounts as Array<{ Type?: string; Source?: string; Target?: string }> | null | undefined;
  if (!declared?.some((mount) => mount.Type === 'volume' && !mount.Source)) return undefined;
  return declared.map((mount) => {
    if (mount.Type !== 'volume' || mount.Source) return mount;
    const actual = (old.Mounts ?? []).find((entry) => entry.Type === 'volume' && entry.Destination === mount.Target && entry.Name);
    return actual ? { ...mount, Source: actual.Name } : mount;
  });
}

/** Volumes the engine made up (no name given): bind them by name so their data follows. */
function anonymousVolumeBinds(old: ContainerInspect): string[] {
  const binds = ((old.HostConfig.Binds as string[] | null) ?? []).map((bind) => bind.split(':')[1]);
  const mounts = ((old.HostConfig.Mounts as Array<{ Target?: string }> | null) ?? []).map((mount) => mount.Target);
  const declared = new Set([...binds, ...mounts]);
  return (old.Mounts ?? [])
    .filter((mount) => mount.Type === 'volume' && mount.Name && !declared.has(mount.Destination))
    .map((mount) => `${mount.Name}:${mount.Destination}${mount.RW === false ? ':ro' : ''}`);
}

/** The user's part of a network endpoint: aliases without the engine's id alias, static IPs, links, driver options. */
export function endpointConfig(settings: EndpointSettings, oldId: string): Record<string, unknown> {
  const shortId = oldId.slice(0, 12);
  const endpoint: Record<string, unknown> = {};
  const aliases = (settings.Aliases ?? []).filter((alias) => alias !== shortId && alias !== oldId);
  if (aliases.length > 0) endpoint.Aliases = aliases;
  const ipam = settings.IPAMConfig;
  if (ipam && Object.values(ipam).some((value) => value !== '' && value !== null && !(Array.isArray(value) && value.length === 0))) {
    endpoint.IPAMConfig = ipam;
  }
  if (settings.Links && settings.Links.length > 0) endpoint.Links = settings.Links;
  if (settings.DriverOpts && Object.keys(settings.DriverOpts).length > 0) endpoint.DriverOpts = settings.DriverOpts;
  return endpoint;
}
