/**
 * Release notes: where a container's source lives, and what its forge says about a release.
 * Only GitHub today; a GitLab provider adds a member to ReleaseSource and one ReleaseProvider.
 */

export type ReleaseProviderId = 'github';

/** How the repository was found, strongest first. */
export type SourceOrigin = 'dd.release.repo' | 'org.opencontainers.image.source' | 'image-name';

/** A repository on a forge, validated against the forge's name rules (safe to put in a URL path). */
export interface ReleaseSource {
  readonly provider: ReleaseProviderId;
  readonly owner: string;
  readonly repo: string;
  readonly origin: SourceOrigin;
}

/** One release as the API returns it; every text is plain, bounded text (never HTML). */
export interface ReleaseNotes {
  readonly provider: ReleaseProviderId;
  /** owner/repo */
  readonly repository: string;
  /** The release's tag on the forge (may differ from the image tag by a leading v). */
  readonly tag: string;
  readonly name: string;
  readonly body: string;
  /** True when the body was cut to the size limit. */
  readonly truncated: boolean;
  /** The release page (http or https only). */
  readonly url: string;
  readonly publishedAt: string | null;
  readonly prerelease: boolean;
  readonly source: SourceOrigin;
}

/** The forge's answer for one exact tag, before it is tied to a container. */
export type ProviderRelease = Omit<ReleaseNotes, 'source'>;

/** One forge. `findRelease` answers null when the forge has no release with exactly that tag. */
export interface ReleaseProvider {
  readonly id: ReleaseProviderId;
  findRelease(source: ReleaseSource, tag: string, signal?: AbortSignal): Promise<ProviderRelease | null>;
}

/** The slice of fetch a provider uses: undici's fetch in production, a fake in unit tests. */
export interface ReleaseFetchInit {
  readonly method: 'GET';
  readonly headers: Record<string, string>;
  readonly signal: AbortSignal;
  readonly redirect: 'manual';
}

export interface ReleaseFetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: AsyncIterable<Uint8Array> | null;
}

export type ReleaseFetch = (url: string, init: ReleaseFetchInit) => Promise<ReleaseFetchResponse>;
