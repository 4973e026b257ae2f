import { notFound } from '../core/errors.ts';
import type { EngineConnection } from '../engine/engine-connection.ts';
import type { StatsSource, StatsTarget } from './collector.ts';
import type { RawStats } from './compute.ts';

/** A one-shot stats answer waits for two of the engine's samples (1 s apart): up to 2 s before the first byte. */
const ENGINE_SAMPLING_MS = 2000;

/** Reads one-shot stats from the container's own engine (precpu comes with the same document). */
export class EngineStatsSource implements StatsSource {
  readonly #engines: ReadonlyMap<string, EngineConnection>;

  constructor(engines: ReadonlyMap<string, EngineConnection>) {
    this.#engines = engines;
  }

  /**
   * Within the watcher's TIMEOUT plus the engine's own sampling time, or sooner when the collector
   * gives up (`signal`): the request is aborted either way.
   */
  async fetch(target: StatsTarget, signal?: AbortSignal): Promise<RawStats> {
    const engine = this.#engines.get(target.watcher);
    if (!engine) throw notFound('Watcher', target.watcher);
    const limit = { deadlineMs: engine.timeoutMs + ENGINE_SAMPLING_MS };
    return (await engine.call((docker) => docker.getContainer(target.id).stats({ stream: false }), { limit, ...(signal ? { signal } : {}) })) as RawStats;
  }

  /** Cached by the connection: one `GET /info` per engine, not one per tick. */
  async memoryTotal(watcher: string): Promise<number | undefined> {
    return this.#engines.get(watcher)?.memoryTotal();
  }
}
