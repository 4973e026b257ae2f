import { RUNTIME_STATES, type Container, type ImageInfo, type RuntimeState } from '../../core/container.ts';
import { maskedEnv } from '../../core/env.ts';
import { isSensitiveLabel } from '../../core/secrets.ts';
import { truncate } from '../../core/errors.ts';
import { parseImageReference, type ImageReference } from '../../core/image-ref.ts';
import { isVersionTag } from '../../core/tags.ts';
import type { TagRules } from '../../registries/types.ts';
import type { EngineContainerInspect, EngineImageInspect } from './engine-port.ts';
import { boundLabels, COMPOSE_PROJECT_LABEL, DEFAULT_ICON, parseWatchLabels } from './labels.ts';

/** Why a container cannot be checked against its registry (it is then `unknown` with this error). */
export interface SnapshotProblem {
  readonly code: 'INVALID_LABEL' | 'IMAGE_REFERENCE_BY_ID' | 'IMAGE_PINNED_BY_DIGEST' | 'INVALID_IMAGE_REFERENCE';
  readonly message: string;
}

/** What the engine says about a container, turned into the model, before any registry check. */
export interface Snapshot {
  /** checkStatus `pending`, no result yet (see merge-check.ts for carrying the last result over). */
  readonly container: Container;
  readonly rules: TagRules;
  readonly problem?: SnapshotProblem;
}

export interface SnapshotOptions {
  readonly watcher: string;
  readonly watchByDefault: boolean;
  readonly describeRegistry: (host: string) => { name: string; url: string };
}

