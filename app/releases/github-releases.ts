import { z } from 'zod';
import { AppError, truncate } from '../core/errors.ts';
import { BodyTooLargeError, discardBody, readBoundedBody } from '../registries/oci/bounded-body.ts';
import { exhaustedWait, rateLimitWait } from './github-rate-limit.ts';
import { releaseRateLimited, releaseUpstreamError } from './release-errors.ts';
import type { ProviderRelease, ReleaseFetch, ReleaseFetchResponse, ReleaseProvider, ReleaseSource } from './types.ts';

export interface GitHubReleasesOptions {
  /** REST API base, e.g. https://api.github.com (no trailing slash). */
  readonly apiUrl: string;
  /** Sent as a Bearer token; never logged or returned. */
  readonly token?: string;
  readonly fetch: ReleaseFetch;
  readonly timeoutMs?: number;
  /** The whole JSON answer (a release lists its assets too); larger is an upstream error. */
  readonly maxResponseBytes?: number;
  /** The release text kept; longer is cut and flagged `truncated`. */
  readonly maxBodyBytes?: number;
  readonly now?: () => number;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
const MAX_REDIRECTS = 3;
const MAX_NAME = 256;

/** The fields read from GitHub's release object; everything else in it is ignored. */
const releaseSchema = z.object({
  tag_name: z.string().min(1).max(256),
  name: z.string().nullish(),
  body: z.string().nullish(),
  html_url: z.string().max(2048).nullish(),
  published_at: z.string().max(64).nullish(),
  prerelease: z.boolean().nullish(),
});

/**
 * GitHub's REST API: `GET /repos/{owner}/{repo}/releases/tags/{tag}`. Once GitHub says the rate
 * limit is used up, no request goes out until the reset it gave; callers get a 503 until then.
 */
export class GitHubReleases implements ReleaseProvider {
  readonly id = 'github' as const;
  readonly #options: GitHubReleasesOptions;
  readonly #origin: string;
  readonly #now: () => number;
  #blockedUntil = 0;

  constructor(options: GitHubReleasesOptions) {
    this.#options = options;
    this.#origin = new URL(options.apiUrl).origin;
    this.#now = options.now ?? Date.now;
  }

  /** Epoch ms until which no request is sent (0 when not limited). */
  get blockedUntil(): number {
    return this.#blockedUntil;
  }

  async findRelease(source: ReleaseSource, tag: string, signal?: AbortSignal): Promise<ProviderRelease | null> {
    this.#refuseWhileLimited();
    const repository = `${source.owner}/${source.repo}`;
    const path = `/repos/${encodeURIComponent(source.owner)}/${encodeURIComponent(source.repo)}/releases/tags/${encodeURIComponent(tag)}`;
    const timeoutMs = this.#options.timeoutMs ?? 10_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const response = await this.#get(`${this.#options.apiUrl.replace(/\/+$/, '')}${path}`, combined);
      return await this.#readRelease(response, source, repository);
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (timeout.aborted) throw releaseUpstreamError(`GitHub did not answer within ${timeoutMs / 1000} s (${repository})`);
      if (signal?.aborted) throw error;
      const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      throw releaseUpstreamError(`GitHub cannot be reached (${repository}): ${truncate(cause, 200)}`);
    }
  }

  #refuseWhileLimited(): void {
    const waitMs = this.#blockedUntil - this.#now();
    if (waitMs > 0) throw releaseRateLimited('GitHub', Math.ceil(waitMs / 1000));
  }

  /** One GET; redirects (a renamed repository) are followed only within the API's own origin, token and all. */
  async #get(url: string, signal: AbortSignal): Promise<ReleaseFetchResponse> {
    const headers: Record<string, string> = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'dockdeck',
      ...(this.#options.token ? { authorization: `Bearer ${this.#options.token}` } : {}),
    };
    let target = url;
    for (let hop = 0; ; hop++) {
      const response = await this.#options.fetch(target, { method: 'GET', headers, signal, redirect: 'manual' });
      if (![301, 302, 307, 308].includes(response.status)) return response;
      await discardBody(response.body);
      const location = response.headers.get('location');
      const next = location ? safeUrl(location, target) : undefined;
      if (!next || next.origin !== this.#origin || hop >= MAX_REDIRECTS) {
        throw releaseUpstreamError(`GitHub answered a redirect dockdeck does not follow (${response.status})`);
      }
      target = next.href;
    }
  }

  async #readRelease(response: ReleaseFetchResponse, source: ReleaseSource, repository: string): Promise<ProviderRelease | null> {
    const now = this.#now();
    const limitedFor = rateLimitWait(response.status, response.headers, now);
    if (limitedFor !== undefined) {
      await discardBody(response.body);
      this.#blockedUntil = now + limitedFor;
      throw releaseRateLimited('GitHub', Math.ceil(limitedFor / 1000));
    }
    // The last request of the window succeeded: the next would fail, so do not send it.
    const exhaustedFor = exhaustedWait(response.headers, now);
    if (exhaustedFor !== undefined) this.#blockedUntil = now + exhaustedFor;
    if (response.status === 404) {
      await discardBody(response.body);
      return null;
    }
    if (response.status !== 200) {
      await discardBody(response.body);
      const hint = response.status === 401 ? ' (the token DD_RELEASENOTES_GITHUB_TOKEN was refused)' : '';
      throw releaseUpstreamError(`GitHub answered ${response.status} for ${repository}${hint}`);
    }
    const maxResponse = this.#options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    let raw: Buffer;
    try {
      raw = await readBoundedBody(response.body, maxResponse);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw releaseUpstreamError(`GitHub's answer for ${repository} is larger than ${maxResponse} bytes`);
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw releaseUpstreamError(`GitHub's answer for ${repository} is not JSON`);
    }
    const parsed = releaseSchema.safeParse(json);
    if (!parsed.success) throw releaseUpstreamError(`GitHub's answer for ${repository} is not a release`);
    const release = parsed.data;
    const { text: body, truncated } = cutUtf8((release.body ?? '').replace(/\r\n?/g, '\n'), this.#options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    return {
      provider: 'github',
      repository,
      tag: release.tag_name,
      name: truncate(release.name?.trim() || release.tag_name, MAX_NAME),
      body,
      truncated,
      url: webUrl(release.html_url, source, release.tag_name),
      publishedAt: isoDate(release.published_at),
      prerelease: release.prerelease ?? false,
    };
  }
}

/** At most `maxBytes` of UTF-8, never ending in half a character. */
export function cutUtf8(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/** GitHub's page for the release when it gave a plain http(s) URL; otherwise the usual github.com address. */
function webUrl(htmlUrl: string | null | undefined, source: ReleaseSource, tag: string): string {
  const given = htmlUrl ? safeUrl(htmlUrl) : undefined;
  if (given && (given.protocol === 'https:' || given.protocol === 'http:') && !given.username && !given.password) return given.href;
  return `https://github.com/${source.owner}/${source.repo}/releases/tag/${encodeURIComponent(tag)}`;
}

function isoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function safeUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}
