import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { systemClock, type Clock } from '../clock/clock.ts';
import { DEFAULT_ENGINE_TIMEOUT_SECONDS, type WatcherConfig } from '../config/load-config.ts';
import { AppError, errorMessage } from '../core/errors.ts';
import { CallGuard, type CallLimit } from './call-guard.ts';
import { guardedDocker } from './guarded-docker.ts';

export type { CallLimit } from './call-guard.ts';

/** Newest Engine API version dockdeck is written against; newer engines are spoken to at this one. */
export const MAX_API_VERSION = '1.45';
/** Oldest supported (Docker 20.10). */
export const MIN_API_VERSION = '1.41';

export class EngineUnavailableError extends AppError {
  constructor(engine: string, reason: string, message = `Docker engine '${engine}' is unavailable: ${reason}`) {
    super(503, 'ENGINE_UNAVAILABLE', message);
  }
}

/** An engine call ran out of time (its requests were aborted): a black-holed or stuck host. */
export class EngineTimeoutError extends EngineUnavailableError {
  constructor(engine: string, reason: string) {
    super(engine, reason, `Docker engine '${engine}' timed out: ${reason}`);
  }
}

export interface EngineCallOptions {
  /** Aborts the call from outside (a client that went away, an open timeout of its own). */
  readonly signal?: AbortSignal;
  /** Replaces the default (the watcher's TIMEOUT as a deadline); see CallLimit. */
  readonly limit?: CallLimit;
}

/** What a connection is built with besides its configuration; unit tests pass a fake clock and a fake modem. */
export interface EngineConnectionDeps {
  readonly clock?: Clock;
  readonly createDocker?: (options: Docker.DockerOptions) => Docker;
}

/** Where an agent watcher's engine is reached (never the secret). */
export interface AgentEndpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
}

/**
 * One Docker engine, reached over a unix socket, TCP (optionally with TLS client certificates),
 * or a dockdeck agent (TCP to the agent, which relays the allowed calls to its own engine).
 */
export class EngineConnection {
  readonly name: string;
  readonly endpoint: string;
  /** Set when this engine is reached through a dockdeck agent. */
  readonly agent: AgentEndpoint | undefined;
  #docker: Docker;
  #apiVersion: string | undefined;
  /** The host's memory (engine info MemTotal), fetched once per connection. */
  #memoryTotal: number | undefined;
  #memoryLookup: Promise<number | undefined> | undefined;
  readonly #options: Docker.DockerOptions;
  /** How long a call may take unless it says otherwise (DD_*_TIMEOUT). */
  readonly timeoutMs: number;
  readonly #clock: Clock;
  readonly #createDocker: (options: Docker.DockerOptions) => Docker;

  constructor(config: WatcherConfig, deps: EngineConnectionDeps = {}) {
    this.name = config.name;
    this.#options = dockerOptions(config);
    this.endpoint = config.socket
      ? `unix://${config.socket}`
      : `${this.#options.protocol ?? 'http'}://${config.host}:${this.#options.port}`;
    this.agent = agentEndpointOf(config) ?? undefined;
    this.timeoutMs = (config.timeoutSeconds ?? DEFAULT_ENGINE_TIMEOUT_SECONDS) * 1000;
    this.#clock = deps.clock ?? systemClock;
    this.#createDocker = deps.createDocker ?? ((options) => new Docker(options));
    this.#docker = this.#createDocker(this.#options);
  }

  /** The dockerode client, speaking the negotiated API version once `connect` succeeded. */
  get docker(): Docker {
    return this.#docker;
  }

  get apiVersion(): string | undefined {
    return this.#apiVersion;
  }

  /**
   * Negotiates the API version: the lower of the engine's and ours. Throws EngineUnavailableError
   * (EngineTimeoutError after the watcher's TIMEOUT). `signal` gives up earlier.
   */
  async connect(signal?: AbortSignal): Promise<string> {
    const guard = new CallGuard({ deadlineMs: this.timeoutMs }, this.#clock, signal);
    return this.#guarded(guard, () => this.#negotiate(guard.signal));
  }

  async #negotiate(signal: AbortSignal): Promise<string> {
    let serverVersion: string;
    try {
      const unversioned = this.#createDocker(this.#options);
      // dockerode passes abortSignal on (its typings omit the options argument).
      const askVersion = unversioned.version as unknown as (options: { abortSignal?: AbortSignal }) => Promise<{ ApiVersion?: string }>;
      const version = await askVersion.call(unversioned, { abortSignal: signal });
      serverVersion = version.ApiVersion ?? MIN_API_VERSION;
    } catch (error) {
      throw new EngineUnavailableError(this.name, errorMessage(error));
    }
    const negotiated = compareApiVersions(serverVersion, MAX_API_VERSION) < 0 ? serverVersion : MAX_API_VERSION;
    this.#apiVersion = negotiated;
    this.#docker = this.#createDocker({ ...this.#options, version: `v${negotiated}` });
    // A reconnect may reach another host (a moved DOCKER_HOST, a replaced agent): ask again.
    this.#memoryTotal = undefined;
    return negotiated;
  }

