import { randomUUID } from 'node:crypto';
import type { Container } from '../core/container.ts';
import { containerIdentity } from '../core/container.ts';
import { errorMessage, truncate } from '../core/errors.ts';
import type { EventBus, NotificationDeliveryChange } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import type { OutboxEntry } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import type { Delivery } from './provider.ts';
import type { Trigger } from './trigger.ts';

export interface QueueOptions {
  /** Waits before attempt 2, 3, …; the last value repeats. */
  readonly backoffMs: readonly number[];
  /** Attempts of one delivery unless the provider says otherwise. */
  readonly maxAttempts: number;
  /** Deliveries waiting or running at most; beyond, new ones are recorded as failed at once. */
  readonly limit: number;
  readonly concurrency: number;
  /** Outbox entries kept in the store (oldest finished ones drop first). */
  readonly keep: number;
  /** Told of every attempt's outcome, e.g. for metrics. */
  readonly onAttempt?: (triggerId: string, outcome: 'sent' | 'failed') => void;
  /** Told of every state change of an entry as `notification-delivery-changed` (the UI's live outbox). */
  readonly bus?: EventBus;
}

export const DEFAULT_QUEUE_OPTIONS: QueueOptions = {
  backoffMs: [5_000, 30_000, 120_000, 600_000],
  maxAttempts: 5,
  limit: 1000,
  concurrency: 2,
  keep: 500,
};

interface Job {
  readonly entryId: string;
  readonly trigger: Trigger;
  readonly delivery: Delivery;
  /** Attempts recorded before this series (a manual retry starts a fresh series). */
  readonly base: number;
}

/**
 * The async, bounded delivery queue behind the outbox: enqueue returns at once (a watch cycle
 * never waits), failures are retried with backoff, every attempt is recorded in the store.
 */
export class DeliveryQueue {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #options: QueueOptions;
  readonly #jobs: Job[] = [];
  /** Backoff waits by outbox entry id. */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #controllers = new Set<AbortController>();
  readonly #waiters = new Map<string, ((entry: OutboxEntry) => void)[]>();
  #idleWaiters: (() => void)[] = [];
  #running = 0;
  #stopped = false;

  constructor(store: Store, logger: Logger, options: QueueOptions) {
    this.#store = store;
    this.#logger = logger;
    this.#options = options;
  }

  list(): readonly OutboxEntry[] {
    return this.#store.data.notifications.outbox;
  }

  find(id: string): OutboxEntry | undefined {
    return this.list().find((entry) => entry.id === id);
  }

