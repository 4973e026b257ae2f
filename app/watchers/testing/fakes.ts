import { PassThrough } from 'node:stream';
import pino from 'pino';
import type { Container } from '../../core/container.ts';
import { emptyStore, type StoreData } from '../../store/schema.ts';
import type { CheckOutcome, CycleCache, ImageChecker, TagRules } from '../../registries/types.ts';
import type { ImageInfo } from '../../core/container.ts';
import type {
  ContainerEngine,
  EngineContainerInspect,
  EngineContainerSummary,
  EngineEventStream,
  EngineImageInspect,
  EventStreamRequest,
} from '../docker/engine-port.ts';
import type { ContainerStore } from '../container-writer.ts';

/** Test doubles for the watcher: an in-memory engine, checker and store (no I/O). */

export const silentLogger = pino({ level: 'silent' });

export class MemoryStore implements ContainerStore {
  readonly #data: StoreData = emptyStore();
  get data(): StoreData {
    return this.#data;
  }
  update<R>(mutate: (data: StoreData) => R): R {
    return mutate(this.#data);
  }
}

export interface FakeContainerSpec {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly imageId?: string;
  readonly state?: string;
  readonly labels?: Record<string, string>;
  readonly repoDigests?: string[];
}

export class FakeEngine implements ContainerEngine {
  readonly name = 'local';
  readonly endpoint = 'unix:///fake.sock';
  readonly containers = new Map<string, FakeContainerSpec>();
  events: PassThrough = new PassThrough();
  opens = 0;
  /** The `since` of each stream opened. */
  readonly eventRequests: { since?: string }[] = [];
  failList: Error | null = null;

  add(spec: FakeContainerSpec): void {
    this.containers.set(spec.id, spec);
  }

  async listContainers(all: boolean): Promise<EngineContainerSummary[]> {
    if (this.failList) throw this.failList;
    return [...this.containers.values()]
      .filter((c) => all || (c.state ?? 'running') === 'running')
      .map((c) => ({ Id: c.id, Names: [`/${c.name}`], Image: c.image, State: c.state ?? 'running', Labels: c.labels ?? {} }));
  }

  async inspectContainer(id: string): Promise<EngineContainerInspect> {
    const c = this.containers.get(id);
    if (!c) throw Object.assign(new Error('no such container'), { statusCode: 404 });
    return {
      Id: c.id,
      Name: `/${c.name}`,
      Created: '2026-01-01T00:00:00Z',
      Image: c.imageId ?? `sha256:${'a'.repeat(64)}`,
      Config: { Image: c.image, Labels: c.labels ?? {} },
      State: { Status: c.state ?? 'running' },
    };
  }

  async inspectImage(id: string): Promise<EngineImageInspect> {
    const c = [...this.containers.values()].find((x) => (x.imageId ?? `sha256:${'a'.repeat(64)}`) === id);
    return { Id: id, RepoDigests: c?.repoDigests ?? [], Os: 'linux', Architecture: 'amd64', Created: '2025-12-01T00:00:00Z' };
  }

  async containerEvents(request: EventStreamRequest = {}): Promise<EngineEventStream> {
    this.opens++;
    this.eventRequests.push({ ...(request.since ? { since: request.since } : {}) });
    this.events = new PassThrough();
    return { stream: this.events };
  }
}

export type FakeAnswer = CheckOutcome | Error;

/** Answers by `registry-host/repository:tag`; counts calls and cycles. */
export class FakeChecker implements ImageChecker {
  readonly answers = new Map<string, FakeAnswer>();
  readonly calls: { image: ImageInfo; rules: TagRules; cycle: CycleCache }[] = [];
  cycles = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Lets a test hold checks until it releases them. */
  gate: Promise<void> | null = null;

  newCycle(): CycleCache {
    this.cycles++;
    const map = new Map<string, Promise<unknown>>();
    return {
      get: <T>(key: string) => map.get(key) as Promise<T> | undefined,
      set: <T>(key: string, value: Promise<T>) => void map.set(key, value),
    };
  }

  async check(image: ImageInfo, rules: TagRules, cycle: CycleCache): Promise<CheckOutcome> {
    this.calls.push({ image, rules, cycle });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.gate) await this.gate;
      const answer = this.answers.get(`${image.registry.url}/${image.name}:${image.tag.value}`);
      if (!answer) return { result: { tag: image.tag.value }, updateKind: null };
      if (answer instanceof Error) throw answer;
      return answer;
    } finally {
      this.inFlight--;
    }
  }

  describeRegistry(host: string): { name: string; url: string } {
    return { name: host === 'docker.io' ? 'hub' : 'custom', url: host };
  }
}

export function storedContainer(store: MemoryStore, id: string): Container | undefined {
  return store.data.containers.find((c) => c.id === id);
}
