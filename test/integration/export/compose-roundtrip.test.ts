import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { findComposeClient, removeComposeProject, runCompose, type ComposeClient, type ComposeProject } from '../../bench/compose-client.ts';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { docker } from '../../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { freePort, waitFor } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';
import { inspect, runLabel } from '../updates/helpers.ts';
import { checkComposeStructure } from './compose-structure.ts';
import { createSubnetNetwork } from './test-network.ts';

/**
 * The exported files run by a real Compose client (docker-compose 1.29 from Debian here) on the
 * real engine: `config` must accept them and read back what was exported, then `up -d` must make
 * containers that `docker inspect` shows as the originals (image, env with the secret from the
 * .env, ports, volume data, networks and aliases, labels, restart, healthcheck, user, …).
 *
 * The original containers are removed before `up`: the file names them (`container_name`) and
 * gives their static addresses, so they cannot run beside the originals; a migration replaces
 * them the same way. That frees the original's fixed loopback port too, so the Compose container
 * must publish that very port (its other, random loopback port gets a new number).
 */
const { registry } = benchState();
const image = `${registry.address}/${uniqueName('roundtrip')}:1.0.0`;
const soloNetwork = uniqueName('rt-solo-net');
const stackNetwork = uniqueName('rt-stack-net');
const soloVolume = uniqueName('rt-solo-vol');
const stackVolume = uniqueName('rt-stack-vol');
const soloName = uniqueName('rt-solo');
const frontName = uniqueName('rt-front');
const helperName = uniqueName('rt-helper');
const stackName = uniqueName('rt-stack');
/** Values YAML readers disagree on unless the file quotes them well; env and labels must come back exact. */
const HOSTILE = 'line one\nsay "hi": ${HOME} # $$ yes';
const YAML_EDGES = ['<<', '=', 'tab\there', 'nel\u0085ls\u2028end', '0o17', 'yes', '  lead'];
const SECRET_LABEL = 'traefik.http.middlewares.rt-auth.basicauth.users';
const SECRET_LABEL_VARIABLE = 'LABEL_TRAEFIK_HTTP_MIDDLEWARES_RT_AUTH_BASICAUTH_USERS';
const HTPASSWD = 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/';
const HELPER_CMD = ['/bin/sh', '-c', "trap 'exit 0' TERM; while :; do sleep 2 & wait $!; done"];

let client: ComposeClient | undefined;
let daemon: RunningDaemon;
let folder = '';
let soloSubnet = '';
let stackSubnet = '';
let fixedPort = 0;
/** A host folder bound read-only with an SELinux label (`ro,z`): the short syntax docker-compose 1.x passes on. */
let bindFolder = '';
const projects: ComposeProject[] = [];

