import type { Container } from '../core/container.ts';
import { containerIdentity } from '../core/container.ts';
import type { UpdatePolicy } from '../core/update-available.ts';
import type { EventBus } from '../events/bus.ts';
import type { Store } from '../store/store.ts';

/** The part of the store the writer needs (an in-memory fake in unit tests). */
export type ContainerStore = Pick<Store, 'data' | 'update'>;
import { hasMeaningfulChange } from './merge-check.ts';

/** Writes container snapshots to the store and tells the bus what changed (added, updated, removed). */
export class ContainerWriter {
  readonly #store: ContainerStore;
  readonly #bus: EventBus;

  constructor(store: ContainerStore, bus: EventBus) {
    this.#store = store;
    this.#bus = bus;
  }

  find(id: string): Container | undefined {
    return this.#store.data.containers.find((container) => container.id === id);
  }

  ofWatcher(watcher: string): Container[] {
    return this.#store.data.containers.filter((container) => container.watcher === watcher && container.agent === undefined);
  }

  policyFor(container: Pick<Container, 'agent' | 'watcher' | 'name'>): UpdatePolicy | undefined {
    return this.#store.data.policies[containerIdentity(container)];
  }

  /** Inserts or replaces by id; emits only when something a listener cares about changed. */
  upsert(next: Container): Container {
    const previous = this.#store.update((data) => {
      const index = data.containers.findIndex((container) => container.id === next.id);
      const found = index >= 0 ? data.containers[index] : undefined;
      if (index >= 0) data.containers[index] = next;
      else data.containers.push(next);
      return found;
    });
    if (!previous) this.#bus.emit('container-added', { container: next });
    else if (hasMeaningfulChange(previous, next)) this.#bus.emit('container-updated', { container: next, previous });
    return next;
  }

  remove(id: string): Container | undefined {
    const removed = this.#store.update((data) => {
      const index = data.containers.findIndex((container) => container.id === id);
      return index >= 0 ? data.containers.splice(index, 1)[0] : undefined;
    });
    if (removed) this.#bus.emit('container-removed', { container: removed });
    return removed;
  }
}
