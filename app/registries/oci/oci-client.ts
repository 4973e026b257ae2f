import { createHash } from 'node:crypto';
import { RegistryError } from '../types.ts';
import { selectPlatformManifest, type Platform } from './platform.ts';
import {
  DIGEST_PATTERN,
  indexSchema,
  isIndexMediaType,
  MANIFEST_ACCEPT,
  tagListSchema,
  validTags,
} from './schemas.ts';
import { OciTransport, parseJsonSafely, type Exchange, type RequestContext, type TransportOptions } from './oci-transport.ts';

export interface ClientLimits {
  readonly maxManifestBytes: number;
  readonly maxTagPageBytes: number;
  readonly maxTags: number;
  readonly maxTagPages: number;
  readonly tagPageSize: number;
  readonly maxIndexDepth: number;
}

export const DEFAULT_LIMITS: ClientLimits = {
  maxManifestBytes: 4 * 1024 * 1024,
  maxTagPageBytes: 8 * 1024 * 1024,
  maxTags: 20_000,
  maxTagPages: 50,
  tagPageSize: 1000,
  maxIndexDepth: 2,
};

export interface OciClientOptions extends TransportOptions {
  /** Base URL of the distribution API, without `/v2`, e.g. `https://registry-1.docker.io`. */
  readonly baseUrl: string;
  readonly limits?: Partial<ClientLimits>;
}

export interface ManifestHead {
  readonly digest: string;
  /** True for a manifest list / OCI index. */
  readonly index: boolean;
  /** The body, when it had to be fetched anyway. */
  readonly body?: Buffer;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*){0,9}$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** The OCI distribution API client every provider shares: tag lists and manifest digests. */
export class OciClient {
  readonly name: string;
  readonly baseUrl: string;
  readonly #transport: OciTransport;
  readonly #limits: ClientLimits;
  readonly #origin: string;

