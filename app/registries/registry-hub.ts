import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import type { RegistryConfig } from '../config/load-config.ts';
import type { ImageInfo } from '../core/container.ts';
import { errorMessage } from '../core/errors.ts';
import { applyTransform, compileTagRules, findNewestTag, parseTag, TagRuleError, type CompiledTagRules } from '../core/tags.ts';
import { decideUpdate, type RemoteDigests } from '../core/update-check.ts';
import type { Logger } from '../log.ts';
import { realSleep, type FetchLike, type Sleep } from './oci/http-port.ts';
import { OciClient, type ClientLimits, type ManifestHead } from './oci/oci-client.ts';
import { RequestBudget } from './oci/request-budget.ts';
import type { RegistryCredentials } from './oci/oci-transport.ts';
import { EcrAuthorizer, ecrRegionOf } from './ecr/ecr-authorizer.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './oci/retry-policy.ts';
import { credentialsFrom, hostOfUrl, isLoopbackHost, providerNamed, PROVIDERS, withoutCredentials } from './providers.ts';
import { describeBuiltIn, describeConfigured, type RegistryDescription } from './registry-descriptions.ts';

export type { RegistryDescription };
import { RegistryError, type CheckOutcome, type CycleCache, type ImageChecker, type TagRules } from './types.ts';

export interface RegistryHubOptions {
  readonly logger: Logger;
  /** Replaces undici's fetch for every registry (tests); custom CA and INSECURE then do not apply. */
  readonly fetch?: FetchLike;
  /** Per-request timeout (default 15 s). */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly sleep?: Sleep;
  readonly now?: () => number;
  /** Requests in flight per registry (default 8). */
  readonly maxConcurrency?: number;
  /** Request budget per cycle for registries without configuration (default 1000). */
  readonly defaultMaxRequests?: number;
  readonly limits?: Partial<ClientLimits>;
  /** Told of every registry HTTP answer, e.g. to count requests by registry and status. */
  readonly onResponse?: (registry: string, status: number | 'error') => void;
}

interface RegistryEntry {
  readonly description: RegistryDescription;
  readonly matches: (host: string) => boolean;
  readonly baseUrl: (host: string) => string;
  readonly config?: RegistryConfig;
  /** undici's fetch with this registry's TLS settings (CAFILE read once, at start-up). */
  readonly fetch?: FetchLike;
}

interface Route {
  readonly entry: RegistryEntry;
  readonly client: OciClient;
}

const MAX_ANONYMOUS_REGISTRIES = 64;
const MAX_CLIENTS = 256;

/**
 * "What is newest for this image?": routes each image to its registry's OCI client (configured
 * ones first, then the built-in public providers, then an anonymous client for any other host),
 * caches tag lists and digests per cycle, keeps each registry within its request budget, and
 * turns the answers into an update decision.
 */
export class RegistryHub implements ImageChecker {
  readonly #options: RegistryHubOptions;
  readonly #configured: RegistryEntry[];
  readonly #builtIn: RegistryEntry[];
  readonly #anonymous = new Map<string, RegistryEntry>();
  /** One client (token cache, concurrency cap) per registry entry and API host. */
  readonly #clients = new Map<string, OciClient>();
  readonly #budgets = new WeakMap<CycleCache, Map<string, RequestBudget>>();

