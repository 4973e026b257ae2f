/** One event as sent on an SSE stream: a monotonic id, the `dd:` name and its JSON payload. */
export interface SseEvent {
  readonly id: number;
  readonly event: string;
  readonly data: unknown;
}

/**
 * The last N events, so a client reconnecting with Last-Event-ID gets what it missed.
 * Bounded: older events fall off, and a client asking for them is told to resync.
 */
export class ReplayBuffer {
  readonly #capacity: number;
  readonly #events: SseEvent[] = [];

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  push(event: SseEvent): void {
    this.#events.push(event);
    if (this.#events.length > this.#capacity) this.#events.shift();
  }

  get size(): number {
    return this.#events.length;
  }

  /**
   * Events after `lastId`, or `null` when some of them are gone (the client must resync).
   * An id from the future (a restarted daemon) also means resync.
   */
  since(lastId: number, currentId: number): SseEvent[] | null {
    if (lastId > currentId) return null;
    if (lastId === currentId) return [];
    const oldest = this.#events[0];
    if (!oldest || oldest.id > lastId + 1) return null;
    return this.#events.filter((event) => event.id > lastId);
  }
}
