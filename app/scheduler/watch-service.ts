import { DEFAULT_EVENTS_IDLE_SECONDS, type WatcherConfig } from '../config/load-config.ts';
import type { Container } from '../core/container.ts';
import { agentEndpointOf, type AgentEndpoint } from '../engine/engine-connection.ts';
import { notFound } from '../core/errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import type { ImageChecker } from '../registries/types.ts';
import { ContainerWriter, type ContainerStore } from '../watchers/container-writer.ts';
import { DockerWatcher, type WatchRunSummary } from '../watchers/docker/docker-watcher.ts';
import type { ContainerEngine } from '../watchers/docker/engine-port.ts';
import { EventFollower, type EventStreamStats, type FollowerStatus, type StreamChange } from '../watchers/docker/event-follower.ts';
import type { CronPort } from './cron-port.ts';
import { WatchScheduler } from './watch-scheduler.ts';

export interface WatcherStatus {
  readonly name: string;
  readonly type: 'docker';
  /** unix:// or http(s)://host:port — never credentials. */
  readonly endpoint: string;
  readonly cron: string;
  readonly jitterSeconds: number;
  readonly watchByDefault: boolean;
  readonly watchAll: boolean;
  readonly watchEvents: boolean;
  readonly labelFilter: readonly string[];
  /** The dockdeck agent this engine is reached through (host, port, TLS; never the secret), or null. */
  readonly agent: AgentEndpoint | null;
  readonly status: 'running' | 'idle' | 'error';
  readonly events: FollowerStatus | 'disabled';
  /** The event stream's liveness: last event, recycles of a silent stream, reconnects; null when events are not followed. */
  readonly eventStream: EventStreamStats | null;
  readonly lastRun: WatchRunSummary | null;
  readonly nextRunAt: string | null;
}

interface WatcherUnit {
  readonly config: WatcherConfig;
  readonly watcher: DockerWatcher;
  readonly scheduler: WatchScheduler;
  readonly follower: EventFollower | null;
}

export interface WatchServiceDeps {
  readonly watchers: readonly WatcherConfig[];
  /** The engine of each watcher, by watcher name. */
  readonly engines: ReadonlyMap<string, ContainerEngine>;
  readonly checker: ImageChecker;
  readonly store: ContainerStore;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly concurrency: number;
  readonly cron: CronPort;
  /** Debounce of engine event bursts. */
  readonly eventDebounceMs?: number;
  /** Told of every recycle and reconnect of a watcher's event stream (Prometheus counters). */
  readonly onEventStreamChange?: (watcher: string, change: StreamChange) => void;
  readonly now?: () => Date;
}

/**
 * Every watcher with its schedule and event stream: the one object the API and main.ts use to
 * watch ("check now" for all or one container) and to start and stop watching. Watchers run
 * independently of each other.
 */
export class WatchService {
  readonly #units = new Map<string, WatcherUnit>();
  readonly #writer: ContainerWriter;
  #started = false;

  constructor(deps: WatchServiceDeps) {
    this.#writer = new ContainerWriter(deps.store, deps.bus);
    for (const config of deps.watchers) {
      const engine = deps.engines.get(config.name);
      if (!engine) continue;
      const logger = deps.logger.child({ watcher: config.name });
      const watcher = new DockerWatcher({
        options: { name: config.name, watchByDefault: config.watchByDefault, watchAll: config.watchAll, labelFilter: config.labelFilter, concurrency: deps.concurrency },
        engine,
        checker: deps.checker,
        writer: this.#writer,
        bus: deps.bus,
        logger,
        ...(deps.now ? { now: deps.now } : {}),
      });
      const scheduler = new WatchScheduler({
        watcher,
        options: { cron: config.cron, jitterSeconds: config.jitterSeconds, watchAtStart: config.watchAtStart },
        cron: deps.cron,
        logger,
      });
      const follower = config.watchEvents
        ? new EventFollower({
            open: (request) => engine.containerEvents(request),
            onEvents: (batch) => watcher.applyEvents(batch),
            onResync: () => watcher.resync(),
            logger,
            watcher: config.name,
            idleMs: (config.eventsIdleSeconds ?? DEFAULT_EVENTS_IDLE_SECONDS) * 1000,
            ...(deps.onEventStreamChange ? { onStreamChange: (change: StreamChange) => deps.onEventStreamChange?.(config.name, change) } : {}),
            ...(deps.eventDebounceMs !== undefined ? { debounceMs: deps.eventDebounceMs } : {}),
          })
        : null;
      this.#units.set(config.name, { config, watcher, scheduler, follower });
    }
  }

  /** Starts the schedules (and the run at start) and the event streams. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const unit of this.#units.values()) {
      unit.follower?.start();
      unit.scheduler.start();
    }
  }

  /** Stops schedules and event streams; a run in progress is left to finish writing to the store. */
  async stop(): Promise<void> {
    this.#started = false;
    await Promise.all(
      [...this.#units.values()].map(async (unit) => {
        unit.scheduler.stop();
        await unit.follower?.stop();
      }),
    );
  }

  watcherNames(): string[] {
    return [...this.#units.keys()];
  }

  /** Runs (or joins) a cycle on every watcher, or on one. Returns the run summaries, each with its watcher. */
  async watchAll(watcherName?: string): Promise<Array<WatchRunSummary & { readonly watcher: string }>> {
    const units = watcherName ? [this.#unit(watcherName)] : [...this.#units.values()];
    return Promise.all(units.map(async (unit) => ({ watcher: unit.config.name, ...(await unit.watcher.watch()) })));
  }

  /** Checks one stored container now. */
  async watchContainer(id: string): Promise<Container> {
    const stored = this.#writer.find(id);
    if (!stored) throw notFound('Container', id);
    return this.#unit(stored.watcher).watcher.watchContainer(id);
  }

  /** Re-reads one stored container's state from its engine (no registry call unless never checked), e.g. after a stop. */
  async refreshContainer(id: string): Promise<Container | undefined> {
    const stored = this.#writer.find(id);
    if (!stored) return undefined;
    return this.#unit(stored.watcher).watcher.refreshContainer(id);
  }

  /** Removes a container from the store only (DELETE /containers/:id); the next cycle finds it again if it still runs. */
  forget(id: string): Container | undefined {
    return this.#writer.remove(id);
  }

  statuses(): WatcherStatus[] {
    return [...this.#units.values()].map(({ config, watcher, scheduler, follower }) => {
      const next = scheduler.nextRunAt;
      return {
        name: config.name,
        type: 'docker' as const,
        endpoint: watcher.engine.endpoint,
        cron: config.cron,
        jitterSeconds: config.jitterSeconds,
        watchByDefault: config.watchByDefault,
        watchAll: config.watchAll,
        watchEvents: config.watchEvents,
        labelFilter: config.labelFilter,
        agent: agentEndpointOf(config),
        status: watcher.isRunning ? 'running' : watcher.lastRun?.error ? 'error' : 'idle',
        events: follower ? follower.status : 'disabled',
        eventStream: follower ? follower.stats : null,
        lastRun: watcher.lastRun,
        nextRunAt: this.#started && next ? next.toISOString() : null,
      };
    });
  }

  #unit(name: string): WatcherUnit {
    const unit = this.#units.get(name);
    if (!unit) throw notFound('Watcher', name);
    return unit;
  }
}
