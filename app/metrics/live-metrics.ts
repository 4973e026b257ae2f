import { Gauge } from 'prom-client';
import type { Container } from '../core/container.ts';
import type { EventBus } from '../events/bus.ts';
import { metricsRegistry, updateOperations, watchCycleDuration, watchCycleErrors, watchCycles } from './registry.ts';

export interface MetricsSources {
  /** The stored containers (read at scrape time). */
  readonly containers: () => readonly Container[];
  /** Open SSE streams (read at scrape time). */
  readonly sseClients: () => number;
}

let sources: MetricsSources | null = null;

// Gauges read their value when scraped, so they are never stale and cost nothing in between.
new Gauge({
  name: 'dd_containers',
  help: 'Stored containers, by runtime status and available update kind ("none" when up to date)',
  labelNames: ['status', 'update_kind'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const container of sources?.containers() ?? []) {
      const kind = container.checkStatus === 'unknown' ? 'unknown' : container.updateAvailable ? (container.updateKind?.kind ?? 'unknown') : 'none';
      this.inc({ status: container.status, update_kind: kind });
    }
  },
});

new Gauge({
  name: 'dd_sse_clients',
  help: 'Open server-sent event streams',
  registers: [metricsRegistry],
  collect() {
    this.set(sources?.sseClients() ?? 0);
  },
});

/** Points the scrape-time gauges at this daemon's store and streams, and counts bus events. */
export function bindMetrics(bus: EventBus, next: MetricsSources): () => void {
  sources = next;
  const offs = [
    bus.on('watch-cycle-completed', (cycle) => {
      watchCycles.inc({ watcher: cycle.watcher });
      watchCycleDuration.observe({ watcher: cycle.watcher }, cycle.durationMs / 1000);
      if (cycle.errors > 0) watchCycleErrors.inc({ watcher: cycle.watcher }, cycle.errors);
    }),
    bus.on('update-applied', () => updateOperations.inc({ outcome: 'succeeded' })),
    bus.on('update-failed', () => updateOperations.inc({ outcome: 'failed' })),
  ];
  return () => {
    for (const off of offs) off();
    if (sources === next) sources = null;
  };
}
