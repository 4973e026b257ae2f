import { containerIdentity, type Container } from '../core/container.ts';
import type { Logger } from '../log.ts';
import type { OperationOutcomeRecord, OutboxEntry } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { NotificationLedger } from './ledger.ts';
import { outcomeKey, outcomeOf } from './operation-outcome.ts';
import type { Delivery } from './provider.ts';
import { DEFAULT_RESULT_TEMPLATES, renderResult } from './result-messages.ts';
import { routesTo, sendsEvent, type Trigger } from './trigger.ts';

export interface ResultNotifierDeps {
  readonly triggers: readonly Trigger[];
  readonly store: Store;
  readonly ledger: NotificationLedger;
  readonly logger: Logger;
  /** Queues one delivery (the outbox, with retries) and returns its entry. */
  readonly enqueue: (trigger: Trigger, delivery: Delivery) => OutboxEntry;
}

/**
 * Messages about what an update operation did (EVENTS update-applied, update-failed,
 * rollback-failed): one per trigger and outcome, whatever re-emits it, for the notify triggers
 * that list the event and that the container's dd.trigger.include/exclude route to. THRESHOLD,
 * MODE, ONCE and AUTO do not apply; act triggers (docker) never get these.
 */
export class ResultNotifier {
  readonly #deps: ResultNotifierDeps;

  constructor(deps: ResultNotifierDeps) {
    this.#deps = deps;
  }

  /** Whether any trigger wants results at all (nothing to do otherwise). */
  get active(): boolean {
    return this.#deps.triggers.some((trigger) => this.#wants(trigger, undefined));
  }

  /** An operation as the bus carries it (`update-operation-changed`). */
  onOperation(operation: Record<string, unknown>): void {
    const result = outcomeOf(operation);
    if (result) this.notify(result);
  }

  /** Outcomes reached while no one listened (crash recovery and rollback retries at start): the ledger drops what was sent. */
  catchUp(since: Date): void {
    const from = since.toISOString();
    for (const operation of this.#deps.store.data.updateOperations) {
      if (typeof operation.updatedAt === 'string' && operation.updatedAt >= from) this.onOperation(operation);
    }
  }

  notify(result: OperationOutcomeRecord): void {
    const container = this.#containerOf(result);
    const key = outcomeKey(result);
    for (const trigger of this.#deps.triggers) {
      if (!this.#wants(trigger, result)) continue;
      // No stored container (it left the store): no labels say otherwise, so every listing trigger hears it.
      if (container && !routesTo(trigger, container)) continue;
      if (this.#deps.ledger.hasCandidate(trigger.id, result.identity, key)) continue;
      const delivery: Delivery = {
        mode: 'simple',
        reason: 'auto',
        containers: container ? [container] : [],
        message: renderResult(trigger.resultTemplates ?? DEFAULT_RESULT_TEMPLATES, result, container),
        result,
      };
      const entry = this.#deps.enqueue(trigger, delivery);
      // Recorded when queued, like ONCE: a failing receiver is retried from the outbox, not re-sent.
      this.#deps.ledger.recordCandidate(trigger.id, result.identity, key, entry.createdAt);
      this.#deps.logger.debug({ trigger: trigger.id, outbox: entry.id, operation: result.operationId, outcome: result.outcome }, 'update result notification queued');
    }
  }

  #wants(trigger: Trigger, result: OperationOutcomeRecord | undefined): boolean {
    if (trigger.kind !== 'notify') return false;
    if (result) return sendsEvent(trigger, result.event);
    return sendsEvent(trigger, 'update-applied') || sendsEvent(trigger, 'update-failed') || sendsEvent(trigger, 'rollback-failed');
  }

  /** The stored container the operation was about (same identity: an update keeps the name); its labels route the message. */
  #containerOf(result: OperationOutcomeRecord): Container | undefined {
    const containers = this.#deps.store.data.containers;
    return (
      containers.find((container) => container.id === result.containerId) ??
      containers.find((container) => containerIdentity(container) === result.identity)
    );
  }
}
