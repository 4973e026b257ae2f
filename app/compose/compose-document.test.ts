import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { buildComposeExport } from './compose-document.ts';
import { CONTAINER_ID, IMAGE, inspectOf, networkOf } from './testing/inspect-fixture.ts';
import type { ExportOptions, ServiceInput } from './types.ts';

const ALL: ExportOptions = { sanitizeSecrets: true, includeVolumes: true, includeNetworks: true };

/** The file as both a YAML 1.1 and a YAML 1.2 parser read it: they must agree (Compose parsers differ). */
function parsed(content: string): any {
  const modern = parse(content);
  expect(parse(content, { version: '1.1' })).toEqual(modern);
  return modern;
}

/** What Compose does to a value: `$$` is a dollar, `${NAME}` comes from the .env file. */
function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, name: string | undefined) => (match === '$$' ? '$' : (env[name ?? ''] ?? '')));
}

function one(input: Partial<ServiceInput> & Pick<ServiceInput, 'inspect'>, options: ExportOptions = ALL) {
  const exported = buildComposeExport([{ image: IMAGE, networks: new Map(), ...input }], options);
  const document = parsed(exported.result.content);
  return { ...exported, document, service: Object.values(document.services)[0] as Record<string, any> };
}

describe('hostile values', () => {
  const hostile = ['line one\nline two', 'say "hi" and \'bye\'', '${HOME} and $USER and $$', 'key: value # not a comment', '  padded  ', 'yes', '22:22', '0777', '- dash', '{not: json}', 'tab\there', '', '~', 'null', '!tag'];
  /** Strings PyYAML (docker-compose 1.x) reads differently from YAML 1.2 parsers, or refuses, unless they are double-quoted. */
  const pyyamlHostile = ['=', '<<', 'a\tb', '\tlead', 'nel\u0085here', 'ls\u2028ps\u2029', '\ufeffbom', 'del\u007f', 'c1\u009b', ' \n', '  indented\nblock\n', '0o17', '1e3', '5353:53', '1000:50'];

  it('keeps every environment value, label and argument exactly, with $ escaped for Compose', () => {
    const env = hostile.map((value, index) => `VAR_${index}=${value}`);
    const labels = Object.fromEntries(hostile.map((value, index) => [`label.${index}:#`, value]));
    const { document, service } = one({ inspect: inspectOf({ config: { Env: ['PATH=/usr/bin', ...env], Labels: labels, Cmd: ['/bin/sh', '-c', 'echo "$HOME"; echo ${X:-default}'] } }) });
    expect(service.environment.map((entry: string) => interpolate(entry))).toEqual(env);
    // Label keys are not interpolated by Compose, values are.
    expect(Object.fromEntries(Object.entries(service.labels).map(([key, value]) => [key, interpolate(String(value))]))).toEqual(labels);
    expect(service.command.map((arg: string) => interpolate(arg))).toEqual(['/bin/sh', '-c', 'echo "$HOME"; echo ${X:-default}']);
    // No interpolation a user did not ask for survives in the file.
    expect(JSON.stringify(document)).not.toMatch(/(^|[^$])\$\{(HOME|X)/);
  });

  it('double-quotes what YAML 1.1 readers take as another type, a line break or a forbidden character, and escapes those characters', () => {
    const env = pyyamlHostile.map((value, index) => `VAR_${index}=${value}`);
    const labels = Object.fromEntries(pyyamlHostile.map((value, index) => [index % 2 === 0 ? value || 'empty' : `label.${index}`, value]));
    const { result, service } = one({ inspect: inspectOf({ config: { Env: ['PATH=/usr/bin', ...env], Labels: labels, Cmd: pyyamlHostile } }) });
    expect(service.environment).toEqual(env);
    expect(service.labels).toEqual(labels);
    expect(service.command).toEqual(pyyamlHostile);
    // The characters themselves never stand raw in the file (PyYAML breaks lines at NEL/LS/PS, refuses DEL, C1 and tabs in plain scalars).
    expect(result.content).not.toMatch(/[\t\u0085\u2028\u2029\ufeff\u007f-\u009f]/u);
    // No block scalars (`|`, `>`): PyYAML reads one that starts with spaces differently.
    expect(result.content).not.toMatch(/:\s*[|>][-+0-9]*$|^\s*-\s*[|>][-+0-9]*$/mu);
    for (const value of ['=', '<<', '0o17', '1e3', '5353:53', '1000:50']) expect(result.content).toContain(`- "${value}"`);
    expect(result.content).toContain('"\\ufeffbom": "\\ufeffbom"');
  });

  it('writes no YAML anchors and folds no line, however long or repeated the values', () => {
    const long = 'x'.repeat(500);
    const { result } = one({ inspect: inspectOf({ config: { Env: [`A=${long}`, `B=${long}`], Labels: { a: long, b: long } } }) });
    expect(result.content).not.toMatch(/[&*]a\d/);
    expect(result.content).toContain(`A=${long}`);
  });
});

describe('secrets', () => {
  const env = ['PATH=/usr/bin', 'DB_PASSWORD=hunter2', 'API_KEY=k-$ecret', 'TZ=Europe/Paris', 'my-session-cookie=abc', 'GITHUB_TOKEN'];

  it('replaces sensitive values by ${NAME} placeholders listed empty in the .env file, with a warning each', () => {
    const { result, service, revealed } = one({ inspect: inspectOf({ config: { Env: env } }) });
    expect(service.environment).toEqual(['DB_PASSWORD=${DB_PASSWORD}', 'API_KEY=${API_KEY}', 'TZ=Europe/Paris', 'my-session-cookie=${my_session_cookie}', 'GITHUB_TOKEN']);
    expect(result.env_content).toBe('DB_PASSWORD=\nAPI_KEY=\nmy_session_cookie=\n');
    expect(result.warnings).toEqual(["Secret 'DB_PASSWORD' was sanitized", "Secret 'API_KEY' was sanitized", "Secret 'my-session-cookie' of service 'web' was sanitized as ${my_session_cookie}"]);
    for (const secret of ['hunter2', 'k-$ecret', 'k-$$ecret', '=abc']) expect(JSON.stringify(result)).not.toContain(secret);
    expect(result.content).toContain('docker compose --env-file web.env -f web-compose.yaml up -d');
    expect(revealed).toEqual([]);
    // Filled in, the placeholders give the values back.
    const filled = { DB_PASSWORD: 'hunter2', API_KEY: 'k-$ecret' };
    expect(interpolate(service.environment[1], filled)).toBe('API_KEY=k-$ecret');
  });

  it('writes the real values (escaped) only when asked, and says which keys went out', () => {
    const { result, service, revealed } = one({ inspect: inspectOf({ config: { Env: env } }) }, { ...ALL, sanitizeSecrets: false });
    expect(service.environment.map((entry: string) => interpolate(entry))).toEqual(env.slice(1));
    expect(result.env_content).toBe('');
    expect(result.warnings).toEqual([]);
    expect(revealed).toEqual([{ containerId: CONTAINER_ID, containerName: 'web', keys: ['DB_PASSWORD', 'API_KEY', 'my-session-cookie'] }]);
  });

  const labels = { team: 'a', 'traefik.http.middlewares.admin.basicauth.users': 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/', 'com.example.db': 'postgres://app:hunter2@db/app', 'dd.watch': 'true' };

  it('sanitizes sensitive labels the way the API masks them: placeholders in the .env file, a warning each', () => {
    const { result, service, revealed } = one({ inspect: inspectOf({ config: { Env: ['DB_PASSWORD=x'], Labels: labels } }) });
    expect(service.labels).toEqual({
      team: 'a',
      'traefik.http.middlewares.admin.basicauth.users': '${LABEL_TRAEFIK_HTTP_MIDDLEWARES_ADMIN_BASICAUTH_USERS}',
      'com.example.db': '${LABEL_COM_EXAMPLE_DB}',
      'dd.watch': 'true',
    });
    expect(result.env_content).toBe('DB_PASSWORD=\nLABEL_TRAEFIK_HTTP_MIDDLEWARES_ADMIN_BASICAUTH_USERS=\nLABEL_COM_EXAMPLE_DB=\n');
    expect(result.warnings).toContain("Secret label 'com.example.db' of service 'web' was sanitized as ${LABEL_COM_EXAMPLE_DB}");
    for (const secret of ['apr1', 'hunter2']) expect(JSON.stringify(result)).not.toContain(secret);
    expect(revealed).toEqual([]);
    const filled = { LABEL_COM_EXAMPLE_DB: 'postgres://app:hunter2@db/app' };
    expect(interpolate(service.labels['com.example.db'], filled)).toBe(filled.LABEL_COM_EXAMPLE_DB);
  });

  it('writes sensitive labels exactly when sanitizing is off, and names them for the audit', () => {
    const { result, service, revealed } = one({ inspect: inspectOf({ config: { Labels: labels } }) }, { ...ALL, sanitizeSecrets: false });
    expect(Object.fromEntries(Object.entries(service.labels).map(([key, value]) => [key, interpolate(String(value))]))).toEqual(labels);
    expect(result.env_content).toBe('');
    expect(revealed).toEqual([{ containerId: CONTAINER_ID, containerName: 'web', keys: ['label:traefik.http.middlewares.admin.basicauth.users', 'label:com.example.db'] }]);
  });

  it('gives two services with the same secret name their own placeholders', () => {
    const first = inspectOf({ name: 'api', config: { Env: ['DB_PASSWORD=one'] } });
    const second = inspectOf({ id: 'f'.repeat(64), name: 'worker', config: { Env: ['DB_PASSWORD=two'] } });
    const exported = buildComposeExport([first, second].map((inspect) => ({ inspect, image: IMAGE, networks: new Map() })), ALL, 'stack');
    const document = parsed(exported.result.content);
    // docker-compose 1.x refuses a top-level `name`: the stack's name is the project on the command line.
    expect(document).not.toHaveProperty('name');
    expect(exported.result.content).toContain('docker compose -p stack --env-file stack.env -f stack-compose.yaml up -d');
    expect(document.services.api.environment).toEqual(['DB_PASSWORD=${DB_PASSWORD}']);
    expect(document.services.worker.environment).toEqual(['DB_PASSWORD=${WORKER_DB_PASSWORD}']);
    expect(exported.result.env_content).toBe('DB_PASSWORD=\nWORKER_DB_PASSWORD=\n');
    expect(exported.result).toMatchObject({ filename: 'stack-compose.yaml', env_filename: 'stack.env' });
  });
});

describe('the file around the services', () => {
  it('has no top-level name or version (docker-compose 1.x refuses `name`, the specification calls `version` obsolete)', () => {
    const exported = buildComposeExport([inspectOf({ hostConfig: { NetworkMode: 'backend' }, networks: { backend: { Aliases: null, IPAMConfig: null } }, mounts: [{ Type: 'volume', Name: 'data', Destination: '/data', RW: true }] })].map((inspect) => ({ inspect, image: IMAGE, networks: new Map([['backend', networkOf('backend')]]) })), ALL, 'stack');
    expect(Object.keys(parsed(exported.result.content))).toEqual(['services', 'networks', 'volumes']);
  });

  it("says how to run a stack as its project, and a single container's file without secrets has no command to fill in", () => {
    const stack = buildComposeExport([{ inspect: inspectOf(), image: IMAGE, networks: new Map() }], ALL, 'plain-stack').result.content;
    expect(stack.startsWith("# Docker Compose file exported by dockdeck.\n# Run it as the project 'plain-stack':\n#   docker compose -p plain-stack -f plain-stack-compose.yaml up -d\n")).toBe(true);
    const single = buildComposeExport([{ inspect: inspectOf(), image: IMAGE, networks: new Map() }], ALL).result.content;
    expect(single.split('\n').filter((line) => line.startsWith('#'))).toEqual(['# Docker Compose file exported by dockdeck.']);
  });
});

describe('image defaults', () => {
  it('leaves to the image what the image sets, and writes what the user changed', () => {
    const { service } = one({
      inspect: inspectOf({ config: { Env: ['PATH=/usr/bin', 'MODE=prod'], Cmd: ['/bin/serve'], Entrypoint: ['/init'], User: '1000:1000', WorkingDir: '/srv', Labels: { 'org.opencontainers.image.version': '1.0', 'com.docker.compose.project': 'old', team: 'a' } } }),
    });
    expect(service).not.toHaveProperty('command');
    expect(service.entrypoint).toEqual(['/init']);
    expect(service.environment).toEqual(['MODE=prod']);
    expect(service.labels).toEqual({ team: 'a' });
    expect(service).toMatchObject({ user: '1000:1000', working_dir: '/srv', image: 'example/web:1.0', container_name: 'web' });
    expect(service).not.toHaveProperty('hostname');
  });

  it('writes everything out, with a warning, when the image is not on the engine', () => {
    const { service, result } = one({ inspect: inspectOf(), image: undefined });
    expect(service.command).toEqual(['/bin/serve']);
    expect(service.environment).toEqual(['PATH=/usr/bin']);
    expect(result.warnings[0]).toMatch(/image of service 'web' is not on the engine/);
  });
});

describe('networks', () => {
  const endpoint = (extra: Record<string, unknown> = {}) => ({ Aliases: ['db', CONTAINER_ID.slice(0, 12), 'web'], IPAMConfig: null, ...extra });

  it('keeps user aliases and static addresses, and defines the network under its real name', () => {
    const inspect = inspectOf({
      hostConfig: { NetworkMode: 'backend' },
      networks: { backend: endpoint({ IPAMConfig: { IPv4Address: '172.30.1.10' } }), frontend: endpoint({ Aliases: ['www'] }) },
    });
    const { document, service } = one({ inspect, networks: new Map([['backend', networkOf('backend', { Internal: true })], ['frontend', networkOf('frontend', { Driver: 'macvlan', Labels: { 'com.docker.compose.network': 'x', tier: 'front' } })]]) });
    expect(service.networks).toEqual({ backend: { aliases: ['db'], ipv4_address: '172.30.1.10' }, frontend: { aliases: ['www'] } });
    expect(service).not.toHaveProperty('network_mode');
    expect(document.networks.backend).toEqual({ name: 'backend', internal: true, ipam: { config: [{ subnet: '172.30.1.0/24', gateway: '172.30.1.1' }] } });
    // No static address on it: its automatic subnet is not pinned.
    expect(document.networks.frontend).toEqual({ name: 'frontend', driver: 'macvlan', labels: { tier: 'front' } });
  });

  it('declares a network it could not inspect as external, with a warning', () => {
    const { document, result } = one({ inspect: inspectOf({ hostConfig: { NetworkMode: 'gone' }, networks: { gone: endpoint() } }) });
    expect(document.networks.gone).toEqual({ name: 'gone', external: true });
    expect(result.warnings).toContain("Network 'gone' could not be inspected; declared as external");
  });

  it('leaves networks out when asked, and the default bridge always', () => {
    const onUser = inspectOf({ hostConfig: { NetworkMode: 'backend' }, networks: { backend: endpoint() } });
    const without = one({ inspect: onUser, networks: new Map([['backend', networkOf('backend')]]) }, { ...ALL, includeNetworks: false });
    expect(without.service).not.toHaveProperty('networks');
    expect(without.document).not.toHaveProperty('networks');
    const bridged = one({ inspect: inspectOf() });
    expect(bridged.service).not.toHaveProperty('networks');
    expect(bridged.service).not.toHaveProperty('network_mode');
  });

  it('writes host, none and shared network modes as network_mode', () => {
    expect(one({ inspect: inspectOf({ hostConfig: { NetworkMode: 'host' } }) }).service.network_mode).toBe('host');
    const sidecar = inspectOf({ id: 'e'.repeat(64), name: 'sidecar', hostConfig: { NetworkMode: `container:${CONTAINER_ID}` }, config: { Hostname: 'web-host' } });
    const inBatch = buildComposeExport([inspectOf(), sidecar].map((inspect) => ({ inspect, image: IMAGE, networks: new Map() })), ALL, 'pair');
    const services = parsed(inBatch.result.content).services;
    expect(services.sidecar.network_mode).toBe('service:web');
    // In shared mode the hostname is the other container's: never written.
    expect(services.sidecar).not.toHaveProperty('hostname');
    const alone = one({ inspect: sidecar, sharedNetworkContainer: { id: CONTAINER_ID, name: 'web' } });
    expect(alone.service.network_mode).toBe('container:web');
  });
});

describe('volumes', () => {
  const mounts = [
    { Type: 'volume', Name: 'app-data', Destination: '/data', Driver: 'local', RW: true },
    { Type: 'volume', Name: 'b'.repeat(64), Destination: '/from-image', Driver: 'local', RW: true },
    { Type: 'volume', Name: 'c'.repeat(64), Destination: '/scratch', Driver: 'local', RW: true },
    { Type: 'volume', Name: 'remote', Destination: '/remote', Driver: 'nfs-plugin', RW: false },
    { Type: 'bind', Source: '/srv/config', Destination: '/etc/app', RW: false, Propagation: 'rprivate' },
    { Type: 'bind', Source: '/srv/odd:name', Destination: '/odd', RW: true, Propagation: 'rprivate' },
    { Type: 'bind', Source: '/srv/shared', Destination: '/shared', RW: true, Propagation: 'rshared' },
  ];

  it('writes named, anonymous and bind mounts, long syntax only where the short one is ambiguous', () => {
    const { document, service } = one({ inspect: inspectOf({ mounts, hostConfig: { Tmpfs: { '/run': 'size=1m' } } }), image: { ...IMAGE, Volumes: { '/from-image': {} } } });
    expect(service.volumes).toEqual([
      'app-data:/data',
      '/scratch',
      'remote:/remote:ro',
      '/srv/config:/etc/app:ro',
      { type: 'bind', source: '/srv/odd:name', target: '/odd' },
      { type: 'bind', source: '/srv/shared', target: '/shared', bind: { propagation: 'rshared' } },
    ]);
    expect(service.tmpfs).toEqual(['/run:size=1m']);
    expect(document.volumes).toEqual({ 'app-data': { name: 'app-data' }, remote: { name: 'remote', driver: 'nfs-plugin' } });
  });

  it('writes an SELinux label in the short syntax (docker-compose 1.x refuses bind.selinux), the long syntax only for a path with a colon', () => {
    const labelled = [
      { Type: 'bind', Source: '/srv/labelled', Destination: '/labelled', RW: true, Mode: 'z', Propagation: 'rprivate' },
      { Type: 'bind', Source: '/srv/private', Destination: '/private', RW: false, Mode: 'ro,Z', Propagation: 'rslave' },
      { Type: 'bind', Source: '/srv/odd:label', Destination: '/odd', RW: true, Mode: 'z', Propagation: 'rprivate' },
    ];
    const { service } = one({ inspect: inspectOf({ mounts: labelled }) });
    expect(service.volumes).toEqual(['/srv/labelled:/labelled:z', '/srv/private:/private:ro,rslave,Z', { type: 'bind', source: '/srv/odd:label', target: '/odd', bind: { selinux: 'z' } }]);
  });

  it('leaves volumes out when asked (tmpfs is not a volume and stays)', () => {
    const { document, service } = one({ inspect: inspectOf({ mounts, hostConfig: { Tmpfs: { '/run': '' } } }) }, { ...ALL, includeVolumes: false });
    expect(service).not.toHaveProperty('volumes');
    expect(document).not.toHaveProperty('volumes');
    expect(service.tmpfs).toEqual(['/run']);
  });
});

describe('runtime settings', () => {
  it('writes ports, restart, capabilities, devices, limits, logging and healthcheck in Compose terms', () => {
    const { service } = one({
      inspect: inspectOf({
        config: { Healthcheck: { Test: ['CMD-SHELL', 'wget -q -O- http://localhost/ || exit 1'], Interval: 30e9, Timeout: 1.5e9, Retries: 3 }, Hostname: 'api-1', StopTimeout: 20 },
        hostConfig: {
          PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '::1', HostPort: '8081' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }], '9000/tcp': [{ HostIp: '', HostPort: '' }] },
          RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 },
          CapAdd: ['NET_ADMIN'],
          CapDrop: ['ALL'],
          Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }, { PathOnHost: '/dev/sda', PathInContainer: '/dev/xvda', CgroupPermissions: 'r' }],
          Memory: 512 * 1024 ** 2,
          MemorySwap: 1024 * 1024 ** 2,
          MemoryReservation: 1000,
          NanoCpus: 1.5e9,
          PidsLimit: 100,
          Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'core', Soft: 0, Hard: 0 }],
          LogConfig: { Type: 'syslog', Config: { tag: 'app-$name' } },
          Init: true,
        },
      }),
    });
    expect(service).toMatchObject({
      hostname: 'api-1',
      ports: ['8080:80', '[::1]:8081:80', '127.0.0.1:5353:53/udp', '9000'],
      restart: 'on-failure:5',
      cap_add: ['NET_ADMIN'],
      cap_drop: ['ALL'],
      devices: ['/dev/fuse:/dev/fuse', '/dev/sda:/dev/xvda:r'],
      mem_limit: '512m',
      mem_reservation: 1000,
      cpus: 1.5,
      pids_limit: 100,
      ulimits: { nofile: { soft: 1024, hard: 2048 }, core: 0 },
      logging: { driver: 'syslog', options: { tag: 'app-$$name' } },
      init: true,
      stop_grace_period: '20s',
      healthcheck: { test: ['CMD-SHELL', 'wget -q -O- http://localhost/ || exit 1'], interval: '30s', timeout: '1500ms', retries: 3 },
    });
    // Twice the memory limit is the engine's own swap default: only another value is the user's.
    expect(service).not.toHaveProperty('memswap_limit');
  });

  it('writes nothing for engine defaults', () => {
    const { service } = one({ inspect: inspectOf() });
    expect(Object.keys(service).sort()).toEqual(['container_name', 'image']);
  });

  it('names services uniquely from container names', () => {
    const exported = buildComposeExport([inspectOf(), inspectOf({ id: 'd'.repeat(64) })].map((inspect) => ({ inspect, image: IMAGE, networks: new Map() })), ALL, 'two');
    expect(Object.keys(parsed(exported.result.content).services)).toEqual(['web', 'web-2']);
  });
});
