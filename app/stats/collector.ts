import type { RawStats, StatsSnapshot } from './compute.ts';
import { isLiveSample, toSnapshot } from './compute.ts';
import { summarize, type StatsSummary } from './summary.ts';

/** A container to sample: the store's id and name, and the watcher (engine) it runs on. */
export interface StatsTarget {
  readonly id: string;
  readonly name: string;
  readonly watcher: string;
}

/** Where raw stats come from (the engine in production, a fake in unit tests). */
export interface StatsSource {
  /** One-shot stats document of a container (`stream: false`); `signal` aborts when the collector stops waiting. */
  fetch(target: StatsTarget, signal?: AbortSignal): Promise<RawStats>;
  /** Bytes of memory of a watcher's host (engine info MemTotal); undefined when unknown. */
  memoryTotal(watcher: string): Promise<number | undefined>;
}

export interface StatsCollectorOptions {
  readonly intervalMs: number;
  /** Engine calls in flight at once. */
  readonly concurrency: number;
  /** Snapshots kept per container. */
  readonly historySize: number;
  /** Running, watched containers: what the fleet summary covers (read at every tick). */
  readonly fleet: () => readonly StatsTarget[];
  readonly source: StatsSource;
  /** Longest wait for one container's stats; a hung engine call must not stall every later tick (default 15 s). */
  readonly fetchTimeoutMs?: number;
  /** How long a REST read keeps a container collected, in ms. */
  readonly lookTtlMs?: number;
  readonly now?: () => Date;
  readonly onError?: (target: StatsTarget, error: unknown) => void;
}

type Listener<T> = (value: T) => void;

/**
 * Polls the engine on an interval for the fleet (running watched containers) plus any container
 * somebody is looking at, keeps a ring buffer of snapshots per container and the fleet summary.
 */
export class StatsCollector {
  readonly #options: StatsCollectorOptions;
  readonly #history = new Map<string, StatsSnapshot[]>();
  /** Stream viewers per container (reference counts). */
  readonly #viewers = new Map<string, { target: StatsTarget; count: number }>();
  /** REST viewers: collected until the deadline. */
  readonly #lookers = new Map<string, { target: StatsTarget; until: number }>();
  readonly #summaryListeners = new Set<Listener<StatsSummary>>();
  readonly #sampleListeners = new Set<Listener<StatsSnapshot>>();
  #summary: StatsSummary;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<StatsSummary> | null = null;
  #ticks = 0;

  constructor(options: StatsCollectorOptions) {
    this.#options = options;
    this.#summary = summarize([], this.#now());
  }

  get summary(): StatsSummary {
    return this.#summary;
  }

  get ticks(): number {
    return this.#ticks;
  }

  latest(id: string): StatsSnapshot | undefined {
    return this.#history.get(id)?.at(-1);
  }

  history(id: string): readonly StatsSnapshot[] {
    return this.#history.get(id) ?? [];
  }

  /** Latest snapshot of every container sampled in the last tick (running ones). */
  latestAll(): StatsSnapshot[] {
    return [...this.#history.values()].map((list) => list.at(-1)).filter((s): s is StatsSnapshot => s !== undefined);
  }

  onSummary(listener: Listener<StatsSummary>): () => void {
    this.#summaryListeners.add(listener);
    return () => this.#summaryListeners.delete(listener);
  }

  onSample(listener: Listener<StatsSnapshot>): () => void {
    this.#sampleListeners.add(listener);
    return () => this.#sampleListeners.delete(listener);
  }

  /** A stream viewer: the container is collected until the returned function is called. */
  watch(target: StatsTarget): () => void {
    const entry = this.#viewers.get(target.id) ?? { target, count: 0 };
    entry.count++;
    this.#viewers.set(target.id, entry);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      entry.count--;
      if (entry.count <= 0) this.#viewers.delete(target.id);
    };
  }

