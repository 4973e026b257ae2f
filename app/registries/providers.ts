import type { RegistryConfig } from '../config/load-config.ts';
import type { RegistryCredentials } from './oci/oci-transport.ts';

/**
 * The thin providers: which hosts each serves, where its distribution API lives, and how a
 * configured TOKEN becomes credentials. Everything else (auth challenge, tokens, retries, tags,
 * manifests) is the shared OCI client.
 */
export interface ProviderDefinition {
  readonly provider: string;
  /** A short description of the hosts, for the registries listing. */
  readonly hosts: string;
  readonly matches: (host: string) => boolean;
  /** The API base URL for an image host. */
  readonly baseUrl: (host: string) => string;
  /** User name sent with a TOKEN when no LOGIN is configured (Basic to the token service). */
  readonly tokenLogin?: string;
}

const ECR_HOST = /^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]{1,32}\.amazonaws\.com(?:\.cn)?$/;

export const PROVIDERS: readonly ProviderDefinition[] = [
  {
    provider: 'hub',
    hosts: 'docker.io',
    matches: (host) => host === 'docker.io' || host === 'registry-1.docker.io' || host === 'index.docker.io',
    baseUrl: () => 'https://registry-1.docker.io',
  },
  { provider: 'ghcr', hosts: 'ghcr.io', matches: (host) => host === 'ghcr.io', baseUrl: () => 'https://ghcr.io', tokenLogin: 'token' },
  {
    provider: 'gitlab',
    hosts: 'registry.gitlab.com',
    matches: (host) => host === 'registry.gitlab.com',
    baseUrl: () => 'https://registry.gitlab.com',
    tokenLogin: 'oauth2',
  },
  { provider: 'quay', hosts: 'quay.io', matches: (host) => host === 'quay.io', baseUrl: () => 'https://quay.io', tokenLogin: '$oauthtoken' },
  // lscr.io redirects to ghcr.io, and a redirect would drop the Authorization header: go straight there.
  { provider: 'lscr', hosts: 'lscr.io', matches: (host) => host === 'lscr.io', baseUrl: () => 'https://ghcr.io', tokenLogin: 'token' },
  {
    provider: 'ecr',
    hosts: '<account>.dkr.ecr.<region>.amazonaws.com, public.ecr.aws',
    matches: (host) => ECR_HOST.test(host) || host === 'public.ecr.aws',
    baseUrl: (host) => `https://${host}`,
    tokenLogin: 'AWS',
  },
  {
    provider: 'gcr',
    hosts: 'gcr.io, *.gcr.io, *-docker.pkg.dev',
    matches: (host) => host === 'gcr.io' || /^[a-z0-9-]{1,63}\.gcr\.io$/.test(host) || /^[a-z0-9-]{1,63}-docker\.pkg\.dev$/.test(host),
    baseUrl: (host) => `https://${host}`,
    tokenLogin: 'oauth2accesstoken',
  },
  {
    provider: 'acr',
    hosts: '*.azurecr.io',
    matches: (host) => /^[a-z0-9-]{1,63}\.azurecr\.io$/.test(host),
    baseUrl: (host) => `https://${host}`,
    tokenLogin: '00000000-0000-0000-0000-000000000000',
  },
];

export function providerFor(host: string): ProviderDefinition | undefined {
  return PROVIDERS.find((definition) => definition.matches(host));
}

export function providerNamed(provider: string): ProviderDefinition | undefined {
  return PROVIDERS.find((definition) => definition.provider === provider);
}

/** Loopback registries speak plain HTTP by default, as the Docker engine allows for 127.0.0.0/8. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** A configured URL as shown and requested: user:password written into it is dropped (never shown, never sent). */
export function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password) return url;
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/+$/, '');
}

/** The image host a registry URL stands for (`host[:port]`). */
export function hostOfUrl(url: string): string {
  return new URL(url).host;
}

/**
 * Credentials from configuration: LOGIN with PASSWORD (or TOKEN as the password); a TOKEN alone
 * is sent with the provider's token login, or, for custom registries, as a static Bearer token.
 */
export function credentialsFrom(config: RegistryConfig, definition: ProviderDefinition | undefined): RegistryCredentials | undefined {
  const secret = config.password ?? config.token;
  if (config.login && secret) return { basic: { username: config.login, password: secret } };
  if (config.token) {
    if (definition?.tokenLogin) return { basic: { username: definition.tokenLogin, password: config.token } };
    return { bearer: config.token };
  }
  return undefined;
}
