import type { EventBus, EventMap, EventName } from '../../events/bus.ts';
import type { SseChannel } from './sse-channel.ts';

/** Bus events forwarded to `GET /api/v1/events/ui`, each as `dd:<name>`. */
export const UI_STREAM_EVENTS = [
  'container-added',
  'container-updated',
  'container-removed',
  'watch-cycle-completed',
  'update-operation-changed',
  'update-applied',
  'update-failed',
  'batch-update-completed',
  'container-action-completed',
  'container-action-failed',
  'notification-delivery-changed',
] as const satisfies readonly EventName[];

/** Connects the bus to the UI channel; returns the unsubscribe function. */
export function forwardBusToChannel(bus: EventBus, channel: Pick<SseChannel, 'publish'>): () => void {
  const offs = UI_STREAM_EVENTS.map((name) => bus.on(name, (payload) => channel.publish(`dd:${name}`, uiPayload(name, payload))));
  return () => {
    for (const off of offs) off();
  };
}

/**
 * container-updated carries `previous` on the bus for listeners; clients only need the new state.
 * watch-cycle-completed carries every checked container; clients get the figures and refetch
 * what they show (changed containers come as their own events).
 */
function uiPayload(name: EventName, payload: unknown): unknown {
  if (name === 'watch-cycle-completed') {
    const { watcher, containers, startedAt, durationMs, errors } = payload as EventMap['watch-cycle-completed'];
    return { watcher, startedAt, durationMs, checked: containers.length, errors };
  }
  if (name === 'container-updated' && payload && typeof payload === 'object' && 'previous' in payload) {
    const { previous: _previous, ...rest } = payload as Record<string, unknown>;
    return rest;
  }
  return payload;
}
