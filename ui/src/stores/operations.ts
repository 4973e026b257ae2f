import { computed, reactive } from 'vue';
import { api } from '../api/client.ts';
import { readableError } from '../api/http.ts';
import type { PhaseEntry, UpdateOperation } from '../api/types.ts';
import { TERMINAL_STATUSES } from '../api/types.ts';
import { containersStore } from './containers.ts';

/** Update operations by id, patched by `dd:update-operation-changed`; phases seen live are kept. */
const state = reactive({
  byId: new Map<string, UpdateOperation>(),
  /** Phases observed through events, for daemons that do not return a phase history. */
  seen: new Map<string, PhaseEntry[]>(),
  loaded: false,
  loading: false,
  error: '',
});

/** Seed 003 has no cross-container list; use it when the daemon has one, remember when it does not. */

function remember(operation: UpdateOperation): void {
  const before = state.byId.get(operation.id);
  state.byId.set(operation.id, operation);
  // A finished update recreated the container (new id, new image): refresh the list.
  if (before && !TERMINAL_STATUSES.has(before.status) && TERMINAL_STATUSES.has(operation.status)) void containersStore.load();
  const seen = state.seen.get(operation.id) ?? [];
  if (seen.at(-1)?.phase !== operation.phase) {
    seen.push({ phase: operation.phase, at: operation.updatedAt });
    state.seen.set(operation.id, seen);
  }
}

export const operationsStore = {
  state,
  all: computed(() => [...state.byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt))),

  upsert: remember,

  get(id: string): UpdateOperation | undefined {
    return state.byId.get(id);
  },

  /** The phase history: the daemon's when it has one, else what we watched happen. */
  phases(operation: UpdateOperation): PhaseEntry[] {
    const recorded = operation.history ?? operation.phases;
    if (recorded?.length) return recorded;
    return state.seen.get(operation.id) ?? [{ phase: operation.phase, at: operation.updatedAt }];
  },

  forContainer(name: string): UpdateOperation[] {
    return this.all.value.filter((operation) => operation.containerName === name);
  },

  async refresh(id: string): Promise<UpdateOperation> {
    const operation = await api.operation(id);
    remember(operation);
    return operation;
  },

  async loadForContainer(id: string): Promise<void> {
    const page = await api.containerOperations(id);
    for (const operation of page.data) remember(operation);
  },

  /** Loads the most recent operations across containers. */
  async loadAll(): Promise<void> {
    state.loading = true;
    try {
      const page = await api.listOperations();
      for (const operation of page.data) remember(operation);
      state.error = '';
      state.loaded = true;
    } catch (error) {
      state.error = readableError(error);
    } finally {
      state.loading = false;
    }
  },

  /** Polls an operation until it is terminal; a fallback for when SSE events are missed. */
  async follow(id: string, isActive: () => boolean, everyMs = 2000): Promise<void> {
    while (isActive()) {
      const known = state.byId.get(id);
      if (known && TERMINAL_STATUSES.has(known.status)) return;
      try {
        await this.refresh(id);
      } catch {
        // The next tick tries again; the SSE stream usually wins anyway.
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  },
};

export function operationEventHandlers(): Record<string, (data: unknown) => void> {
  const handle = (data: unknown) => {
    const operation = (data as { operation?: UpdateOperation } | null)?.operation;
    if (operation && typeof operation.id === 'string') remember(operation);
  };
  return {
    'dd:update-operation-changed': handle,
    'dd:update-applied': handle,
    'dd:update-failed': handle,
  };
}
