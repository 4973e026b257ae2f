import type { RegistryResult, UpdateKindInfo } from './container.ts';
import { applyTransform, findNewestTag, parseTag, type CompiledTagRules } from './tags.ts';
import { renderTemplate } from './template.ts';

/** What the registry said about the current tag's image. */
export interface RemoteDigests {
  /** Digest the tag points at (a manifest list / OCI index for multi-arch images). */
  readonly top: string;
  /** The manifest for the container's platform, when the tag points at an index. */
  readonly platform?: string;
}

export interface UpdateCheckInput {
  readonly currentTag: string;
  /** Tags of the repository; absent when they were not listed (non-version tag). */
  readonly tags?: readonly string[];
  readonly rules: CompiledTagRules;
  readonly digestWatch: boolean;
  /** Bare digests (sha256:…) the local image is known under in this repository. */
  readonly localDigests: readonly string[];
  readonly remote?: RemoteDigests;
  readonly linkTemplate?: string;
}

export interface UpdateDecision {
  readonly result: RegistryResult;
  readonly updateKind: UpdateKindInfo | null;
}

/**
 * Decides the update kind. A newer tag of the same family wins over a digest change. A digest
 * change is only reported when the local image has repo digests to compare with (a locally built,
 * never pushed or pulled image has none, and would otherwise always look outdated).
 */
export function decideUpdate(input: UpdateCheckInput): UpdateDecision {
  const candidate = input.tags ? findNewestTag(input.currentTag, input.tags, input.rules) : null;
  if (candidate) {
    return {
      result: withLink({ tag: candidate.tag }, input),
      updateKind: { kind: candidate.kind, localValue: input.currentTag, remoteValue: candidate.tag },
    };
  }
  if (input.digestWatch && input.remote) {
    const remoteDigest = input.remote.platform ?? input.remote.top;
    const result = withLink({ tag: input.currentTag, digest: remoteDigest }, input);
    if (!digestChanged(input.localDigests, input.remote)) return { result, updateKind: null };
    return {
      result,
      updateKind: { kind: 'digest', localValue: input.localDigests[0] ?? '', remoteValue: remoteDigest },
    };
  }
  return { result: withLink({ tag: input.currentTag }, input), updateKind: null };
}

export function digestChanged(localDigests: readonly string[], remote: RemoteDigests): boolean {
  if (localDigests.length === 0) return false;
  if (localDigests.includes(remote.top)) return false;
  return !(remote.platform !== undefined && localDigests.includes(remote.platform));
}

function withLink(result: RegistryResult, input: UpdateCheckInput): RegistryResult {
  if (!input.linkTemplate) return result;
  const link = renderTemplate(input.linkTemplate, linkVariables(result.tag, input), 2048);
  return link ? { ...result, link } : result;
}

/**
 * Variables of dd.link.template: `tag`/`raw` (the result tag as in the registry), `original` (the
 * container's current tag), `transformed` (the result tag after dd.tag.transform), `major`,
 * `minor`, `patch` (numeric parts of the transformed tag, empty when absent), `prerelease`,
 * `prefix`, `suffix`, and `digest` (for digest results).
 */
export function linkVariables(tag: string, input: Pick<UpdateCheckInput, 'currentTag' | 'rules' | 'remote'>): Record<string, string> {
  const transformed = applyTransform(tag, input.rules.transform);
  const parsed = parseTag(transformed);
  const number = (index: number) => (parsed?.numbers[index] !== undefined ? String(parsed.numbers[index]) : '');
  return {
    tag,
    raw: tag,
    original: input.currentTag,
    transformed,
    major: number(0),
    minor: number(1),
    patch: number(2),
    prerelease: parsed?.prerelease ?? '',
    prefix: parsed?.prefix ?? '',
    suffix: parsed?.suffix ?? '',
    digest: input.remote?.platform ?? input.remote?.top ?? '',
  };
}
