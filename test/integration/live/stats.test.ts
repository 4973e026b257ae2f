import { DOCKER, exec } from '../../bench/exec.ts';
import { uniqueName } from '../../bench/images.ts';
import { removeContainers, runContainer, startLiveHarness, storedContainer, type LiveHarness } from './harness.ts';
import { openSse, type SseReader } from './sse-reader.ts';

interface Summary {
  watchedCount: number;
  topCpu: Array<{ id: string; cpuPercent: number }>;
  topMemory: Array<{ id: string; memoryUsageBytes: number }>;
}

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1000, MB: 1000 ** 2, GB: 1000 ** 3 };

/** "31.5MiB / 3.84GiB" → bytes of the first figure. */
function parseDockerMemory(text: string): number {
  const match = /^([\d.]+)\s*([A-Za-z]+)/.exec(text.trim());
  if (!match) throw new Error(`unexpected docker stats output: ${text}`);
  return Number(match[1]) * (UNITS[match[2] ?? ''] ?? NaN);
}

/**
 * The engine's own reading of a container's CPU, by the docker CLI (percent of one core), as the
 * reference: a busy loop gets a whole core only on an idle machine, and the test suite runs beside
 * other suites (and a Docker build) on two cores.
 */
async function dockerCpuPercent(id: string): Promise<number> {
  const text = await exec(DOCKER, ['stats', '--no-stream', '--format', '{{.CPUPerc}}', id]);
  const value = Number.parseFloat(text);
  if (!Number.isFinite(value)) throw new Error(`unexpected docker stats output: ${text}`);
  return value;
}

/** Both readings cover different seconds of the same load: close, but never a factor of two apart. */
function expectNearDockerReading(actual: number | undefined, reference: number): void {
  expect(reference).toBeGreaterThan(20);
  expect(actual).toBeGreaterThan(reference * 0.6);
  expect(actual).toBeLessThan(reference * 1.6);
}

describe('stats against the real engine', () => {
  let harness: LiveHarness;
  const ids: string[] = [];
  const readers: SseReader[] = [];
  let busy = '';
  let hungry = '';
  let idle = '';

  beforeAll(async () => {
    busy = await runContainer(uniqueName('dd-busy'), ['sh', '-c', 'while :; do :; done']);
    ids.push(busy);
    // Holds ~40 MB in a shell variable, so memory is far above noise and stable.
    hungry = await runContainer(uniqueName('dd-hungry'), ['sh', '-c', 'x=$(head -c 40000000 /dev/zero | tr "\\0" a); echo ready; while :; do sleep 1; done']);
    ids.push(hungry);
    while (!(await exec(DOCKER, ['logs', hungry])).includes('ready')) await new Promise((resolve) => setTimeout(resolve, 100));
    idle = await runContainer(uniqueName('dd-idle'), ['sleep', '100000']);
    ids.push(idle);
    harness = await startLiveHarness({ statsIntervalMs: 1000, heartbeatMs: 60_000 });
    harness.store.update((data) => {
      data.containers.push(storedContainer(busy, 'busy'), storedContainer(hungry, 'hungry'), { ...storedContainer(idle, 'idle'), watched: false });
    });
  });

  afterAll(async () => {
    for (const reader of readers) reader.close();
    await harness?.close();
    await removeContainers(ids);
  });

  it("streams the summary at once, then a busy container tops topCpu within two ticks, at the engine's own reading", async () => {
    const reader = await openSse(`${harness.url}/api/v1/stats/summary/stream`);
    readers.push(reader);
    expect(reader.status).toBe(200);
    await reader.waitFor((e) => e.event === 'dd:stats-summary');
    expect(reader.events.map((e) => e.event).slice(0, 2)).toEqual(['dd:connected', 'dd:stats-summary']);

    harness.live.start();
    const ticks = () => reader.events.filter((e) => e.event === 'dd:stats-summary').slice(1);
    await reader.waitFor((e) => e.event === 'dd:stats-summary', 30_000, 2);
    let hit: Summary | undefined;
    for (let tick = 0; tick < 2 && !hit; tick++) {
      while (ticks().length <= tick) await new Promise((resolve) => setTimeout(resolve, 50));
      const summary = JSON.parse(ticks()[tick]?.data ?? '{}') as Summary;
      if (summary.topCpu[0]?.id === busy) hit = summary;
    }
    expect(hit).toBeDefined();
    expect(hit?.watchedCount).toBe(2);
    expectNearDockerReading(hit?.topCpu[0]?.cpuPercent, await dockerCpuPercent(busy));
    // One busy loop is at most one core, whatever the number of cores.
    expect(hit?.topCpu[0]?.cpuPercent).toBeLessThan(115);
    expect(hit?.topMemory[0]?.id).toBe(hungry);

    const rest = (await (await fetch(`${harness.url}/api/v1/stats/summary`)).json()) as { data: Summary & Record<string, unknown> };
    expect(Object.keys(rest.data).sort()).toEqual(
      ['avgCpuPercent', 'timestamp', 'topCpu', 'topMemory', 'totalMemoryLimitBytes', 'totalMemoryPercent', 'totalMemoryUsageBytes', 'watchedCount'].sort(),
    );
  });

  it('reports memory without page cache that matches docker stats within 10%', async () => {
    const dockerText = await exec(DOCKER, ['stats', '--no-stream', '--format', '{{.MemUsage}}', hungry]);
    const expected = parseDockerMemory(dockerText);
    await harness.live.stats.tick();
    const body = (await (await fetch(`${harness.url}/api/v1/containers/${hungry}/stats`)).json()) as {
      data: { memoryUsageBytes: number; memoryLimitBytes: number };
      history: unknown[];
    };
    expect(expected).toBeGreaterThan(30 * 1024 * 1024);
    expect(Math.abs(body.data.memoryUsageBytes - expected) / expected).toBeLessThan(0.1);
    expect(body.data.memoryLimitBytes).toBeGreaterThan(body.data.memoryUsageBytes);
    expect(body.history.length).toBeGreaterThanOrEqual(1);
  });

  it('lists running containers in the seed 002 and seed 000 shapes', async () => {
    const batch = (await (await fetch(`${harness.url}/api/v1/containers/stats`)).json()) as { containers: Array<{ containerId: string; cpu: { usage: number } }> };
    expect(batch.containers.map((c) => c.containerId)).toEqual(expect.arrayContaining([busy, hungry]));
    const aggregate = (await (await fetch(`${harness.url}/api/v1/stats/aggregate`)).json()) as { total_containers: number; total_cpu_percent: number };
    expect(aggregate.total_containers).toBeGreaterThanOrEqual(2);
    // The busy loop alone is most of the fleet's CPU.
    expectNearDockerReading(aggregate.total_cpu_percent, await dockerCpuPercent(busy));
  });

  it('collects an unwatched container only while its stats stream is open', async () => {
    await harness.live.stats.tick();
    expect(harness.live.stats.history(idle)).toHaveLength(0);
    const reader = await openSse(`${harness.url}/api/v1/containers/${idle}/stats/stream`);
    readers.push(reader);
    const event = await reader.waitFor((e) => e.event === 'dd:container-stats', 30_000);
    expect(JSON.parse(event.data)).toMatchObject({ id: idle, name: 'idle' });
    reader.close();
    while (harness.live.containerStats.clientCount > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await harness.live.stats.tick();
    expect(harness.live.stats.history(idle)).toHaveLength(0);
  });

  it('answers 404 for an unknown container', async () => {
    const response = await fetch(`${harness.url}/api/v1/containers/nope/stats`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
