/**
 * Benchmark of one watch cycle: 100+ real containers across 20 repositories on a local registry,
 * checked through a counting, latency-adding proxy. Prints the wall time of a cold and a warm cycle
 * and the registry requests per container. Starts and removes everything it needs.
 *
 *   node bench/watch-cycle.ts            (BENCH_REPOS, BENCH_PER_REPO, BENCH_LATENCY_MS, BENCH_CONCURRENCY)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { WatcherConfig } from '../app/config/load-config.ts';
import { EngineConnection } from '../app/engine/engine-connection.ts';
import { EventBus } from '../app/events/bus.ts';
import { RegistryHub } from '../app/registries/registry-hub.ts';
import { WatchService } from '../app/scheduler/watch-service.ts';
import { Store } from '../app/store/store.ts';
import { DockerodeEngine } from '../app/watchers/docker/engine-port.ts';
import { mapBounded } from '../app/watchers/bounded-map.ts';
import { DOCKER, exec } from '../test/bench/exec.ts';
import { startFaultProxy } from '../test/bench/fault-proxy.ts';
import { buildTestImage, ensureBaseImage, RUN_LABEL } from '../test/bench/images.ts';
import { startRegistry } from '../test/bench/registry-server.ts';

const REPOS = Number(process.env.BENCH_REPOS ?? 20);
const PER_REPO = Number(process.env.BENCH_PER_REPO ?? 6);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const runId = `bench${Date.now().toString(36)}`;
process.env.DD_TEST_RUN_ID = runId;

const log = (message: string) => process.stdout.write(`${message}\n`);

async function main(): Promise<void> {
  await ensureBaseImage();
  const { registry, child } = await startRegistry();
  const proxy = await startFaultProxy({ target: registry.url, latencyMs: LATENCY_MS });
  const storePath = mkdtempSync(join(tmpdir(), 'dd-bench-store-'));
  let service: WatchService | undefined;
  try {
    log(`registry ${registry.url}, proxy ${proxy.url} (+${LATENCY_MS} ms per request), run ${runId}`);
    const repos = Array.from({ length: REPOS }, (_, index) => `bench-${runId}-r${index}`);
    const proxyHost = proxy.address;
    let started = Date.now();
    await mapBounded(repos, 2, async (repo) => {
      for (const tag of ['1.0.0', '1.1.0']) await buildTestImage({ reference: `${registry.address}/${repo}:${tag}` });
      await exec(DOCKER, ['tag', `${registry.address}/${repo}:1.1.0`, `${registry.address}/${repo}:latest`]);
      await exec(DOCKER, ['push', '-q', `${registry.address}/${repo}:latest`]);
      // Pull through the proxy so the local images know their digests under the proxy's name.
      for (const tag of ['1.0.0', 'latest']) await exec(DOCKER, ['pull', '-q', `${proxyHost}/${repo}:${tag}`]);
    });
    log(`images: ${REPOS} repositories × 3 tags ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    started = Date.now();
    const specs = repos.flatMap((repo) => Array.from({ length: PER_REPO }, (_, index) => ({ repo, tag: index % 2 === 0 ? '1.0.0' : 'latest', index })));
    await mapBounded(specs, 4, ({ repo, tag, index }) =>
      exec(DOCKER, [
        'run', '-d', '--init', '--name', `${repo}-c${index}`,
        '--label', `${RUN_LABEL}=${runId}`, '--label', 'dd.watch=true',
        `${proxyHost}/${repo}:${tag}`, 'sleep', '100000',
      ]),
    );
    log(`containers: ${specs.length} started in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const watcher: WatcherConfig = {
      name: 'bench',
      socket: '/var/run/docker.sock',
      cron: '0 0 1 1 *',
      jitterSeconds: 0,
      // Only this run's containers (labelled dd.watch=true) are checked; the engine may hold others.
      watchByDefault: false,
      watchAll: false,
      watchEvents: false,
      watchAtStart: false,
      labelFilter: [],
    };
    const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
    const store = await Store.open(storePath);
    const bus = new EventBus();
    service = new WatchService({
      watchers: [watcher],
      engines: new Map([['bench', new DockerodeEngine(new EngineConnection(watcher))]]),
      checker: new RegistryHub([{ provider: 'custom', name: 'bench', url: proxy.url, insecure: false, maxRequests: 100_000 }], { logger }),
      store,
      bus,
      logger,
      concurrency: CONCURRENCY,
      cron: { schedule: () => ({ stop: () => undefined, nextRun: () => null }) },
    });

    const rows: string[] = [];
    for (const label of ['cold', 'warm', 'warm']) {
      const before = proxy.log.length;
      const t0 = performance.now();
      const [summary] = await service.watchAll();
      const wallMs = performance.now() - t0;
      const cycleLog = proxy.log.slice(before);
      const requests = cycleLog.length;
      const byKind = new Map<string, number>();
      for (const entry of cycleLog) byKind.set(`${entry.method} ${entry.kind}`, (byKind.get(`${entry.method} ${entry.kind}`) ?? 0) + 1);
      // Only this run's containers: the shared engine may hold other labelled ones.
      const mine = store.data.containers.filter((c) => c.watched && c.labels[RUN_LABEL] === runId);
      const kinds = new Map<string, number>();
      for (const c of mine) {
        const key = c.checkStatus === 'ok' ? (c.updateKind?.kind ?? 'up-to-date') : c.checkStatus;
        kinds.set(key, (kinds.get(key) ?? 0) + 1);
      }
      rows.push(
        `${label.padEnd(5)} containers=${mine.length} (checked in cycle: ${summary?.checked}) wall=${wallMs.toFixed(0)} ms requests=${requests} ` +
          `per-container=${(requests / Math.max(1, mine.length)).toFixed(2)} errors=${summary?.errors} ` +
          `results=${[...kinds].map(([k, n]) => `${k}:${n}`).join(',')} ` +
          `requests-by-kind=${[...byKind].map(([k, n]) => `${k}:${n}`).join(',')}`,
      );
      log(rows.at(-1)!);
    }
    const serialMs = specs.length * LATENCY_MS;
    log(`for scale: one ${LATENCY_MS} ms request per container done one at a time would take ${serialMs} ms; concurrency ${CONCURRENCY}`);
  } finally {
    await service?.stop();
    const leftovers = (await exec(DOCKER, ['ps', '-aq', '--filter', `label=${RUN_LABEL}=${runId}`]).catch(() => '')).split('\n').filter(Boolean);
    if (leftovers.length > 0) await exec(DOCKER, ['rm', '-f', ...leftovers]).catch(() => '');
    const images = (await exec(DOCKER, ['images', '--format', '{{.Repository}}:{{.Tag}}']).catch(() => '')).split('\n').filter((name) => name.includes(`bench-${runId}-`));
    if (images.length > 0) await exec(DOCKER, ['rmi', '-f', ...images]).catch(() => '');
    await proxy.close();
    child.kill();
    rmSync(storePath, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
