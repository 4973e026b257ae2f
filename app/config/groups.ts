import { ConfigError } from './config-error.ts';
import {
  booleanSetting,
  integerSetting,
  labelFilterSetting,
  stringSetting,
  enumSetting,
  exactUrlSetting,
  listSetting,
  parseTable,
  urlSetting,
  type Setting,
  type SettingTable,
} from './setting.ts';
import { z } from 'zod';

/** A group of variables sharing a prefix, e.g. DD_WATCHER_{NAME}_{KEY}. */
export interface RawGroup {
  readonly kind: string;
  readonly name: string;
  readonly prefix: string;
  readonly values: Map<string, string>;
}

const NAME_PATTERN = /^[A-Z0-9-]{1,64}$/;

/**
 * Collects `DD_{KIND}_{[TYPE_]NAME}_{KEY}` variables into groups. Names are one segment
 * (letters, digits, dashes), keys are the rest, lower-cased.
 */
export function collectGroups(env: Map<string, string>, kind: string, typed: boolean): RawGroup[] {
  const start = `DD_${kind}_`;
  const groups = new Map<string, RawGroup>();
  for (const [variable, value] of env) {
    if (!variable.startsWith(start)) continue;
    const parts = variable.slice(start.length).split('_');
    const headLength = typed ? 2 : 1;
    if (parts.length <= headLength) {
      throw new ConfigError(variable, 'is incomplete', `${start}${typed ? '{TYPE}_' : ''}{NAME}_{KEY}`);
    }
    const head = parts.slice(0, headLength);
    for (const segment of head) {
      if (!NAME_PATTERN.test(segment)) {
        throw new ConfigError(variable, `'${segment}' is not a valid name`, 'letters, digits or dashes');
      }
    }
    const prefix = `${start}${head.join('_')}_`;
    const key = parts.slice(headLength).join('_').toLowerCase();
    const name = head.join('.').toLowerCase();
    let group = groups.get(prefix);
    if (!group) {
      group = { kind: kind.toLowerCase(), name, prefix, values: new Map() };
      groups.set(prefix, group);
    }
    group.values.set(key, value);
  }
  return [...groups.values()];
}

/** Parses a group against its table; returns the parsed values and the keys it did not know. */
export function parseGroup<S extends SettingTable>(group: RawGroup, table: S) {
  const values = parseTable((key) => `${group.prefix}${key.toUpperCase()}`, table, (key) => group.values.get(key));
  const unknownKeys = [...group.values.keys()].filter((key) => !(key in table)).map((k) => `${group.prefix}${k.toUpperCase()}`);
  return { values, unknownKeys };
}

export const watcherSettings = {
  socket: stringSetting('Path of the engine unix socket.'),
  host: stringSetting('Host name or address of a remote engine (TCP).'),
  port: integerSetting('TCP port of a remote engine.', 1, 65535),
  protocol: enumSetting('Protocol of a remote engine.', ['http', 'https']),
  cafile: stringSetting('CA certificate (PEM) that signed the engine certificate.'),
  certfile: stringSetting('Client certificate (PEM) for TLS client authentication.'),
  keyfile: stringSetting('Client private key (PEM) for TLS client authentication.', { secret: true }),
  cron: stringSetting('Cron expression of the watch schedule.', { defaultValue: '0 */6 * * *' }),
  jitter: integerSetting('Random delay in seconds added before each scheduled run.', 0, 3600, 60),
  watchbydefault: booleanSetting('Watch containers without a dd.watch label.', true),
  watchall: booleanSetting('Also watch stopped containers.', false),
  watchevents: booleanSetting('Follow the engine event stream between runs.', true),
  watchatstart: booleanSetting('Run a watch as soon as dockdeck starts.', true),
  eventsidle: integerSetting(
    'Seconds without any engine event after which the event stream is replaced by a new one that replays from the last event seen (nothing is missed), so a connection that died silently is noticed; 0 never replaces it.',
    0,
    86400,
    300,
  ),
  labelfilter: labelFilterSetting('Only see containers that carry all of these labels (key or key=value, comma-separated); the engine applies it to lists and events.'),
  timeout: integerSetting(
    'Seconds an engine call may take before it is abandoned (its connection closed) and the engine reported unavailable (503 ENGINE_UNAVAILABLE). Streams are not cut by it: an image pull may go on as long as progress keeps coming (at most this long without any), `docker stop` gets its grace period plus this, followed logs and the event stream only have to open within it.',
    1,
    3600,
    30,
  ),
} satisfies SettingTable;

