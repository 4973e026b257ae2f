import type { Container } from '../core/container.ts';
import { AppError, truncate } from '../core/errors.ts';
import type { Logger } from '../log.ts';
import { releaseNotesUnavailable, releaseNotFound } from './release-errors.ts';
import { resolveReleaseSource } from './release-source.ts';
import { releaseTagCandidates } from './release-tags.ts';
import { TtlCache } from './ttl-cache.ts';
import type { ProviderRelease, ReleaseNotes, ReleaseProvider, ReleaseProviderId, ReleaseSource } from './types.ts';

export interface ReleaseNotesServiceOptions {
  readonly providers: readonly ReleaseProvider[];
  readonly logger?: Pick<Logger, 'warn'>;
  readonly now?: () => number;
  /** How long a found release is kept (1 h). */
  readonly ttlMs?: number;
  /** How long "no release for this tag" is kept (10 min: a release is often published after its image). */
  readonly notFoundTtlMs?: number;
  readonly maxEntries?: number;
}

const NOT_FOUND = 'not-found' as const;
type Cached = ProviderRelease | typeof NOT_FOUND;

/**
 * The release notes of a container's available update: finds the repository (labels, image
 * name), asks its forge for the release of the new tag (as is, then with/without a leading v),
 * and keeps answers per repository and tag. Concurrent asks for the same release share one lookup.
 */
export class ReleaseNotesService {
  readonly #providers: ReadonlyMap<ReleaseProviderId, ReleaseProvider>;
  readonly #logger: Pick<Logger, 'warn'> | undefined;
  readonly #cache: TtlCache<Cached>;
  readonly #pending = new Map<string, Promise<Cached>>();
  readonly #ttlMs: number;
  readonly #notFoundTtlMs: number;

  constructor(options: ReleaseNotesServiceOptions) {
    this.#providers = new Map(options.providers.map((provider) => [provider.id, provider]));
    this.#logger = options.logger;
    this.#cache = new TtlCache<Cached>(options.maxEntries ?? 500, options.now);
    this.#ttlMs = options.ttlMs ?? 60 * 60_000;
    this.#notFoundTtlMs = options.notFoundTtlMs ?? 10 * 60_000;
  }

  async forContainer(container: Container): Promise<ReleaseNotes> {
    if (container.updateKind === null || !container.result) {
      throw new AppError(404, 'NO_UPDATE_AVAILABLE', 'No update available for this container, so there are no release notes to show');
    }
    const resolution = resolveReleaseSource(container);
    if (!resolution.found) throw releaseNotesUnavailable(resolution.reason);
    const { source } = resolution;
    const tags = releaseTagCandidates(container.result.tag);
    if (tags.length === 0) throw releaseNotesUnavailable(`the update's tag '${truncate(container.result.tag, 80)}' is not a valid image tag`);
    const provider = this.#providers.get(source.provider);
    if (!provider) throw releaseNotesUnavailable(`no ${source.provider} provider is configured`);

    const release = await this.#lookup(provider, source, tags);
    if (release === NOT_FOUND) throw releaseNotFound(`${source.owner}/${source.repo}`, tags);
    return { ...release, source: source.origin };
  }

  async #lookup(provider: ReleaseProvider, source: ReleaseSource, tags: readonly string[]): Promise<Cached> {
    // GitHub names are case-insensitive; tags are not.
    const key = `${provider.id}:${source.owner.toLowerCase()}/${source.repo.toLowerCase()}@${tags[0]}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const running = this.#pending.get(key);
    if (running) return running;
    const lookup = this.#ask(provider, source, tags).then((result) => {
      this.#cache.set(key, result, result === NOT_FOUND ? this.#notFoundTtlMs : this.#ttlMs);
      return result;
    });
    this.#pending.set(key, lookup);
    try {
      return await lookup;
    } catch (error) {
      if (error instanceof AppError) {
        this.#logger?.warn({ provider: provider.id, repository: `${source.owner}/${source.repo}`, code: error.code }, error.message);
      }
      throw error;
    } finally {
      this.#pending.delete(key);
    }
  }

  /** Failures are not cached: the next ask tries again (the provider itself holds back while rate-limited). */
  async #ask(provider: ReleaseProvider, source: ReleaseSource, tags: readonly string[]): Promise<Cached> {
    for (const tag of tags) {
      const release = await provider.findRelease(source, tag);
      if (release) return release;
    }
    return NOT_FOUND;
  }
}
