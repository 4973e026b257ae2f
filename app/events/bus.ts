import type { Container } from '../core/container.ts';

/**
 * The typed in-process event bus: the contract between the store, triggers, SSE and metrics.
 * Event names are the SSE names without the `dd:` prefix.
 */
export interface EventMap {
  'container-added': { container: Container };
  'container-updated': { container: Container; previous?: Container };
  'container-removed': { container: Container };
  /** A watch cycle of one watcher finished; `containers` are the ones it checked. */
  'watch-cycle-completed': { watcher: string; containers: Container[]; startedAt: string; durationMs: number; errors: number };
  'update-operation-changed': { operation: Record<string, unknown> };
  'update-applied': { operation: Record<string, unknown> };
  'update-failed': { operation: Record<string, unknown> };
  'batch-update-completed': Record<string, unknown>;
  /** A start, stop or restart finished (single or bulk request); `status` is the engine state after it. */
  'container-action-completed': { containerId: string; containerName: string; watcher: string; action: string; status: string; message: string; at: string };
  /** The engine refused or failed a start, stop or restart it was asked for. */
  'container-action-failed': { containerId: string; containerName: string; watcher: string; action: string; code: string; error: string; at: string };
  'stats-summary': Record<string, unknown>;
  /**
   * A notification delivery was queued or changed state (sending, sent, waiting for its next try,
   * failed). Only what a list needs: never the message, which may carry what a template put in it.
   */
  'notification-delivery-changed': NotificationDeliveryChange;
}

export interface NotificationDeliveryChange {
  /** The outbox entry's id. */
  readonly id: string;
  /** `type.name` of the trigger, e.g. `ntfy.phone`. */
  readonly trigger: string;
  readonly status: 'pending' | 'sending' | 'sent' | 'failed';
  /** Attempts recorded so far. */
  readonly attempts: number;
  /** The error of the last attempt, when it failed. */
  readonly lastError?: string;
}

export type EventName = keyof EventMap;
type Listener<K extends EventName> = (payload: EventMap[K]) => void;

export class EventBus {
  readonly #listeners = new Map<EventName, Set<Listener<never>>>();
  readonly #onListenerError: (event: EventName, error: unknown) => void;

  constructor(onListenerError: (event: EventName, error: unknown) => void = () => undefined) {
    this.#onListenerError = onListenerError;
  }

  on<K extends EventName>(event: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Delivers synchronously; a failing listener is reported and never stops the others. */
  emit<K extends EventName>(event: K, payload: EventMap[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        this.#onListenerError(event, error);
      }
    }
  }

  listenerCount(event: EventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
