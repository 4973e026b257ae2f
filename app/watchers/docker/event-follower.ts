import type { Readable } from 'node:stream';
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../log.ts';

/** Container actions that change what is stored; exec_*, attach, top … are ignored. */
const RELEVANT_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'oom', 'destroy', 'rename', 'pause', 'unpause', 'update']);
const MAX_LINE = 64 * 1024;

export type FollowerStatus = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

export interface EventFollowerOptions {
  /** Opens the engine's container event stream. */
  readonly open: () => Promise<Readable>;
  /** A debounced batch: container id → the last relevant action seen for it. */
  readonly onEvents: (batch: Map<string, string>) => Promise<void>;
  /** After a reconnect: events may have been missed, refresh everything from the engine. */
  readonly onResync: () => Promise<void>;
  readonly logger: Logger;
  readonly watcher: string;
  readonly debounceMs?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * Follows the engine's event stream, coalescing bursts (a `docker compose up` emits dozens of
 * events) into one batch, and reconnects with exponential backoff when the engine restarts or the
 * stream ends.
 */
export class EventFollower {
  readonly #options: EventFollowerOptions;
  #status: FollowerStatus = 'stopped';
  #stream: Readable | null = null;
  #pending = new Map<string, string>();
  #debounce: NodeJS.Timeout | null = null;
  #reconnect: NodeJS.Timeout | null = null;
  #attempt = 0;
  #everConnected = false;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: EventFollowerOptions) {
    this.#options = options;
  }

  get status(): FollowerStatus {
    return this.#status;
  }

  start(): void {
    if (this.#status !== 'stopped') return;
    this.#status = 'connecting';
    void this.#connect();
  }

  /** Stops following; resolves once the batch being handled (if any) is done. */
  async stop(): Promise<void> {
    this.#status = 'stopped';
    if (this.#debounce) clearTimeout(this.#debounce);
    if (this.#reconnect) clearTimeout(this.#reconnect);
    this.#debounce = null;
    this.#reconnect = null;
    this.#pending.clear();
    const stream = this.#stream;
    this.#stream = null;
    stream?.destroy();
    await this.#flushing;
  }

  async #connect(): Promise<void> {
    let stream: Readable;
    try {
      stream = await this.#options.open();
    } catch (error) {
      this.#scheduleReconnect(`cannot open the event stream: ${errorMessage(error)}`);
      return;
    }
    if (this.#status === 'stopped') {
      stream.destroy();
      return;
    }
    this.#stream = stream;
    const resync = this.#everConnected;
    this.#everConnected = true;
    this.#status = 'connected';
    this.#attempt = 0;
    this.#options.logger.debug({ watcher: this.#options.watcher }, 'following engine events');
    let buffered = '';
    stream.on('data', (chunk: Buffer | string) => {
      buffered += chunk.toString();
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        this.#onLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
      if (buffered.length > MAX_LINE) buffered = '';
    });
    let ended = false;
    const onEnd = (reason: string) => {
      if (ended || this.#stream !== stream) return;
      ended = true;
      this.#stream = null;
      this.#scheduleReconnect(reason);
    };
    stream.on('error', (error: Error) => onEnd(`event stream failed: ${error.message}`));
    stream.on('end', () => onEnd('event stream ended'));
    stream.on('close', () => onEnd('event stream closed'));
    if (resync) this.#enqueue(() => this.#options.onResync());
  }

  #onLine(line: string): void {
    if (line.trim() === '') return;
    let event: { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    if (event.Type !== 'container' || typeof event.Action !== 'string' || typeof event.Actor?.ID !== 'string') return;
    // health_status arrives as "health_status: healthy".
    const action = event.Action.startsWith('health_status') ? 'health_status' : event.Action;
    if (action !== 'health_status' && !RELEVANT_ACTIONS.has(action)) return;
    this.#pending.set(event.Actor.ID, action);
    if (!this.#debounce) {
      this.#debounce = setTimeout(() => {
        this.#debounce = null;
        const batch = this.#pending;
        this.#pending = new Map();
        this.#enqueue(() => this.#options.onEvents(batch));
      }, this.#options.debounceMs ?? 300);
    }
  }

  /** Handles batches one after the other so a refresh never races the previous one. */
  #enqueue(work: () => Promise<void>): void {
    this.#flushing = this.#flushing
      .then(() => (this.#status === 'stopped' ? undefined : work()))
      .catch((error: unknown) => this.#options.logger.warn({ watcher: this.#options.watcher }, `engine event handling failed: ${errorMessage(error)}`));
  }

  #scheduleReconnect(reason: string): void {
    if (this.#status === 'stopped') return;
    this.#status = 'reconnecting';
    const initial = this.#options.initialBackoffMs ?? 1000;
    const delay = Math.min(this.#options.maxBackoffMs ?? 30_000, initial * 2 ** this.#attempt);
    this.#attempt++;
    this.#options.logger.warn({ watcher: this.#options.watcher, retryInMs: delay }, reason);
    this.#reconnect = setTimeout(() => {
      this.#reconnect = null;
      void this.#connect();
    }, delay);
  }
}
