import type { Clock } from './clock.ts';

/**
 * Sleeps longer than this at most, then looks again: keeps setTimeout within its 32-bit range
 * (a snooze of years would otherwise fire at once) and corrects for wall-clock jumps.
 */
export const MAX_SLEEP_MS = 60 * 60_000;

/**
 * One timer for "the earliest of many deadlines". Owners move it earlier as they learn of nearer
 * deadlines and set it again after it fired; however many items wait, only one timer exists.
 */
export class DeadlineTimer {
  readonly #clock: Clock;
  readonly #onDue: () => void;
  readonly #maxSleepMs: number;
  #deadline: number | undefined;
  #handle: unknown;

  constructor(clock: Clock, onDue: () => void, maxSleepMs = MAX_SLEEP_MS) {
    this.#clock = clock;
    this.#onDue = onDue;
    this.#maxSleepMs = maxSleepMs;
  }

  /** When it fires next (epoch ms), or undefined when idle. */
  get deadline(): number | undefined {
    return this.#deadline;
  }

  /** Replaces the deadline; undefined stops the timer. */
  set(at: number | undefined): void {
    this.#cancel();
    this.#deadline = at;
    if (at !== undefined) this.#sleep();
  }

  /** Moves the deadline to `at` when that is sooner than the current one (or there is none). */
  atOrBefore(at: number): void {
    if (this.#deadline === undefined || at < this.#deadline) this.set(at);
  }

  stop(): void {
    this.set(undefined);
  }

  #sleep(): void {
    const wait = Math.max(0, Math.min((this.#deadline as number) - this.#clock.now(), this.#maxSleepMs));
    this.#handle = this.#clock.setTimer(() => this.#wake(), wait);
  }

  #wake(): void {
    this.#handle = undefined;
    if (this.#deadline === undefined) return;
    if (this.#clock.now() < this.#deadline) {
      this.#sleep();
      return;
    }
    this.#deadline = undefined;
    this.#onDue();
  }

  #cancel(): void {
    if (this.#handle !== undefined) this.#clock.clearTimer(this.#handle);
    this.#handle = undefined;
  }
}
