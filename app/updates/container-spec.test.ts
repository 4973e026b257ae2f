import { describe, expect, it } from '@jest/globals';
import { buildCreatePlan, keptEnv, keptLabels, type ContainerInspect } from './container-spec.ts';

const ID = 'abcdef0123456789abcdef0123456789';

function inspect(overrides: Partial<ContainerInspect> = {}, config: Record<string, unknown> = {}, hostConfig: Record<string, unknown> = {}): ContainerInspect {
  return {
    Id: ID,
    Name: '/web',
    Image: 'sha256:old',
    Config: { Image: 'reg/web:1.0.0', Hostname: ID.slice(0, 12), Env: ['PATH=/bin', 'MODE=one', 'MINE=x'], Labels: { 'org.image': 'v1', team: 'blue' }, Cmd: ['run'], ...config },
    HostConfig: { NetworkMode: 'front', Binds: ['data:/data'], Memory: 64, ...hostConfig },
    NetworkSettings: {
      Networks: {
        front: { Aliases: [ID.slice(0, 12), 'web-alias'], IPAMConfig: null },
        back: { Aliases: [ID.slice(0, 12)], IPAMConfig: { IPv4Address: '10.1.1.5' } },
      },
    },
    State: { Running: true, Status: 'running' },
    Mounts: [{ Type: 'volume', Name: 'data', Destination: '/data' }],
    ...overrides,
  };
}

const oldImage = { Env: ['PATH=/bin', 'MODE=one'], Labels: { 'org.image': 'v1' }, Cmd: ['run'] };
const newImage = { Env: ['PATH=/bin', 'MODE=two'], Labels: { 'org.image': 'v2' }, Cmd: ['run2'] };

describe('buildCreatePlan', () => {
  it('changes only the image and keeps the user configuration', () => {
    const plan = buildCreatePlan(inspect(), oldImage, newImage, 'reg/web:1.1.0');
    expect(plan.name).toBe('web');
    expect(plan.body).toMatchObject({ Image: 'reg/web:1.1.0', HostConfig: { NetworkMode: 'front', Binds: ['data:/data'], Memory: 64 } });
    // Image defaults the new image changes go; the user's stay; the image's own Cmd is not pinned.
    expect(plan.body.Env).toEqual(['PATH=/bin', 'MINE=x']);
    expect(plan.body.Labels).toEqual({ team: 'blue' });
    expect(plan.body.Cmd).toBeUndefined();
    // The default hostname (old short id) is not carried over.
    expect(plan.body.Hostname).toBeUndefined();
  });

  it('creates on the NetworkMode network and connects the others with aliases and static IPs', () => {
    const plan = buildCreatePlan(inspect(), oldImage, newImage, 'reg/web:1.1.0');
    expect(plan.body.NetworkingConfig).toEqual({ EndpointsConfig: { front: { Aliases: ['web-alias'] } } });
    expect(plan.extraNetworks).toEqual([{ name: 'back', endpoint: { IPAMConfig: { IPv4Address: '10.1.1.5' } } }]);
  });

  it('keeps a user command, entrypoint, hostname and healthcheck', () => {
    const healthcheck = { Test: ['CMD', 'true'] };
    const plan = buildCreatePlan(inspect({}, { Cmd: ['custom'], Entrypoint: ['/init'], Hostname: 'myhost', Healthcheck: healthcheck }), oldImage, newImage, 'x:2');
    expect(plan.body).toMatchObject({ Cmd: ['custom'], Entrypoint: ['/init'], Hostname: 'myhost', Healthcheck: healthcheck });
  });

  it('keeps the runtime settings of Config (tty, stdin, stop timeout, network disabled)', () => {
    const runtime = { Tty: true, OpenStdin: true, StdinOnce: false, StopTimeout: 30, NetworkDisabled: true, Domainname: 'example.test' };
    expect(buildCreatePlan(inspect({}, runtime), oldImage, newImage, 'x:2').body).toMatchObject(runtime);
  });

  it('lets the new image bring its own healthcheck when the old one came from the old image', () => {
    const healthcheck = { Test: ['CMD', 'old-check'] };
    const plan = buildCreatePlan(inspect({}, { Healthcheck: healthcheck }), { ...oldImage, Healthcheck: healthcheck }, newImage, 'x:2');
    expect(plan.body.Healthcheck).toBeUndefined();
  });

  it('attaches no networks in host, none or container: mode', () => {
    for (const mode of ['host', 'none', 'container:other']) {
      const plan = buildCreatePlan(inspect({}, {}, { NetworkMode: mode }), oldImage, newImage, 'x:2');
      expect(plan.body.NetworkingConfig).toBeUndefined();
      expect(plan.extraNetworks).toEqual([]);
      expect((plan.body.HostConfig as Record<string, unknown>).NetworkMode).toBe(mode);
    }
  });

  it('does not carry the hostname the engine copied in from the network container (create would refuse it)', () => {
    const plan = buildCreatePlan(inspect({}, { Hostname: 'othershortid', Domainname: '' }, { NetworkMode: 'container:other' }), oldImage, newImage, 'x:2');
    expect(plan.body.Hostname).toBeUndefined();
    expect(plan.body.Domainname).toBeUndefined();
  });

  it('names an anonymous --mount volume so its data follows', () => {
    const plan = buildCreatePlan(
      inspect(
        { Mounts: [{ Type: 'volume', Name: 'f00d', Destination: '/anon' }] },
        {},
        { Binds: null, Mounts: [{ Type: 'volume', Target: '/anon' }, { Type: 'bind', Source: '/srv', Target: '/srv' }] },
      ),
      oldImage,
      newImage,
      'x:2',
    );
    const hostConfig = plan.body.HostConfig as Record<string, unknown>;
    expect(hostConfig.Mounts).toEqual([{ Type: 'volume', Target: '/anon', Source: 'f00d' }, { Type: 'bind', Source: '/srv', Target: '/srv' }]);
    expect(hostConfig.Binds).toBeNull();
  });

  it('binds anonymous volumes by name so their data follows', () => {
    const plan = buildCreatePlan(
      inspect({ Mounts: [{ Type: 'volume', Name: 'data', Destination: '/data' }, { Type: 'volume', Name: 'f00d', Destination: '/cache', RW: false }] }),
      oldImage,
      newImage,
      'x:2',
    );
    expect((plan.body.HostConfig as Record<string, unknown>).Binds).toEqual(['data:/data', 'f00d:/cache:ro']);
  });
});

describe('env and label rules', () => {
  it('keeps a user value even when it shares a key with the image', () => {
    expect(keptEnv(['MODE=custom', 'MODE2=one'], ['MODE=one'], ['MODE=two'])).toEqual(['MODE=custom', 'MODE2=one']);
    // Unchanged image defaults are harmless either way and stay.
    expect(keptEnv(['PATH=/bin'], ['PATH=/bin'], ['PATH=/bin'])).toEqual(['PATH=/bin']);
    expect(keptLabels({ a: '1', b: '2' }, { a: '1', b: 'other' })).toEqual({ b: '2' });
  });
});
