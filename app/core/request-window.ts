/**
 * A sliding window of request times per client (env reveal budgets, failed agent secrets);
 * bounded so many clients cannot grow it without end. Pure: the caller passes the time.
 */
export class RequestWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #hits = new Map<string, number[]>();
  readonly #maxClients: number;

  constructor(limit: number, windowMs: number, maxClients = 10_000) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxClients = maxClients;
  }

  /** Records a request; false when the client already made `limit` requests within the window. */
  allow(client: string, now: number = Date.now()): boolean {
    if (this.retryAfterMs(client, now) > 0) return false;
    this.record(client, now);
    return true;
  }

  /** Records one request (or failure) of the client, whatever the budget says. */
  record(client: string, now: number = Date.now()): void {
    const recent = this.#recent(client, now);
    recent.push(now);
    if (!this.#hits.has(client) && this.#hits.size >= this.#maxClients) this.#hits.delete(this.#hits.keys().next().value as string);
    this.#hits.set(client, recent);
  }

  /** 0 while the client is within its budget; else how long until its oldest request leaves the window. */
  retryAfterMs(client: string, now: number = Date.now()): number {
    const recent = this.#recent(client, now);
    if (recent.length === 0) {
      this.#hits.delete(client);
      return 0;
    }
    this.#hits.set(client, recent);
    if (recent.length < this.#limit) return 0;
    return Math.max(1, (recent[recent.length - this.#limit] ?? now) + this.#windowMs - now);
  }

  #recent(client: string, now: number): number[] {
    return (this.#hits.get(client) ?? []).filter((at) => now - at < this.#windowMs);
  }
}