/** DD_AGENT_{NAME}_*: a remote host reached through `dockdeck agent`; it is watched like any watcher. */
export const agentSettings = {
  host: stringSetting('Host name or address of the agent. Required.'),
  port: integerSetting('Port of the agent.', 1, 65535, 3001),
  secret: stringSetting('Shared secret of the agent (its DD_AGENT_SECRET). Required.', { secret: true }),
  protocol: enumSetting('Protocol of the agent; https when any of CAFILE, CERTFILE, KEYFILE is set, http otherwise.', ['http', 'https']),
  cafile: stringSetting('CA certificate (PEM) that signed the agent certificate.'),
  certfile: stringSetting('Client certificate (PEM), for an agent that requires one (its DD_AGENT_CAFILE).'),
  keyfile: stringSetting('Client private key (PEM).', { secret: true }),
  cron: watcherSettings.cron,
  jitter: watcherSettings.jitter,
  watchbydefault: watcherSettings.watchbydefault,
  watchall: watcherSettings.watchall,
  watchevents: watcherSettings.watchevents,
  watchatstart: watcherSettings.watchatstart,
  eventsidle: watcherSettings.eventsidle,
  labelfilter: watcherSettings.labelfilter,
  timeout: watcherSettings.timeout,
} satisfies SettingTable;

export const registrySettings = {
  url: urlSetting('Registry base URL (custom registries; overrides a provider default).'),
  login: stringSetting('User name for the registry.'),
  password: stringSetting('Password for the registry.', { secret: true }),
  token: stringSetting('Bearer token (or access token) for the registry.', { secret: true }),
  cafile: stringSetting('CA certificate (PEM) for a registry with a private CA.'),
  insecure: booleanSetting('Skip TLS certificate verification (never for public registries).', false),
  region: stringSetting('Cloud region (ECR).'),
  accesskeyid: stringSetting('Access key id (ECR).'),
  secretaccesskey: stringSetting('Secret access key (ECR).', { secret: true }),
  maxrequests: integerSetting('Request budget per watch cycle for this registry.', 1, 100000, 1000),
} satisfies SettingTable;

export const authBasicSettings = {
  user: stringSetting('User name.'),
  hash: stringSetting('Password hash (argon2, bcrypt or scrypt).', { secret: true }),
} satisfies SettingTable;

/** REDIRECT is a callback URL, or (as in What's Up Docker) true/false for AUTOREDIRECT; load-auth-config tells them apart. */
const oidcRedirectSetting: Setting<string> = {
  schema: z.string().trim().min(1).max(2048),
  expected: "the public callback URL, ending in /api/v1/auth/oidc/{name}/cb; or true/false, What's Up Docker's meaning of AUTOREDIRECT",
  description: 'Callback URL registered at the provider. Default: DD_SERVER_PUBLICURL + /api/v1/auth/oidc/{name}/cb, or else the address the browser used.',
};

/** DD_AUTH_OIDC_{NAME}_*: sign-in through an OpenID Connect provider (authorization code flow with PKCE). */
export const authOidcSettings = {
  discovery: exactUrlSetting('Issuer URL of the provider, or its /.well-known/openid-configuration URL. Required.'),
  clientid: stringSetting('Client id registered at the provider. Required.', { maxLength: 512 }),
  clientsecret: stringSetting('Client secret; leave it unset for a public client (PKCE only).', { secret: true }),
  redirect: oidcRedirectSetting,
  autoredirect: booleanSetting('Skip the login page and go straight to this provider when it is the only way to sign in.', false),
  scope: stringSetting('Scopes to request, space-separated; must include openid.', { defaultValue: 'openid profile email', maxLength: 1024 }),
  timeout: integerSetting('Timeout in milliseconds of each call to the provider.', 500, 60000, 5000),
  userclaim: stringSetting('Claim shown and audited as the user name (falls back to email, then sub).', { defaultValue: 'preferred_username', maxLength: 128 }),
  groupclaim: stringSetting('Claim that lists the user\'s groups (for ALLOWGROUPS).', { defaultValue: 'groups', maxLength: 128 }),
  allowusers: listSetting('Only these users may sign in: user names (USERCLAIM) or e-mail addresses, comma-separated, case-insensitive. Unset: anyone the provider authenticates.'),
  allowgroups: listSetting('Only members of one of these groups (GROUPCLAIM) may sign in, comma-separated. With ALLOWUSERS, either list admits.'),
} satisfies SettingTable;
