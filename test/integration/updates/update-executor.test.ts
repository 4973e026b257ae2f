import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { maskedLabels } from '../../../app/core/secrets.ts';
import { docker } from '../../bench/exec.ts';
import { buildTestImage, uniqueName } from '../../bench/images.ts';
import { benchState } from '../../bench/state.ts';
import { buildReleases, cleanup, containerRecord, containersNamed, inspect, makeService, runLabel, type Releases } from './helpers.ts';

const SECRET_USERS = 'admin:$apr1$H6uskkkW$IgXLP6ewTrSuBkTrqE8wj/';

// Fields the engine sets per container or per image: allowed to differ after an update.
function comparable(data: Record<string, any>): Record<string, unknown> {
  const { Config, HostConfig, Mounts, NetworkSettings, Name, Id } = data;
  const { Image: _image, Hostname: _hostname, ...config } = Config;
  // APP_MODE is the image's own default, which the new release changes on purpose.
  config.Env = (config.Env as string[]).filter((entry) => !entry.startsWith('APP_MODE='));
  const networks: Record<string, unknown> = {};
  for (const [name, endpoint] of Object.entries(NetworkSettings.Networks as Record<string, any>)) {
    networks[name] = {
      aliases: ((endpoint.Aliases ?? []) as string[]).filter((alias) => alias !== String(Id).slice(0, 12)).sort(),
      ipam: endpoint.IPAMConfig,
    };
  }
  const mounts = (Mounts as Array<Record<string, unknown>>)
    .map((mount) => ({ type: mount.Type, name: mount.Name, source: mount.Source, destination: mount.Destination, rw: mount.RW }))
    .sort((a, b) => String(a.destination).localeCompare(String(b.destination)));
  return { Name, config, HostConfig, mounts, networks };
}

