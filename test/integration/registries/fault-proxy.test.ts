import { buildTestImage, uniqueName } from '../../bench/images.ts';
import { FaultProxy } from '../../bench/fault-proxy.ts';
import { benchState } from '../../bench/state.ts';
import { docker } from '../../bench/exec.ts';
import { silentLogger } from '../../../app/log.ts';
import { RegistryHub } from '../../../app/registries/registry-hub.ts';
import { RegistryError } from '../../../app/registries/types.ts';
import type { ImageInfo } from '../../../app/core/container.ts';

const state = benchState();
const repository = uniqueName('faulty');
const references = ['1.0.0', '1.0.1', 'latest'].map((tag) => `${state.registry.address}/${repository}:${tag}`);
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = await FaultProxy.start({ target: state.registry.url });
  for (const reference of references) await buildTestImage({ reference });
});

afterAll(async () => {
  await proxy?.close();
  await docker('rmi', '-f', ...references).catch(() => '');
});

beforeEach(() => {
  proxy.clearFaults();
  proxy.resetCounts();
});

function newHub(): RegistryHub {
  return new RegistryHub([], { logger: silentLogger(), timeoutMs: 1000, retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 5000 } });
}

function image(hub: RegistryHub, tag: string, watch = false): ImageInfo {
  return {
    id: 'sha256:local',
    registry: hub.describeRegistry(proxy.address),
    name: repository,
    tag: { value: tag, semver: tag !== 'latest' },
    // A digest that is not the registry's: were a failure mistaken for an answer, it would be a digest update.
    digest: { watch, repoDigests: [`sha256:${'0'.repeat(64)}`] },
    architecture: 'amd64',
    os: 'linux',
  };
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a RegistryError, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(RegistryError);
  return outcome.error as RegistryError;
}

describe('through the fault proxy', () => {
  it('answers normally and counts requests by kind', async () => {
    const hub = newHub();
    await expect(hub.check(image(hub, '1.0.0'), {}, hub.newCycle())).resolves.toMatchObject({ updateKind: { kind: 'patch', remoteValue: '1.0.1' } });
    await hub.check(image(hub, 'latest', true), {}, hub.newCycle());
    expect(proxy.countsByKind()).toEqual({ tags: 1, manifest: 1 });
    expect(proxy.count('manifest', 'HEAD')).toBe(1);
  });

  it('retries 429 with Retry-After, then recovers', async () => {
    const hub = newHub();
    proxy.failNext(1, { type: 'status', status: 429, retryAfter: '1' }, ['tags']);
    await expect(hub.check(image(hub, '1.0.0'), {}, hub.newCycle())).resolves.toMatchObject({ updateKind: { remoteValue: '1.0.1' } });
    expect(proxy.count('tags')).toBe(2);
    expect(proxy.faulted()).toBe(1);
  });

  it('gives up on lasting 429 with REGISTRY_RATE_LIMITED', async () => {
    const hub = newHub();
    proxy.failNext(3, { type: 'status', status: 429, retryAfter: '1' });
    const error = await failure(hub.check(image(hub, '1.0.0'), {}, hub.newCycle()));
    expect(error.code).toBe('REGISTRY_RATE_LIMITED');
    expect(proxy.count('tags')).toBe(3);
  });

  it('gives up on lasting 500 with REGISTRY_UNAVAILABLE, for tags and digests', async () => {
    const hub = newHub();
    proxy.failNext(6, { type: 'status', status: 500 });
    expect((await failure(hub.check(image(hub, '1.0.0'), {}, hub.newCycle()))).code).toBe('REGISTRY_UNAVAILABLE');
    expect((await failure(hub.check(image(hub, 'latest', true), {}, hub.newCycle()))).code).toBe('REGISTRY_UNAVAILABLE');
    expect(proxy.countsByKind()).toEqual({ tags: 3, manifest: 3 });
  });

  it('gives up on a registry that never answers with REGISTRY_TIMEOUT', async () => {
    const hub = newHub();
    proxy.failNext(3, { type: 'hang' });
    const error = await failure(hub.check(image(hub, 'latest', true), {}, hub.newCycle()));
    expect(error.code).toBe('REGISTRY_TIMEOUT');
    expect(error.message).toContain(repository);
    expect(proxy.count('manifest')).toBe(3);
  });

  it('rejects a garbage body without a retry or a false update', async () => {
    const hub = newHub();
    proxy.failNext(1, { type: 'garbage' });
    const error = await failure(hub.check(image(hub, '1.0.0'), {}, hub.newCycle()));
    expect(error.code).toBe('REGISTRY_BAD_RESPONSE');
    expect(proxy.total()).toBe(1);
  });

  it('keeps checking other repositories after one fails', async () => {
    const hub = newHub();
    const cycle = hub.newCycle();
    proxy.failNext(3, { type: 'status', status: 503 }, ['manifest']);
    const results = await Promise.allSettled([hub.check(image(hub, 'latest', true), {}, cycle), hub.check(image(hub, '1.0.0'), {}, cycle)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
  });
});
