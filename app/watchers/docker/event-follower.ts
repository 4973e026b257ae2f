import type { Readable } from 'node:stream';
import { systemClock, type Clock } from '../../clock/clock.ts';
import { errorMessage } from '../../core/errors.ts';
import type { Logger } from '../../log.ts';
import type { EngineEventStream } from './engine-port.ts';
import { dockerTimestamp, isoOfNanos, nanosOfMs, RecentEvents, timeNanoOf } from './event-seam.ts';

/** Container actions that change what is stored; exec_*, attach, top … are ignored. */
const RELEVANT_ACTIONS = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'oom', 'destroy', 'rename', 'pause', 'unpause', 'update']);
const MAX_LINE = 64 * 1024;
const DEFAULT_OPEN_TIMEOUT_MS = 10_000;
/** The engine's Date header has whole seconds: a stream is known to cover events from one second before it. */
const DATE_RESOLUTION_MS = 1000;

export type FollowerStatus = 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/** How the stream is doing, for the watcher status and metrics. */
export interface EventStreamStats {
  /** Seconds without any data after which the stream is replaced; 0 when it never is. */
  readonly idleSeconds: number;
  /** The engine's time of the newest event seen (any container event in scope), ISO; null before the first. */
  readonly lastEventAt: string | null;
  /** When the stream in use was opened (this process's clock), ISO; null while there is none. */
  readonly connectedAt: string | null;
  /** Streams replaced after being silent for idleSeconds. */
  readonly recycles: number;
  /** Streams opened again after the previous one failed, ended, or a new one could not be opened. */
  readonly reconnects: number;
}

export type StreamChange = 'recycle' | 'reconnect';

export interface EventFollowerOptions {
  /** Opens the engine's container event stream, replaying from `since` when given. */
  readonly open: (request: { readonly since?: string; readonly signal: AbortSignal }) => Promise<EngineEventStream>;
  /** A debounced batch: container id → the last relevant action seen for it. */
  readonly onEvents: (batch: Map<string, string>) => Promise<void>;
  /** After a reconnect: events may have been missed, refresh everything from the engine. */
  readonly onResync: () => Promise<void>;
  readonly logger: Logger;
  readonly watcher: string;
  readonly debounceMs?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Silence after which the stream is replaced by a new one replaying from the last event seen; 0 or absent: never. */
  readonly idleMs?: number;
  /** How long opening a stream may wait for the engine's answer (default 10 s, or idleMs when that is shorter). */
  readonly openTimeoutMs?: number;
  /** Told of every recycle and every reconnect (metrics). */
  readonly onStreamChange?: (change: StreamChange) => void;
  readonly clock?: Clock;
}

/** One open stream and the engine time from which it is known to carry every event. */
interface ActiveStream {
  readonly stream: Readable;
  readonly coversFromNanos: bigint;
  readonly openedAt: number;
  /** Set on a stream opened to replace a silent one: events before this engine time are replays. */
  readonly replayBeforeNanos?: bigint;
}

/**
 * Follows the engine's event stream, coalescing bursts (a `docker compose up` emits dozens of
 * events) into one batch, and reconnects with exponential backoff when the engine restarts or the
 * stream ends.
 *
 * A connection can also die without a sound (a NAT entry expires, a remote host vanishes): no FIN,
 * no RST, just no more events. The engine sends nothing while it is quiet, so silence proves
 * nothing; after `idleMs` of it the follower opens a new stream with `since` at the last event
 * seen, so the engine replays whatever the old one should have carried, drops the events it
 * already has (same container, action and timeNano), and closes the old stream. Opening waits
 * `openTimeoutMs` at most, so a host that takes connections and never answers falls into the
 * reconnect backoff and its full resync. A replay that brings events the old stream never
 * delivered proves the old one was dead; the engine keeps only its last few hundred events, so a
 * resync follows then too.
 */
export class EventFollower {
  readonly #options: EventFollowerOptions;
  readonly #clock: Clock;
  #status: FollowerStatus = 'stopped';
  #active: ActiveStream | null = null;
  #pending = new Map<string, string>();
  #debounce: unknown = null;
  #reconnect: unknown = null;
  #idleTimer: unknown = null;
  #attempt = 0;
  #everConnected = false;
  #recycling = false;
  #lastDataAt = 0;
  #lastEventNanos: bigint | undefined;
  #recycles = 0;
  #reconnects = 0;
  /** A replay on the current stream brought an event the previous one missed; resync once. */
  #missedResyncQueued = false;
  readonly #seen = new RecentEvents();
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: EventFollowerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  get status(): FollowerStatus {
    return this.#status;
  }

