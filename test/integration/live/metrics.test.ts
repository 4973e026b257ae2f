import { recordRegistryRequest, recordTriggerDelivery } from '../../../app/metrics/registry.ts';
import { startLiveHarness, storedContainer, type LiveHarness } from './harness.ts';
import { openSse } from './sse-reader.ts';

/** The value of one sample line, e.g. `dd_containers{status="running",update_kind="minor"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let harness: LiveHarness;

  beforeAll(async () => {
    harness = await startLiveHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('exposes containers, watch cycles, registry requests, triggers, operations, SSE clients and process metrics', async () => {
    harness.store.update((data) => {
      data.containers.push(
        { ...storedContainer('c1', 'one'), updateAvailable: true, updateKind: { kind: 'minor', localValue: '1.0.0', remoteValue: '1.1.0' } },
        storedContainer('c2', 'two'),
        storedContainer('c3', 'three', 'exited'),
      );
    });
    harness.bus.emit('watch-cycle-completed', { watcher: 'local', containers: [], startedAt: new Date().toISOString(), durationMs: 1500, errors: 2 });
    harness.bus.emit('update-applied', { operation: { id: 'x' } });
    harness.bus.emit('update-failed', { operation: { id: 'y' } });
    recordRegistryRequest('hub', 200);
    recordRegistryRequest('hub', 429);
    recordTriggerDelivery('ntfy.phone', 'sent');
    const reader = await openSse(`${harness.url}/api/v1/events/ui`);
    await reader.waitFor((e) => e.event === 'dd:connected');

    const response = await fetch(`${harness.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    reader.close();

    expect(sample(text, 'dd_containers{status="running",update_kind="minor"}')).toBe(1);
    expect(sample(text, 'dd_containers{status="running",update_kind="none"}')).toBe(1);
    expect(sample(text, 'dd_containers{status="exited",update_kind="none"}')).toBe(1);
    expect(sample(text, 'dd_watch_cycles_total{watcher="local"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'dd_watch_cycle_duration_seconds_sum{watcher="local"}')).toBeGreaterThanOrEqual(1.5);
    expect(sample(text, 'dd_watch_cycle_errors_total{watcher="local"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'dd_registry_requests_total{registry="hub",status="429"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'dd_trigger_deliveries_total{trigger="ntfy.phone",outcome="sent"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'dd_update_operations_total{outcome="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'dd_update_operations_total{outcome="failed"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'dd_sse_clients')).toBe(1);
    expect(sample(text, 'dd_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
