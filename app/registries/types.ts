import type { ImageInfo, RegistryResult, UpdateKindInfo } from '../core/container.ts';

/**
 * The contract between the watchers and the registries. The watcher hands over what it knows of a
 * container's image and tag rules; the checker answers with the newest candidate and update kind,
 * or throws a RegistryError (the container then becomes `unknown` with that error).
 */
export interface TagRules {
  /** dd.tag.include: only tags matching this (safe) pattern are candidates. */
  readonly includeTags?: string;
  /** dd.tag.exclude: tags matching this pattern are never candidates. */
  readonly excludeTags?: string;
  /** dd.tag.transform: `pattern => replacement` applied before comparing tags. */
  readonly transformTags?: string;
  /** dd.link.template: logic-less template producing the result link. */
  readonly linkTemplate?: string;
}

export interface CheckOutcome {
  readonly result: RegistryResult;
  /** null when nothing newer exists. */
  readonly updateKind: UpdateKindInfo | null;
}

/** Per-watch-cycle memory (tag lists, digests, tokens) so a repository shared by many containers is asked once. */
export interface CycleCache {
  get<T>(key: string): Promise<T> | undefined;
  set<T>(key: string, value: Promise<T>): void;
}

export interface ImageChecker {
  /** A fresh per-cycle cache; pass the same one for every container of one cycle. */
  newCycle(): CycleCache;
  check(image: ImageInfo, rules: TagRules, cycle: CycleCache): Promise<CheckOutcome>;
  /** Registry name and URL for an image reference (for ImageInfo.registry). */
  describeRegistry(registryHost: string): { name: string; url: string };
}

/** A failed registry conversation; `code` is stable (REGISTRY_AUTH, REGISTRY_RATE_LIMITED, REGISTRY_UNAVAILABLE, …). */
export class RegistryError extends Error {
  readonly code: string;
  readonly status: number | undefined;

  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'RegistryError';
    this.code = code;
    this.status = status;
  }
}