  constructor(options: OciClientOptions) {
    this.name = options.name;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#origin = new URL(this.baseUrl).origin;
    this.#transport = new OciTransport(options);
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** Every tag of a repository, following `Link` pages; bounded in pages and count. */
  async listTags(context: RequestContext): Promise<string[]> {
    this.#checkRepository(context);
    const tags: string[] = [];
    let url: string | undefined = `${this.baseUrl}/v2/${context.repository}/tags/list?n=${this.#limits.tagPageSize}`;
    for (let page = 1; url; page++) {
      if (page > this.#limits.maxTagPages) {
        throw this.#bad(context, `the tag list has more than ${this.#limits.maxTagPages} pages`);
      }
      const answer: Exchange = await this.#firstPageTolerant(context, url, page);
      const parsed = tagListSchema.safeParse(parseJsonSafely(answer.body));
      if (!parsed.success) throw this.#bad(context, 'the tag list is not valid JSON of the expected shape');
      tags.push(...validTags(parsed.data.tags ?? []));
      if (tags.length > this.#limits.maxTags) throw this.#bad(context, `the repository has more than ${this.#limits.maxTags} tags`);
      url = this.#nextPage(context, answer.headers.get('link'), url);
    }
    return [...new Set(tags)];
  }

  /** Some registries refuse a page size they do not support (HTTP 400): ask once more without it. */
  async #firstPageTolerant(context: RequestContext, url: string, page: number): Promise<Exchange> {
    const get = (target: string) => this.#transport.request(context, 'GET', target, 'application/json', this.#limits.maxTagPageBytes, 'tag list');
    try {
      return await get(url);
    } catch (error) {
      if (page !== 1 || !(error instanceof RegistryError) || error.status !== 400) throw error;
      return get(url.split('?')[0] ?? url);
    }
  }

  /** What a tag points at: its digest (HEAD where possible), and whether it is an index. */
  async headManifest(context: RequestContext, tag: string): Promise<ManifestHead> {
    this.#checkRepository(context);
    if (!TAG.test(tag)) throw this.#bad(context, `'${tag.slice(0, 40)}' is not a valid tag`);
    const url = `${this.baseUrl}/v2/${context.repository}/manifests/${tag}`;
    const head = await this.#transport.request(context, 'HEAD', url, MANIFEST_ACCEPT, 0, `manifest of tag ${tag}`);
    const digest = head.headers.get('docker-content-digest')?.trim();
    const contentType = head.headers.get('content-type');
    if (digest && DIGEST_PATTERN.test(digest) && contentType) return { digest, index: isIndexMediaType(contentType) };
    // Some registries answer HEAD without the digest or type: fall back to GET and hash the body.
    const answer = await this.#transport.request(context, 'GET', url, MANIFEST_ACCEPT, this.#limits.maxManifestBytes, `manifest of tag ${tag}`);
    const type = answer.headers.get('content-type') ?? mediaTypeOf(answer.body);
    return { digest: sha256(answer.body), index: isIndexMediaType(type), body: answer.body };
  }

  /** The platform's manifest digest inside an index (nested indexes followed, bounded). */
  async resolvePlatform(context: RequestContext, indexDigest: string, platform: Platform, body?: Buffer): Promise<string> {
    this.#checkRepository(context);
    return this.#resolveIndex(context, indexDigest, body, platform, 1);
  }

  async #resolveIndex(context: RequestContext, digest: string, knownBody: Buffer | undefined, platform: Platform, depth: number): Promise<string> {
    let body = knownBody;
    if (!body) {
      const url = `${this.baseUrl}/v2/${context.repository}/manifests/${digest}`;
      body = (await this.#transport.request(context, 'GET', url, MANIFEST_ACCEPT, this.#limits.maxManifestBytes, 'image index')).body;
      if (sha256(body) !== digest) throw this.#bad(context, `the index does not match its digest ${digest}`);
    }
    const parsed = indexSchema.safeParse(parseJsonSafely(body));
    if (!parsed.success) throw this.#bad(context, 'the image index is not valid JSON of the expected shape');
    const entry = selectPlatformManifest(parsed.data.manifests, platform);
    if (!entry) {
      const wanted = [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
      throw new RegistryError('REGISTRY_NOT_FOUND', `registry ${this.name}, repository ${context.repository}: no image for platform ${wanted} in the index`);
    }
    if (!isIndexMediaType(entry.mediaType)) return entry.digest;
    if (depth >= this.#limits.maxIndexDepth) throw this.#bad(context, `image indexes are nested deeper than ${this.#limits.maxIndexDepth}`);
    return this.#resolveIndex(context, entry.digest, undefined, platform, depth + 1);
  }

  /** The `rel="next"` target of a Link header, on the same origin and under /v2/ only. */
  #nextPage(context: RequestContext, link: string | null, current: string): string | undefined {
    if (!link) return undefined;
    if (link.length > 4096) throw this.#bad(context, 'the Link header is too long');
    const match = /<([^>]{1,2048})>\s*;[^,]*rel="?next"?/i.exec(link);
    if (!match?.[1]) return undefined;
    let next: URL;
    try {
      next = new URL(match[1], current);
    } catch {
      throw this.#bad(context, 'the Link header is not a URL');
    }
    if (next.origin !== this.#origin || !next.pathname.startsWith('/v2/')) {
      throw this.#bad(context, 'the next page link points outside the registry');
    }
    return next.toString();
  }

  #checkRepository(context: RequestContext): void {
    if (!REPOSITORY.test(context.repository) || context.repository.length > 255) {
      throw new RegistryError('REGISTRY_BAD_REQUEST', `registry ${this.name}: '${context.repository.slice(0, 80)}' is not a valid repository name`);
    }
  }

  #bad(context: RequestContext, detail: string): RegistryError {
    return new RegistryError('REGISTRY_BAD_RESPONSE', `registry ${this.name}, repository ${context.repository}: ${detail}`);
  }
}

function sha256(body: Buffer): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

function mediaTypeOf(body: Buffer): string | null {
  const parsed = parseJsonSafely(body) as { mediaType?: unknown; manifests?: unknown } | undefined;
  if (parsed && typeof parsed.mediaType === 'string') return parsed.mediaType;
  if (parsed && Array.isArray(parsed.manifests)) return 'application/vnd.oci.image.index.v1+json';
  return null;
}
