import { systemClock, type Clock } from '../clock/clock.ts';
import { DeadlineTimer } from '../clock/deadline-timer.ts';
import { errorMessage } from '../core/errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import type { OperationRepository } from './operation-repository.ts';
import type { UpdateOperation } from './operation.ts';
import { firstSchedule, isStrandedRollback, reportGaveUp, retriesAutomatically, type RetryTrigger } from './rollback-retry.ts';

/** A retry that could not start (another operation holds the container) is tried again this much later. */
const OVERDUE_LOOK_AGAIN_MS = 30_000;

export interface RollbackRecoveryDeps {
  readonly repository: OperationRepository;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly delaysMs: readonly number[];
  /** Runs one retry (through the update service, which keeps one operation per container). */
  readonly retry: (operation: UpdateOperation, trigger: RetryTrigger) => Promise<unknown>;
  readonly clock?: Clock;
}

/**
 * Picks up rollbacks that still failed after the executor's own retries, so a service is not left
 * down until someone notices: at start, and while running on a bounded backoff (the delays, then
 * it gives up loudly). One timer for all of them, at the earliest planned retry; the plan is
 * stored on each operation, so it survives restarts.
 */
export class RollbackRecovery {
  readonly #deps: RollbackRecoveryDeps;
  readonly #clock: Clock;
  readonly #timer: DeadlineTimer;
  #work: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void) | undefined;

  constructor(deps: RollbackRecoveryDeps) {
    this.#deps = deps;
    this.#clock = deps.clock ?? systemClock;
    this.#timer = new DeadlineTimer(this.#clock, () => void this.#enqueue(() => this.#runDue()));
  }

  /** When the next automatic retry is due. */
  get nextAttemptAt(): Date | undefined {
    const at = this.#timer.deadline;
    return at === undefined ? undefined : new Date(at);
  }

  /** Retries every stranded rollback once now (a restart is a good moment), then follows the schedule. */
  start(): Promise<void> {
    if (!this.#unsubscribe) {
      this.#unsubscribe = this.#deps.bus.on('update-failed', ({ operation }) => {
        const id = String(operation.id);
        void this.#enqueue(() => this.#planNew(id));
      });
    }
    return this.#enqueue(() => this.#runAtStart());
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#timer.stop();
  }

  /** Resolves once the work started so far is done (tests, shutdown). */
  settled(): Promise<void> {
    return this.#work;
  }

  #stranded(): UpdateOperation[] {
    const all = this.#deps.repository.all();
    return all.filter((operation) => isStrandedRollback(operation, all));
  }

  async #runAtStart(): Promise<void> {
    for (const operation of this.#stranded()) {
      if (retriesAutomatically(operation)) await this.#attempt(operation, 'start');
      else reportGaveUp(this.#deps.logger, operation);
    }
    this.#arm();
  }

  /** A rollback just ended `rollback-failed` for the first time: plan its first retry. */
  async #planNew(id: string): Promise<void> {
    const operation = this.#deps.repository.get(id);
    if (!operation || operation.rollbackRecovery || !isStrandedRollback(operation, this.#deps.repository.all())) return;
    const plan = firstSchedule(this.#clock.now(), this.#deps.delaysMs);
    await this.#deps.repository.annotate(operation, { rollbackRecovery: plan });
    this.#deps.logger.error(
      { operation: operation.id, container: operation.containerName, nextAttemptAt: plan.nextAttemptAt, lastError: operation.lastError },
      'rollback failed: the container may be down; dockdeck retries the rollback by itself',
    );
    this.#arm();
  }

  async #runDue(): Promise<void> {
    const now = this.#clock.now();
    for (const operation of this.#stranded()) {
      const due = operation.rollbackRecovery?.nextAttemptAt;
      if (retriesAutomatically(operation) && due !== undefined && Date.parse(due) <= now) await this.#attempt(operation, 'automatic');
    }
    this.#arm();
  }

  async #attempt(operation: UpdateOperation, trigger: RetryTrigger): Promise<void> {
    try {
      await this.#deps.retry(operation, trigger);
    } catch (error) {
      // E.g. another operation holds the container right now: the plan stays, the next look retries.
      this.#deps.logger.warn({ operation: operation.id, trigger, err: error }, `rollback retry not started: ${errorMessage(error)}`);
    }
  }

  /** The one timer, at the earliest planned retry. A plan still overdue (its retry could not start) is looked at again later. */
  #arm(): void {
    const now = this.#clock.now();
    let earliest: number | undefined;
    for (const operation of this.#stranded()) {
      const due = operation.rollbackRecovery?.nextAttemptAt;
      if (!retriesAutomatically(operation) || due === undefined) continue;
      const planned = Date.parse(due);
      const at = planned > now ? planned : now + OVERDUE_LOOK_AGAIN_MS;
      if (earliest === undefined || at < earliest) earliest = at;
    }
    this.#timer.set(earliest);
  }

  #enqueue(job: () => Promise<void>): Promise<void> {
    this.#work = this.#work.then(job).catch((error: unknown) => this.#deps.logger.error({ err: error }, 'rollback recovery failed'));
    return this.#work;
  }
}
