import { byteSize, duration, isEmpty, literal, literals } from './compose-values.ts';

/** HostConfig fields the export reads (engine API 1.41 names; newer engines keep them). */
interface HostConfigView {
  readonly RestartPolicy?: { readonly Name?: string; readonly MaximumRetryCount?: number } | null;
  readonly LogConfig?: { readonly Type?: string; readonly Config?: Record<string, string> | null } | null;
  readonly PortBindings?: Record<string, ReadonlyArray<{ readonly HostIp?: string; readonly HostPort?: string }> | null> | null;
  readonly CapAdd?: string[] | null;
  readonly CapDrop?: string[] | null;
  readonly Devices?: ReadonlyArray<{ readonly PathOnHost: string; readonly PathInContainer: string; readonly CgroupPermissions?: string }> | null;
  readonly DeviceRequests?: unknown[] | null;
  readonly Memory?: number;
  readonly MemoryReservation?: number;
  readonly MemorySwap?: number;
  readonly MemorySwappiness?: number | null;
  readonly NanoCpus?: number;
  readonly CpuShares?: number;
  readonly CpuQuota?: number;
  readonly CpuPeriod?: number;
  readonly CpusetCpus?: string;
  readonly PidsLimit?: number | null;
  readonly OomKillDisable?: boolean | null;
  readonly ShmSize?: number;
  readonly Ulimits?: ReadonlyArray<{ readonly Name: string; readonly Soft: number; readonly Hard: number }> | null;
  readonly Privileged?: boolean;
  readonly ReadonlyRootfs?: boolean;
  readonly Init?: boolean | null;
  readonly ExtraHosts?: string[] | null;
  readonly Dns?: string[] | null;
  readonly DnsSearch?: string[] | null;
  readonly DnsOptions?: string[] | null;
  readonly SecurityOpt?: string[] | null;
  readonly Sysctls?: Record<string, string> | null;
  readonly GroupAdd?: string[] | null;
  readonly PidMode?: string;
  readonly IpcMode?: string;
  readonly Runtime?: string;
  readonly Links?: string[] | null;
  readonly VolumesFrom?: string[] | null;
}

/** The engine's default /dev/shm size: not worth writing down. */
const DEFAULT_SHM = 64 * 1024 * 1024;

/** Runtime settings (HostConfig) as Compose service keys, in the order a person reads them. */
export function runtimeOf(hostConfig: Record<string, unknown>, warnings: string[], service: string): Record<string, unknown> {
  const host = hostConfig as HostConfigView;
  const out: Record<string, unknown> = {};
  const ports = portsOf(host.PortBindings);
  if (ports.length > 0) out.ports = ports;

  const restart = host.RestartPolicy?.Name;
  if (restart && restart !== 'no') {
    out.restart = restart === 'on-failure' && host.RestartPolicy?.MaximumRetryCount ? `on-failure:${host.RestartPolicy.MaximumRetryCount}` : restart;
  }
  if (!isEmpty(host.CapAdd)) out.cap_add = literals(host.CapAdd ?? []);
  if (!isEmpty(host.CapDrop)) out.cap_drop = literals(host.CapDrop ?? []);
  if (host.Privileged) out.privileged = true;
  if (host.ReadonlyRootfs) out.read_only = true;
  if (host.Init) out.init = true;
  if (!isEmpty(host.Devices)) {
    out.devices = (host.Devices ?? []).map((device) =>
      literal([device.PathOnHost, device.PathInContainer, ...(device.CgroupPermissions && device.CgroupPermissions !== 'rwm' ? [device.CgroupPermissions] : [])].join(':')),
    );
  }
  if (!isEmpty(host.DeviceRequests)) warnings.push(`Device requests (GPUs) of service '${service}' are not exported`);
  for (const [key, value] of [['extra_hosts', host.ExtraHosts], ['dns', host.Dns], ['dns_search', host.DnsSearch], ['dns_opt', host.DnsOptions], ['security_opt', host.SecurityOpt], ['group_add', host.GroupAdd]] as const) {
    if (!isEmpty(value)) out[key] = literals(value ?? []);
  }
  if (!isEmpty(host.Sysctls)) out.sysctls = Object.fromEntries(Object.entries(host.Sysctls ?? {}).map(([key, value]) => [key, literal(String(value))]));
  if (host.PidMode) out.pid = literal(host.PidMode);
  if (host.IpcMode && !['private', 'shareable', ''].includes(host.IpcMode)) out.ipc = literal(host.IpcMode);
  if (host.Runtime && host.Runtime !== 'runc') out.runtime = literal(host.Runtime);
  if (!isEmpty(host.VolumesFrom)) out.volumes_from = (host.VolumesFrom ?? []).map((entry) => literal(`container:${entry}`));
  if (!isEmpty(host.Links)) warnings.push(`Legacy links of service '${service}' are not exported; use a shared network`);
  Object.assign(out, resourcesOf(host));
  const logging = loggingOf(host.LogConfig);
  if (logging) out.logging = logging;
  return out;
}