  constructor(configs: readonly RegistryConfig[], options: RegistryHubOptions) {
    this.#options = options;
    this.#configured = configs.map((config) => this.#configuredEntry(config));
    this.#builtIn = PROVIDERS.map((definition) => ({
      description: describeBuiltIn(definition, options.defaultMaxRequests),
      matches: definition.matches,
      baseUrl: (host: string) => definition.baseUrl(host),
    }));
  }

  newCycle(): CycleCache {
    const entries = new Map<string, Promise<unknown>>();
    return {
      get: <T>(key: string) => entries.get(key) as Promise<T> | undefined,
      set: <T>(key: string, value: Promise<T>) => void entries.set(key, value),
    };
  }

  /** Requests made in a cycle, by registry id (for logs and benchmarks). */
  requestsUsed(cycle: CycleCache): Record<string, number> {
    return Object.fromEntries([...(this.#budgets.get(cycle) ?? new Map<string, RequestBudget>())].map(([id, budget]) => [id, budget.used]));
  }

  listRegistries(): RegistryDescription[] {
    return [...this.#configured, ...this.#builtIn].map((entry) => entry.description);
  }

  describeRegistry(registryHost: string): { name: string; url: string } {
    const entry = this.#entryForHost(registryHost);
    return { name: entry.description.id, url: entry.baseUrl(registryHost) };
  }

  async check(image: ImageInfo, rules: TagRules, cycle: CycleCache): Promise<CheckOutcome> {
    try {
      return await this.#check(image, rules, cycle);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      if (error instanceof TagRuleError) throw new RegistryError(error.code, error.message);
      throw new RegistryError('REGISTRY_BAD_RESPONSE', `registry check of ${image.name} failed: ${errorMessage(error)}`);
    }
  }

  async #check(image: ImageInfo, rules: TagRules, cycle: CycleCache): Promise<CheckOutcome> {
    const { entry, client } = this.#route(image);
    const compiled: CompiledTagRules = compileTagRules({ include: rules.includeTags, exclude: rules.excludeTags, transform: rules.transformTags });
    const context = { repository: image.name, budget: this.#budget(cycle, entry) };
    const tag = image.tag.value;
    const prefix = `${entry.description.id}|${client.baseUrl}|${image.name}`;
    const versioned = parseTag(applyTransform(tag, compiled.transform)) !== null;
    const tags = versioned ? await cached(cycle, `tags|${prefix}`, () => client.listTags(context)) : undefined;
    const localDigests = image.digest.repoDigests.map((digest) => digest.slice(digest.lastIndexOf('@') + 1));
    let remote: RemoteDigests | undefined;
    // A newer tag wins over a digest change, so the digest is only asked for when no tag is newer.
    if (image.digest.watch && !(tags && findNewestTag(tag, tags, compiled))) {
      const head = await cached<ManifestHead>(cycle, `head|${prefix}|${tag}`, () => client.headManifest(context, tag));
      remote = { top: head.digest };
      if (head.index && !localDigests.includes(head.digest)) {
        const platform = { os: image.os, architecture: image.architecture, ...(image.variant ? { variant: image.variant } : {}) };
        const key = `platform|${prefix}|${head.digest}|${platform.os}/${platform.architecture}/${platform.variant ?? ''}`;
        remote = { top: head.digest, platform: await cached(cycle, key, () => client.resolvePlatform(context, head.digest, platform, head.body)) };
      }
    }
    return decideUpdate({
      currentTag: tag,
      ...(tags ? { tags } : {}),
      rules: compiled,
      digestWatch: image.digest.watch,
      localDigests,
      ...(remote ? { remote } : {}),
      ...(rules.linkTemplate ? { linkTemplate: rules.linkTemplate } : {}),
    });
  }

  #budget(cycle: CycleCache, entry: RegistryEntry): RequestBudget {
    let budgets = this.#budgets.get(cycle);
    if (!budgets) {
      budgets = new Map();
      this.#budgets.set(cycle, budgets);
    }
    let budget = budgets.get(entry.description.id);
    if (!budget) {
      budget = new RequestBudget(entry.description.maxRequests);
      budgets.set(entry.description.id, budget);
    }
    return budget;
  }

  /** Routes by the API host of image.registry.url (as describeRegistry gave it). */
  #route(image: ImageInfo): Route {
    let host: string;
    try {
      host = hostOfUrl(image.registry.url);
    } catch {
      throw new RegistryError('REGISTRY_UNKNOWN', `no registry is known for ${image.name} (registry '${image.registry.name.slice(0, 80)}')`);
    }
    const byName = [...this.#configured, ...this.#builtIn].find((entry) => entry.description.id === image.registry.name);
    // registry-1.docker.io is the API host of docker.io: map it back to the image host.
    const entry = byName && byName.baseUrl(host) === image.registry.url ? byName : this.#entryForHost(host === 'registry-1.docker.io' ? 'docker.io' : host);
    const baseUrl = entry.baseUrl(host);
    const key = `${entry.description.id}|${baseUrl}`;
    let client = this.#clients.get(key);
    if (!client) {
      if (this.#clients.size >= MAX_CLIENTS) {
        const oldest = this.#clients.keys().next().value;
        if (oldest !== undefined) this.#clients.delete(oldest);
      }
      client = this.#client(entry, baseUrl);
      this.#clients.set(key, client);
    }
    return { entry, client };
  }

  #entryForHost(host: string): RegistryEntry {
    const known = this.#configured.find((entry) => entry.matches(host)) ?? this.#builtIn.find((entry) => entry.matches(host));
    if (known) return known;
    let anonymous = this.#anonymous.get(host);
    if (!anonymous) {
      if (this.#anonymous.size >= MAX_ANONYMOUS_REGISTRIES) {
        const oldest = this.#anonymous.keys().next().value;
        if (oldest !== undefined) this.#anonymous.delete(oldest);
      }
      const url = `${isLoopbackHost(host) ? 'http' : 'https'}://${host}`;
      const description = { ...describeBuiltIn({ provider: 'custom', hosts: host, matches: () => true, baseUrl: () => url }, this.#options.defaultMaxRequests), id: host, name: host };
      anonymous = { description, matches: (h) => h === host, baseUrl: () => url };
      this.#anonymous.set(host, anonymous);
    }
    return anonymous;
  }

  #configuredEntry(config: RegistryConfig): RegistryEntry {
    const definition = providerNamed(config.provider);
    const url = config.url ? withoutCredentials(config.url) : undefined;
    const configuredHost = url ? hostOfUrl(url) : undefined;
    return {
      description: describeConfigured(config),
      matches: configuredHost ? (host) => host === configuredHost : (host) => definition?.matches(host) ?? false,
      baseUrl: (host) => url ?? definition?.baseUrl(host) ?? `https://${host}`,
      config,
      ...(this.#options.fetch ? {} : { fetch: undiciFetchFor(config) }),
    };
  }

  /** Configured credentials; ECR access keys become an on-demand token for the image's region. */
  #credentials(entry: RegistryEntry, baseUrl: string): RegistryCredentials | undefined {
    const config = entry.config;
    if (!config) return undefined;
    const fixed = credentialsFrom(config, providerNamed(config.provider));
    if (fixed || config.provider !== 'ecr' || !config.accessKeyId || !config.secretAccessKey) return fixed;
    const region = config.region ?? ecrRegionOf(hostOfUrl(baseUrl));
    if (!region) throw new RegistryError('REGISTRY_AUTH', `registry ${entry.description.id}: set REGION to use ECR access keys`);
    const authorizer = new EcrAuthorizer({
      registryName: entry.description.id,
      region,
      keys: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      fetch: this.#options.fetch ?? entry.fetch ?? plainFetch,
      now: this.#options.now ?? Date.now,
      timeoutMs: this.#options.timeoutMs ?? 15_000,
    });
    return { basicProvider: () => authorizer.credentials() };
  }

  #client(entry: RegistryEntry, baseUrl: string): OciClient {
    const options = this.#options;
    const credentials = entry.config ? this.#credentials(entry, baseUrl) : undefined;
    return new OciClient({
      name: entry.description.id,
      baseUrl,
      ...(credentials ? { credentials } : {}),
      fetch: options.fetch ?? entry.fetch ?? plainFetch,
      timeoutMs: options.timeoutMs ?? 15_000,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      sleep: options.sleep ?? realSleep,
      now: options.now ?? Date.now,
      maxConcurrency: options.maxConcurrency ?? 8,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.onResponse ? { onResponse: options.onResponse } : {}),
    });
  }
}

