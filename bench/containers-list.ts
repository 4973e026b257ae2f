/**
 * GET /api/v1/containers with 2,000 stored containers: latency (sequential requests) and
 * throughput (concurrent clients) of the real daemon started as a user would. The store file is
 * seeded directly and the engine socket does not exist, so no watcher or stats poll runs.
 *
 *   node_modules/.bin/node --disable-warning=ExperimentalWarning bench/containers-list.ts [containers]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Container, UpdateKind } from '../app/core/container.ts';
import { Store } from '../app/store/store.ts';
import { startDaemon } from '../test/bench/daemon.ts';

const KINDS: Array<UpdateKind | null> = [null, null, 'patch', 'minor', 'major', 'digest'];

function container(i: number): Container {
  const kind = KINDS[i % KINDS.length] ?? null;
  const name = `app-${String(i).padStart(4, '0')}`;
  return {
    id: i.toString(16).padStart(64, 'c'),
    name,
    watcher: 'local',
    status: i % 10 === 0 ? 'exited' : 'running',
    displayName: name,
    displayIcon: 'mdi:docker',
    group: `group-${i % 20}`,
    labels: { 'com.example.team': `team-${i % 7}`, 'dd.watch': 'true' },
    watched: true,
    image: {
      id: `sha256:${i.toString(16).padStart(64, 'a')}`,
      registry: { name: 'hub', url: 'https://registry-1.docker.io' },
      name: `library/app${i % 50}`,
      tag: { value: '1.2.3', semver: true },
      digest: { watch: false, repoDigests: [`library/app${i % 50}@sha256:${'b'.repeat(64)}`] },
      architecture: 'amd64',
      os: 'linux',
      created: new Date(Date.UTC(2026, 0, 1) - i * 3_600_000).toISOString(),
    },
    ...(kind ? { result: { tag: '1.3.0' } } : {}),
    updateKind: kind ? { kind, localValue: '1.2.3', remoteValue: kind === 'digest' ? '1.2.3' : '1.3.0' } : null,
    updateAvailable: kind !== null,
    checkStatus: 'ok',
    lastCheckedAt: new Date().toISOString(),
    ...(kind ? { updateDetectedAt: new Date(Date.now() - (i % 30) * 86_400_000).toISOString() } : {}),
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function fetchOnce(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function measure(url: string, label: string): Promise<void> {
  for (let i = 0; i < 20; i++) await fetchOnce(url); // warm up
  const latencies: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    bytes = await fetchOnce(url);
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  const concurrency = 16;
  const durationMs = 5000;
  let done = 0;
  const until = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await fetchOnce(url);
        done++;
      }
    }),
  );
  console.log(`  ${label} (${(bytes / 1024).toFixed(0)} KiB per response)`);
  console.log(`    sequential latency: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`);
  console.log(`    throughput with ${concurrency} concurrent clients: ${((done / durationMs) * 1000).toFixed(0)} requests/s`);
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  const folder = await mkdtemp(join(tmpdir(), 'dd-bench-list-'));
  const store = await Store.open(folder);
  store.update((data) => {
    data.containers = Array.from({ length: count }, (_, i) => container(i));
  });
  await store.flush();
  const daemon = await startDaemon({ DD_WATCHER_LOCAL_SOCKET: '/nonexistent/docker.sock', DD_LOG_LEVEL: 'warn' }, { storePath: folder });
  try {
    console.log(`GET /api/v1/containers with ${count} stored containers (daemon ${daemon.url}, node ${process.version})`);
    await measure(`${daemon.url}/api/v1/containers`, 'all containers (limit=0)');
    await measure(`${daemon.url}/api/v1/containers?limit=50`, 'first page (limit=50)');
    await measure(`${daemon.url}/api/v1/containers?limit=50&status=update-available&sort=-age`, 'filtered and sorted page');
  } finally {
    agent.destroy();
    await daemon.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

await main();
