import type { RawGroup } from '../config/groups.ts';
import { containerIdentity, type Container } from '../core/container.ts';
import { notFound, badRequest } from '../core/errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import type { OutboxEntry } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { containersOf, DEFAULT_QUEUE_OPTIONS, DeliveryQueue, type QueueOptions } from './delivery-queue.ts';
import { NotificationLedger } from './ledger.ts';
import { renderBatch, renderSimple } from './messages.ts';
import type { Delivery, ProviderDefinition, ProviderEnvironment } from './provider.ts';
import { providerDefinitions } from './providers.ts';
import { ResultNotifier } from './result-notifier.ts';
import { buildTriggers, candidateOf, routesTo, sendsEvent, shouldFire, type Trigger } from './trigger.ts';

export interface TriggerServiceOptions {
  readonly groups: readonly RawGroup[];
  readonly store: Store;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly publicUrl?: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  readonly queue?: Partial<QueueOptions>;
  readonly definitions?: ReadonlyMap<string, ProviderDefinition>;
  /** Handed to act providers (see ProviderEnvironment.services). */
  readonly services?: Readonly<Record<string, unknown>>;
  /**
   * Update outcomes stored since then are looked at when the service starts (crash recovery and
   * rollback retries at start run before anyone listens); the ledger drops what was sent already.
   * Defaults to when this process started.
   */
  readonly outcomesSince?: Date;
}


/**
 * Listens to watch results on the bus and turns them into deliveries: routing, thresholds,
 * ONCE ledger, simple/batch modes; the DeliveryQueue sends them asynchronously. Update outcomes
 * (EVENTS other than update-available) go through the ResultNotifier into the same queue.
 */
export class TriggerService {
  readonly triggers: readonly Trigger[];
  /** Unknown keys and similar, for main.ts to log. */
  readonly warnings: readonly string[];
  readonly #bus: EventBus;
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #ledger: NotificationLedger;
  readonly #queue: DeliveryQueue;
  readonly #results: ResultNotifier;
  readonly #outcomesSince: Date;
  /** ONCE=false: keys sent since their watcher's last cycle ended (a container event and its cycle send once). */
  readonly #recent = new Set<string>();
  #unsubscribe: (() => void)[] = [];

