import { systemClock, type Clock } from '../clock/clock.ts';
import { DeadlineTimer } from '../clock/deadline-timer.ts';
import { containerIdentity, type Container } from '../core/container.ts';
import { nextSuppressionChange, type UpdatePolicyRecord } from '../core/policy.ts';
import { applyPolicy, type UpdatePolicy } from '../core/update-available.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import { ContainerWriter, type ContainerStore } from './container-writer.ts';

export interface PolicyRefresherDeps {
  readonly store: ContainerStore;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/**
 * Keeps the stored `updateAvailable` time-correct. A snooze that ends or a candidate that reaches
 * its minimum age changes the answer without any new check result, so the containers are
 * re-evaluated at the earliest such moment (one timer for all of them) and every change goes
 * through the ContainerWriter: the usual `container-updated` event reaches triggers, SSE and
 * metrics. The stored container stays the one source of truth every reader uses.
 */
export class PolicyRefresher {
  readonly #store: ContainerStore;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #writer: ContainerWriter;
  readonly #timer: DeadlineTimer;
  #unsubscribe: Array<() => void> = [];

  constructor(deps: PolicyRefresherDeps) {
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#logger = deps.logger;
    this.#clock = deps.clock ?? systemClock;
    this.#writer = new ContainerWriter(deps.store, deps.bus);
    this.#timer = new DeadlineTimer(this.#clock, () => this.#onDue());
  }

  /** When the next re-evaluation is due, or undefined when no policy will change by itself. */
  get nextRefreshAt(): Date | undefined {
    const at = this.#timer.deadline;
    return at === undefined ? undefined : new Date(at);
  }

  /**
   * Re-evaluates every stored container now (a snooze may have ended while dockdeck was down),
   * then follows container writes to learn of new snoozes and candidates. Returns how many changed.
   */
  start(): number {
    if (this.#unsubscribe.length === 0) {
      this.#unsubscribe = [
        this.#bus.on('container-added', ({ container }) => this.#consider(container)),
        this.#bus.on('container-updated', ({ container }) => this.#consider(container)),
      ];
    }
    return this.refresh();
  }

  stop(): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#timer.stop();
  }

  /** Applies the policies as of now to every container, writes the ones that changed, re-arms. */
  refresh(): number {
    const now = new Date(this.#clock.now());
    let changed = 0;
    let earliest: number | undefined;
    for (const container of [...this.#store.data.containers]) {
      const policy = this.#policyOf(container);
      const next = applyPolicy(container, policy as UpdatePolicy | undefined, now);
      if (next.updateAvailable !== container.updateAvailable) {
        this.#writer.upsert(next);
        changed++;
      }
      const at = nextSuppressionChange(container, policy, now)?.getTime();
      if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
    }
    this.#timer.set(earliest);
    if (changed > 0) this.#logger.info({ containers: changed }, 'update policies changed by time: updateAvailable re-evaluated');
    return changed;
  }

  #onDue(): void {
    try {
      this.refresh();
    } catch (error) {
      // Never leave the schedule dead: look again in a minute.
      this.#logger.error({ err: error }, 'policy re-evaluation failed');
      this.#timer.atOrBefore(this.#clock.now() + 60_000);
    }
  }

  /** A container was written: its policy may end sooner than anything scheduled so far. */
  #consider(container: Container): void {
    const at = nextSuppressionChange(container, this.#policyOf(container), new Date(this.#clock.now()));
    if (at) this.#timer.atOrBefore(at.getTime());
  }

  #policyOf(container: Container): UpdatePolicyRecord | undefined {
    return this.#store.data.policies[containerIdentity(container)] as UpdatePolicyRecord | undefined;
  }
}
