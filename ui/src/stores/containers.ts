import { computed, reactive } from 'vue';
import { api } from '../api/client.ts';
import { readableError } from '../api/http.ts';
import type { Container } from '../api/types.ts';

/** Every watched container, by id; loaded once, then patched in place by SSE events. */
const state = reactive({
  byId: new Map<string, Container>(),
  loaded: false,
  loading: false,
  error: '',
});

let inflight: Promise<void> | null = null;
/**
 * Changes seen while a load is on its way. Its answer may have been made before them (the list
 * and the event stream are two connections), so they are applied again on top of it.
 */
let seenDuringLoad: Array<() => void> | null = null;

export const containersStore = {
  state,
  all: computed(() => [...state.byId.values()]),

  /** Loads (or reloads) the full list; concurrent callers share one request. */
  load(): Promise<void> {
    if (inflight) return inflight;
    state.loading = true;
    seenDuringLoad = [];
    inflight = api
      .listContainers()
      .then((page) => {
        state.byId = new Map(page.data.map((container) => [container.id, container]));
        for (const change of seenDuringLoad ?? []) change();
        state.error = '';
        state.loaded = true;
      })
      .catch((error: unknown) => {
        state.error = readableError(error);
      })
      .finally(() => {
        state.loading = false;
        inflight = null;
        seenDuringLoad = null;
      });
    return inflight;
  },

  ensureLoaded(): Promise<void> {
    return state.loaded ? Promise.resolve() : this.load();
  },

  upsert(container: Container): void {
    // Every container answer and event carries its `updatePolicy` (absent when empty).
    state.byId.set(container.id, container);
    seenDuringLoad?.push(() => state.byId.set(container.id, container));
  },

  remove(id: string): void {
    state.byId.delete(id);
    seenDuringLoad?.push(() => state.byId.delete(id));
  },

  get(id: string): Container | undefined {
    return state.byId.get(id);
  },

  /** The container's successor after a recreation (same watcher and name, new id). */
  findByIdentity(watcher: string, name: string): Container | undefined {
    for (const container of state.byId.values()) if (container.watcher === watcher && container.name === name) return container;
    return undefined;
  },
};

/** Handlers for the `dd:container-*` events of /api/v1/events/ui. */
export function containerEventHandlers(): Record<string, (data: unknown) => void> {
  const containerOf = (data: unknown): Container | undefined => {
    const container = (data as { container?: Container } | null)?.container;
    return container && typeof container.id === 'string' ? container : undefined;
  };
  return {
    'dd:container-added': (data) => {
      const container = containerOf(data);
      if (container) containersStore.upsert(container);
    },
    'dd:container-updated': (data) => {
      const container = containerOf(data);
      if (container) containersStore.upsert(container);
    },
    'dd:container-removed': (data) => {
      const container = containerOf(data);
      if (container) containersStore.remove(container.id);
    },
  };
}
