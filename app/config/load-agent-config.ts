import { ConfigError } from './config-error.ts';
import { readEnvironment } from './env-source.ts';
import { defaultLocalWatcher } from './load-config.ts';
import { parseSetting, type Setting } from './setting.ts';
import { agentModeSettings, globalSettings } from './settings.ts';

/** What `dockdeck agent` needs: where to listen, the secret, TLS, and which local engine to relay. */
export interface AgentConfig {
  readonly port: number;
  readonly address: string;
  readonly secret: string;
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca?: string };
  /** The local engine: a unix socket, or plain TCP from DOCKER_HOST. */
  readonly engine: { readonly socket: string } | { readonly host: string; readonly port: number };
  readonly log: { readonly level: string; readonly format: 'text' | 'json' };
  readonly warnings: readonly string[];
}

const SHARED_GLOBALS = ['DD_LOG_LEVEL', 'DD_LOG_FORMAT'] as const;

/**
 * Agent mode reads only its own one-word DD_AGENT_{KEY} settings, the log settings and
 * DOCKER_HOST. Anything else (a controller's DD_AGENT_{NAME}_* groups included) is reported as
 * ignored, so a configuration copied from the controller does not silently mean something else.
 */
export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const raw = readEnvironment(env);
  const warnings: string[] = [];
  const value = <K extends keyof typeof agentModeSettings>(name: K) =>
    parseSetting(name, agentModeSettings[name] as Setting<unknown>, raw.get(name));
  const global = (name: (typeof SHARED_GLOBALS)[number]) => parseSetting(name, globalSettings[name] as Setting<unknown>, raw.get(name));

  for (const name of raw.keys()) {
    if (name === 'DOCKER_HOST' || name in agentModeSettings || (SHARED_GLOBALS as readonly string[]).includes(name)) continue;
    warnings.push(`${name} is ignored in agent mode (an agent reads only DD_AGENT_{SECRET|PORT|ADDRESS|CERTFILE|KEYFILE|CAFILE}, DD_LOG_* and DOCKER_HOST)`);
  }

  const secret = value('DD_AGENT_SECRET') as string | undefined;
  if (!secret) throw new ConfigError('DD_AGENT_SECRET', 'is missing; an agent never runs without one', 'a shared secret of at least 16 characters (or DD_AGENT_SECRET__FILE)');
  const cert = value('DD_AGENT_CERTFILE') as string | undefined;
  const key = value('DD_AGENT_KEYFILE') as string | undefined;
  const ca = value('DD_AGENT_CAFILE') as string | undefined;
  if (Boolean(cert) !== Boolean(key)) {
    throw new ConfigError(cert ? 'DD_AGENT_KEYFILE' : 'DD_AGENT_CERTFILE', 'is missing', 'both DD_AGENT_CERTFILE and DD_AGENT_KEYFILE for HTTPS');
  }
  if (ca && !cert) throw new ConfigError('DD_AGENT_CAFILE', 'is set without DD_AGENT_CERTFILE and DD_AGENT_KEYFILE', 'HTTPS to verify client certificates');

  const local = defaultLocalWatcher(raw.get('DOCKER_HOST'));
  const engine = local.socket ? { socket: local.socket } : { host: local.host ?? '127.0.0.1', port: local.port ?? 2375 };

  return {
    port: value('DD_AGENT_PORT') as number,
    address: value('DD_AGENT_ADDRESS') as string,
    secret,
    ...(cert && key ? { tls: { cert, key, ...(ca ? { ca } : {}) } } : {}),
    engine,
    log: { level: global('DD_LOG_LEVEL') as string, format: global('DD_LOG_FORMAT') as 'text' | 'json' },
    warnings,
  };
}