  enqueue(trigger: Trigger, delivery: Delivery): OutboxEntry {
    const entry: OutboxEntry = {
      id: randomUUID(),
      trigger: trigger.id,
      mode: delivery.mode,
      reason: delivery.reason,
      containerIds: delivery.containers.map((container) => container.id),
      identities: delivery.containers.map((container) => containerIdentity(container)),
      title: delivery.message.title,
      body: delivery.message.body,
      status: 'pending',
      attempts: [],
      createdAt: new Date().toISOString(),
    };
    const full = this.#jobs.length + this.#running + this.#timers.size >= this.#options.limit;
    if (full) {
      entry.status = 'failed';
      entry.attempts.push({ at: entry.createdAt, ok: false, error: 'delivery queue full' });
      this.#logger.warn({ trigger: trigger.id }, 'notification queue full; delivery recorded as failed');
    }
    this.#store.update((data) => {
      data.notifications.outbox.push(entry);
      this.#trim(data.notifications.outbox);
    });
    this.#changed(entry);
    if (!full) this.#push({ entryId: entry.id, trigger, delivery, base: 0 });
    return entry;
  }

  /** Puts a failed (or pending) entry back in the queue now. */
  retry(entryId: string, trigger: Trigger, delivery: Delivery): OutboxEntry {
    const entry = this.find(entryId);
    if (!entry) throw new Error(`no outbox entry ${entryId}`);
    // Already waiting in the queue: once is enough. Waiting for its backoff: send now instead.
    if (this.#isQueued(entryId)) return entry;
    const waiting = this.#timers.get(entryId);
    if (waiting) {
      clearTimeout(waiting);
      this.#timers.delete(entryId);
    }
    this.#store.update(() => {
      entry.status = 'pending';
      delete entry.nextAttemptAt;
    });
    this.#changed(entry);
    this.#push({ entryId, trigger, delivery, base: entry.attempts.length });
    return entry;
  }

  /** Resolves with the entry once its delivery is sent or has failed for good. */
  settled(entryId: string): Promise<OutboxEntry> {
    const entry = this.find(entryId);
    if (entry && (entry.status === 'sent' || entry.status === 'failed') && !this.#isQueued(entryId)) return Promise.resolve(entry);
    return new Promise((resolve) => {
      const list = this.#waiters.get(entryId) ?? [];
      list.push(resolve);
      this.#waiters.set(entryId, list);
    });
  }

  /** Resolves when nothing waits, runs or is scheduled (tests, shutdown). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops scheduling; aborts running sends. Pending entries stay 'pending' in the store. */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const controller of this.#controllers) controller.abort();
    this.#jobs.length = 0;
    this.#notifyIdle();
  }

  #isQueued(entryId: string): boolean {
    return this.#jobs.some((job) => job.entryId === entryId);
  }

  #isIdle(): boolean {
    return this.#jobs.length === 0 && this.#running === 0 && this.#timers.size === 0;
  }

  #push(job: Job): void {
    if (this.#stopped) return;
    this.#jobs.push(job);
    this.#pump();
  }

  #pump(): void {
    while (!this.#stopped && this.#running < this.#options.concurrency && this.#jobs.length > 0) {
      const job = this.#jobs.shift() as Job;
      this.#running++;
      void this.#run(job).finally(() => {
        this.#running--;
        this.#pump();
        this.#notifyIdle();
      });
    }
  }

  async #run(job: Job): Promise<void> {
    const entry = this.find(job.entryId);
    if (!entry) return;
    this.#store.update(() => {
      entry.status = 'sending';
    });
    this.#changed(entry);
    const controller = new AbortController();
    this.#controllers.add(controller);
    let error: string | undefined;
    try {
      await job.trigger.provider.send(job.delivery, controller.signal);
    } catch (caught) {
      error = truncate(errorMessage(caught), 500);
    } finally {
      this.#controllers.delete(controller);
    }
    this.#options.onAttempt?.(job.trigger.id, error === undefined ? 'sent' : 'failed');
    const at = new Date().toISOString();
    // A person waiting on a manual run or a test gets one attempt; the outbox can retry it later.
    const maxAttempts = job.delivery.reason === 'auto' ? (job.trigger.maxAttempts ?? this.#options.maxAttempts) : 1;
    this.#store.update(() => {
      entry.attempts.push(error === undefined ? { at, ok: true } : { at, ok: false, error });
      if (entry.attempts.length > 50) entry.attempts.splice(0, entry.attempts.length - 50);
      if (error === undefined) {
        entry.status = 'sent';
        entry.sentAt = at;
        delete entry.nextAttemptAt;
      } else if (this.#stopped || entry.attempts.length - job.base < maxAttempts) {
        // Interrupted by shutdown: stays pending and is resumed by the next start.
        entry.status = 'pending';
      } else {
        entry.status = 'failed';
        delete entry.nextAttemptAt;
      }
    });
    this.#changed(entry);
    if (error !== undefined) this.#logger.warn({ trigger: job.trigger.id, outbox: entry.id, attempt: entry.attempts.length }, `notification failed: ${error}`);
    if (entry.status === 'pending' && !this.#stopped) {
      const failures = entry.attempts.length - job.base;
      const delays = this.#options.backoffMs;
      const delay = delays[Math.min(failures - 1, delays.length - 1)] ?? 0;
      this.#store.update(() => {
        entry.nextAttemptAt = new Date(Date.now() + delay).toISOString();
      });
      const timer = setTimeout(() => {
        this.#timers.delete(entry.id);
        this.#push(job);
        this.#notifyIdle();
      }, delay);
      timer.unref();
      this.#timers.set(entry.id, timer);
      return;
    }
    const waiters = this.#waiters.get(entry.id) ?? [];
    this.#waiters.delete(entry.id);
    for (const resolve of waiters) resolve(entry);
  }

  #changed(entry: OutboxEntry): void {
    this.#options.bus?.emit('notification-delivery-changed', deliveryChange(entry));
  }

  #trim(outbox: OutboxEntry[]): void {
    let excess = outbox.length - this.#options.keep;
    for (let i = 0; i < outbox.length && excess > 0; ) {
      const status = outbox[i]?.status;
      if (status === 'sent' || status === 'failed') {
        outbox.splice(i, 1);
        excess--;
      } else i++;
    }
  }

  #notifyIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** What a client may learn of an outbox entry's state: no title, no body, no container ids. */
export function deliveryChange(entry: OutboxEntry): NotificationDeliveryChange {
  const last = entry.attempts.at(-1);
  return {
    id: entry.id,
    trigger: entry.trigger,
    status: entry.status,
    attempts: entry.attempts.length,
    ...(last && !last.ok && last.error !== undefined ? { lastError: last.error } : {}),
  };
}

/** Containers a stored entry was about, as the store knows them now (for retries after a restart). */
export function containersOf(entry: OutboxEntry, known: readonly Container[]): Container[] {
  return entry.containerIds.map((id) => known.find((container) => container.id === id)).filter((c): c is Container => c !== undefined);
}
