import { containerIdentity, type Container } from '../core/container.ts';
import type { NotificationLedgerEntry } from '../store/schema.ts';
import type { Store } from '../store/store.ts';
import { candidateOf } from './trigger.ts';

/** Entries kept; oldest drop first (a candidate that old will not come back). */
const MAX_ENTRIES = 10_000;

/** The ONCE ledger: (trigger, container identity, candidate) already notified, persisted in the store. */
export class NotificationLedger {
  readonly #store: Store;
  readonly #keys: Set<string>;

  constructor(store: Store) {
    this.#store = store;
    this.#keys = new Set(store.data.notifications.ledger.map((entry) => entry.key));
  }

  static keyOf(triggerId: string, container: Container): string {
    return `${triggerId}|${containerIdentity(container)}|${candidateOf(container)}`;
  }

  has(triggerId: string, container: Container): boolean {
    return this.#keys.has(NotificationLedger.keyOf(triggerId, container));
  }

  /** A non-container candidate, e.g. one operation's outcome (result messages are sent once too). */
  hasCandidate(triggerId: string, identity: string, candidate: string): boolean {
    return this.#keys.has(`${triggerId}|${identity}|${candidate}`);
  }

  recordCandidate(triggerId: string, identity: string, candidate: string, at: string): void {
    const key = `${triggerId}|${identity}|${candidate}`;
    if (this.#keys.has(key)) return;
    this.#keys.add(key);
    this.#store.update((data) => {
      data.notifications.ledger.push({ key, trigger: triggerId, identity, candidate, at });
      this.#trim(data.notifications.ledger);
    });
  }

  record(triggerId: string, containers: readonly Container[], at: string): void {
    const fresh = containers.filter((container) => !this.has(triggerId, container));
    if (fresh.length === 0) return;
    for (const container of fresh) this.#keys.add(NotificationLedger.keyOf(triggerId, container));
    this.#store.update((data) => {
      for (const container of fresh) {
        data.notifications.ledger.push({
          key: NotificationLedger.keyOf(triggerId, container),
          trigger: triggerId,
          identity: containerIdentity(container),
          candidate: candidateOf(container),
          at,
        });
      }
      this.#trim(data.notifications.ledger);
    });
  }

  #trim(ledger: NotificationLedgerEntry[]): void {
    const excess = ledger.length - MAX_ENTRIES;
    if (excess > 0) {
      for (const removed of ledger.splice(0, excess)) this.#keys.delete(removed.key);
    }
  }
}