beforeAll(async () => {
  client = await findComposeClient();
  if (!client) {
    console.warn('No Compose client on this machine (scripts/provision.sh installs docker-compose): the Compose round trip was skipped');
    return;
  }
  folder = await mkdtemp(join(tmpdir(), 'dd-compose-rt-'));
  await buildTestImage({ reference: image, env: { FROM_IMAGE: 'default' }, labels: { 'org.example.from-image': 'yes' } });
  soloSubnet = await createSubnetNetwork(soloNetwork);
  stackSubnet = await createSubnetNetwork(stackNetwork);
  for (const volume of [soloVolume, stackVolume]) await docker('volume', 'create', '--label', runLabel(), volume);
  fixedPort = await freePort();
  bindFolder = join(folder, 'conf');
  await mkdir(bindFolder);
  await writeFile(join(bindFolder, 'app.conf'), 'bound\n');
  await docker('run', '-d', '--name', soloName, '--label', runLabel(), '--label', 'dd.watch=true', '--label', 'team=blue', '--label', `hostile=${HOSTILE}`,
    ...YAML_EDGES.flatMap((value, index) => ['--label', `edge.${index}=${value}`, '-e', `EDGE_${index}=${value}`]),
    '--network', soloNetwork, '--network-alias', 'solo-alias', '--ip', `${soloSubnet}.20`, '--hostname', 'solo-host',
    '-p', `127.0.0.1:${fixedPort}:80`, '-p', '127.0.0.1::81/udp', '-v', `${soloVolume}:/data`, '-v', `${bindFolder}:/conf:ro,z`, '--tmpfs', '/run:size=1m',
    '--restart', 'on-failure:3', '--init', '--user', '1000:1000', '--workdir', '/tmp', '--cap-add', 'NET_ADMIN', '--cap-drop', 'MKNOD',
    '--health-cmd', 'test -d /data', '--health-interval', '1s', '--health-timeout', '1s', '--health-retries', '3', '--health-start-period', '1s',
    '--memory', '64m', '--pids-limit', '100', '--ulimit', 'nofile=1024:2048', '--add-host', 'db.internal:10.1.2.3', '--security-opt', 'no-new-privileges',
    '--stop-timeout', '5', '--stop-signal', 'SIGINT', '--expose', '7000', '--log-opt', 'max-size=1m', '--sysctl', 'net.ipv4.ip_forward=1', '--group-add', '100',
    '--dns', '127.0.0.53', '--dns-search', 'example.internal', '--cpu-shares', '512', '--memory-reservation', '32m', '--shm-size', '32m', '-t', '-i',
    '-e', 'API_TOKEN=hunter2', '-e', `PLAIN=${HOSTILE}`, image);
  await docker('run', '-d', '--name', frontName, '--label', runLabel(), '--label', 'dd.watch=true', '--network', stackNetwork, '--network-alias', 'front-alias',
    '--ip', `${stackSubnet}.30`, '-p', '127.0.0.1::80', '-v', `${stackVolume}:/srv/data`, '--restart', 'unless-stopped', '--init', '-e', 'DB_PASSWORD=s3cr3t-front', image);
  await docker('run', '-d', '--name', helperName, '--label', runLabel(), '--label', 'dd.watch=true', '--label', `${SECRET_LABEL}=${HTPASSWD}`,
    '--network', `container:${frontName}`, image, ...HELPER_CMD);
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_WATCHER_LOCAL_WATCHEVENTS: 'false',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_LOG_LEVEL: 'warn',
  });
  const watched = (await (await fetch(`${daemon.url}/api/v1/containers/watch`, { method: 'POST' })).json()) as { data: Array<{ name: string }> };
  for (const name of [soloName, frontName, helperName]) if (!watched.data.some((container) => container.name === name)) throw new Error(`${name} not watched`);
}, 180_000);

afterAll(async () => {
  for (const project of projects) await removeComposeProject(client, project);
  await daemon?.stop();
  await docker('rm', '-f', soloName, frontName, helperName).catch(() => '');
  await docker('network', 'rm', soloNetwork, stackNetwork).catch(() => '');
  await docker('volume', 'rm', '-f', soloVolume, stackVolume).catch(() => '');
  if (folder) await rm(folder, { recursive: true, force: true });
}, 90_000);

