import type { ImageInfo } from '../../../app/core/container.ts';
import { parseImageReference } from '../../../app/core/image-ref.ts';
import type { RegistryHub } from '../../../app/registries/registry-hub.ts';
import { docker } from '../../bench/exec.ts';

/** ImageInfo for a local image, the way the watcher describes it (RepoDigests of its own repository). */
export async function localImageInfo(hub: RegistryHub, reference: string, digestWatch: boolean): Promise<ImageInfo> {
  const inspect = JSON.parse(await docker('image', 'inspect', reference))[0] as {
    Id: string;
    RepoDigests?: string[];
    Architecture: string;
    Os: string;
    Variant?: string;
  };
  const ref = parseImageReference(reference);
  const repoDigests = (inspect.RepoDigests ?? [])
    .map((entry) => parseImageReference(entry))
    .filter((entry) => entry.registryHost === ref.registryHost && entry.repository === ref.repository && entry.digest)
    .map((entry) => entry.digest as string);
  return {
    id: inspect.Id,
    registry: hub.describeRegistry(ref.registryHost),
    name: ref.repository,
    tag: { value: ref.tag ?? 'latest', semver: false },
    digest: { watch: digestWatch, repoDigests },
    architecture: inspect.Architecture,
    os: inspect.Os,
    ...(inspect.Variant ? { variant: inspect.Variant } : {}),
  };
}

/** The manifest digest the registry holds for a pushed local image (its RepoDigest in that repository). */
export async function pushedDigest(reference: string): Promise<string> {
  const digests = JSON.parse(await docker('image', 'inspect', '--format', '{{json .RepoDigests}}', reference)) as string[];
  const ref = parseImageReference(reference);
  const mine = digests.map((d) => parseImageReference(d)).find((d) => d.registryHost === ref.registryHost && d.repository === ref.repository);
  if (!mine?.digest) throw new Error(`${reference} has no RepoDigest`);
  return mine.digest;
}
