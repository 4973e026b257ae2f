import { HASH_FORMATS, isSupportedHash } from '../auth/password-hash.ts';
import { ConfigError } from './config-error.ts';
import { authBasicSettings, authOidcSettings, collectGroups, parseGroup, type RawGroup } from './groups.ts';

export interface BasicUserConfig {
  readonly name: string;
  readonly user: string;
  readonly hash: string;
}

export interface OidcProviderConfig {
  /** The {NAME} of DD_AUTH_OIDC_{NAME}_*, lower-cased; it is also the path segment of its endpoints. */
  readonly name: string;
  readonly discovery: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  /** Explicit callback URL; without it the callback is derived from DD_SERVER_PUBLICURL or the request. */
  readonly callbackUrl?: string;
  readonly autoRedirect: boolean;
  readonly scope: string;
  readonly timeoutMs: number;
  readonly userClaim: string;
  readonly groupClaim: string;
  /** Lower-cased; empty: no restriction by user. */
  readonly allowUsers: readonly string[];
  readonly allowGroups: readonly string[];
}

export interface AuthConfig {
  readonly basic: readonly BasicUserConfig[];
  readonly oidc: readonly OidcProviderConfig[];
  readonly session: { readonly secret?: string; readonly timeoutHours: number };
}

/** The path of a provider's callback, below the public URL of dockdeck. */
export const oidcCallbackPath = (name: string) => `/api/v1/auth/oidc/${name}/cb`;

const BOOLEAN_WORDS = new Map([['true', true], ['1', true], ['yes', true], ['on', true], ['false', false], ['0', false], ['no', false], ['off', false]]);

/** DD_AUTH_BASIC_{NAME}_* and DD_AUTH_OIDC_{NAME}_*; any other DD_AUTH_ type is reported and ignored. */
export function loadAuthConfig(
  raw: Map<string, string>,
  session: AuthConfig['session'],
  warnings: string[],
): AuthConfig {
  const groups = collectGroups(raw, 'AUTH', true);
  for (const group of groups.filter((g) => !g.name.startsWith('basic.') && !g.name.startsWith('oidc.'))) {
    warnings.push(`${group.prefix}* is ignored: authentication types are BASIC and OIDC`);
  }
  const basic = groups.filter((group) => group.name.startsWith('basic.')).map((group) => loadBasicUser(group, warnings));
  const oidc = groups.filter((group) => group.name.startsWith('oidc.')).map((group) => loadOidcProvider(group, warnings));
  return { basic, oidc, session };
}

function loadBasicUser(group: RawGroup, warnings: string[]): BasicUserConfig {
  const { values, unknownKeys } = parseGroup(group, authBasicSettings);
  warnings.push(...unknownKeys.map((v) => `Unknown variable ${v} is ignored`));
  if (!values.user || !values.hash) {
    throw new ConfigError(`${group.prefix}${values.user ? 'HASH' : 'USER'}`, 'is missing', 'both USER and HASH');
  }
  if (!isSupportedHash(values.hash)) {
    throw new ConfigError(`${group.prefix}HASH`, 'is not a supported password hash', HASH_FORMATS);
  }
  return { name: nameOf(group), user: values.user, hash: values.hash };
}

function loadOidcProvider(group: RawGroup, warnings: string[]): OidcProviderConfig {
  const { values, unknownKeys } = parseGroup(group, authOidcSettings);
  warnings.push(...unknownKeys.map((v) => `Unknown variable ${v} is ignored`));
  const name = nameOf(group);
  if (!values.discovery) throw new ConfigError(`${group.prefix}DISCOVERY`, 'is missing', 'the issuer URL of the OpenID provider');
  if (!values.clientid) throw new ConfigError(`${group.prefix}CLIENTID`, 'is missing', 'the client id registered at the provider');
  const scope = values.scope ?? 'openid profile email';
  if (!scope.split(/\s+/).includes('openid')) {
    throw new ConfigError(`${group.prefix}SCOPE`, `'${scope.slice(0, 60)}' does not include openid`, 'space-separated scopes including openid');
  }
  const redirect = parseRedirect(`${group.prefix}REDIRECT`, name, values.redirect);
  const discovery = new URL(values.discovery);
  if (discovery.protocol === 'http:' && !isLoopback(discovery.hostname)) {
    warnings.push(`${group.prefix}DISCOVERY uses plain http to a non-loopback host: the provider's answers can be read and changed on the way`);
  }
  return {
    name,
    discovery: values.discovery,
    clientId: values.clientid,
    ...(values.clientsecret ? { clientSecret: values.clientsecret } : {}),
    ...(redirect.callbackUrl ? { callbackUrl: redirect.callbackUrl } : {}),
    // AUTOREDIRECT wins when set; REDIRECT=true|false is the What's Up Docker spelling of it.
    autoRedirect: (group.values.get('autoredirect') ? values.autoredirect : redirect.autoRedirect) ?? false,
    scope,
    timeoutMs: values.timeout ?? 5000,
    userClaim: values.userclaim ?? 'preferred_username',
    groupClaim: values.groupclaim ?? 'groups',
    allowUsers: (values.allowusers ?? []).map((user) => user.toLowerCase()),
    allowGroups: values.allowgroups ?? [],
  };
}

/** A URL is the callback; a boolean word is What's Up Docker's REDIRECT, i.e. AUTOREDIRECT. */
function parseRedirect(variable: string, name: string, value: string | undefined): { callbackUrl?: string; autoRedirect?: boolean } {
  if (value === undefined) return {};
  const word = BOOLEAN_WORDS.get(value.toLowerCase());
  if (word !== undefined) return { autoRedirect: word };
  const expected = `an http:// or https:// URL ending in ${oidcCallbackPath(name)} (or true/false)`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(variable, `'${value.slice(0, 60)}' is not valid`, expected);
  }
  const pathOk = url.pathname.replace(/\/+$/, '').toLowerCase().endsWith(oidcCallbackPath(name));
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash || !pathOk) {
    throw new ConfigError(variable, `'${value.slice(0, 60)}' is not valid`, expected);
  }
  return { callbackUrl: url.href };
}

function nameOf(group: RawGroup): string {
  return group.name.split('.')[1] ?? '';
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}
