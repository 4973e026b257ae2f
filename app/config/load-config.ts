import { ConfigError } from './config-error.ts';
import { readEnvironment } from './env-source.ts';
import {
  agentSettings,
  collectGroups,
  parseGroup,
  registrySettings,
  watcherSettings,
  type RawGroup,
} from './groups.ts';
import { parseSetting, type Setting } from './setting.ts';
import { agentModeSettings, globalSettings } from './settings.ts';
import { validateCron } from './cron.ts';
import { loadAuthConfig, type AuthConfig } from './load-auth-config.ts';

/** How long a quiet event stream is trusted before it is replaced. */
export const DEFAULT_EVENTS_IDLE_SECONDS = 300;
/** How long one engine call may take (streams follow their own rules, see EngineConnection). */
export const DEFAULT_ENGINE_TIMEOUT_SECONDS = 30;

type Parsed<T extends Record<string, unknown>> = ReturnType<typeof parseGroup<T & Record<string, never>>>['values'];

export interface WatcherConfig {
  readonly name: string;
  readonly socket?: string;
  readonly host?: string;
  readonly port?: number;
  readonly protocol?: 'http' | 'https';
  readonly cafile?: string;
  readonly certfile?: string;
  readonly keyfile?: string;
  readonly cron: string;
  readonly jitterSeconds: number;
  readonly watchByDefault: boolean;
  readonly watchAll: boolean;
  readonly watchEvents: boolean;
  readonly watchAtStart: boolean;
  /** Seconds of silence after which the event stream is replaced (DD_*_EVENTSIDLE, default 300); 0 never. */
  readonly eventsIdleSeconds?: number;
  /** Seconds one engine call may take (DD_*_TIMEOUT, default 30). */
  readonly timeoutSeconds?: number;
  /** Engine-side label filters (key or key=value), all required; empty sees every container. */
  readonly labelFilter: readonly string[];
  /** Set when the engine is reached through a dockdeck agent (DD_AGENT_{NAME}_*), with the secret to present. */
  readonly agent?: { readonly secret: string };
}

export interface RegistryConfig {
  readonly provider: string;
  readonly name: string;
  readonly url?: string;
  readonly login?: string;
  readonly password?: string;
  readonly token?: string;
  readonly cafile?: string;
  readonly insecure: boolean;
  readonly region?: string;
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  readonly maxRequests: number;
}

export interface Config {
  readonly server: {
    readonly port: number;
    readonly address: string;
    readonly publicUrl?: string;
    readonly bodyLimitBytes: number;
    readonly features: { readonly containerActions: boolean; readonly delete: boolean };
    readonly tls?: { readonly cert: string; readonly key: string };
  };
  readonly store: { readonly path: string };
  readonly log: { readonly level: string; readonly format: 'text' | 'json' };
  readonly ui: { readonly maturityThresholdDays: number };
  readonly stats: { readonly intervalSeconds: number };
  readonly sse: { readonly heartbeatSeconds: number; readonly maxClients: number; readonly maxClientsPerIp: number; readonly replaySize: number };
  readonly watch: { readonly concurrency: number };
  /** Where release notes are looked up; the token is a secret (never logged or returned). */
  readonly releaseNotes: { readonly github: { readonly apiUrl: string; readonly token?: string } };
  readonly watchers: readonly WatcherConfig[];
  readonly registries: readonly RegistryConfig[];
  /** Raw trigger groups; each trigger provider validates its own keys. */
  readonly triggers: readonly RawGroup[];
  readonly auth: AuthConfig;
  /** Warnings to log once the logger exists (unknown variables, open API, …). */
  readonly warnings: readonly string[];
}

export const REGISTRY_PROVIDERS = ['hub', 'ghcr', 'gitlab', 'quay', 'lscr', 'ecr', 'gcr', 'acr', 'custom'] as const;

const GROUP_KINDS = ['WATCHER', 'REGISTRY', 'TRIGGER', 'AUTH', 'AGENT'];

