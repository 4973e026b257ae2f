import { expect } from '@jest/globals';
import { z } from 'zod';

/**
 * The Compose specification's rules for what the export writes, checked strictly: no unknown key,
 * right types and formats, every named volume and network defined, and no interpolation but the
 * placeholders the .env file lists. Also what docker-compose 1.29 refuses is refused here (a
 * top-level `name` or `version`); compose-roundtrip.test.ts runs the files with the real client.
 */
const strings = z.array(z.string());
const duration = z.string().regex(/^\d+(\.\d+)?(ns|us|ms|s|m|h)$/);
const bytes = z.union([z.number().int(), z.string().regex(/^\d+[kmg]?$/)]);
const name = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
const port = z.string().regex(/^((\[[0-9a-fA-F:]+\]|[\d.]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
const longVolume = z
  .object({ type: z.enum(['volume', 'bind', 'tmpfs']), source: z.string().optional(), target: z.string().startsWith('/'), read_only: z.boolean().optional(), bind: z.object({ propagation: z.string().optional(), selinux: z.enum(['z', 'Z']).optional() }).strict().optional() })
  .strict();

const service = z
  .object({
    image: z.string().min(1),
    container_name: name,
    hostname: z.string().optional(),
    domainname: z.string().optional(),
    entrypoint: z.union([z.string(), strings]).optional(),
    command: z.union([z.string(), strings]).optional(),
    user: z.string().optional(),
    working_dir: z.string().startsWith('/').optional(),
    environment: z.array(z.string().regex(/^[^=\s]+(=[\s\S]*)?$/)).optional(),
    ports: z.array(port).optional(),
    expose: strings.optional(),
    // Short syntax options: access mode, bind propagation, SELinux label.
    volumes: z.array(z.union([z.string().regex(/^([^:]+:)?\/[^:]*(:(ro|rw|z|Z|r?shared|r?slave|r?private)(,(ro|rw|z|Z|r?shared|r?slave|r?private))*)?$/), longVolume])).optional(),
    tmpfs: z.array(z.string().startsWith('/')).optional(),
    network_mode: z.string().regex(/^(host|none|bridge|service:.+|container:.+)$/).optional(),
    networks: z.record(z.string(), z.object({ aliases: strings.optional(), ipv4_address: z.ipv4().optional(), ipv6_address: z.ipv6().optional() }).strict()).optional(),
    restart: z.string().regex(/^(always|unless-stopped|on-failure(:\d+)?)$/).optional(),
    cap_add: strings.optional(),
    cap_drop: strings.optional(),
    privileged: z.boolean().optional(),
    read_only: z.boolean().optional(),
    init: z.boolean().optional(),
    devices: strings.optional(),
    extra_hosts: strings.optional(),
    dns: strings.optional(),
    dns_search: strings.optional(),
    dns_opt: strings.optional(),
    security_opt: strings.optional(),
    group_add: strings.optional(),
    sysctls: z.record(z.string(), z.string()).optional(),
    pid: z.string().optional(),
    ipc: z.string().optional(),
    runtime: z.string().optional(),
    volumes_from: strings.optional(),
    mem_limit: bytes.optional(),
    mem_reservation: bytes.optional(),
    memswap_limit: bytes.optional(),
    mem_swappiness: z.number().optional(),
    cpus: z.number().positive().optional(),
    cpu_shares: z.number().int().optional(),
    cpu_quota: z.number().int().optional(),
    cpu_period: z.number().int().optional(),
    cpuset: z.string().optional(),
    pids_limit: z.number().int().optional(),
    oom_kill_disable: z.boolean().optional(),
    shm_size: bytes.optional(),
    ulimits: z.record(z.string(), z.union([z.number().int(), z.object({ soft: z.number().int(), hard: z.number().int() }).strict()])).optional(),
    logging: z.object({ driver: z.string(), options: z.record(z.string(), z.string()).optional() }).strict().optional(),
    healthcheck: z
      .object({ test: strings.optional(), interval: duration.optional(), timeout: duration.optional(), retries: z.number().int().optional(), start_period: duration.optional(), start_interval: duration.optional(), disable: z.boolean().optional() })
      .strict()
      .optional(),
    stop_signal: z.string().optional(),
    stop_grace_period: duration.optional(),
    tty: z.boolean().optional(),
    stdin_open: z.boolean().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const document = z
  .object({
    services: z.record(name, service),
    networks: z
      .record(
        z.string(),
        z
          .object({
            name: z.string(),
            external: z.boolean().optional(),
            driver: z.string().optional(),
            driver_opts: z.record(z.string(), z.string()).optional(),
            internal: z.boolean().optional(),
            attachable: z.boolean().optional(),
            enable_ipv6: z.boolean().optional(),
            labels: z.record(z.string(), z.string()).optional(),
            ipam: z.object({ driver: z.string().optional(), config: z.array(z.object({ subnet: z.string(), gateway: z.string().optional(), ip_range: z.string().optional() }).strict()) }).strict().optional(),
          })
          .strict(),
      )
      .optional(),
    volumes: z.record(z.string(), z.object({ name: z.string(), driver: z.string().optional() }).strict()).optional(),
  })
  .strict();

export function checkComposeStructure(parsed: unknown, envContent: string): void {
  const checked = document.safeParse(parsed);
  if (!checked.success) throw new Error(`not a valid Compose document: ${JSON.stringify(checked.error.issues.slice(0, 5))}`);
  const compose = checked.data;
  for (const [serviceName, definition] of Object.entries(compose.services)) {
    for (const volume of definition.volumes ?? []) {
      const source = typeof volume === 'string' ? (volume.split(':').length > 1 ? volume.split(':')[0] : undefined) : volume.type === 'volume' ? volume.source : undefined;
      if (source && !source.startsWith('/')) expect({ serviceName, volume: source, defined: Boolean(compose.volumes?.[source]) }).toEqual({ serviceName, volume: source, defined: true });
    }
    for (const network of Object.keys(definition.networks ?? {})) {
      expect({ serviceName, network, defined: Boolean(compose.networks?.[network]) }).toEqual({ serviceName, network, defined: true });
    }
    if (definition.network_mode?.startsWith('service:')) expect(Object.keys(compose.services)).toContain(definition.network_mode.slice('service:'.length));
  }
  // Every `$` is an escaped `$$` or a placeholder that the .env file lists.
  const placeholders = new Set(envContent.split('\n').filter(Boolean).map((line) => line.replace(/=$/, '')));
  for (const value of allStrings(compose)) {
    for (const match of value.matchAll(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$/g)) {
      if (match[0] === '$$') continue;
      expect({ value, placeholder: match[1], listed: Boolean(match[1] && placeholders.has(match[1])) }).toEqual({ value, placeholder: match[1], listed: true });
    }
  }
}

function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}
