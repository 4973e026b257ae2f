import { reactive } from 'vue';
import { EventStream, type StreamState } from '../api/event-stream.ts';
import { containerEventHandlers, containersStore } from './containers.ts';
import { deliveriesStore, deliveryEventHandlers } from './deliveries.ts';
import { operationEventHandlers, operationsStore } from './operations.ts';
import { watcherEventHandlers, watchersStore } from './watchers.ts';

/** The one `/api/v1/events/ui` stream that keeps the stores live; its state feeds the header. */
export const liveState = reactive({ stream: 'connecting' as StreamState, resyncs: 0 });

let started = false;

export function startLiveUpdates(): void {
  if (started) return;
  started = true;
  const stream = new EventStream({
    url: '/api/v1/events/ui',
    events: { ...containerEventHandlers(), ...operationEventHandlers(), ...watcherEventHandlers(), ...deliveryEventHandlers() },
    onResync: () => {
      liveState.resyncs += 1;
      void containersStore.load();
      watchersStore.refreshIfFollowed();
      deliveriesStore.refreshIfFollowed();
      if (operationsStore.state.loaded) void operationsStore.loadAll();
      for (const operation of operationsStore.all.value) {
        if (operation.status === 'queued' || operation.status === 'in-progress') void operationsStore.refresh(operation.id).catch(() => undefined);
      }
    },
    onState: (state) => (liveState.stream = state),
  });
  stream.start();
}
