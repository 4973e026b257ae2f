import { RequestWindow } from '../core/request-window.ts';

/** How many wrong secrets one address may present in the window before it is refused with 429. */
export interface SecretFailureLimit {
  readonly failures: number;
  readonly windowMs: number;
}

/** 10 wrong secrets a minute: plenty for a controller whose secret was just rotated, hopeless for guessing. */
export const DEFAULT_SECRET_FAILURE_LIMIT: SecretFailureLimit = { failures: 10, windowMs: 60_000 };

/**
 * Counts failed secret attempts per client address. Only failures count, so a controller with
 * the right secret is never slowed; an address over the limit is refused before its secret is
 * even compared, so a blocked client cannot go on testing guesses.
 */
export class SecretFailures {
  readonly #window: RequestWindow;
  readonly #now: () => number;

  constructor(limit: SecretFailureLimit = DEFAULT_SECRET_FAILURE_LIMIT, now: () => number = Date.now) {
    this.#window = new RequestWindow(limit.failures, limit.windowMs);
    this.#now = now;
  }

  /** Whole seconds the address must wait (the Retry-After value); 0 when it may try. */
  retryAfterSeconds(address: string): number {
    const ms = this.#window.retryAfterMs(address, this.#now());
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  /** Records a wrong secret; true when this one used up the address's budget (worth one log line). */
  recordFailure(address: string): boolean {
    this.#window.record(address, this.#now());
    return this.retryAfterSeconds(address) > 0;
  }
}

/** The client's address as the limit counts it: IPv4-mapped IPv6 (`::ffff:10.0.0.5`) as plain IPv4. */
export function clientAddress(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  return remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.') ? remoteAddress.slice(7) : remoteAddress;
}
