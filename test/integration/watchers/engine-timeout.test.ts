import { randomBytes } from 'node:crypto';
import type { Container } from '../../../app/core/container.ts';
import type { WatcherConfig } from '../../../app/config/load-config.ts';
import { EngineConnection } from '../../../app/engine/engine-connection.ts';
import { DockerUpdateEngine } from '../../../app/updates/update-engine.ts';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { startFaultProxy, type FaultProxy } from '../../bench/fault-proxy.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { waitFor } from '../../bench/registry-server.ts';
import { benchState } from '../../bench/state.ts';
import { openSse, type SseReader } from '../live/sse-reader.ts';
import { EngineRelay } from './engine-relay.ts';

const TIMEOUT_SECONDS = 2;

interface WatchRun {
  watcher: string;
  checked: number;
  errors: number;
  error?: string;
}

/**
 * The daemon watching a TCP engine through a relay that black-holes it (bytes stop, nothing is
 * closed) with DD_WATCHER_EDGE_TIMEOUT=2: watch runs, API calls and stats ticks end in about
 * TIMEOUT instead of hanging, the connections caught in the hole are closed by dockdeck, and
 * everything works again once the relay forwards.
 */
describe('engine calls through a black hole', () => {
  const { registry } = benchState();
  const runId = process.env.DD_TEST_RUN_ID ?? 'manual';
  const SCOPE_LABEL = 'dockdeck.test-timeout';
  const scope = uniqueName('timeout');
  const repo = uniqueName('timeout-app');
  const created: string[] = [];
  let relay: EngineRelay;
  let daemon: RunningDaemon;
  let summaries: SseReader | undefined;

  const containers = async (): Promise<Container[]> =>
    ((await (await fetch(`${daemon.url}/api/v1/containers?watcher=edge&sort=name`)).json()) as { data: Container[] }).data;
  const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = Date.now();
    const value = await work();
    return { value, ms: Date.now() - started };
  };
  const watchNow = async () => {
    const response = await fetch(`${daemon.url}/api/v1/containers/watch?watcher=edge`, { method: 'POST' });
    return { status: response.status, body: (await response.json()) as { data: Container[]; runs: WatchRun[] } };
  };
  const systemInfo = async () => {
    const response = await fetch(`${daemon.url}/api/v1/system/info?watcher=edge`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const byId = (list: Container[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  const summaryEvents = () => summaries!.events.filter((event) => event.event === 'dd:stats-summary');
  const watchedCount = (index: number) => (JSON.parse(summaryEvents()[index]!.data) as { watchedCount: number }).watchedCount;

  beforeAll(async () => {
    await buildTestImage({ reference: `${registry.address}/${repo}:1.0.0` });
    for (const name of ['a', 'b']) {
      created.push(
        await exec(DOCKER, [
          'run', '-d', '--init', '--name', uniqueName(`timeout-${name}`),
          '--label', `${RUN_LABEL}=${runId}`, '--label', `${SCOPE_LABEL}=${scope}`,
          `${registry.address}/${repo}:1.0.0`,
        ]),
      );
    }
    relay = await EngineRelay.start();
    daemon = await startDaemon({
      DD_WATCHER_EDGE_HOST: '127.0.0.1',
      DD_WATCHER_EDGE_PORT: String(relay.port),
      DD_WATCHER_EDGE_TIMEOUT: String(TIMEOUT_SECONDS),
      DD_WATCHER_EDGE_LABELFILTER: `${SCOPE_LABEL}=${scope}`,
      // No event stream: every connection through the relay is an ordinary call (or a stats call).
      DD_WATCHER_EDGE_WATCHEVENTS: 'false',
      DD_WATCHER_EDGE_CRON: '0 0 1 1 *',
      DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
      DD_STATS_INTERVAL: '1',
    });
    await waitFor(async () => (await containers()).length === 2, 30_000, 'the run at start to store both containers');
    summaries = await openSse(`${daemon.url}/api/v1/stats/summary/stream`);
    await waitFor(async () => summaryEvents().some((_, index) => watchedCount(index) === 2), 20_000, 'a stats tick covering both containers');
  }, 120_000);

  afterAll(async () => {
    summaries?.close();
    await daemon?.stop();
    await relay?.close();
    for (const id of created) await exec(DOCKER, ['rm', '-f', id]).catch(() => '');
  });

  it('answers a watch run, system info and stats ticks within about TIMEOUT while the engine is black-holed, and recovers', async () => {
    const before = await containers();
    expect(before.map((container) => container.id).sort()).toEqual([...created].sort());
    const ticksBefore = summaryEvents().length;
    relay.blackhole();

    // The run lists, waits TIMEOUT for an answer that never comes, and reports it; nothing stored changes.
    const watch = await timed(watchNow);
    expect(watch.value.status).toBe(200);
    expect(watch.value.body.runs).toEqual([
      expect.objectContaining({ watcher: 'edge', checked: 0, errors: 1, error: expect.stringMatching(/^Docker engine 'edge' timed out: no answer within 2 s$/) }),
    ]);
    expect(watch.ms).toBeGreaterThanOrEqual(TIMEOUT_SECONDS * 1000 - 100);
    expect(watch.ms).toBeLessThan(TIMEOUT_SECONDS * 1000 + 5000);
    expect(byId(watch.value.body.data)).toEqual(byId(before));
    expect(await containers()).toEqual(before);

    const info = await timed(systemInfo);
    expect(info.value.status).toBe(503);
    expect(info.value.body).toEqual({ code: 'ENGINE_UNAVAILABLE', error: expect.stringMatching(/^Docker engine 'edge' timed out: /) });
    expect(info.ms).toBeLessThan(TIMEOUT_SECONDS * 1000 + 5000);

    // Ticks keep coming: each stats call gives up after TIMEOUT, so a tick ends with no figures.
    await summaries!.waitFor((event) => event.event === 'dd:stats-summary' && JSON.parse(event.data).watchedCount === 0, 20_000, ticksBefore);
    const stalled = summaryEvents().length;
    await summaries!.waitFor((event) => event.event === 'dd:stats-summary', 20_000, stalled + 1);

    // Every connection caught in the hole is closed by dockdeck (none waits forever); new ones work again.
    relay.restore();
    await waitFor(async () => relay.stuckConnections === 0, 20_000, 'dockdeck to close the black-holed connections');

    const again = await watchNow();
    expect(again.status).toBe(200);
    expect(again.body.runs).toEqual([expect.objectContaining({ watcher: 'edge', errors: 0 })]);
    expect(again.body.runs[0]?.error).toBeUndefined();
    expect(again.body.data.map((container) => container.id).sort()).toEqual([...created].sort());
    const healthy = await systemInfo();
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ watcher: 'edge', containers: expect.any(Object) });
    const recovered = summaryEvents().length;
    await summaries!.waitFor((event) => event.event === 'dd:stats-summary' && JSON.parse(event.data).watchedCount === 2, 20_000, recovered);
  }, 90_000);
});

/**
 * An image pull through a registry proxy that passes the blob on in 32 KiB pieces with a pause
 * before each: far slower than TIMEOUT in total, yet progress never stops for TIMEOUT, so it is
 * not cut; a proxy that pauses longer than TIMEOUT between pieces gets the pull given up.
 */
describe('image pull slower than TIMEOUT', () => {
  const { registry } = benchState();
  const repo = uniqueName('timeout-pull');
  let proxy: FaultProxy;
  let engine: DockerUpdateEngine;
  const pulled: string[] = [];

  /** An image with a layer of its own (incompressible, not on this engine once removed), pushed and removed locally. */
  const pushOnly = async (tag: string, bytes: number): Promise<void> => {
    const reference = `${registry.address}/${repo}:${tag}`;
    await buildTestImage({ reference, content: randomBytes(bytes).toString('base64') });
    await exec(DOCKER, ['rmi', reference]);
  };

  beforeAll(async () => {
    await pushOnly('slow', 1024 * 1024);
    await pushOnly('stalled', 1024 * 1024);
    proxy = await startFaultProxy({ target: registry.url });
    const config = { name: 'local', socket: '/var/run/docker.sock', timeoutSeconds: TIMEOUT_SECONDS } as WatcherConfig;
    engine = new DockerUpdateEngine(new EngineConnection(config));
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    for (const reference of pulled) await exec(DOCKER, ['rmi', '-f', reference]).catch(() => '');
  });

  it('is not cut while progress keeps coming, and is given up after TIMEOUT without any', async () => {
    proxy.chunkDelayMs = 300;
    const slow = `${proxy.address}/${repo}:slow`;
    pulled.push(slow);
    const started = Date.now();
    await engine.pull(slow);
    const ms = Date.now() - started;
    // About 1 MiB of blob in 32 KiB pieces at 300 ms each: several times TIMEOUT.
    expect(ms).toBeGreaterThan(3 * TIMEOUT_SECONDS * 1000);
    expect(await engine.inspectImage(slow)).toMatchObject({ Id: expect.stringMatching(/^sha256:/) });

    proxy.chunkDelayMs = (TIMEOUT_SECONDS + 2) * 1000;
    const stalled = `${proxy.address}/${repo}:stalled`;
    pulled.push(stalled);
    const stalledStart = Date.now();
    await expect(engine.pull(stalled)).rejects.toMatchObject({
      status: 503,
      code: 'ENGINE_UNAVAILABLE',
      message: "Docker engine 'local' timed out: nothing received for 2 s",
    });
    expect(Date.now() - stalledStart).toBeLessThan(30_000);
  }, 120_000);
});
