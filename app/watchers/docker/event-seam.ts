/**
 * What lets one event stream hand over to the next without a gap or a repeat: the engine's own
 * event times (nanoseconds, exact), Docker's `since` form of them, and a bounded memory of the
 * events already seen so the ones a new stream replays are dropped.
 */

const TIME_NANO = /"timeNano":(\d{1,20})[,}]/;
const NANOS_PER_SECOND = 1_000_000_000n;
/** Enough for every event around one switch of streams; the oldest are forgotten first. */
const DEFAULT_CAPACITY = 1000;

/**
 * The event's timeNano read from the raw line: JSON.parse turns it into a double, which loses the
 * last digits (it is above 2^53) and could point `since` just past the event.
 */
export function timeNanoOf(line: string): bigint | undefined {
  const match = TIME_NANO.exec(line);
  return match ? BigInt(match[1]!) : undefined;
}

/** Docker's `since`/`until` form: unix seconds, a dot, nine digits of nanoseconds. */
export function dockerTimestamp(nanos: bigint): string {
  const clamped = nanos < 0n ? 0n : nanos;
  return `${clamped / NANOS_PER_SECOND}.${(clamped % NANOS_PER_SECOND).toString().padStart(9, '0')}`;
}

export function nanosOfMs(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * 1_000_000n;
}

export function isoOfNanos(nanos: bigint): string {
  return new Date(Number(nanos / 1_000_000n)).toISOString();
}

/** The events seen lately, by (container id, action, timeNano): the same triple twice is one event. */
export class RecentEvents {
  readonly #keys = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.#capacity = capacity;
  }

  /** Records the event; false when it was already seen. */
  remember(id: string, action: string, timeNano: bigint): boolean {
    const key = `${id}\u0000${action}\u0000${timeNano}`;
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.#capacity) {
      const oldest = this.#keys.values().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
    return true;
  }
}
