import type { Container } from '../../core/container.ts';
import { errorMessage, notFound, truncate } from '../../core/errors.ts';
import type { EventBus } from '../../events/bus.ts';
import type { Logger } from '../../log.ts';
import type { CycleCache, ImageChecker } from '../../registries/types.ts';
import { mapBounded } from '../bounded-map.ts';
import type { ContainerWriter } from '../container-writer.ts';
import { applyFailure, applyOutcome, carryOver } from '../merge-check.ts';
import { isEngineUnavailable, isNotFound, matchesLabelFilter, type ContainerEngine, type EngineImageInspect } from './engine-port.ts';
import { buildSnapshot, type Snapshot } from './snapshot.ts';

const EVENT_CONCURRENCY = 4;
/** Ids of destroyed containers remembered so a check still in flight does not store them again. */
const MAX_GONE_IDS = 1000;

export interface DockerWatcherOptions {
  readonly name: string;
  readonly watchByDefault: boolean;
  readonly watchAll: boolean;
  /** Engine-side label filters; checked again on inspection so nothing outside the scope is stored. */
  readonly labelFilter?: readonly string[];
  /** Registry checks (and engine inspections) at once within one cycle. */
  readonly concurrency: number;
}

export interface WatchRunSummary {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** Containers checked against a registry (or failed before). */
  readonly checked: number;
  readonly errors: number;
  /** Set when the run itself failed (engine unreachable, …). */
  readonly error?: string;
}

/**
 * One Docker engine turned into stored container snapshots: a full watch cycle (list, inspect,
 * check against the registries, prune the gone), a single container check, and the cheap refresh
 * the event stream asks for (no registry call unless the container is new).
 */
export class DockerWatcher {
  readonly #options: DockerWatcherOptions;
  readonly #engine: ContainerEngine;
  readonly #checker: ImageChecker;
  readonly #writer: ContainerWriter;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #now: () => Date;
  #running: Promise<WatchRunSummary> | null = null;
  #lastRun: WatchRunSummary | null = null;
  /** Container ids the engine no longer has (ids are never reused). */
  readonly #gone = new Set<string>();

  constructor(deps: {
    options: DockerWatcherOptions;
    engine: ContainerEngine;
    checker: ImageChecker;
    writer: ContainerWriter;
    bus: EventBus;
    logger: Logger;
    now?: () => Date;
  }) {
    this.#options = deps.options;
    this.#engine = deps.engine;
    this.#checker = deps.checker;
    this.#writer = deps.writer;
    this.#bus = deps.bus;
    this.#logger = deps.logger;
    this.#now = deps.now ?? (() => new Date());
  }

  get name(): string {
    return this.#options.name;
  }

  get engine(): ContainerEngine {
    return this.#engine;
  }

  get isRunning(): boolean {
    return this.#running !== null;
  }

  get lastRun(): WatchRunSummary | null {
    return this.#lastRun;
  }

