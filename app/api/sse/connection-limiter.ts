/** Counts open streams per client address and in total, so one host cannot hold every slot. */
export class ConnectionLimiter {
  readonly #perIp: number;
  readonly #total: number;
  readonly #byIp = new Map<string, number>();
  #open = 0;

  constructor(limits: { perIp: number; total: number }) {
    this.#perIp = limits.perIp;
    this.#total = limits.total;
  }

  get open(): number {
    return this.#open;
  }

  /** Takes a slot; returns a release function (idempotent), or the reason it was refused. */
  acquire(ip: string): { release: () => void } | { refused: 'per-ip' | 'total' } {
    if (this.#open >= this.#total) return { refused: 'total' };
    const current = this.#byIp.get(ip) ?? 0;
    if (current >= this.#perIp) return { refused: 'per-ip' };
    this.#byIp.set(ip, current + 1);
    this.#open++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#open--;
        const left = (this.#byIp.get(ip) ?? 1) - 1;
        if (left <= 0) this.#byIp.delete(ip);
        else this.#byIp.set(ip, left);
      },
    };
  }
}
