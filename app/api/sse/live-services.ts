import type { EngineConnection } from '../../engine/engine-connection.ts';
import type { EventBus } from '../../events/bus.ts';
import { bindMetrics } from '../../metrics/live-metrics.ts';
import { StatsCollector, type StatsSource, type StatsTarget } from '../../stats/collector.ts';
import { EngineStatsSource } from '../../stats/engine-stats-source.ts';
import type { Store } from '../../store/store.ts';
import { ConnectionLimiter } from './connection-limiter.ts';
import { ContainerStatsStreams } from './container-stats-streams.ts';
import { SseChannel } from './sse-channel.ts';
import { forwardBusToChannel } from './ui-event-stream.ts';

export interface LiveOptions {
  readonly heartbeatMs: number;
  readonly maxBufferedBytes: number;
  readonly replayCapacity: number;
  readonly maxClients: number;
  readonly maxClientsPerIp: number;
  readonly statsIntervalMs: number;
  readonly statsConcurrency: number;
  readonly statsHistorySize: number;
}

export const DEFAULT_LIVE_OPTIONS: LiveOptions = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 1024 * 1024,
  replayCapacity: 1000,
  maxClients: 1000,
  maxClientsPerIp: 50,
  statsIntervalMs: 10_000,
  statsConcurrency: 4,
  statsHistorySize: 60,
};

/** Everything that pushes to clients: the UI event stream, stats collection and stats streams. */
export class LiveServices {
  readonly options: LiveOptions;
  readonly limiter: ConnectionLimiter;
  /** `GET /api/v1/events/ui`. */
  readonly events: SseChannel;
  /** `GET /api/v1/stats/summary/stream`. */
  readonly statsSummary: SseChannel;
  readonly containerStats: ContainerStatsStreams;
  readonly stats: StatsCollector;
  readonly #offs: Array<() => void> = [];
  /** Other long-lived streams (log WebSockets) that must end with these. */
  readonly #closers: Array<() => void> = [];

  constructor(deps: {
    store: Store;
    bus: EventBus;
    engines: ReadonlyMap<string, EngineConnection>;
    options?: Partial<LiveOptions>;
    /** A fake for unit tests; the engines otherwise. */
    statsSource?: StatsSource;
    onStatsError?: (target: StatsTarget, error: unknown) => void;
  }) {
    const options = { ...DEFAULT_LIVE_OPTIONS, ...deps.options };
    this.options = options;
    this.limiter = new ConnectionLimiter({ perIp: options.maxClientsPerIp, total: options.maxClients });
    const channelOptions = { heartbeatMs: options.heartbeatMs, maxBufferedBytes: options.maxBufferedBytes, limiter: this.limiter };
    this.events = new SseChannel({ ...channelOptions, replayCapacity: options.replayCapacity });
    this.statsSummary = new SseChannel(channelOptions);
    this.stats = new StatsCollector({
      intervalMs: options.statsIntervalMs,
      concurrency: options.statsConcurrency,
      historySize: options.statsHistorySize,
      source: deps.statsSource ?? new EngineStatsSource(deps.engines),
      fleet: () => runningWatched(deps.store, deps.engines),
      ...(deps.onStatsError ? { onError: deps.onStatsError } : {}),
    });
    this.containerStats = new ContainerStatsStreams(this.stats, channelOptions);
    this.#offs.push(
      forwardBusToChannel(deps.bus, this.events),
      this.stats.onSummary((summary) => {
        this.statsSummary.publish('dd:stats-summary', summary);
        deps.bus.emit('stats-summary', summary as unknown as Record<string, unknown>);
      }),
      bindMetrics(deps.bus, { containers: () => deps.store.data.containers, sseClients: () => this.limiter.open }),
    );
  }

  /** Starts stats polling (after the server listens). */
  start(): void {
    this.stats.start();
  }

  /** Registers a function that ends other streams at shutdown (an open stream keeps the server from closing). */
  onStop(close: () => void): void {
    this.#closers.push(close);
  }

  /** Stops polling and ends every stream (before the final store flush). */
  async stop(): Promise<void> {
    for (const off of this.#offs.splice(0)) off();
    this.events.close();
    this.statsSummary.close();
    this.containerStats.close();
    for (const close of this.#closers.splice(0)) close();
    await this.stats.stop();
  }
}

/** The fleet the summary covers: watched containers the store says are running on our engines. */
function runningWatched(store: Store, engines: ReadonlyMap<string, EngineConnection>): StatsTarget[] {
  return store.data.containers
    .filter((c) => c.watched && c.status === 'running' && !c.agent && engines.has(c.watcher))
    .map((c) => ({ id: c.id, name: c.name, watcher: c.watcher }));
}