describe('update executor on the real engine', () => {
  let releases: Releases;
  const containers: string[] = [];
  const networks: string[] = [];
  const volumes: string[] = [];
  const bindDir = mkdtempSync(join(tmpdir(), 'dd-bind-'));

  beforeAll(async () => {
    releases = await buildReleases();
  }, 180_000);

  afterAll(async () => {
    for (const name of containers) for (const found of await containersNamed(name)) await cleanup('container', [found]);
    await cleanup('network', networks);
    await cleanup('volume', volumes);
  });

  async function run(args: string[], image: string): Promise<string> {
    const name = uniqueName('upd-c');
    containers.push(name);
    await docker('run', '-d', '--name', name, '--label', runLabel(), ...args, image);
    return name;
  }

  it('keeps the whole configuration and the volume data across 1.0.0 → 1.1.0', async () => {
    const netA = uniqueName('upd-neta');
    const netB = uniqueName('upd-netb');
    const volume = uniqueName('upd-vol');
    networks.push(netA, netB);
    volumes.push(volume);
    const octet = 100 + Math.floor(Math.random() * 100);
    await docker('network', 'create', '--label', runLabel(), netA);
    await docker('network', 'create', '--label', runLabel(), '--subnet', `10.${octet}.7.0/24`, netB);
    await docker('volume', 'create', '--label', runLabel(), volume);
    writeFileSync(join(bindDir, 'bound.txt'), 'bound');
    const name = await run(
      [
        '--network', netA, '--network-alias', 'svc-alias',
        '-v', `${volume}:/data`, '-v', `${bindDir}:/bound:ro`,
        '-p', '127.0.0.1::8080',
        '-e', 'USER_SETTING=mine', '-e', 'SHARED=same',
        '--label', 'com.example.team=blue',
        // A secret label: the store and the API hold it masked, the update must copy it exactly.
        '--label', `traefik.http.middlewares.upd.basicauth.users=${SECRET_USERS}`,
        '--memory', '64m', '--cpus', '0.5',
        '--health-cmd', 'true', '--health-interval', '1s',
        '--restart', 'unless-stopped',
        '--cap-add', 'NET_ADMIN',
        '--add-host', 'example.internal:127.0.0.2',
        '--user', '0:0', '--workdir', '/tmp',
        '--log-opt', 'max-size=1m',
      ],
      releases.ref('1.0.0'),
    );
    await docker('network', 'connect', '--ip', `10.${octet}.7.50`, netB, name);
    await docker('exec', name, '/bin/sh', '-c', 'echo precious > /data/file');
    const before = await inspect(name);

    const { service } = await makeService();
    // The record as the store holds it: labels masked.
    const record = await containerRecord(name, '1.1.0');
    const stored = { ...record, labels: maskedLabels(record.labels) };
    expect(stored.labels['traefik.http.middlewares.upd.basicauth.users']).toBe('***');
    const operation = await service.enqueue(stored, {
      kind: 'update', targetImage: releases.ref('1.1.0'), fromVersion: '1.0.0', toVersion: '1.1.0',
    });
    await service.idle();

    const done = service.repository.get(operation.id);
    expect(done?.status).toBe('succeeded');
    expect(done?.history.map((entry) => entry.phase)).toEqual([
      'queued', 'prepare', 'pulling', 'renamed', 'new-created', 'old-stopped', 'new-started', 'health-gate', 'health-gate-passed', 'succeeded',
    ]);
    const after = await inspect(name);
    expect(after.Id).not.toBe(before.Id);
    expect(after.Config.Image).toBe(releases.ref('1.1.0'));
    expect(after.State.Running).toBe(true);
    expect(comparable(after)).toEqual(comparable(before));
    expect(after.Config.Labels['traefik.http.middlewares.upd.basicauth.users']).toBe(SECRET_USERS);
    // The env var the image changed follows the new image; the user's own stay.
    expect(after.Config.Env).toEqual(expect.arrayContaining(['USER_SETTING=mine', 'APP_MODE=two', 'SHARED=same']));
    expect(await docker('exec', name, 'cat', '/data/file')).toBe('precious');
    expect(await containersNamed(name)).toEqual([name]);
    const backups = service.repository.backupsFor(operation.identity);
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatchObject({ imageTag: '1.0.0', imageId: before.Image, containerName: name });
  });

  it('updates a container sharing another one\'s network and keeps its anonymous --mount volume data', async () => {
    const provider = await run([], releases.ref('1.0.0'));
    const name = await run(['--network', `container:${provider}`, '--mount', `type=volume,dst=/anon,volume-label=${runLabel()}`], releases.ref('1.0.0'));
    await docker('exec', name, '/bin/sh', '-c', 'echo kept > /anon/file');
    const before = await inspect(name);
    volumes.push(...(before.Mounts as Array<{ Name: string }>).map((mount) => mount.Name));
    const { service } = await makeService();
    const operation = await service.enqueue(await containerRecord(name, '1.1.0'), {
      kind: 'update', targetImage: releases.ref('1.1.0'), fromVersion: '1.0.0', toVersion: '1.1.0',
    });
    await service.idle();
    const done = service.repository.get(operation.id);
    expect({ status: done?.status, error: done?.rollbackReason ?? done?.lastError }).toEqual({ status: 'succeeded', error: undefined });
    const after = await inspect(name);
    expect(after.HostConfig.NetworkMode).toBe(before.HostConfig.NetworkMode);
    expect(after.Mounts.map((mount: { Name?: string }) => mount.Name)).toEqual(before.Mounts.map((mount: { Name?: string }) => mount.Name));
    expect(await docker('exec', name, 'cat', '/anon/file')).toBe('kept');
  });

  it('keeps a stopped container stopped, swapping only the image', async () => {
    const name = await run([], releases.ref('1.0.0'));
    await docker('stop', name);
    const { service } = await makeService();
    const operation = await service.enqueue(await containerRecord(name, '1.1.0'), {
      kind: 'update', targetImage: releases.ref('1.1.0'), fromVersion: '1.0.0', toVersion: '1.1.0',
    });
    await service.idle();
    expect(service.repository.get(operation.id)?.status).toBe('succeeded');
    const after = await inspect(name);
    expect(after.Config.Image).toBe(releases.ref('1.1.0'));
    expect(after.State.Running).toBe(false);
    expect(await containersNamed(name)).toEqual([name]);
  });

  it.each([
    ['exits at once', '1.2.0-crash', /exited/],
    ['fails its HEALTHCHECK', '1.3.0-sick', /Health check failed/],
  ])('rolls back a release that %s', async (_what, tag, reason) => {
    const name = await run([], releases.ref('1.0.0'));
    const before = await inspect(name);
    const { service, bus, store } = await makeService();
    const failed: unknown[] = [];
    bus.on('update-failed', (payload) => failed.push(payload.operation));
    const operation = await service.enqueue(await containerRecord(name, tag), {
      kind: 'update', targetImage: releases.ref(tag), fromVersion: '1.0.0', toVersion: tag,
    });
    await service.idle();
    const done = service.repository.get(operation.id);
    expect(done?.status).toBe('rolled-back');
    expect(done?.phase).toBe('rolled-back');
    expect(done?.rollbackReason).toMatch(reason);
    expect(failed).toHaveLength(1);
    expect(store.data.audit).toContainEqual(expect.objectContaining({ action: 'container-update', status: 'failed', containerName: name }));
    const after = await inspect(name);
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
    expect(await containersNamed(name)).toEqual([name]);
  });

  it('refuses a second operation for the same container with 409', async () => {
    const name = await run([], releases.ref('1.0.0'));
    const { service } = await makeService({ phaseDelayMs: 300 });
    const record = await containerRecord(name, '1.1.0');
    const target = { kind: 'update' as const, targetImage: releases.ref('1.1.0'), fromVersion: '1.0.0', toVersion: '1.1.0' };
    await service.enqueue(record, target);
    await expect(service.enqueue(record, target)).rejects.toMatchObject({ status: 409, code: 'UPDATE_IN_PROGRESS' });
    await service.idle();
  });

  it('cancels a running update at the next safe point and leaves the old container running', async () => {
    const name = await run([], releases.ref('1.0.0'));
    const before = await inspect(name);
    const { service } = await makeService({ phaseDelayMs: 400 });
    const operation = await service.enqueue(await containerRecord(name, '1.1.0'), {
      kind: 'update', targetImage: releases.ref('1.1.0'), fromVersion: '1.0.0', toVersion: '1.1.0',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { immediate } = await service.cancel(operation.id);
    expect(immediate).toBe(false);
    await service.idle();
    const done = service.repository.get(operation.id);
    expect(['failed', 'rolled-back']).toContain(done?.status);
    expect(done?.lastError ?? done?.rollbackReason).toBe('Cancelled by operator');
    const after = await inspect(name);
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
    await expect(service.cancel(operation.id)).rejects.toMatchObject({ status: 409 });
  });

  it('keeps BACKUPCOUNT backups and PRUNE removes only images no backup refers to', async () => {
    const repo = `${benchState().registry.address}/${uniqueName('prune')}`;
    for (const tag of ['1.0.0', '1.1.0', '1.2.0']) await buildTestImage({ reference: `${repo}:${tag}` });
    const imageId = async (tag: string) => (await inspect(`${repo}:${tag}`)).Id as string;
    const first = await imageId('1.0.0');
    const second = await imageId('1.1.0');
    const name = await run([], `${repo}:1.0.0`);
    const { service } = await makeService({ backupCount: 1, prune: true });
    const update = async (from: string, to: string) => {
      const operation = await service.enqueue(await containerRecord(name, to), { kind: 'update', targetImage: `${repo}:${to}`, fromVersion: from, toVersion: to });
      await service.idle();
      expect(service.repository.get(operation.id)?.status).toBe('succeeded');
      return operation;
    };
    const op1 = await update('1.0.0', '1.1.0');
    // The backup refers to 1.0.0: its image is the rollback image and stays.
    expect(await imageId('1.0.0')).toBe(first);
    await update('1.1.0', '1.2.0');
    const backups = service.repository.backupsFor(op1.identity);
    expect(backups.map((backup) => backup.imageTag)).toEqual(['1.1.0']);
    await expect(docker('image', 'inspect', first)).rejects.toThrow();
    expect(await imageId('1.1.0')).toBe(second);
  }, 120_000);

  it('pulls from a registry that needs credentials only with them; a failed pull changes nothing', async () => {
    const secured = benchState().securedRegistry;
    const repo = `${secured.address}/${uniqueName('private')}`;
    await buildTestImage({ reference: `${repo}:1.0.0` });
    await buildTestImage({ reference: `${repo}:1.1.0` });
    // The engine must fetch 1.1.0 from the registry, not find it locally.
    await docker('rmi', `${repo}:1.1.0`);
    const name = await run([], `${repo}:1.0.0`);
    const before = await inspect(name);
    const target = { kind: 'update' as const, targetImage: `${repo}:1.1.0`, fromVersion: '1.0.0', toVersion: '1.1.0' };

    const anonymous = await makeService();
    const refused = await anonymous.service.enqueue(await containerRecord(name, '1.1.0'), target);
    await anonymous.service.idle();
    expect(anonymous.service.repository.get(refused.id)).toMatchObject({ status: 'failed', phase: 'failed' });
    expect((await inspect(name)).Id).toBe(before.Id);
    expect(await containersNamed(name)).toEqual([name]);

    const credentials = secured.credentials!;
    const authed = await makeService({}, (host) =>
      host === secured.address ? { username: credentials.user, password: credentials.password, serveraddress: host } : undefined,
    );
    const accepted = await authed.service.enqueue(await containerRecord(name, '1.1.0'), target);
    await authed.service.idle();
    expect(authed.service.repository.get(accepted.id)?.status).toBe('succeeded');
    expect((await inspect(name)).Config.Image).toBe(`${repo}:1.1.0`);
  }, 120_000);
});
