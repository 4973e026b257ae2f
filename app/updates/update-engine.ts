import type Docker from 'dockerode';
import type { CallLimit, EngineConnection } from '../engine/engine-connection.ts';
import { parseImageReference } from '../core/image-ref.ts';
import type { ContainerInspect, ExtraNetwork, ImageConfig } from './container-spec.ts';

/** The engine calls an update needs; a port so the executor can be driven by a fake in unit tests. */
export interface UpdateEngine {
  inspectContainer(idOrName: string): Promise<ContainerInspect | undefined>;
  inspectImage(reference: string): Promise<{ Id: string; RepoDigests: string[]; Config: ImageConfig } | undefined>;
  pull(reference: string): Promise<void>;
  rename(id: string, name: string): Promise<void>;
  create(name: string, body: Record<string, unknown>): Promise<string>;
  connect(network: ExtraNetwork, containerId: string): Promise<void>;
  start(id: string): Promise<void>;
  stop(id: string, timeoutSeconds?: number): Promise<void>;
  restart(id: string, timeoutSeconds?: number): Promise<void>;
  remove(id: string): Promise<void>;
  removeImage(id: string): Promise<void>;
}

/** The engine's own default grace period of `docker stop`. */
const DEFAULT_STOP_TIMEOUT_SECONDS = 10;

/** HTTP status of a dockerode error (404 missing, 304 already in that state, 409 conflict). */
export function engineStatus(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

/** Credentials for pulling from a registry host (`host[:port]`), as the engine's X-Registry-Auth wants them. */
export interface PullAuth {
  readonly username?: string;
  readonly password?: string;
  readonly serveraddress: string;
}

export type PullAuthLookup = (registryHost: string) => PullAuth | undefined;

export class DockerUpdateEngine implements UpdateEngine {
  readonly #engine: EngineConnection;
  readonly #authFor: PullAuthLookup;

  constructor(engine: EngineConnection, authFor: PullAuthLookup = () => undefined) {
    this.#engine = engine;
    this.#authFor = authFor;
  }

  /** Within the watcher's TIMEOUT unless `limit` says otherwise (pulls, stops). */
  #call<T>(what: (docker: Docker) => Promise<T>, limit?: CallLimit): Promise<T> {
    return this.#engine.call(what, limit ? { limit } : {});
  }

  /** Stopping waits the grace period before the engine kills: the deadline is that plus TIMEOUT. */
  async #stopLimit(id: string, timeoutSeconds: number | undefined): Promise<CallLimit> {
    const grace = timeoutSeconds ?? (await this.#ownStopTimeout(id));
    return { deadlineMs: grace * 1000 + this.#engine.timeoutMs };
  }

  /** Without an explicit timeout the engine uses the container's own (StopTimeout, 10 s unless set). */
  async #ownStopTimeout(id: string): Promise<number> {
    const inspect = (await this.#call((docker) => docker.getContainer(id).inspect())) as { Config?: { StopTimeout?: unknown } };
    const own = inspect.Config?.StopTimeout;
    return typeof own === 'number' && Number.isFinite(own) && own >= 0 ? own : DEFAULT_STOP_TIMEOUT_SECONDS;
  }

  async inspectContainer(idOrName: string): Promise<ContainerInspect | undefined> {
    try {
      return (await this.#call((docker) => docker.getContainer(idOrName).inspect())) as unknown as ContainerInspect;
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async inspectImage(reference: string) {
    try {
      return (await this.#call((docker) => docker.getImage(reference).inspect())) as unknown as {
        Id: string;
        RepoDigests: string[];
        Config: ImageConfig;
      };
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw error;
    }
  }

  /** A pull takes as long as the image needs: it is only given up when the progress stream goes silent for TIMEOUT. */
  async pull(reference: string): Promise<void> {
    await this.#call(async (docker) => {
      const auth = this.#authFor(registryHostOf(reference));
      const stream = (await docker.pull(reference, auth ? { authconfig: auth } : {})) as NodeJS.ReadableStream;
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(stream, (error: Error | null, events: Array<{ error?: string }>) => {
          const failed = events?.find((event) => event.error);
          if (error) reject(error);
          else if (failed) reject(new Error(failed.error));
          else resolve();
        });
      });
    }, { idleMs: this.#engine.timeoutMs });
  }

  async rename(id: string, name: string): Promise<void> {
    await this.#call((docker) => docker.getContainer(id).rename({ name }));
  }

  async create(name: string, body: Record<string, unknown>): Promise<string> {
    const created = await this.#call((docker) => docker.createContainer({ ...body, name } as Docker.ContainerCreateOptions));
    return created.id;
  }

  async connect(network: ExtraNetwork, containerId: string): Promise<void> {
    await this.#call((docker) => docker.getNetwork(network.name).connect({ Container: containerId, EndpointConfig: network.endpoint }));
  }

  async start(id: string): Promise<void> {
    try {
      await this.#call((docker) => docker.getContainer(id).start());
    } catch (error) {
      if (engineStatus(error) !== 304) throw error;
    }
  }

  async stop(id: string, timeoutSeconds?: number): Promise<void> {
    try {
      const limit = await this.#stopLimit(id, timeoutSeconds);
      await this.#call((docker) => docker.getContainer(id).stop(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }), limit);
    } catch (error) {
      if (engineStatus(error) !== 304) throw error;
    }
  }

  async restart(id: string, timeoutSeconds?: number): Promise<void> {
    const limit = await this.#stopLimit(id, timeoutSeconds);
    await this.#call((docker) => docker.getContainer(id).restart(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }), limit);
  }

  async remove(id: string): Promise<void> {
    try {
      await this.#call((docker) => docker.getContainer(id).remove({ force: true }));
    } catch (error) {
      if (engineStatus(error) !== 404) throw error;
    }
  }

  async removeImage(id: string): Promise<void> {
    try {
      await this.#call((docker) => docker.getImage(id).remove());
    } catch (error) {
      // In use by another container (409) or already gone (404): nothing to prune.
      if (engineStatus(error) !== 404 && engineStatus(error) !== 409) throw error;
    }
  }
}

function registryHostOf(reference: string): string {
  try {
    return parseImageReference(reference).registryHost;
  } catch {
    return '';
  }
}