  /**
   * Bytes of memory of the engine's host (`GET /info` MemTotal), asked once per connection;
   * undefined when the engine cannot tell (unreachable, or no usable figure), then asked again next time.
   */
  async memoryTotal(): Promise<number | undefined> {
    if (this.#memoryTotal !== undefined) return this.#memoryTotal;
    // Callers at the same moment share one request.
    this.#memoryLookup ??= this.#fetchMemoryTotal().finally(() => {
      this.#memoryLookup = undefined;
    });
    return this.#memoryLookup;
  }

  async #fetchMemoryTotal(): Promise<number | undefined> {
    let total: unknown;
    try {
      total = ((await this.call((docker) => docker.info())) as { MemTotal?: unknown }).MemTotal;
    } catch {
      return undefined;
    }
    if (typeof total !== 'number' || !Number.isFinite(total) || total <= 0) return undefined;
    this.#memoryTotal = total;
    return total;
  }

  /**
   * Runs an engine call within its limit (by default the watcher's TIMEOUT for the whole call),
   * turning connection failures and timeouts into 503 ENGINE_UNAVAILABLE. The client handed to
   * `what` puts the call's abort signal on every request, so a call that runs out of time frees its
   * sockets. A bare `signal` (the older form) is the same as `{ signal }`.
   */
  async call<T>(what: (docker: Docker) => Promise<T>, options: EngineCallOptions | AbortSignal = {}): Promise<T> {
    const { signal, limit } = options instanceof AbortSignal ? { signal: options, limit: undefined } : options;
    const guard = new CallGuard(limit ?? { deadlineMs: this.timeoutMs }, this.#clock, signal);
    return this.#guarded(guard, async () => {
      if (!this.#apiVersion) await this.#negotiate(guard.signal);
      return what(guardedDocker(this.#docker, guard));
    });
  }

  async #guarded<T>(guard: CallGuard, work: () => Promise<T>): Promise<T> {
    const working = work();
    // If the limit wins the race, the aborted work's own rejection comes later and means nothing.
    working.catch(() => undefined);
    try {
      return await Promise.race([working, guard.aborted]);
    } catch (error) {
      if (guard.expired) {
        // The next call negotiates again: the host may come back as another engine.
        this.#apiVersion = undefined;
        throw new EngineTimeoutError(this.name, guard.expired);
      }
      if (error instanceof EngineUnavailableError) throw error;
      // The caller gave up (its signal): as before, the engine did not answer in time for it.
      if (guard.signal.aborted || isConnectionError(error)) {
        this.#apiVersion = undefined;
        throw new EngineUnavailableError(this.name, errorMessage(error));
      }
      throw error;
    } finally {
      guard.settle();
    }
  }
}

/** How the controller presents an agent secret (checked by app/agent/secret.ts on the other side). */
export function agentAuthorization(secret: string): string {
  return `Bearer ${secret}`;
}

/** The agent a watcher goes through, as the API shows it; null for a direct engine. */
export function agentEndpointOf(config: WatcherConfig): AgentEndpoint | null {
  if (!config.agent || !config.host) return null;
  return { host: config.host, port: config.port ?? 3001, tls: config.protocol === 'https' };
}

function dockerOptions(config: WatcherConfig): Docker.DockerOptions {
  if (config.socket) return { socketPath: config.socket };
  const options: Docker.DockerOptions = {
    host: config.host,
    // The engine's conventional ports: 2376 with TLS, 2375 without.
    port: config.port ?? (config.protocol === 'https' ? 2376 : 2375),
    protocol: config.protocol ?? 'http',
  };
  if (config.cafile) options.ca = readFileSync(config.cafile);
  if (config.certfile) options.cert = readFileSync(config.certfile);
  if (config.keyfile) options.key = readFileSync(config.keyfile);
  // Every call to an agent carries its secret (docker-modem sends these headers on each request).
  if (config.agent) options.headers = { authorization: agentAuthorization(config.agent.secret) };
  return options;
}

export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Agent answers meaning "the engine behind me is out of reach": wrong secret (or too many of them), or the agent's engine is down. */
const AGENT_UNAVAILABLE_CODES = new Set(['AGENT_UNAUTHORIZED', 'AGENT_RATE_LIMITED', 'AGENT_ENGINE_UNAVAILABLE']);

function isConnectionError(error: unknown): boolean {
  const agentCode = (error as { json?: { code?: unknown } } | undefined)?.json?.code;
  if (typeof agentCode === 'string' && AGENT_UNAVAILABLE_CODES.has(agentCode)) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (/^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code)) return true;
  // ABORT_ERR: the caller gave up waiting for an answer (a host that takes connections and says nothing).
  return ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', 'ABORT_ERR'].includes(code);
}
