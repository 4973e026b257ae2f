/** Counts requests to one registry within one watch cycle against its configured maximum. */
export class RequestBudget {
  readonly limit: number;
  #used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get used(): number {
    return this.#used;
  }

  /** Takes one request from the budget; false when it is spent. */
  take(): boolean {
    if (this.#used >= this.limit) return false;
    this.#used += 1;
    return true;
  }
}

/** A small FIFO semaphore: at most `limit` requests in flight to one registry. */
export class Semaphore {
  readonly #limit: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A released slot passes straight to the next waiter, so the limit is never exceeded.
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active += 1;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }
}
