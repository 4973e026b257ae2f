import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * dockdeck's Prometheus registry (its own, never prom-client's global one) and the counters other
 * modules record into. Importing this module has no side effect beyond creating the registry.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'dd_' });

const registryRequests = new Counter({
  name: 'dd_registry_requests_total',
  help: 'Requests made to image registries, by registry and HTTP status (or "error" when no answer)',
  labelNames: ['registry', 'status'] as const,
  registers: [metricsRegistry],
});

const triggerDeliveries = new Counter({
  name: 'dd_trigger_deliveries_total',
  help: 'Notifications and actions delivered by triggers, by trigger and outcome',
  labelNames: ['trigger', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const watchCycles = new Counter({
  name: 'dd_watch_cycles_total',
  help: 'Completed watch cycles, by watcher',
  labelNames: ['watcher'] as const,
  registers: [metricsRegistry],
});

export const watchCycleDuration = new Histogram({
  name: 'dd_watch_cycle_duration_seconds',
  help: 'Duration of watch cycles, by watcher',
  labelNames: ['watcher'] as const,
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  registers: [metricsRegistry],
});

export const watchCycleErrors = new Counter({
  name: 'dd_watch_cycle_errors_total',
  help: 'Container checks that failed within watch cycles, by watcher',
  labelNames: ['watcher'] as const,
  registers: [metricsRegistry],
});

export const updateOperations = new Counter({
  name: 'dd_update_operations_total',
  help: 'Finished update operations, by outcome (succeeded, failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

const eventStreamRecycles = new Counter({
  name: 'dd_watcher_event_stream_recycles_total',
  help: 'Engine event streams replaced after being silent for EVENTSIDLE seconds, by watcher',
  labelNames: ['watcher'] as const,
  registers: [metricsRegistry],
});

const eventStreamReconnects = new Counter({
  name: 'dd_watcher_event_stream_reconnects_total',
  help: 'Engine event streams opened again (with a full resync) after one failed, ended or could not be replaced, by watcher',
  labelNames: ['watcher'] as const,
  registers: [metricsRegistry],
});

/** Label values come from config names and numbers; bound them anyway so a bug cannot explode cardinality. */
function label(value: string | number): string {
  return String(value).slice(0, 64);
}

/** Call after every registry HTTP request: status is the HTTP status, or 'error' when none came back. */
export function recordRegistryRequest(registry: string, status: number | 'error'): void {
  registryRequests.inc({ registry: label(registry), status: label(status) });
}

/** Call after every trigger delivery attempt: outcome e.g. 'sent', 'failed', 'skipped'. */
export function recordTriggerDelivery(trigger: string, outcome: string): void {
  triggerDeliveries.inc({ trigger: label(trigger), outcome: label(outcome) });
}

/** Call on every recycle of a silent event stream and every reconnect of a lost one. */
export function recordEventStreamChange(watcher: string, change: 'recycle' | 'reconnect'): void {
  (change === 'recycle' ? eventStreamRecycles : eventStreamReconnects).inc({ watcher: label(watcher) });
}