const MAX_REPO_DIGESTS = 50;
const IMAGE_ID = /^(?:sha256:)?[a-f0-9]{12,64}$/;
/** Builds the snapshot of one container. Pure: every untrusted value is bounded, nothing throws. */
export function buildSnapshot(inspect: EngineContainerInspect, image: EngineImageInspect | null, options: SnapshotOptions): Snapshot {
  const rawLabels = inspect.Config?.Labels ?? {};
  const { labels, error: labelError } = parseWatchLabels(rawLabels);
  const name = truncate((inspect.Name ?? inspect.Id).replace(/^\//, ''), 256);
  const reference = inspect.Config?.Image ?? '';
  const { imageInfo, problem: referenceProblem } = describeImage(reference, inspect.Image ?? image?.Id ?? '', image, rawLabels, options);
  const tag = imageInfo.tag.value;
  const semver = imageInfo.tag.semver;
  const composeProject = rawLabels[COMPOSE_PROJECT_LABEL];
  const group = labels.group ?? (composeProject ? truncate(composeProject, 128) : undefined);

  const container: Container = {
    id: inspect.Id,
    name,
    watcher: options.watcher,
    status: runtimeState(inspect.State?.Status),
    ...(inspect.State?.Health?.Status ? { health: truncate(inspect.State.Health.Status, 32) } : {}),
    displayName: labels.displayName ?? name,
    displayIcon: labels.displayIcon ?? DEFAULT_ICON,
    ...(group ? { group } : {}),
    labels: boundLabels(rawLabels),
    env: maskedEnv(inspect.Config?.Env ?? []),
    watched: labels.watch ?? options.watchByDefault,
    ...(labels.includeTags ? { includeTags: labels.includeTags } : {}),
    ...(labels.excludeTags ? { excludeTags: labels.excludeTags } : {}),
    ...(labels.transformTags ? { transformTags: labels.transformTags } : {}),
    ...(labels.linkTemplate ? { linkTemplate: labels.linkTemplate } : {}),
    ...(labels.triggerInclude ? { triggerInclude: labels.triggerInclude } : {}),
    ...(labels.triggerExclude ? { triggerExclude: labels.triggerExclude } : {}),
    image: {
      ...imageInfo,
      digest: { ...imageInfo.digest, watch: tag !== '' && (labels.watchDigest ?? !semver) },
    },
    updateKind: null,
    updateAvailable: false,
    checkStatus: 'pending',
    ...(inspect.Created ? { createdAt: inspect.Created } : {}),
  };
  const rules: TagRules = {
    ...(labels.includeTags ? { includeTags: labels.includeTags } : {}),
    ...(labels.excludeTags ? { excludeTags: labels.excludeTags } : {}),
    ...(labels.transformTags ? { transformTags: labels.transformTags } : {}),
    ...(labels.linkTemplate ? { linkTemplate: labels.linkTemplate } : {}),
  };
  const problem: SnapshotProblem | undefined = labelError
    ? { code: 'INVALID_LABEL', message: labelError.message }
    : referenceProblem;
  return { container, rules, ...(problem ? { problem } : {}) };
}

function describeImage(
  reference: string,
  imageId: string,
  image: EngineImageInspect | null,
  containerLabels: Readonly<Record<string, string>>,
  options: SnapshotOptions,
): { imageInfo: ImageInfo; problem?: SnapshotProblem } {
  const source = imageSource(image, containerLabels);
  const platform = {
    architecture: truncate(image?.Architecture ?? '', 32),
    os: truncate(image?.Os ?? '', 32),
    ...(image?.Variant ? { variant: truncate(image.Variant, 32) } : {}),
    ...(image?.Created ? { created: image.Created } : {}),
    ...(source ? { source } : {}),
  };
  const unusable = (problem: SnapshotProblem): { imageInfo: ImageInfo; problem: SnapshotProblem } => ({
    imageInfo: {
      id: imageId,
      registry: { name: 'unknown', url: '' },
      name: truncate(reference, 256),
      tag: { value: '', semver: false },
      digest: { watch: false, repoDigests: [] },
      ...platform,
    },
    problem,
  });
  if (IMAGE_ID.test(reference)) {
    return unusable({
      code: 'IMAGE_REFERENCE_BY_ID',
      message: `the container was created from image id '${truncate(reference, 80)}', not a repository and tag, so there is nothing to look up in a registry`,
    });
  }
  let parsed: ImageReference;
  try {
    parsed = parseImageReference(reference);
  } catch (error) {
    return unusable({ code: 'INVALID_IMAGE_REFERENCE', message: (error as Error).message });
  }
  const registry = options.describeRegistry(parsed.registryHost);
  if (parsed.digest && !parsed.tag) {
    const result = unusable({
      code: 'IMAGE_PINNED_BY_DIGEST',
      message: `the image is pinned by digest (${truncate(reference, 120)}) without a tag; pin a tag to get update checks`,
    });
    return { ...result, imageInfo: { ...result.imageInfo, registry, name: parsed.repository } };
  }
  const tag = parsed.tag ?? 'latest';
  return {
    imageInfo: {
      id: imageId,
      registry,
      name: parsed.repository,
      tag: { value: tag, semver: isVersionTag(tag) },
      digest: { watch: false, repoDigests: repoDigestsFor(parsed, image?.RepoDigests ?? []) },
      ...platform,
    },
  };
}

export const OCI_SOURCE_LABEL = 'org.opencontainers.image.source';
const MAX_SOURCE_LENGTH = 512;

/**
 * The image's own source label first: the container's copy of the image labels is frozen at
 * creation, and an update that keeps the container's configuration keeps the old value too.
 * An over-long value is dropped rather than cut (a cut URL would name another repository).
 */
function imageSource(image: EngineImageInspect | null, containerLabels: Readonly<Record<string, string>>): string | undefined {
  const imageLabels = image?.Config?.Labels ?? {};
  for (const labels of [imageLabels, containerLabels]) {
    const value = Object.hasOwn(labels, OCI_SOURCE_LABEL) ? labels[OCI_SOURCE_LABEL] : undefined;
    if (typeof value !== 'string') continue;
    const trimmed = value.trim();
    // A source URL with credentials in it is never stored or shown (it would leave the process unmasked).
    if (trimmed !== '' && trimmed.length <= MAX_SOURCE_LENGTH && !isSensitiveLabel(OCI_SOURCE_LABEL, trimmed)) return trimmed;
  }
  return undefined;
}

/** The digests (sha256:…) the local image has in the container's own repository. */
function repoDigestsFor(reference: ImageReference, repoDigests: readonly string[]): string[] {
  const digests = new Set<string>();
  for (const entry of repoDigests.slice(0, MAX_REPO_DIGESTS)) {
    if (typeof entry !== 'string') continue;
    try {
      const parsed = parseImageReference(entry);
      if (parsed.digest && parsed.registryHost === reference.registryHost && parsed.repository === reference.repository) {
        digests.add(parsed.digest);
      }
    } catch {
      // A RepoDigest we cannot parse is simply not ours.
    }
  }
  return [...digests];
}

function runtimeState(status: string | undefined): RuntimeState {
  return (RUNTIME_STATES as readonly string[]).includes(status ?? '') ? (status as RuntimeState) : 'created';
}
