import type { Readable } from 'node:stream';
import type { Clock } from '../clock/clock.ts';

/**
 * How long one engine call may take (docs/architecture.md, "Engine call limits"):
 * - `deadlineMs`: the whole call, every request it makes, until it settles; a call that returns a
 *   stream settles when the stream's headers arrive, so this bounds opening it, not reading it.
 * - `idleMs`: no bound on the total, only on silence: the call is given up after this long
 *   without a byte from the engine (an image pull with steady progress runs as long as it needs).
 */
export type CallLimit = { readonly deadlineMs: number } | { readonly idleMs: number };

/** A response whose bytes count as activity: its socket is what the engine writes to. */
export type WatchedResponse = Readable & { readonly socket?: { on(event: 'data', listener: () => void): unknown; off(event: 'data', listener: () => void): unknown } | null };

/**
 * The clock of one engine call. Its `signal` goes on every request of the call, so when the limit
 * runs out the requests are aborted (their sockets destroyed, nothing left hanging), and
 * `aborted` rejects so the call settles even if some code inside it never looks at the signal.
 * The caller's own signal (a client that went away, an open timeout) aborts the call too.
 */
export class CallGuard {
  readonly signal: AbortSignal;
  /** Rejects once the signal aborts (never resolves); the call races its work against it. */
  readonly aborted: Promise<never>;
  readonly #limit: CallLimit;
  readonly #clock: Clock;
  readonly #controller = new AbortController();
  readonly #watched = new Set<WatchedResponse>();
  #timer: unknown = null;
  #expired: string | undefined;
  #settled = false;

  constructor(limit: CallLimit, clock: Clock, outer?: AbortSignal) {
    this.#limit = limit;
    this.#clock = clock;
    this.signal = outer ? AbortSignal.any([this.#controller.signal, outer]) : this.#controller.signal;
    this.aborted = new Promise<never>((_, reject) => {
      const fail = () => reject(this.signal.reason instanceof Error ? this.signal.reason : new Error('aborted'));
      if (this.signal.aborted) fail();
      else this.signal.addEventListener('abort', fail, { once: true });
    });
    // Nobody may be racing against it (the call already settled): that is not an unhandled rejection.
    this.aborted.catch(() => undefined);
    this.#arm();
  }

  /** Why the limit ran out (e.g. "no answer within 30 s"); undefined while it has not. */
  get expired(): string | undefined {
    return this.#expired;
  }

  /** Bytes came from the engine: an idle limit starts over (a deadline does not move). */
  activity(): void {
    if (this.#settled || this.#expired || !('idleMs' in this.#limit)) return;
    this.#clock.clearTimer(this.#timer);
    this.#arm();
  }

  /** Under an idle limit, every chunk the engine sends on this response's socket is activity. */
  watch(response: WatchedResponse): void {
    if (this.#settled || !('idleMs' in this.#limit) || this.#watched.has(response)) return;
    const socket = response.socket;
    // The socket already flows into the HTTP parser: listening there does not start or pause the response.
    const onData = () => this.activity();
    socket?.on('data', onData);
    this.#watched.add(response);
    response.once('close', () => {
      socket?.off('data', onData);
      this.#watched.delete(response);
    });
  }

  /** The call settled: the limit no longer applies (a returned stream is its reader's to close). */
  settle(): void {
    this.#settled = true;
    this.#clock.clearTimer(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    const ms = 'idleMs' in this.#limit ? this.#limit.idleMs : this.#limit.deadlineMs;
    this.#timer = this.#clock.setTimer(() => this.#onTimer(ms), ms);
  }

  #onTimer(ms: number): void {
    if (this.#settled) return;
    // Data waiting in a response nobody reads yet is our backlog, not the engine being silent.
    if ('idleMs' in this.#limit && [...this.#watched].some(isBacklogged)) {
      this.#arm();
      return;
    }
    const seconds = formatSeconds(ms);
    this.#expired = 'idleMs' in this.#limit ? `nothing received for ${seconds}` : `no answer within ${seconds}`;
    this.#controller.abort(new Error(`timed out: ${this.#expired}`));
  }
}

function isBacklogged(response: Readable): boolean {
  return response.readableLength > 0 || response.readableFlowing === false;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
