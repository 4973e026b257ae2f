import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { EngineConnection } from '../../engine/engine-connection.ts';

/** TCP keepalive of the event stream's socket: the kernel notices a peer that is gone for good. */
const EVENT_STREAM_KEEPALIVE_MS = 30_000;

/** The few fields of the Engine API the watcher reads (API 1.41 and later). */
export interface EngineContainerSummary {
  readonly Id: string;
  readonly Names?: readonly string[];
  readonly Image?: string;
  readonly State?: string;
  readonly Labels?: Readonly<Record<string, string>> | null;
}

export interface EngineContainerInspect {
  readonly Id: string;
  readonly Name?: string;
  readonly Created?: string;
  /** Local image id (sha256:…). */
  readonly Image?: string;
  readonly Config?: { readonly Image?: string; readonly Labels?: Readonly<Record<string, string>> | null; readonly Env?: readonly string[] | null } | null;
  readonly State?: { readonly Status?: string; readonly Health?: { readonly Status?: string } | null } | null;
}

export interface EngineImageInspect {
  readonly Id: string;
  readonly RepoTags?: readonly string[] | null;
  readonly RepoDigests?: readonly string[] | null;
  readonly Os?: string;
  readonly Architecture?: string;
  readonly Variant?: string;
  readonly Created?: string;
  readonly Config?: { readonly Labels?: Readonly<Record<string, string>> | null } | null;
}

export interface EventStreamRequest {
  /** Replays the events from this engine time on before the live ones: Docker's `since`, unix seconds with nanoseconds ("1700000000.000000001"). */
  readonly since?: string;
  /** Aborts the request while it waits for the engine's answer. */
  readonly signal?: AbortSignal;
}

export interface EngineEventStream {
  /** Newline-delimited JSON events. */
  readonly stream: Readable;
  /** The engine's clock when it answered (its Date header, whole seconds), in epoch ms; undefined when unknown. */
  readonly engineTime?: number;
}

/** What the watcher needs from an engine; the dockerode adapter below, fakes in unit tests. */
export interface ContainerEngine {
  readonly name: string;
  readonly endpoint: string;
  listContainers(all: boolean): Promise<EngineContainerSummary[]>;
  inspectContainer(id: string): Promise<EngineContainerInspect>;
  inspectImage(id: string): Promise<EngineImageInspect>;
  /** The container event stream, starting now (or at `since`). */
  containerEvents(request?: EventStreamRequest): Promise<EngineEventStream>;
}

/** The engine is out of reach (refused, timed out, agent unreachable): 503 ENGINE_UNAVAILABLE. */
export function isEngineUnavailable(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENGINE_UNAVAILABLE';
}

/** An engine call for a container that no longer exists. */
export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 404;
}

/** True when the labels carry every `key` or `key=value` of the filter (the engine's own rule). */
export function matchesLabelFilter(labels: Readonly<Record<string, string>> | null | undefined, filter: readonly string[]): boolean {
  return filter.every((entry) => {
    const at = entry.indexOf('=');
    const key = at === -1 ? entry : entry.slice(0, at);
    if (!labels || !Object.hasOwn(labels, key)) return false;
    return at === -1 || labels[key] === entry.slice(at + 1);
  });
}

export class DockerodeEngine implements ContainerEngine {
  readonly #connection: EngineConnection;
  readonly #labelFilter: readonly string[];

  /** `labelFilter` scopes lists and events to containers with those labels, on the engine's side. */
  constructor(connection: EngineConnection, labelFilter: readonly string[] = []) {
    this.#connection = connection;
    this.#labelFilter = labelFilter;
  }

  #filters(base: Record<string, string[]> = {}): string {
    return JSON.stringify(this.#labelFilter.length > 0 ? { ...base, label: [...this.#labelFilter] } : base);
  }

  get name(): string {
    return this.#connection.name;
  }

  get endpoint(): string {
    return this.#connection.endpoint;
  }

  listContainers(all: boolean): Promise<EngineContainerSummary[]> {
    return this.#connection.call((docker) => docker.listContainers({ all, filters: this.#filters() }) as Promise<EngineContainerSummary[]>);
  }

  inspectContainer(id: string): Promise<EngineContainerInspect> {
    return this.#connection.call((docker) => docker.getContainer(id).inspect() as Promise<EngineContainerInspect>);
  }

  inspectImage(id: string): Promise<EngineImageInspect> {
    return this.#connection.call((docker) => docker.getImage(id).inspect() as Promise<EngineImageInspect>);
  }

  async containerEvents(request: EventStreamRequest = {}): Promise<EngineEventStream> {
    const query = { filters: this.#filters({ type: ['container'] }), ...(request.since ? { since: request.since } : {}) };
    const response = (await this.#connection.call(
      // `since` goes to the engine as text (nanoseconds); dockerode's typings only know numbers and no abortSignal.
      (docker) => docker.getEvents({ ...query, ...(request.signal ? { abortSignal: request.signal } : {}) } as unknown as Docker.GetEventsOptions) as unknown as Promise<IncomingMessage>,
      request.signal,
    )) as IncomingMessage;
    // Unix sockets have no keepalive; TCP and TLS (to an engine or an agent) do.
    if (!this.#connection.endpoint.startsWith('unix://')) response.socket?.setKeepAlive(true, EVENT_STREAM_KEEPALIVE_MS);
    const date = Date.parse(String(response.headers?.date ?? ''));
    return { stream: response, ...(Number.isFinite(date) ? { engineTime: date } : {}) };
  }
}