  /** A REST read: keep collecting this container for a while. */
  touch(target: StatsTarget): void {
    this.#lookers.set(target.id, { target, until: this.#now().getTime() + (this.#options.lookTtlMs ?? 60_000) });
  }

  /** Samples one container now (a first REST read should not wait for the next tick). */
  async sampleNow(target: StatsTarget): Promise<StatsSnapshot | undefined> {
    return this.#sample(target);
  }

  start(): void {
    if (this.#timer) return;
    void this.tick();
    this.#timer = setInterval(() => void this.tick(), this.#options.intervalMs);
    this.#timer.unref();
  }

  /** Stops polling and waits for a tick in flight. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** One poll of everything; overlapping calls share the tick in flight. */
  tick(): Promise<StatsSummary> {
    if (!this.#running) {
      this.#running = this.#tick().finally(() => {
        this.#running = null;
      });
    }
    return this.#running;
  }

  async #tick(): Promise<StatsSummary> {
    const fleet = this.#options.fleet();
    const fleetIds = new Set(fleet.map((t) => t.id));
    const targets = new Map<string, StatsTarget>(fleet.map((t) => [t.id, t]));
    const nowMs = this.#now().getTime();
    for (const [id, look] of this.#lookers) {
      if (look.until < nowMs) this.#lookers.delete(id);
      else targets.set(id, look.target);
    }
    for (const [id, viewer] of this.#viewers) targets.set(id, viewer.target);

    const snapshots = await mapBounded([...targets.values()], this.#options.concurrency, (t) => this.#sample(t));
    // Forget containers nobody collects any more, so the history map cannot grow without bound.
    for (const id of this.#history.keys()) if (!targets.has(id)) this.#history.delete(id);

    const fleetSnapshots = snapshots.filter((s): s is StatsSnapshot => s !== undefined && fleetIds.has(s.id));
    this.#summary = summarize(fleetSnapshots, this.#now(), await this.#engineMemory(fleetSnapshots));
    this.#ticks++;
    for (const listener of this.#summaryListeners) listener(this.#summary);
    return this.#summary;
  }

  /** Host memory of each engine in the summary; an engine that cannot tell is left out (its limits then count as they are). */
  async #engineMemory(snapshots: readonly StatsSnapshot[]): Promise<Map<string, number>> {
    const watchers = [...new Set(snapshots.map((s) => s.watcher))];
    const timeoutMs = this.#options.fetchTimeoutMs ?? 15_000;
    const totals = await mapBounded(watchers, this.#options.concurrency, (watcher) =>
      withTimeout(this.#options.source.memoryTotal(watcher), timeoutMs, `the memory of engine ${watcher}`).catch(() => undefined),
    );
    const memory = new Map<string, number>();
    watchers.forEach((watcher, index) => {
      const total = totals[index];
      if (total !== undefined) memory.set(watcher, total);
    });
    return memory;
  }

  async #sample(target: StatsTarget): Promise<StatsSnapshot | undefined> {
    let raw: RawStats;
    // Giving up also aborts the request, so a hung engine does not collect one open socket per tick.
    const abandon = new AbortController();
    try {
      raw = await withTimeout(this.#options.source.fetch(target, abandon.signal), this.#options.fetchTimeoutMs ?? 15_000, target.name);
    } catch (error) {
      abandon.abort();
      this.#options.onError?.(target, error);
      return undefined;
    }
    if (!isLiveSample(raw)) {
      // Stopped: its last figures must not be served as current.
      this.#history.delete(target.id);
      return undefined;
    }
    const snapshot = toSnapshot(target, raw, this.#now());
    const list = this.#history.get(target.id) ?? [];
    list.push(snapshot);
    if (list.length > this.#options.historySize) list.splice(0, list.length - this.#options.historySize);
    this.#history.set(target.id, list);
    for (const listener of this.#sampleListeners) listener(snapshot);
    return snapshot;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`stats of ${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