  /** One watch cycle; a request while one runs joins it instead of starting another. */
  watch(): Promise<WatchRunSummary> {
    if (!this.#running) {
      this.#running = this.#cycle().finally(() => {
        this.#running = null;
      });
    }
    return this.#running;
  }

  /** Checks one container now (inspect + registry), outside the cycle. 404 when the engine no longer has it. */
  async watchContainer(id: string): Promise<Container> {
    const snapshot = await this.#snapshot(id);
    if (!snapshot) {
      this.removeContainer(id);
      throw notFound('Container', id);
    }
    return this.#check(snapshot, this.#checker.newCycle());
  }

  /**
   * Refreshes one container from the engine after an event: state changes are written without a
   * registry call; a container seen for the first time is checked (in `cycle`, shared by an event
   * batch so a repository is asked once). Returns what is stored now.
   */
  async refreshContainer(id: string, cycle: () => CycleCache = () => this.#checker.newCycle()): Promise<Container | undefined> {
    const snapshot = await this.#snapshot(id);
    if (!snapshot) {
      this.removeContainer(id);
      return undefined;
    }
    const previous = this.#writer.find(id);
    if (!previous) {
      if (!this.#options.watchAll && snapshot.container.status !== 'running') return undefined;
      return this.#check(snapshot, cycle());
    }
    const now = this.#now();
    const next = carryOver(snapshot.container, previous, this.#writer.policyFor(snapshot.container), now);
    if (next.checkStatus === 'pending' && next.watched) return this.#check(snapshot, cycle());
    return this.#writer.upsert(next);
  }

  /** Forgets a container the engine destroyed. */
  removeContainer(id: string): void {
    this.#markGone(id);
    this.#writer.remove(id);
  }

  #markGone(id: string): void {
    this.#gone.add(id);
    if (this.#gone.size > MAX_GONE_IDS) {
      const oldest = this.#gone.values().next().value;
      if (oldest !== undefined) this.#gone.delete(oldest);
    }
  }

  /** Applies a debounced batch of engine events (container id → last action). */
  async applyEvents(batch: ReadonlyMap<string, string>): Promise<void> {
    let cycle: CycleCache | undefined;
    const shared = () => (cycle ??= this.#checker.newCycle());
    await mapBounded([...batch], EVENT_CONCURRENCY, async ([id, action]) => {
      try {
        if (action === 'destroy') this.removeContainer(id);
        else await this.refreshContainer(id, shared);
      } catch (error) {
        this.#logger.warn({ watcher: this.name, container: id, action }, `cannot refresh container: ${errorMessage(error)}`);
      }
    });
  }

  /** After missed events (engine restart): refresh every container from the engine, prune the gone. */
  async resync(): Promise<void> {
    const listed = await this.#engine.listContainers(this.#options.watchAll);
    const ids = new Set(listed.map((container) => container.Id));
    // Stored containers missing from the list are refreshed too: gone ones get removed (404).
    for (const stored of this.#writer.ofWatcher(this.name)) ids.add(stored.id);
    await this.applyEvents(new Map([...ids].map((id) => [id, 'resync'])));
  }

  async #cycle(): Promise<WatchRunSummary> {
    const started = this.#now();
    const startedAt = started.toISOString();
    const finish = (checked: Container[], errors: number, error?: string): WatchRunSummary => {
      const finished = this.#now();
      const summary: WatchRunSummary = {
        startedAt,
        finishedAt: finished.toISOString(),
        durationMs: finished.getTime() - started.getTime(),
        checked: checked.length,
        errors,
        ...(error ? { error } : {}),
      };
      this.#lastRun = summary;
      this.#bus.emit('watch-cycle-completed', { watcher: this.name, containers: checked, startedAt, durationMs: summary.durationMs, errors });
      return summary;
    };

    // Only what was stored before listing can be stale: a container an event added meanwhile stays.
    const storedBefore = new Set(this.#writer.ofWatcher(this.name).map((container) => container.id));
    let listed: { Id: string }[];
    try {
      listed = await this.#engine.listContainers(this.#options.watchAll);
    } catch (error) {
      const message = errorMessage(error);
      this.#logger.error({ watcher: this.name }, `watch cycle failed: ${message}`);
      return finish([], 1, message);
    }
    const cycle = this.#checker.newCycle();
    const present = new Set(listed.map((container) => container.Id));
    // Once the engine stopped answering (each call waited its TIMEOUT), the rest of the list is not
    // asked one by one: those containers count as errors and keep what is stored, like the first.
    let engineDown: string | undefined;
    const results = await mapBounded(listed, this.#options.concurrency, async ({ Id }) => {
      if (engineDown) return 'error' as const;
      try {
        const snapshot = await this.#snapshot(Id);
        if (!snapshot) {
          present.delete(Id);
          this.#markGone(Id);
          return null;
        }
        return await this.#check(snapshot, cycle);
      } catch (error) {
        // The engine failed on this one container: keep what is stored, count the error.
        this.#logger.warn({ watcher: this.name, container: Id }, `cannot inspect container: ${errorMessage(error)}`);
        if (isEngineUnavailable(error)) engineDown ??= errorMessage(error);
        return 'error' as const;
      }
    });
    for (const stale of this.#writer.ofWatcher(this.name)) {
      if (storedBefore.has(stale.id) && !present.has(stale.id)) this.#writer.remove(stale.id);
    }
    const checked = results.filter((result): result is Container => result !== null && result !== 'error' && result.watched);
    const errors = results.filter((result) => result === 'error').length + checked.filter((c) => c.checkStatus === 'unknown').length;
    const summary = finish(checked, errors, engineDown);
    this.#logger.info({ watcher: this.name, checked: summary.checked, errors, durationMs: summary.durationMs }, 'watch cycle completed');
    return summary;
  }

  /** Inspects the container and its image; null when the container is gone. */
  async #snapshot(id: string): Promise<Snapshot | null> {
    let inspect;
    try {
      inspect = await this.#engine.inspectContainer(id);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
    if (!matchesLabelFilter(inspect.Config?.Labels, this.#options.labelFilter ?? [])) return null;
    let image: EngineImageInspect | null = null;
    if (inspect.Image) {
      try {
        image = await this.#engine.inspectImage(inspect.Image);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return buildSnapshot(inspect, image, {
      watcher: this.name,
      watchByDefault: this.#options.watchByDefault,
      describeRegistry: (host) => this.#checker.describeRegistry(host),
    });
  }

  /** Asks the registry about one snapshot and stores the answer (or the failure, keeping the last result). */
  async #check(snapshot: Snapshot, cycle: CycleCache): Promise<Container> {
    const policy = this.#writer.policyFor(snapshot.container);
    const now = this.#now();
    const base = carryOver(snapshot.container, this.#writer.find(snapshot.container.id), policy, now);
    if (!base.watched) return this.#writer.upsert(base);
    if (snapshot.problem) return this.#writer.upsert(applyFailure(base, snapshot.problem, policy, now));
    let next: Container;
    try {
      const outcome = await this.#checker.check(base.image, snapshot.rules, cycle);
      next = applyOutcome(base, outcome, policy, this.#now());
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      next = applyFailure(
        base,
        { message: truncate(errorMessage(error), 1000), code: typeof code === 'string' ? code : 'CHECK_FAILED' },
        policy,
        this.#now(),
      );
    }
    // Destroyed while the registry was asked: do not bring it back.
    if (this.#gone.has(next.id)) return next;
    return this.#writer.upsert(next);
  }
}
