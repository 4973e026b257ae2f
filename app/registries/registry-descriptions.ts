import type { RegistryConfig } from '../config/load-config.ts';
import { credentialsFrom, hostOfUrl, PROVIDERS, providerNamed, withoutCredentials, type ProviderDefinition } from './providers.ts';

/** One registry as the API lists it; never any secret, only whether credentials are configured. */
export interface RegistryDescription {
  readonly id: string;
  readonly provider: string;
  readonly name: string;
  /** API base URL; empty for a provider that serves many hosts (e.g. every *.azurecr.io). */
  readonly url: string;
  readonly hosts: string;
  /** Built in (anonymous public access) rather than configured. */
  readonly builtIn: boolean;
  readonly credentials: boolean;
  readonly caFile: boolean;
  readonly insecure: boolean;
  readonly maxRequests: number;
}

export const DEFAULT_MAX_REQUESTS = 1000;

/** The API URL of a provider with one fixed host; empty for providers serving many hosts. */
export function fixedUrl(definition: ProviderDefinition): string {
  return /[,*<]/.test(definition.hosts) ? '' : definition.baseUrl(definition.hosts);
}

export function describeConfigured(config: RegistryConfig): RegistryDescription {
  const definition = providerNamed(config.provider);
  return {
    id: `${config.provider}.${config.name}`,
    provider: config.provider,
    name: config.name,
    url: config.url ? withoutCredentials(config.url) : definition ? fixedUrl(definition) : '',
    hosts: config.url ? hostOfUrl(config.url) : (definition?.hosts ?? ''),
    builtIn: false,
    credentials: credentialsFrom(config, definition) !== undefined || (config.accessKeyId !== undefined && config.secretAccessKey !== undefined),
    caFile: config.cafile !== undefined,
    insecure: config.insecure,
    maxRequests: config.maxRequests,
  };
}

export function describeBuiltIn(definition: ProviderDefinition, maxRequests = DEFAULT_MAX_REQUESTS): RegistryDescription {
  return {
    id: `${definition.provider}.public`,
    provider: definition.provider,
    name: 'public',
    url: fixedUrl(definition),
    hosts: definition.hosts,
    builtIn: true,
    credentials: false,
    caFile: false,
    insecure: false,
    maxRequests,
  };
}

/** Configured registries first (they win for their hosts), then the built-in public ones. */
export function describeRegistries(configs: readonly RegistryConfig[], maxRequests = DEFAULT_MAX_REQUESTS): RegistryDescription[] {
  return [...configs.map(describeConfigured), ...PROVIDERS.map((definition) => describeBuiltIn(definition, maxRequests))];
}