/** Reads and validates the whole configuration; throws ConfigError on the first bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = readEnvironment(env);
  const warnings: string[] = [];
  const globals = Object.fromEntries(
    Object.entries(globalSettings).map(([name, setting]) => [name, parseSetting(name, setting as Setting<unknown>, raw.get(name))]),
  ) as { [K in keyof typeof globalSettings]: unknown };
  const g = globals as Record<string, unknown>;

  for (const name of raw.keys()) {
    if (name === 'DOCKER_HOST' || name in globalSettings) continue;
    if (GROUP_KINDS.some((kind) => name.startsWith(`DD_${kind}_`))) continue;
    warnings.push(`Unknown variable ${name} is ignored${suggest(name)}`);
  }

  const watchers = collectGroups(raw, 'WATCHER', false).map((group) => {
    const { values, unknownKeys } = parseGroup(group, watcherSettings);
    warnings.push(...unknownKeys.map((v) => `Unknown variable ${v} is ignored`));
    validateCron(`${group.prefix}CRON`, values.cron ?? '0 */6 * * *');
    if (values.host && values.socket) {
      throw new ConfigError(`${group.prefix}HOST`, 'is set together with SOCKET', 'either HOST or SOCKET, not both');
    }
    const watcher = toWatcher(group.name, values);
    // A watcher with neither SOCKET nor HOST uses the local engine (DOCKER_HOST or the default socket).
    if (watcher.socket || watcher.host) return watcher;
    const local = defaultLocalWatcher(raw.get('DOCKER_HOST'));
    return { ...watcher, ...pickEndpoint(local) };
  });
  const agents = loadAgentWatchers(raw, warnings);
  for (const agent of agents) {
    const clash = watchers.find((watcher) => watcher.name === agent.name);
    if (clash) {
      const upper = agent.name.toUpperCase();
      throw new ConfigError(`DD_AGENT_${upper}_HOST`, `names the same watcher '${agent.name}' as DD_WATCHER_${upper}_*`, 'different names for watchers and agents');
    }
  }
  // The local engine is the default only when nothing else is configured: a controller of agents may have no socket.
  if (watchers.length === 0 && agents.length === 0) watchers.push(defaultLocalWatcher(raw.get('DOCKER_HOST')));
  watchers.push(...agents);

  const registries = collectGroups(raw, 'REGISTRY', true).map((group) => {
    const [provider = '', name = ''] = group.name.split('.');
    if (!(REGISTRY_PROVIDERS as readonly string[]).includes(provider)) {
      throw new ConfigError(`${group.prefix.slice(0, -1)}`, `unknown registry provider '${provider}'`, `one of ${REGISTRY_PROVIDERS.join(', ')}`);
    }
    const { values, unknownKeys } = parseGroup(group, registrySettings);
    warnings.push(...unknownKeys.map((v) => `Unknown variable ${v} is ignored`));
    if (provider === 'custom' && !values.url) {
      throw new ConfigError(`${group.prefix}URL`, 'is missing', 'the URL of the custom registry');
    }
    return {
      provider,
      name,
      url: values.url,
      login: values.login,
      password: values.password,
      token: values.token,
      cafile: values.cafile,
      insecure: values.insecure ?? false,
      region: values.region,
      accessKeyId: values.accesskeyid,
      secretAccessKey: values.secretaccesskey,
      maxRequests: values.maxrequests ?? 1000,
    } satisfies RegistryConfig;
  });

  const auth = loadAuthConfig(
    raw,
    {
      ...(g.DD_SERVER_SESSION_SECRET ? { secret: g.DD_SERVER_SESSION_SECRET as string } : {}),
      timeoutHours: g.DD_SERVER_SESSION_TIMEOUT_HOURS as number,
    },
    warnings,
  );

  const tlsEnabled = g.DD_SERVER_TLS_ENABLED as boolean;
  const tlsCert = g.DD_SERVER_TLS_CERT as string | undefined;
  const tlsKey = g.DD_SERVER_TLS_KEY as string | undefined;
  if (tlsEnabled && (!tlsCert || !tlsKey)) {
    throw new ConfigError(tlsCert ? 'DD_SERVER_TLS_KEY' : 'DD_SERVER_TLS_CERT', 'is missing while TLS is enabled', 'a path to a PEM file');
  }

  return {
    server: {
      port: g.DD_SERVER_PORT as number,
      address: g.DD_SERVER_ADDRESS as string,
      ...(g.DD_SERVER_PUBLICURL ? { publicUrl: g.DD_SERVER_PUBLICURL as string } : {}),
      bodyLimitBytes: (g.DD_SERVER_BODY_LIMIT_KB as number) * 1024,
      features: {
        containerActions: g.DD_SERVER_FEATURE_CONTAINERACTIONS as boolean,
        delete: g.DD_SERVER_FEATURE_DELETE as boolean,
      },
      ...(tlsEnabled && tlsCert && tlsKey ? { tls: { cert: tlsCert, key: tlsKey } } : {}),
    },
    store: { path: g.DD_STORE_PATH as string },
    log: { level: g.DD_LOG_LEVEL as string, format: g.DD_LOG_FORMAT as 'text' | 'json' },
    ui: { maturityThresholdDays: g.DD_UI_MATURITY_THRESHOLD_DAYS as number },
    stats: { intervalSeconds: g.DD_STATS_INTERVAL as number },
    sse: {
      heartbeatSeconds: g.DD_SSE_HEARTBEAT_SECONDS as number,
      maxClients: g.DD_SSE_MAX_CLIENTS as number,
      maxClientsPerIp: g.DD_SSE_MAX_CLIENTS_PER_IP as number,
      replaySize: g.DD_SSE_REPLAY_SIZE as number,
    },
    watch: { concurrency: g.DD_WATCH_CONCURRENCY as number },
    releaseNotes: {
      github: {
        apiUrl: g.DD_RELEASENOTES_GITHUB_URL as string,
        ...(g.DD_RELEASENOTES_GITHUB_TOKEN ? { token: g.DD_RELEASENOTES_GITHUB_TOKEN as string } : {}),
      },
    },
    watchers,
    registries,
    triggers: collectGroups(raw, 'TRIGGER', true),
    auth,
    warnings,
  };
}