  /** Throws ConfigError (naming the variable) for invalid trigger configuration. */
  constructor(options: TriggerServiceOptions) {
    this.#bus = options.bus;
    this.#store = options.store;
    this.#logger = options.logger;
    const environment: ProviderEnvironment = {
      logger: options.logger,
      fetch: options.fetch ?? globalThis.fetch,
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.publicUrl ? { publicUrl: options.publicUrl.replace(/\/+$/, '') } : {}),
      ...(options.services ? { services: options.services } : {}),
    };
    const built = buildTriggers(options.groups, options.definitions ?? providerDefinitions, environment);
    this.triggers = built.triggers;
    this.warnings = built.warnings;
    this.#ledger = new NotificationLedger(options.store);
    this.#queue = new DeliveryQueue(options.store, options.logger, { ...DEFAULT_QUEUE_OPTIONS, ...options.queue });
    this.#results = new ResultNotifier({
      triggers: this.triggers,
      store: options.store,
      ledger: this.#ledger,
      logger: options.logger,
      enqueue: (trigger, delivery) => this.#enqueueResult(trigger, delivery),
    });
    this.#outcomesSince = options.outcomesSince ?? new Date(performance.timeOrigin);
  }

  start(): void {
    if (this.#unsubscribe.length > 0) return;
    this.#unsubscribe = [
      this.#bus.on('container-added', ({ container }) => this.#onContainer(container, undefined)),
      this.#bus.on('container-updated', ({ container, previous }) => this.#onContainer(container, previous)),
      this.#bus.on('watch-cycle-completed', ({ containers }) => this.#onCycle(containers)),
    ];
    this.#resumePending();
    if (this.#results.active) {
      this.#unsubscribe.push(this.#bus.on('update-operation-changed', ({ operation }) => this.#results.onOperation(operation)));
      this.#results.catchUp(this.#outcomesSince);
    }
  }

  /** Stops listening and sending; unsent deliveries stay pending in the outbox for the next start. */
  stop(): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#queue.stop();
  }

  /** Resolves when no delivery is waiting, running or scheduled for retry. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  find(type: string, name: string): Trigger {
    const trigger = this.triggers.find((candidate) => candidate.type === type && candidate.name === name);
    if (!trigger) throw notFound('Trigger', `${type}.${name}`);
    return trigger;
  }

  /** Triggers a container routes to (its dd.trigger.include/exclude labels). */
  triggersFor(container: Container): Trigger[] {
    return this.triggers.filter((trigger) => routesTo(trigger, container));
  }

  outbox(): readonly OutboxEntry[] {
    return this.#queue.list();
  }

  /** Run now for one container, ignoring AUTO and ONCE (and the threshold); waits for the outcome. */
  async runForContainer(container: Container, type: string, name: string): Promise<OutboxEntry> {
    const trigger = this.find(type, name);
    const delivery: Delivery =
      trigger.mode === 'batch'
        ? { mode: 'batch', reason: 'manual', containers: [container], message: renderBatch(trigger.templates, [container]) }
        : { mode: 'simple', reason: 'manual', containers: [container], message: renderSimple(trigger.templates, container) };
    const entry = this.#queue.enqueue(trigger, delivery);
    if (container.updateAvailable && container.updateKind) this.#ledger.record(trigger.id, [container], entry.createdAt);
    return this.#queue.settled(entry.id);
  }

  /** A test message through the trigger, naming this host; waits for the outcome. */
  async sendTest(type: string, name: string): Promise<OutboxEntry> {
    const trigger = this.find(type, name);
    const delivery: Delivery = {
      mode: trigger.mode,
      reason: 'test',
      containers: [],
      message: { title: `dockdeck: test of trigger ${trigger.id}`, body: `This is a test message from dockdeck (trigger ${trigger.id}).` },
    };
    return this.#queue.settled(this.#queue.enqueue(trigger, delivery).id);
  }

  retry(id: string): OutboxEntry {
    const entry = this.#queue.find(id);
    if (!entry) throw notFound('Outbox entry', id);
    if (entry.status === 'sent' || entry.status === 'sending') throw badRequest('NOT_RETRYABLE', `Outbox entry is ${entry.status}`);
    const trigger = this.triggers.find((candidate) => candidate.id === entry.trigger);
    if (!trigger) throw notFound('Trigger', entry.trigger);
    return this.#queue.retry(id, trigger, this.#deliveryOf(entry));
  }

  #deliveryOf(entry: OutboxEntry): Delivery {
    return {
      mode: entry.mode,
      reason: entry.reason,
      containers: containersOf(entry, this.#store.data.containers),
      message: { title: entry.title, body: entry.body },
      ...(entry.result ? { result: entry.result } : {}),
    };
  }

  /** Queues a result message and keeps the outcome on its outbox entry (a resumed delivery is sent the same way). */
  #enqueueResult(trigger: Trigger, delivery: Delivery): OutboxEntry {
    const entry = this.#queue.enqueue(trigger, delivery);
    const result = delivery.result;
    if (result) this.#store.update(() => void (entry.result = result));
    return entry;
  }

  /** Deliveries left pending by a previous process are sent again. */
  #resumePending(): void {
    for (const entry of this.#queue.list()) {
      if (entry.status !== 'pending' && entry.status !== 'sending') continue;
      const trigger = this.triggers.find((candidate) => candidate.id === entry.trigger);
      if (trigger) this.#queue.retry(entry.id, trigger, this.#deliveryOf(entry));
    }
  }

  #onContainer(container: Container, previous: Container | undefined): void {
    if (!container.updateAvailable) return;
    // Only a new candidate is news; the same one is handled by the cycle (or was already sent).
    if (previous?.updateAvailable && candidateOf(previous) === candidateOf(container)) return;
    for (const trigger of this.triggers) {
      if (trigger.auto && trigger.mode === 'simple' && sendsEvent(trigger, 'update-available')) this.#fireSimple(trigger, container);
    }
  }

  #onCycle(containers: readonly Container[]): void {
    for (const trigger of this.triggers) {
      if (!trigger.auto || !sendsEvent(trigger, 'update-available')) continue;
      if (trigger.mode === 'simple') {
        for (const container of containers) this.#fireSimple(trigger, container);
        continue;
      }
      const due = containers.filter((container) => this.#isDue(trigger, container));
      if (due.length === 0) continue;
      this.#enqueue(trigger, { mode: 'batch', reason: 'auto', containers: due, message: renderBatch(trigger.templates, due) });
    }
    // Only this cycle's containers: another watcher's cycle may still be running.
    const identities = new Set(containers.map(containerIdentity));
    for (const key of this.#recent) if (identities.has(key.split('|')[1] ?? '')) this.#recent.delete(key);
  }

  #fireSimple(trigger: Trigger, container: Container): void {
    if (!this.#isDue(trigger, container)) return;
    this.#enqueue(trigger, { mode: 'simple', reason: 'auto', containers: [container], message: renderSimple(trigger.templates, container) });
  }

  #isDue(trigger: Trigger, container: Container): boolean {
    if (!shouldFire(trigger, container)) return false;
    if (trigger.once) return !this.#ledger.has(trigger.id, container);
    return !this.#recent.has(NotificationLedger.keyOf(trigger.id, container));
  }

  #enqueue(trigger: Trigger, delivery: Delivery): void {
    const entry = this.#queue.enqueue(trigger, delivery);
    // Recorded when queued, not when sent: a failing receiver is retried from the outbox, not re-triggered.
    if (trigger.once) this.#ledger.record(trigger.id, delivery.containers, entry.createdAt);
    if (!trigger.once && this.#recent.size < 10_000) {
      for (const container of delivery.containers) this.#recent.add(NotificationLedger.keyOf(trigger.id, container));
    }
    this.#logger.debug({ trigger: trigger.id, outbox: entry.id, containers: delivery.containers.length }, 'notification queued');
  }
}
