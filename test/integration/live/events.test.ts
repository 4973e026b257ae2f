import { connect } from 'node:net';
import { startLiveHarness, storedContainer, type LiveHarness } from './harness.ts';
import { openSse, type SseReader } from './sse-reader.ts';

const PHASES = ['prepare', 'renamed', 'new-created', 'old-stopped', 'new-started', 'health-gate', 'succeeded'];

describe('GET /api/v1/events/ui', () => {
  let harness: LiveHarness;
  const readers: SseReader[] = [];
  const open = async (headers: Record<string, string> = {}) => {
    const reader = await openSse(`${harness.url}/api/v1/events/ui`, headers);
    readers.push(reader);
    return reader;
  };

  beforeAll(async () => {
    harness = await startLiveHarness({ heartbeatMs: 300, replayCapacity: 5, maxClientsPerIp: 4, maxBufferedBytes: 64 * 1024 });
  });
  afterEach(() => {
    for (const reader of readers.splice(0)) reader.close();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('greets, then delivers update-operation-changed events in order with increasing ids', async () => {
    const reader = await open();
    expect(reader.status).toBe(200);
    await reader.waitFor((e) => e.event === 'dd:connected');
    for (const phase of PHASES) harness.bus.emit('update-operation-changed', { operation: { id: 'op-1', phase } });
    await reader.waitFor((e) => e.event === 'dd:update-operation-changed' && (e.data.includes('"succeeded"')));
    const changes = reader.events.filter((e) => e.event === 'dd:update-operation-changed');
    expect(changes.map((e) => (JSON.parse(e.data) as { operation: { phase: string } }).operation.phase)).toEqual(PHASES);
    const ids = changes.map((e) => Number(e.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]).toBe((ids[i - 1] ?? 0) + 1);
  });

  it('forwards container events with the container as the API shows it, and heartbeats', async () => {
    const reader = await open();
    await reader.waitFor((e) => e.event === 'dd:connected');
    const container = storedContainer('a'.repeat(64), 'web');
    harness.bus.emit('container-updated', { container, previous: container });
    harness.bus.emit('update-applied', { operation: { id: 'op-2', status: 'succeeded' } });
    const updated = await reader.waitFor((e) => e.event === 'dd:container-updated');
    expect(JSON.parse(updated.data)).toEqual({ container: JSON.parse(JSON.stringify(container)) });
    await reader.waitFor((e) => e.event === 'dd:update-applied');
    const heartbeat = await reader.waitFor((e) => e.event === 'dd:heartbeat');
    expect(heartbeat.id).toBeTruthy();
  });

  it('replays exactly the missed events to a client reconnecting with Last-Event-ID', async () => {
    const first = await open();
    await first.waitFor((e) => e.event === 'dd:connected');
    harness.bus.emit('update-operation-changed', { operation: { id: 'op-3', phase: 'prepare' } });
    const seen = await first.waitFor((e) => e.data.includes('op-3'));
    first.close();
    harness.bus.emit('update-operation-changed', { operation: { id: 'op-3', phase: 'renamed' } });
    harness.bus.emit('update-failed', { operation: { id: 'op-3', phase: 'rolled-back' } });

    const again = await open({ 'last-event-id': seen.id ?? '' });
    await again.waitFor((e) => e.event === 'dd:update-failed');
    const replayed = again.events.filter((e) => e.event !== 'dd:connected' && e.event !== 'dd:heartbeat');
    expect(replayed.map((e) => [e.event, (JSON.parse(e.data) as { operation: { phase: string } }).operation.phase])).toEqual([
      ['dd:update-operation-changed', 'renamed'],
      ['dd:update-failed', 'rolled-back'],
    ]);
    expect(replayed.map((e) => Number(e.id))).toEqual([Number(seen.id) + 1, Number(seen.id) + 2]);
  });

  it('asks for a resync when the missed events are no longer kept', async () => {
    const first = await open();
    await first.waitFor((e) => e.event === 'dd:connected');
    harness.bus.emit('batch-update-completed', { batch: 'b-1' });
    const seen = await first.waitFor((e) => e.event === 'dd:batch-update-completed');
    first.close();
    for (let i = 0; i < 8; i++) harness.bus.emit('update-operation-changed', { operation: { id: `op-${i}` } });
    const again = await open({ 'last-event-id': seen.id ?? '' });
    await again.waitFor((e) => e.event === 'dd:resync-required');
    expect(again.events.some((e) => e.event === 'dd:update-operation-changed')).toBe(false);
  });

  it('answers 429 in JSON over the per-address limit', async () => {
    for (let i = 0; i < 4; i++) await (await open()).waitFor((e) => e.event === 'dd:connected');
    const response = await fetch(`${harness.url}/api/v1/events/ui`);
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ code: 'TOO_MANY_STREAMS', scope: 'per-ip' });
  });

  it('drops a client that does not read instead of buffering for it', async () => {
    // Streams of earlier tests close asynchronously.
    while (harness.live.events.clientCount > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const before = 0;
    const { port } = new URL(harness.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.pause();
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /api/v1/events/ui HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    while (harness.live.events.clientCount === before) await new Promise((resolve) => setTimeout(resolve, 20));
    const big = 'x'.repeat(256 * 1024);
    // Far more than the loopback socket buffers plus the 64 KiB bound can hold.
    for (let i = 0; i < 200 && harness.live.events.clientCount > before; i++) {
      harness.bus.emit('batch-update-completed', { big });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(harness.live.events.clientCount).toBe(before);
    socket.destroy();
  });
});