/** Each DD_AGENT_{NAME}_* group is a watcher whose engine is reached through that agent. */
function loadAgentWatchers(raw: Map<string, string>, warnings: string[]): WatcherConfig[] {
  const groupVariables = new Map<string, string>();
  for (const [name, value] of raw) {
    if (!name.startsWith('DD_AGENT_')) continue;
    // One word after DD_AGENT_ is an agent-mode setting; the controller never reads those.
    if (name in agentModeSettings) {
      warnings.push(`${name} is read only by \`dockdeck agent\`; this controller reaches agents through DD_AGENT_{NAME}_HOST and _SECRET`);
      continue;
    }
    groupVariables.set(name, value);
  }
  return collectGroups(groupVariables, 'AGENT', false).map((group) => {
    const { values, unknownKeys } = parseGroup(group, agentSettings);
    warnings.push(...unknownKeys.map((v) => `Unknown variable ${v} is ignored`));
    if (!values.host) throw new ConfigError(`${group.prefix}HOST`, 'is missing', 'the host name or address of the agent');
    if (!values.secret) throw new ConfigError(`${group.prefix}SECRET`, 'is missing', "the agent's DD_AGENT_SECRET (or _SECRET__FILE)");
    if (Boolean(values.certfile) !== Boolean(values.keyfile)) {
      throw new ConfigError(`${group.prefix}${values.certfile ? 'KEYFILE' : 'CERTFILE'}`, 'is missing', 'both CERTFILE and KEYFILE for a client certificate');
    }
    const tlsFiles = Boolean(values.cafile || values.certfile || values.keyfile);
    if (values.protocol === 'http' && tlsFiles) {
      throw new ConfigError(`${group.prefix}PROTOCOL`, "is 'http' while TLS files are set", 'https, or no CAFILE/CERTFILE/KEYFILE');
    }
    validateCron(`${group.prefix}CRON`, values.cron ?? '0 */6 * * *');
    // The schedule keys are the watcher keys; the endpoint keys are set below.
    const base = toWatcher(group.name, { ...values, socket: undefined });
    return {
      ...base,
      host: values.host,
      port: values.port ?? 3001,
      protocol: values.protocol ?? (tlsFiles ? 'https' : 'http'),
      agent: { secret: values.secret },
    } satisfies WatcherConfig;
  });
}

function toWatcher(name: string, values: Parsed<typeof watcherSettings>): WatcherConfig {
  return {
    name,
    ...(values.socket ? { socket: values.socket } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values.port ? { port: values.port } : {}),
    ...(values.protocol ? { protocol: values.protocol } : {}),
    ...(values.cafile ? { cafile: values.cafile } : {}),
    ...(values.certfile ? { certfile: values.certfile } : {}),
    ...(values.keyfile ? { keyfile: values.keyfile } : {}),
    cron: values.cron ?? '0 */6 * * *',
    jitterSeconds: values.jitter ?? 60,
    watchByDefault: values.watchbydefault ?? true,
    watchAll: values.watchall ?? false,
    watchEvents: values.watchevents ?? true,
    watchAtStart: values.watchatstart ?? true,
    eventsIdleSeconds: values.eventsidle ?? DEFAULT_EVENTS_IDLE_SECONDS,
    timeoutSeconds: values.timeout ?? DEFAULT_ENGINE_TIMEOUT_SECONDS,
    labelFilter: values.labelfilter ?? [],
  };
}

function pickEndpoint(watcher: WatcherConfig): Partial<WatcherConfig> {
  const { socket, host, port, protocol } = watcher;
  return { ...(socket ? { socket } : {}), ...(host ? { host } : {}), ...(port ? { port } : {}), ...(protocol ? { protocol } : {}) };
}

/** With no watcher configured, `local` watches DOCKER_HOST or the default socket (an agent serves that engine too). */
export function defaultLocalWatcher(dockerHost: string | undefined): WatcherConfig {
  const base = toWatcher('local', {} as Parsed<typeof watcherSettings>);
  if (!dockerHost) return { ...base, socket: '/var/run/docker.sock' };
  if (dockerHost.startsWith('unix://')) return { ...base, socket: dockerHost.slice('unix://'.length) };
  let url: URL;
  try {
    url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  } catch {
    throw new ConfigError('DOCKER_HOST', `'${dockerHost}' is not valid`, 'unix:///path or tcp://host:port');
  }
  return { ...base, host: url.hostname, port: Number(url.port || 2375), protocol: 'http' };
}

/** "Did you mean" help for a mistyped fixed variable. */
function suggest(name: string): string {
  let best: string | undefined;
  let bestDistance = 4;
  for (const known of Object.keys(globalSettings)) {
    const distance = levenshtein(name, known);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best ? ` (did you mean ${best}?)` : '';
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
