import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../log.ts';
import type { CronJob, CronPort } from './cron-port.ts';

/** The part of a watcher the scheduler drives. */
export interface Watchable {
  readonly name: string;
  watch(): Promise<unknown>;
}

export interface WatchSchedulerOptions {
  readonly cron: string;
  readonly jitterSeconds: number;
  readonly watchAtStart: boolean;
}

/**
 * Runs one watcher on its cron schedule. Each tick waits a random jitter (so many dockdeck
 * instances do not hit a registry in the same second) then asks for a run; the watcher itself
 * makes sure only one run happens at a time (a tick during a run joins it).
 */
export class WatchScheduler {
  readonly #watcher: Watchable;
  readonly #options: WatchSchedulerOptions;
  readonly #cron: CronPort;
  readonly #logger: Logger;
  readonly #random: () => number;
  #job: CronJob | null = null;
  #jitterTimer: NodeJS.Timeout | null = null;
  #jitterUntil: Date | null = null;

  constructor(deps: { watcher: Watchable; options: WatchSchedulerOptions; cron: CronPort; logger: Logger; random?: () => number }) {
    this.#watcher = deps.watcher;
    this.#options = deps.options;
    this.#cron = deps.cron;
    this.#logger = deps.logger;
    this.#random = deps.random ?? Math.random;
  }

  get cron(): string {
    return this.#options.cron;
  }

  /** When the next run is due: a pending jittered run, else the next cron tick. */
  get nextRunAt(): Date | null {
    return this.#jitterUntil ?? this.#job?.nextRun() ?? null;
  }

  start(): void {
    if (this.#job) return;
    this.#job = this.#cron.schedule(this.#options.cron, () => this.#tick(), `watch-${this.#watcher.name}`);
    if (this.#options.watchAtStart) this.#run('start');
  }

  stop(): void {
    this.#job?.stop();
    this.#job = null;
    if (this.#jitterTimer) clearTimeout(this.#jitterTimer);
    this.#jitterTimer = null;
    this.#jitterUntil = null;
  }

  #tick(): void {
    if (this.#jitterTimer) return; // a jittered run is already waiting
    const delayMs = Math.floor(this.#random() * this.#options.jitterSeconds * 1000);
    if (delayMs <= 0) {
      this.#run('cron');
      return;
    }
    this.#jitterUntil = new Date(Date.now() + delayMs);
    this.#jitterTimer = setTimeout(() => {
      this.#jitterTimer = null;
      this.#jitterUntil = null;
      this.#run('cron');
    }, delayMs);
    this.#jitterTimer.unref();
  }

  #run(reason: string): void {
    this.#watcher.watch().catch((error: unknown) => {
      this.#logger.error({ watcher: this.#watcher.name, reason }, `scheduled watch failed: ${errorMessage(error)}`);
    });
  }
}