/** `[ip:]host:container[/udp]`; IPv6 host addresses in brackets, as Compose parses them. */
export function portsOf(bindings: HostConfigView['PortBindings']): string[] {
  const ports: string[] = [];
  for (const [containerPort, hosts] of Object.entries(bindings ?? {})) {
    const [port, protocol = 'tcp'] = containerPort.split('/');
    const suffix = protocol === 'tcp' ? '' : `/${protocol}`;
    for (const binding of hosts ?? [{}]) {
      const ip = binding.HostIp && binding.HostIp !== '0.0.0.0' ? (binding.HostIp.includes(':') ? `[${binding.HostIp}]` : binding.HostIp) : '';
      const published = binding.HostPort ?? '';
      const parts = ip ? [ip, published, port] : published ? [published, port] : [port];
      ports.push(literal(`${parts.join(':')}${suffix}`));
    }
  }
  return ports;
}

function resourcesOf(host: HostConfigView): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (host.Memory) out.mem_limit = byteSize(host.Memory);
  if (host.MemoryReservation) out.mem_reservation = byteSize(host.MemoryReservation);
  // Without --memory-swap the engine sets twice the memory limit: only a different value is the user's.
  if (host.MemorySwap && host.MemorySwap !== 2 * (host.Memory ?? 0)) out.memswap_limit = host.MemorySwap === -1 ? -1 : byteSize(host.MemorySwap);
  if (host.MemorySwappiness !== undefined && host.MemorySwappiness !== null && host.MemorySwappiness >= 0) out.mem_swappiness = host.MemorySwappiness;
  if (host.NanoCpus) out.cpus = host.NanoCpus / 1e9;
  if (host.CpuShares) out.cpu_shares = host.CpuShares;
  if (host.CpuQuota) out.cpu_quota = host.CpuQuota;
  if (host.CpuPeriod) out.cpu_period = host.CpuPeriod;
  if (host.CpusetCpus) out.cpuset = literal(host.CpusetCpus);
  if (host.PidsLimit && host.PidsLimit > 0) out.pids_limit = host.PidsLimit;
  if (host.OomKillDisable) out.oom_kill_disable = true;
  if (host.ShmSize && host.ShmSize !== DEFAULT_SHM) out.shm_size = byteSize(host.ShmSize);
  if (!isEmpty(host.Ulimits)) {
    out.ulimits = Object.fromEntries((host.Ulimits ?? []).map((limit) => [limit.Name, limit.Soft === limit.Hard ? limit.Soft : { soft: limit.Soft, hard: limit.Hard }]));
  }
  return out;
}

function loggingOf(config: HostConfigView['LogConfig']): Record<string, unknown> | undefined {
  const options = config?.Config ?? {};
  // json-file with no options is what every engine does unless told otherwise.
  if (!config?.Type || (config.Type === 'json-file' && isEmpty(options))) return undefined;
  const logging: Record<string, unknown> = { driver: literal(config.Type) };
  if (!isEmpty(options)) logging.options = Object.fromEntries(Object.entries(options).map(([key, value]) => [key, literal(String(value))]));
  return logging;
}

interface HealthcheckConfig {
  readonly Test?: string[];
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly StartInterval?: number;
  readonly Retries?: number;
}

/** The container's HEALTHCHECK in Compose terms; `NONE` switches the image's off. */
export function healthcheckOf(value: unknown): Record<string, unknown> | undefined {
  const health = value as HealthcheckConfig | undefined;
  if (!health?.Test || health.Test.length === 0) return undefined;
  if (health.Test[0] === 'NONE') return { disable: true };
  const out: Record<string, unknown> = { test: literals(health.Test) };
  if (health.Interval) out.interval = duration(health.Interval);
  if (health.Timeout) out.timeout = duration(health.Timeout);
  if (health.Retries) out.retries = health.Retries;
  if (health.StartPeriod) out.start_period = duration(health.StartPeriod);
  if (health.StartInterval) out.start_interval = duration(health.StartInterval);
  return out;
}
