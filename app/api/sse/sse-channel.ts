import type { Request, Response } from 'express';
import type { ConnectionLimiter } from './connection-limiter.ts';
import { ReplayBuffer, type SseEvent } from './replay-buffer.ts';
import { SseClient, formatEvent } from './sse-client.ts';

export interface SseChannelOptions {
  /** Milliseconds between `dd:heartbeat` events. */
  readonly heartbeatMs: number;
  /** Unsent bytes a client may accumulate before it is dropped. */
  readonly maxBufferedBytes: number;
  /** Shared by every channel, so limits count all streams of a client. */
  readonly limiter: ConnectionLimiter;
  /** Events kept for Last-Event-ID replay; 0 disables replay. */
  readonly replayCapacity?: number;
  /** First id; defaults to the start time in ms so ids of a restarted daemon do not go back. */
  readonly firstId?: number;
}

/** Raised to the route as a 429 when a client is over its stream limit. */
export class StreamLimitError extends Error {
  readonly scope: 'per-ip' | 'total';
  constructor(scope: 'per-ip' | 'total') {
    super(scope === 'total' ? 'Too many open event streams' : 'Too many open event streams from this address');
    this.scope = scope;
  }
}

/** A broadcast SSE stream: ids, optional replay, heartbeats, and its connected clients. */
export class SseChannel {
  readonly #options: SseChannelOptions;
  readonly #clients = new Set<SseClient>();
  readonly #replay: ReplayBuffer | null;
  #lastId: number;
  #heartbeat: NodeJS.Timeout | null = null;
  #onEmpty: (() => void) | null = null;

  constructor(options: SseChannelOptions) {
    this.#options = options;
    this.#replay = options.replayCapacity ? new ReplayBuffer(options.replayCapacity) : null;
    this.#lastId = (options.firstId ?? Date.now()) - 1;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  get lastId(): number {
    return this.#lastId;
  }

  /** Called whenever the last client left (used to stop per-container collection). */
  set onEmpty(listener: (() => void) | null) {
    this.#onEmpty = listener;
  }

  /** Assigns the next id, remembers the event for replay and writes it to every client. */
  publish(event: string, data: unknown): SseEvent {
    const sse: SseEvent = { id: ++this.#lastId, event, data };
    this.#replay?.push(sse);
    if (this.#clients.size > 0) {
      const frame = formatEvent(event, data, sse.id);
      for (const client of this.#clients) client.sendRaw(frame);
    }
    return sse;
  }

  /**
   * Opens a stream on this response: checks limits (throws StreamLimitError before any byte is
   * written), sends `dd:connected`, replays what a reconnecting client missed, then `greet`.
   */
  attach(req: Request, res: Response, greet?: (client: SseClient, lastId: number) => void): SseClient {
    const client = new SseClient(req, res, this.#options.maxBufferedBytes);
    const slot = this.#options.limiter.acquire(client.ip);
    if ('refused' in slot) throw new StreamLimitError(slot.refused);
    client.onClose(() => {
      slot.release();
      this.#clients.delete(client);
      if (this.#clients.size === 0) {
        this.#stopHeartbeat();
        this.#onEmpty?.();
      }
    });
    client.open();
    this.#clients.add(client);
    this.#startHeartbeat();
    const lastEventId = req.get('last-event-id');
    // The connected event carries the current id only for fresh clients: a reconnecting client
    // keeps its own position until the replay has moved it forward.
    const connected = { lastEventId: this.#lastId, heartbeatMs: this.#options.heartbeatMs };
    client.send('dd:connected', connected, lastEventId ? undefined : this.#lastId);
    this.#replayTo(client, lastEventId);
    greet?.(client, this.#lastId);
    return client;
  }

  /** Ends every stream (shutdown). */
  close(): void {
    this.#stopHeartbeat();
    for (const client of [...this.#clients]) client.close();
  }

  #replayTo(client: SseClient, header: string | undefined): void {
    if (!this.#replay || header === undefined || header.trim() === '') return;
    const lastId = Number(header);
    const missed = Number.isSafeInteger(lastId) ? this.#replay.since(lastId, this.#lastId) : null;
    if (missed === null) {
      client.send('dd:resync-required', { lastEventId: header.slice(0, 32), currentEventId: this.#lastId }, this.#lastId);
      return;
    }
    for (const event of missed) client.send(event.event, event.data, event.id);
  }

  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => {
      const frame = formatEvent('dd:heartbeat', { at: new Date().toISOString() }, this.#lastId);
      for (const client of this.#clients) client.sendRaw(frame);
    }, this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }
}