  get stats(): EventStreamStats {
    return {
      idleSeconds: Math.round((this.#options.idleMs ?? 0) / 1000),
      lastEventAt: this.#lastEventNanos === undefined ? null : isoOfNanos(this.#lastEventNanos),
      connectedAt: this.#active ? new Date(this.#active.openedAt).toISOString() : null,
      recycles: this.#recycles,
      reconnects: this.#reconnects,
    };
  }

  start(): void {
    if (this.#status !== 'stopped') return;
    this.#status = 'connecting';
    void this.#connect();
  }

  /** Stops following; resolves once the batch being handled (if any) is done. */
  async stop(): Promise<void> {
    this.#status = 'stopped';
    for (const timer of [this.#debounce, this.#reconnect, this.#idleTimer]) if (timer !== null) this.#clock.clearTimer(timer);
    this.#debounce = null;
    this.#reconnect = null;
    this.#idleTimer = null;
    this.#pending.clear();
    const active = this.#active;
    this.#active = null;
    active?.stream.destroy();
    await this.#flushing;
  }

  async #connect(): Promise<void> {
    let opened: EngineEventStream;
    try {
      opened = await this.#open(undefined);
    } catch (error) {
      this.#scheduleReconnect(`cannot open the event stream: ${errorMessage(error)}`);
      return;
    }
    if (this.#status === 'stopped') {
      opened.stream.destroy();
      return;
    }
    const resync = this.#everConnected;
    this.#everConnected = true;
    const engineNow = opened.engineTime ?? this.#clock.now();
    this.#attach(opened.stream, nanosOfMs(engineNow - DATE_RESOLUTION_MS));
    this.#options.logger.debug({ watcher: this.#options.watcher }, 'following engine events');
    if (resync) {
      this.#reconnects++;
      this.#options.onStreamChange?.('reconnect');
      this.#enqueue(() => this.#options.onResync());
    }
  }

  /** Opens a stream, giving up (and aborting the request) after the open timeout. */
  async #open(since: string | undefined): Promise<EngineEventStream> {
    const idleMs = this.#options.idleMs ?? 0;
    const timeoutMs = this.#options.openTimeoutMs ?? (idleMs > 0 ? Math.min(DEFAULT_OPEN_TIMEOUT_MS, idleMs) : DEFAULT_OPEN_TIMEOUT_MS);
    const controller = new AbortController();
    let timedOut = false;
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#clock.setTimer(() => {
        timedOut = true;
        controller.abort();
        reject(new Error(`the engine did not answer within ${timeoutMs / 1000} s`));
      }, timeoutMs);
    });
    try {
      const opening = this.#options.open({ ...(since ? { since } : {}), signal: controller.signal });
      // A stream that arrives after we gave up is closed, never followed.
      opening.then((late) => timedOut && late.stream.destroy(), () => undefined);
      return await Promise.race([opening, timeout]);
    } finally {
      this.#clock.clearTimer(timer);
    }
  }

  #attach(stream: Readable, coversFromNanos: bigint, replayBeforeNanos?: bigint): void {
    const active: ActiveStream = { stream, coversFromNanos, openedAt: this.#clock.now(), ...(replayBeforeNanos !== undefined ? { replayBeforeNanos } : {}) };
    this.#active = active;
    this.#status = 'connected';
    this.#attempt = 0;
    this.#missedResyncQueued = false;
    this.#lastDataAt = this.#clock.now();
    this.#armIdle();
    let buffered = '';
    stream.on('data', (chunk: Buffer | string) => {
      this.#lastDataAt = this.#clock.now();
      buffered += chunk.toString();
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        this.#onLine(buffered.slice(0, newline), active);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
      if (buffered.length > MAX_LINE) buffered = '';
    });
    let ended = false;
    const onEnd = (reason: string) => {
      if (ended || this.#active !== active) return;
      ended = true;
      this.#active = null;
      // A replacement is being opened; it decides between following on and reconnecting.
      if (this.#recycling) return;
      this.#scheduleReconnect(reason);
    };
    stream.on('error', (error: Error) => onEnd(`event stream failed: ${error.message}`));
    stream.on('end', () => onEnd('event stream ended'));
    stream.on('close', () => onEnd('event stream closed'));
  }

  #armIdle(): void {
    const idleMs = this.#options.idleMs ?? 0;
    if (idleMs <= 0) return;
    if (this.#idleTimer !== null) this.#clock.clearTimer(this.#idleTimer);
    const wait = Math.max(0, this.#lastDataAt + idleMs - this.#clock.now());
    this.#idleTimer = this.#clock.setTimer(() => {
      this.#idleTimer = null;
      if (this.#status === 'stopped' || !this.#active || this.#recycling) return;
      // Data came meanwhile: wait for the rest of the idle time from then.
      if (this.#clock.now() - this.#lastDataAt < idleMs) this.#armIdle();
      else void this.#recycle();
    }, wait);
  }

  /** Replaces a silent stream by one replaying from the last event seen, then closes the old one. */
  async #recycle(): Promise<void> {
    const old = this.#active;
    if (!old) return;
    this.#recycling = true;
    this.#recycles++;
    this.#options.onStreamChange?.('recycle');
    const sinceNanos = this.#lastEventNanos !== undefined && this.#lastEventNanos > old.coversFromNanos ? this.#lastEventNanos : old.coversFromNanos;
    const idleSeconds = Math.round((this.#options.idleMs ?? 0) / 1000);
    // Routine on a quiet engine, hence debug; what goes wrong from here is logged as a warning.
    this.#options.logger.debug({ watcher: this.#options.watcher, since: dockerTimestamp(sinceNanos) }, `no engine event for ${idleSeconds} s: replacing the event stream`);
    let opened: EngineEventStream;
    try {
      opened = await this.#open(dockerTimestamp(sinceNanos));
    } catch (error) {
      if (this.#status === 'stopped') return;
      // The old stream is presumed dead too: drop it and let the reconnect (and its resync) take over.
      if (this.#active === old) this.#active = null;
      old.stream.destroy();
      this.#scheduleReconnect(`event stream silent and a new one cannot be opened: ${errorMessage(error)}`);
      return;
    } finally {
      this.#recycling = false;
    }
    if (this.#status === 'stopped') {
      opened.stream.destroy();
      return;
    }
    const engineNow = nanosOfMs((opened.engineTime ?? this.#clock.now()) - DATE_RESOLUTION_MS);
    this.#attach(opened.stream, sinceNanos, engineNow);
    old.stream.destroy();
  }

  #onLine(line: string, source: ActiveStream): void {
    if (line.trim() === '') return;
    let event: { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    if (event.Type !== 'container' || typeof event.Action !== 'string' || typeof event.Actor?.ID !== 'string') return;
    const timeNano = timeNanoOf(line);
    if (timeNano !== undefined) {
      // Around a switch of streams the same event can come twice: once is enough.
      if (!this.#seen.remember(event.Actor.ID, event.Action, timeNano)) return;
      if (this.#lastEventNanos === undefined || timeNano > this.#lastEventNanos) this.#lastEventNanos = timeNano;
      if (source.replayBeforeNanos !== undefined && timeNano < source.replayBeforeNanos && !this.#missedResyncQueued) {
        // The old stream should have carried this one: it was dead, and the replay may not reach back far enough.
        this.#missedResyncQueued = true;
        this.#options.logger.warn({ watcher: this.#options.watcher }, 'the replaced event stream had missed events: refreshing every container');
        this.#enqueue(() => this.#options.onResync());
      }
    }
    // health_status arrives as "health_status: healthy".
    const action = event.Action.startsWith('health_status') ? 'health_status' : event.Action;
    if (action !== 'health_status' && !RELEVANT_ACTIONS.has(action)) return;
    this.#pending.set(event.Actor.ID, action);
    if (this.#debounce === null) {
      this.#debounce = this.#clock.setTimer(() => {
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
    if (this.#idleTimer !== null) this.#clock.clearTimer(this.#idleTimer);
    this.#idleTimer = null;
    const initial = this.#options.initialBackoffMs ?? 1000;
    const delay = Math.min(this.#options.maxBackoffMs ?? 30_000, initial * 2 ** this.#attempt);
    this.#attempt++;
    this.#options.logger.warn({ watcher: this.#options.watcher, retryInMs: delay }, reason);
    this.#reconnect = this.#clock.setTimer(() => {
      this.#reconnect = null;
      void this.#connect();
    }, delay);
  }
}