/** Shares one promise per key within a cycle, so concurrent containers of a repository ask once. */
function cached<T>(cycle: CycleCache, key: string, load: () => Promise<T>): Promise<T> {
  const existing = cycle.get<T>(key);
  if (existing) return existing;
  const pending = load();
  cycle.set(key, pending);
  // The first caller awaits it; a cached rejection must not count as unhandled.
  pending.catch(() => undefined);
  return pending;
}

const plainFetch = undiciFetchFor(undefined);

/** undici's fetch, with a dispatcher for a private CA or INSECURE when configured. */
function undiciFetchFor(config: RegistryConfig | undefined): FetchLike {
  let dispatcher: Agent | undefined;
  if (config?.cafile || config?.insecure) {
    dispatcher = new Agent({
      connect: {
        ...(config.cafile ? { ca: readCaFile(config) } : {}),
        ...(config.insecure ? { rejectUnauthorized: false } : {}),
      },
    });
  }
  return async (url, init) => {
    const response = await undiciFetch(url, { ...init, ...(dispatcher ? { dispatcher } : {}) });
    return response as unknown as Awaited<ReturnType<FetchLike>>;
  };
}

function readCaFile(config: RegistryConfig): string {
  try {
    return readFileSync(config.cafile ?? '', 'utf8');
  } catch (error) {
    throw new Error(`DD_REGISTRY_${config.provider.toUpperCase()}_${config.name.toUpperCase()}_CAFILE: cannot read ${config.cafile}: ${errorMessage(error)}`);
  }
}
