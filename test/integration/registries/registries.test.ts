import { docker } from '../../bench/exec.ts';
import { buildTestImage, uniqueName } from '../../bench/images.ts';
import { benchState } from '../../bench/state.ts';
import { silentLogger } from '../../../app/log.ts';
import { RegistryHub } from '../../../app/registries/registry-hub.ts';
import { RegistryError } from '../../../app/registries/types.ts';
import { localImageInfo, pushedDigest } from './image-info.ts';

const state = benchState();
const REG = state.registry.address;
const references: string[] = [];

async function build(reference: string, options: { platform?: string } = {}): Promise<void> {
  references.push(reference);
  await buildTestImage({ reference, content: `${reference}-${Math.random()}`, ...options });
}

afterAll(async () => {
  // Images carry the run label and are removed by the global teardown too; drop the tags now.
  if (references.length > 0) await docker('rmi', '-f', ...new Set(references)).catch(() => '');
});

describe('tag updates against a real registry', () => {
  const repo = `${REG}/${uniqueName('app')}`;
  const hub = new RegistryHub([], { logger: silentLogger() });

  beforeAll(async () => {
    for (const tag of ['1.0.0', '1.1.0', '2.0.0', '2.0.0-rc1', 'latest']) await build(`${repo}:${tag}`);
  });

  it('reports major 2.0.0 for 1.0.0', async () => {
    const image = await localImageInfo(hub, `${repo}:1.0.0`, false);
    expect(image.registry).toEqual({ name: REG, url: `http://${REG}` });
    await expect(hub.check(image, {}, hub.newCycle())).resolves.toEqual({
      result: { tag: '2.0.0' },
      updateKind: { kind: 'major', localValue: '1.0.0', remoteValue: '2.0.0' },
    });
  });

  it('reports minor 1.1.0 with include ^1\\.', async () => {
    const image = await localImageInfo(hub, `${repo}:1.0.0`, false);
    const outcome = await hub.check(image, { includeTags: '^1\\.', linkTemplate: 'https://changes.test/${major}.${minor}.${patch}' }, hub.newCycle());
    expect(outcome).toEqual({
      result: { tag: '1.1.0', link: 'https://changes.test/1.1.0' },
      updateKind: { kind: 'minor', localValue: '1.0.0', remoteValue: '1.1.0' },
    });
  });

  it('finds nothing newer for 2.0.0 and a semver tag with digest watching on', async () => {
    const image = await localImageInfo(hub, `${repo}:2.0.0`, true);
    await expect(hub.check(image, {}, hub.newCycle())).resolves.toEqual({
      result: { tag: '2.0.0', digest: await pushedDigest(`${repo}:2.0.0`) },
      updateKind: null,
    });
  });
});

describe('digest updates', () => {
  const repo = `${REG}/${uniqueName('digest')}`;
  const hub = new RegistryHub([], { logger: silentLogger() });

  it('reports digest when :latest is re-pushed with new content', async () => {
    await build(`${repo}:latest`);
    const before = await localImageInfo(hub, `${repo}:latest`, true);
    expect(before.digest.repoDigests).toHaveLength(1);
    await expect(hub.check(before, {}, hub.newCycle())).resolves.toMatchObject({ updateKind: null });

    await build(`${repo}:latest`);
    const newDigest = await pushedDigest(`${repo}:latest`);
    expect(newDigest).not.toBe(before.digest.repoDigests[0]);
    await expect(hub.check(before, {}, hub.newCycle())).resolves.toEqual({
      result: { tag: 'latest', digest: newDigest },
      updateKind: { kind: 'digest', localValue: before.digest.repoDigests[0], remoteValue: newDigest },
    });
    // With digest watching off the same image is not reported.
    await expect(hub.check({ ...before, digest: { ...before.digest, watch: false } }, {}, hub.newCycle())).resolves.toMatchObject({ updateKind: null });
  });
});

describe('a registry behind htpasswd', () => {
  const secured = state.securedRegistry;
  const repo = `${secured.address}/${uniqueName('private')}`;
  const credentials = secured.credentials ?? { user: '', password: '' };

  beforeAll(async () => {
    await build(`${repo}:1.0.0`);
    await build(`${repo}:1.0.1`);
  });

  it('works with credentials', async () => {
    const hub = new RegistryHub(
      [{ provider: 'custom', name: 'secured', url: secured.url, login: credentials.user, password: credentials.password, insecure: false, maxRequests: 100 }],
      { logger: silentLogger() },
    );
    const image = await localImageInfo(hub, `${repo}:1.0.0`, false);
    expect(image.registry.name).toBe('custom.secured');
    await expect(hub.check(image, {}, hub.newCycle())).resolves.toMatchObject({ updateKind: { kind: 'patch', remoteValue: '1.0.1' } });
  });

  it('yields REGISTRY_AUTH without credentials, or with wrong ones', async () => {
    const anonymous = new RegistryHub([], { logger: silentLogger() });
    const image = await localImageInfo(anonymous, `${repo}:1.0.0`, false);
    const error = await anonymous.check(image, {}, anonymous.newCycle()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'REGISTRY_AUTH', message: expect.stringContaining('requires credentials') });

    const wrong = new RegistryHub(
      [{ provider: 'custom', name: 'secured', url: secured.url, login: credentials.user, password: 'wrong-password', insecure: false, maxRequests: 100 }],
      { logger: silentLogger() },
    );
    const wrongError = (await wrong.check(await localImageInfo(wrong, `${repo}:1.0.0`, false), {}, wrong.newCycle()).catch((e: unknown) => e)) as Error;
    expect(wrongError).toMatchObject({ code: 'REGISTRY_AUTH', message: expect.stringContaining('rejected') });
    expect(wrongError.message).not.toContain('wrong-password');
  });
});

describe('a multi-arch manifest list', () => {
  const repo = `${REG}/${uniqueName('multi')}`;
  const hub = new RegistryHub([], { logger: silentLogger() });

  it('resolves to the local platform digest', async () => {
    await build(`${repo}:amd64`, { platform: 'linux/amd64' });
    await build(`${repo}:arm64`, { platform: 'linux/arm64' });
    const list = `${repo}:multi`;
    await docker('manifest', 'create', '--insecure', list, `${repo}:amd64`, `${repo}:arm64`);
    try {
      await docker('manifest', 'annotate', list, `${repo}:arm64`, '--os', 'linux', '--arch', 'arm64', '--variant', 'v8');
      await docker('manifest', 'push', '--insecure', list);
    } finally {
      await docker('manifest', 'rm', list).catch(() => '');
    }
    const amd64Digest = await pushedDigest(`${repo}:amd64`);
    const arm64Digest = await pushedDigest(`${repo}:arm64`);
    const local = await localImageInfo(hub, `${repo}:amd64`, true);
    expect(local.architecture).toBe('amd64');
    // The container runs the list's tag; locally it is known by the amd64 manifest digest.
    const image = { ...local, tag: { value: 'multi', semver: false } };
    await expect(hub.check(image, {}, hub.newCycle())).resolves.toEqual({ result: { tag: 'multi', digest: amd64Digest }, updateKind: null });
    const onArm = { ...image, architecture: 'arm64', digest: { ...image.digest, repoDigests: [amd64Digest] } };
    await expect(hub.check(onArm, {}, hub.newCycle())).resolves.toEqual({
      result: { tag: 'multi', digest: arm64Digest },
      updateKind: { kind: 'digest', localValue: amd64Digest, remoteValue: arm64Digest },
    });
  });
});
