import type { RegistryConfig } from '../../config/load-config.ts';
import type { ImageInfo } from '../../core/container.ts';
import { silentLogger } from '../../log.ts';
import { RegistryHub } from '../registry-hub.ts';
import { fakeFetch, json, status, type FakeHandler } from '../testing/fake-registry.ts';
import { ecrRegionOf } from './ecr-authorizer.ts';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const config: RegistryConfig = { provider: 'ecr', name: 'prod', accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-key', insecure: false, maxRequests: 100 };
const NOW = Date.parse('2026-01-02T03:04:05Z');

function ecr(apiStatus = 200): { handler: FakeHandler; expected: string } {
  const expected = `Basic ${Buffer.from('AWS:ecr-password').toString('base64')}`;
  const handler: FakeHandler = ({ url, method, headers }) => {
    if (url.host === 'api.ecr.eu-west-1.amazonaws.com') {
      if (method !== 'POST' || !headers.authorization?.startsWith('AWS4-HMAC-SHA256 Credential=AKIDTEST/20260102/eu-west-1/ecr/aws4_request')) return status(400);
      if (apiStatus !== 200) return status(apiStatus);
      return json({ authorizationData: [{ authorizationToken: Buffer.from('AWS:ecr-password').toString('base64'), expiresAt: NOW / 1000 + 43200 }] });
    }
    if (headers.authorization !== expected) return status(401, { 'www-authenticate': `Basic realm="https://${HOST}/",service="ecr.amazonaws.com"` });
    return json({ tags: ['1.0.0', '1.0.2'] });
  };
  return { handler, expected };
}

function image(hub: RegistryHub, name = 'team/app'): ImageInfo {
  return {
    id: 'sha256:x',
    registry: hub.describeRegistry(HOST),
    name,
    tag: { value: '1.0.0', semver: true },
    digest: { watch: false, repoDigests: [] },
    architecture: 'amd64',
    os: 'linux',
  };
}

describe('ECR with access keys', () => {
  it('gets a signed authorization token once and uses it as Basic credentials', async () => {
    const fake = fakeFetch(ecr().handler);
    const hub = new RegistryHub([config], { logger: silentLogger(), fetch: fake.fetch, now: () => NOW });
    expect(hub.describeRegistry(HOST)).toEqual({ name: 'ecr.prod', url: `https://${HOST}` });
    await expect(hub.check(image(hub), {}, hub.newCycle())).resolves.toMatchObject({ updateKind: { kind: 'patch', remoteValue: '1.0.2' } });
    await hub.check(image(hub, 'team/other'), {}, hub.newCycle());
    expect(fake.calls.filter((c) => c.url.host.startsWith('api.ecr')).length).toBe(1);
    expect(fake.calls.find((c) => c.url.host.startsWith('api.ecr'))?.headers['x-amz-target']).toBe('AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken');
  });

  it('reports refused keys as REGISTRY_AUTH without showing them', async () => {
    const fake = fakeFetch(ecr(403).handler);
    const hub = new RegistryHub([config], { logger: silentLogger(), fetch: fake.fetch, now: () => NOW });
    const error = (await hub.check(image(hub), {}, hub.newCycle()).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('REGISTRY_AUTH');
    expect(error.message).toContain('ecr.prod');
    expect(error.message).not.toMatch(/secret-key|AKIDTEST/);
  });

  it('reads the region from the host', () => {
    expect(ecrRegionOf(HOST)).toBe('eu-west-1');
    expect(ecrRegionOf('ghcr.io')).toBeUndefined();
  });
});