async function preview(path: string, body: Record<string, unknown>): Promise<{ status: number; result: Record<string, any> }> {
  const response = await fetch(`${daemon.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, result: (await response.json()) as Record<string, any> };
}

/** The export's files on disk, the .env either as exported (placeholders empty) or filled in. */
async function projectOf(result: Record<string, any>, project: string, filled?: string): Promise<ComposeProject> {
  const file = join(folder, result.filename);
  await writeFile(file, result.content);
  const envFile = join(folder, `${project}${filled === undefined ? '' : '-filled'}.env`);
  await writeFile(envFile, filled ?? result.env_content);
  const composeProject = { project, file, envFile };
  if (!projects.some((known) => known.project === project)) projects.push(composeProject);
  return composeProject;
}

/** `config` as the client prints it (YAML 1.1, PyYAML's dump), read back. */
async function configOf(project: ComposeProject, ...flags: string[]): Promise<Record<string, any>> {
  return parse(await runCompose(client!, project, 'config', ...flags), { version: '1.1' }) as Record<string, any>;
}

/** `config` prints a Compose file again, so its dollars are escaped (`$$`): the value they stand for. */
const printed = (value: string) => value.replaceAll('$$', '$');

/** `environment` as a map, whether the client prints a map (1.29, v2) or a list. */
function environmentOf(service: Record<string, any>): Record<string, string> {
  const environment = service.environment ?? {};
  if (!Array.isArray(environment)) return environment;
  return Object.fromEntries(environment.map((entry: string) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/** Ports in one shape (`ip:published:target/protocol`), whether printed short or long. */
function portsOf(service: Record<string, any>): string[] {
  return (service.ports ?? []).map((port: string | Record<string, any>) => {
    if (typeof port === 'object') return `${port.host_ip ?? ''}:${port.published ?? ''}:${port.target}/${port.protocol ?? 'tcp'}`;
    const match = /^(?:\[?([0-9a-fA-F.:]+?)\]?:)?(?:(\d*):)?(\d+)(?:\/(\w+))?$/.exec(port);
    if (!match) throw new Error(`unreadable port ${port}`);
    return `${match[1] ?? ''}:${match[2] ?? ''}:${match[3]}/${match[4] ?? 'tcp'}`;
  });
}

/** Volume mounts as `source:target`, whether printed short or long. */
function volumesOf(service: Record<string, any>): string[] {
  return (service.volumes ?? []).map((volume: string | Record<string, any>) => (typeof volume === 'object' ? `${volume.source}:${volume.target}` : volume.split(':').slice(0, 2).join(':')));
}

/** The CLI and Compose send an unset list as null or as []: the same to the engine. */
const listOrNull = (value: unknown) => (Array.isArray(value) && value.length > 0 ? value : null);

/** What the user set and the engine keeps, for comparing an original with its Compose twin. */
function essentials(container: Record<string, any>) {
  const host = container.HostConfig;
  const labels = Object.fromEntries(Object.entries(container.Config.Labels ?? {}).filter(([key]) => !key.startsWith('com.docker.compose.')));
  return {
    image: container.Config.Image,
    imageId: container.Image,
    env: [...(container.Config.Env ?? [])].sort(),
    labels,
    // The engine's default hostname is a short id (its own, or in `container:` mode the other's).
    hostname: /^[0-9a-f]{12}$/.test(container.Config.Hostname) ? '<id>' : container.Config.Hostname,
    user: container.Config.User,
    workingDir: container.Config.WorkingDir,
    cmd: container.Config.Cmd,
    healthcheck: container.Config.Healthcheck ?? null,
    stopTimeout: container.Config.StopTimeout ?? null,
    stopSignal: container.Config.StopSignal ?? null,
    tty: container.Config.Tty,
    openStdin: container.Config.OpenStdin,
    exposedPorts: Object.keys(container.Config.ExposedPorts ?? {}).sort(),
    logConfig: host.LogConfig,
    sysctls: host.Sysctls ?? null,
    groupAdd: listOrNull(host.GroupAdd),
    dns: listOrNull(host.Dns),
    dnsSearch: listOrNull(host.DnsSearch),
    cpuShares: host.CpuShares,
    memoryReservation: host.MemoryReservation,
    memorySwap: host.MemorySwap,
    shmSize: host.ShmSize,
    // No restart policy is `no` from the CLI and empty from Compose: the same to the engine.
    restart: { ...host.RestartPolicy, Name: host.RestartPolicy?.Name || 'no' },
    init: host.Init ?? null,
    capAdd: listOrNull(host.CapAdd),
    capDrop: listOrNull(host.CapDrop),
    tmpfs: host.Tmpfs ?? null,
    memory: host.Memory,
    pidsLimit: host.PidsLimit ?? null,
    ulimits: listOrNull(host.Ulimits),
    extraHosts: listOrNull(host.ExtraHosts),
    securityOpt: listOrNull(host.SecurityOpt),
    // A named volume's Mode is the engine's own default (`z` from `docker run -v`, `rw` from Compose); a bind's is the user's.
    mounts: [...(container.Mounts ?? [])]
      .sort((a: any, b: any) => String(a.Destination).localeCompare(String(b.Destination)))
      .map((mount: any) =>
        mount.Type === 'bind'
          ? { type: 'bind', source: mount.Source, destination: mount.Destination, rw: mount.RW, mode: mount.Mode, propagation: mount.Propagation }
          : { type: mount.Type, name: mount.Name, destination: mount.Destination, rw: mount.RW },
      ),
  };
}

/** Port bindings as host address and port per container port; random ones as `random`. */
function bindingsOf(container: Record<string, any>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries((container.HostConfig.PortBindings ?? {}) as Record<string, Array<{ HostIp?: string; HostPort?: string }>>).map(([port, bindings]) => [
      port,
      bindings.map((binding) => `${binding.HostIp ?? ''}:${binding.HostPort ? binding.HostPort : 'random'}`),
    ]),
  );
}

/** The user's aliases on a network (without the short id and names the engine and Compose add by themselves). */
function userAliases(container: Record<string, any>, network: string, automatic: readonly string[]): string[] {
  const endpoint = container.NetworkSettings.Networks[network];
  return ((endpoint?.Aliases ?? []) as string[]).filter((alias) => alias !== container.Id.slice(0, 12) && !automatic.includes(alias)).sort();
}

describe('an exported container, run by a real Compose client', () => {
  it('passes `config` as exported, reads the values back exactly, and `up -d` recreates the container as it was', async () => {
    if (!client) return; // no client and not required (findComposeClient throws under CI)
    const original = await inspect(soloName);
    const marker = `marker-${uniqueName('data')}`;
    await docker('exec', '-u', '0', soloName, 'sh', '-c', 'printf %s "$1" > /data/marker', 'sh', marker);

    const { status, result } = await preview(`/api/v1/containers/${soloName}/export/preview`, {});
    expect(status).toBe(200);
    expect(result.env_content).toBe('API_TOKEN=\n');
    const exported = parse(result.content);
    checkComposeStructure(exported, result.env_content);
    expect(exported).not.toHaveProperty('version');
    const project = `${soloName}-p`;

    // As exported (empty placeholder, no interpolation): the same services, ports, volumes, networks and placeholder.
    const asExported = await projectOf(result, project);
    const raw = await configOf(asExported, '--no-interpolate');
    expect(Object.keys(raw.services)).toEqual([soloName]);
    const rawService = raw.services[soloName];
    expect(environmentOf(rawService).API_TOKEN).toBe('${API_TOKEN}');
    expect(portsOf(rawService).sort()).toEqual([`127.0.0.1:${fixedPort}:80/tcp`, '127.0.0.1::81/udp']);
    expect(exported.services[soloName].volumes).toContain(`${bindFolder}:/conf:ro,z`);
    expect(volumesOf(rawService).sort()).toEqual([`${soloVolume}:/data`, `${bindFolder}:/conf`].sort());
    expect(rawService.networks).toEqual({ [soloNetwork]: { aliases: ['solo-alias'], ipv4_address: `${soloSubnet}.20` } });
    expect(raw.networks[soloNetwork]).toMatchObject({ name: soloNetwork, ipam: { config: [{ subnet: `${soloSubnet}.0/24` }] } });
    expect(raw.volumes).toEqual({ [soloVolume]: { name: soloVolume } });

    // With the secret filled in: every value reads back as the container has it (`$$` is one dollar).
    const filled = await projectOf(result, project, "API_TOKEN='hunter2'\n");
    const config = await configOf(filled);
    const env = environmentOf(config.services[soloName]);
    expect(env.API_TOKEN).toBe('hunter2');
    expect(printed(env.PLAIN ?? '')).toBe(HOSTILE);
    YAML_EDGES.forEach((value, index) => {
      // PyYAML prints NEL and LS raw in `config`, which another parser folds: those are checked on the container below.
      if (/[\u0085\u2028]/u.test(value)) return;
      expect(env[`EDGE_${index}`]).toBe(value);
      expect(config.services[soloName].labels[`edge.${index}`]).toBe(value);
    });
    expect(printed(config.services[soloName].labels.hostile)).toBe(HOSTILE);

    await docker('rm', '-f', soloName);
    await runCompose(client, filled, 'up', '-d');
    const twin = await inspect(soloName);
    expect(twin.Id).not.toBe(original.Id);
    expect(twin.Config.Labels['com.docker.compose.project']).toBe(project);
    // The image's run label comes along, so the global teardown finds the container too.
    expect(twin.Config.Labels[RUN_LABEL]).toBe(original.Config.Labels[RUN_LABEL]);
    expect(essentials(twin)).toEqual(essentials(original));
    YAML_EDGES.forEach((value, index) => {
      expect(twin.Config.Env).toContain(`EDGE_${index}=${value}`);
      expect(twin.Config.Labels[`edge.${index}`]).toBe(value);
    });
    expect(twin.Config.Env).toContain('API_TOKEN=hunter2');
    expect(bindingsOf(twin)).toEqual(bindingsOf(original));
    expect(bindingsOf(twin)).toEqual({ '80/tcp': [`127.0.0.1:${fixedPort}`], '81/udp': ['127.0.0.1:random'] });
    expect(twin.NetworkSettings.Ports['81/udp'][0].HostPort).toMatch(/^\d+$/);
    expect(Object.keys(twin.NetworkSettings.Networks)).toEqual([soloNetwork]);
    expect(twin.NetworkSettings.Networks[soloNetwork].IPAMConfig).toEqual(original.NetworkSettings.Networks[soloNetwork].IPAMConfig);
    // The engine adds the container's name and hostname as aliases by itself (the export leaves them out).
    expect(userAliases(twin, soloNetwork, [soloName, 'solo-host'])).toEqual(userAliases(original, soloNetwork, [soloName, 'solo-host']));
    expect(userAliases(twin, soloNetwork, [soloName, 'solo-host'])).toEqual(['solo-alias']);
    // The named volume is the original's: its data is there.
    expect(await docker('exec', soloName, 'cat', '/data/marker')).toBe(marker);
    expect(await docker('exec', soloName, 'cat', '/conf/app.conf')).toBe('bound');
    expect(twin.Mounts.find((mount: any) => mount.Destination === '/conf')).toMatchObject({ Type: 'bind', Source: bindFolder, RW: false, Mode: 'ro,z' });
    await waitFor(async () => (await inspect(soloName)).State.Health?.Status === 'healthy', 30_000, 'the healthcheck of the Compose container');

    await runCompose(client, filled, 'down', '--timeout', '2');
    await expect(docker('inspect', soloName)).rejects.toThrow();
    // `down` leaves named volumes alone: the data is still there for the next `up`.
    expect(await docker('run', '--rm', '--label', runLabel(), '-v', `${soloVolume}:/data`, image, 'cat', '/data/marker')).toBe(marker);
  }, 180_000);
});

describe('an exported stack, run by a real Compose client', () => {
  it('passes `config` under its project name and `up -d` recreates both services, the shared network namespace and the secret label', async () => {
    if (!client) return;
    const originals = { front: await inspect(frontName), helper: await inspect(helperName) };
    const marker = `marker-${uniqueName('stack')}`;
    await docker('exec', frontName, 'sh', '-c', 'printf %s "$1" > /srv/data/marker', 'sh', marker);

    const { status, result } = await preview('/api/v1/containers/batch/export/preview', { container_ids: [frontName, helperName], stack_name: stackName });
    expect(status).toBe(200);
    expect(result.env_content).toBe(`DB_PASSWORD=\n${SECRET_LABEL_VARIABLE}=\n`);
    checkComposeStructure(parse(result.content), result.env_content);
    // The run command in the header is the one used below: the stack's name is the project.
    expect(result.content).toContain(`docker compose -p ${stackName} --env-file ${stackName}.env -f ${stackName}-compose.yaml up -d`);

    const raw = await configOf(await projectOf(result, stackName), '--no-interpolate');
    expect(Object.keys(raw.services).sort()).toEqual([frontName, helperName].sort());
    expect(raw.services[helperName].network_mode).toBe(`service:${frontName}`);
    expect(raw.services[helperName].labels[SECRET_LABEL]).toBe(`\${${SECRET_LABEL_VARIABLE}}`);
    expect(environmentOf(raw.services[frontName]).DB_PASSWORD).toBe('${DB_PASSWORD}');
    expect(portsOf(raw.services[frontName])).toEqual(['127.0.0.1::80/tcp']);
    expect(volumesOf(raw.services[frontName])).toEqual([`${stackVolume}:/srv/data`]);
    expect(raw.services[frontName].networks).toEqual({ [stackNetwork]: { aliases: ['front-alias'], ipv4_address: `${stackSubnet}.30` } });

    // Single quotes keep the htpasswd's `$` literal in the .env (docs/compose-export.md says so).
    const filled = await projectOf(result, stackName, `DB_PASSWORD='s3cr3t-front'\n${SECRET_LABEL_VARIABLE}='${HTPASSWD}'\n`);
    const config = await configOf(filled);
    expect(printed(config.services[helperName].labels[SECRET_LABEL])).toBe(HTPASSWD);

    await docker('rm', '-f', helperName, frontName);
    await runCompose(client, filled, 'up', '-d');
    const twins = { front: await inspect(frontName), helper: await inspect(helperName) };
    for (const key of ['front', 'helper'] as const) {
      expect(twins[key].Config.Labels['com.docker.compose.project']).toBe(stackName);
      expect(essentials(twins[key])).toEqual(essentials(originals[key]));
    }
    expect(twins.front.Config.Env).toContain('DB_PASSWORD=s3cr3t-front');
    expect(twins.helper.Config.Labels[SECRET_LABEL]).toBe(HTPASSWD);
    expect(twins.helper.Config.Cmd).toEqual(HELPER_CMD);
    expect(twins.helper.HostConfig.NetworkMode).toBe(`container:${twins.front.Id}`);
    expect(bindingsOf(twins.front)).toEqual({ '80/tcp': ['127.0.0.1:random'] });
    expect(twins.front.NetworkSettings.Networks[stackNetwork].IPAMConfig).toEqual({ IPv4Address: `${stackSubnet}.30` });
    expect(userAliases(twins.front, stackNetwork, [frontName])).toEqual(['front-alias']);
    expect(await docker('exec', frontName, 'cat', '/srv/data/marker')).toBe(marker);

    await runCompose(client, filled, 'down', '--timeout', '2');
    for (const name of [frontName, helperName]) await expect(docker('inspect', name)).rejects.toThrow();
  }, 180_000);
});
