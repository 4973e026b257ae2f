/**
 * Update downtime: a busybox httpd container published on a loopback port is updated back and
 * forth between two releases by the real update executor; a prober connects every 5 ms and
 * records the longest stretch where the port did not answer (the downtime the user sees), and the
 * engine state is polled to measure how long the container was not `running`. Also prints the
 * time of the whole update (pull, backup, recreate, health gate, cleanup).
 *
 *   node_modules/.bin/node --disable-warning=ExperimentalWarning bench/update-downtime.ts [updates=5] [graceSeconds=2]
 */
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { WatcherConfig } from '../app/config/load-config.ts';
import type { Container } from '../app/core/container.ts';
import { EngineConnection } from '../app/engine/engine-connection.ts';
import { EventBus } from '../app/events/bus.ts';
import { Store } from '../app/store/store.ts';
import { DEFAULT_UPDATE_SETTINGS } from '../app/updates/settings.ts';
import { DockerUpdateEngine } from '../app/updates/update-engine.ts';
import { UpdateService } from '../app/updates/update-service.ts';
import { docker } from '../test/bench/exec.ts';
import { buildTestImage, ensureBaseImage, RUN_LABEL } from '../test/bench/images.ts';
import { freePort, startRegistry } from '../test/bench/registry-server.ts';

const updates = Number(process.argv[2] ?? 5);
const graceSeconds = Number(process.argv[3] ?? 2);
const runId = `bench${Date.now().toString(36)}`;
process.env.DD_TEST_RUN_ID = runId;
const label = `${RUN_LABEL}=${runId}`;

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(200, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Longest gap in a boolean signal sampled in a loop until stopped. */
function sampler(probe: () => Promise<boolean>, intervalMs: number) {
  let stopped = false;
  let downSince: number | undefined;
  let longest = 0;
  const loop = (async () => {
    while (!stopped) {
      const ok = await probe();
      const now = performance.now();
      if (!ok && downSince === undefined) downSince = now;
      if (ok && downSince !== undefined) {
        longest = Math.max(longest, now - downSince);
        downSince = undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop(): Promise<number> {
      stopped = true;
      await loop;
      return downSince === undefined ? longest : Math.max(longest, performance.now() - downSince);
    },
  };
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  return `median ${median.toFixed(0)} ms, min ${(sorted[0] ?? 0).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`;
};

async function main(): Promise<void> {
  await ensureBaseImage();
  const { registry } = await startRegistry();
  const name = `dd-bench-downtime-${runId}`;
  try {
    const repository = `${registry.address}/downtime`;
    const httpd = ['/bin/httpd', '-f', '-p', '8080', '-h', '/'];
    await buildTestImage({ reference: `${repository}:1.0.0`, cmd: httpd });
    await buildTestImage({ reference: `${repository}:1.1.0`, cmd: httpd });
    const port = await freePort();
    await docker('run', '-d', '--init', '--name', name, '--label', label, '-p', `127.0.0.1:${port}:8080`, `${repository}:1.0.0`);
    while (!(await portAnswers(port))) await new Promise((resolve) => setTimeout(resolve, 50));

    const connection = new EngineConnection({ name: 'local', socket: '/var/run/docker.sock' } as WatcherConfig);
    const engine = new DockerUpdateEngine(connection);
    const store = await Store.open(mkdtempSync(join(tmpdir(), 'dd-bench-downtime-')));
    const service = new UpdateService({
      store,
      bus: new EventBus(),
      logger: pino({ level: 'silent' }),
      settings: { ...DEFAULT_UPDATE_SETTINGS, graceMs: graceSeconds * 1000, pollMs: 100, stopTimeoutSeconds: 10 },
      engineFor: () => engine,
    });
    const portDown: number[] = [];
    const notRunning: number[] = [];
    const totals: number[] = [];
    for (let i = 0; i < updates; i++) {
      const [from, to] = i % 2 === 0 ? ['1.0.0', '1.1.0'] : ['1.1.0', '1.0.0'];
      const current = (await engine.inspectContainer(name))!;
      const record = { id: current.Id, name, watcher: 'local', image: { id: current.Image } } as unknown as Container;
      const tcp = sampler(() => portAnswers(port), 5);
      const state = sampler(async () => (await engine.inspectContainer(name))?.State.Running === true, 5);
      const started = performance.now();
      const operation = await service.enqueue(record, { kind: 'update', targetImage: `${repository}:${to}`, fromVersion: from, toVersion: to });
      await service.idle();
      totals.push(performance.now() - started);
      // Let the new httpd answer before closing the window.
      while (!(await portAnswers(port))) await new Promise((resolve) => setTimeout(resolve, 5));
      portDown.push(await tcp.stop());
      notRunning.push(await state.stop());
      const done = service.repository.get(operation.id);
      if (done?.status !== 'succeeded') throw new Error(`update ${i} ended ${done?.status}: ${done?.lastError ?? done?.rollbackReason}`);
    }
    console.log(`update downtime, ${updates} updates of a busybox httpd container (grace period ${graceSeconds} s, engine ${connection.apiVersion}):`);
    console.log(`  port not answering:     ${stats(portDown)}`);
    console.log(`  container not running:  ${stats(notRunning)} (by name; includes the swap of names)`);
    console.log(`  whole update:           ${stats(totals)} (pull + backup + recreate + ${graceSeconds} s health gate + cleanup)`);
  } finally {
    await docker('rm', '-f', name).catch(() => '');
    const images = (await docker('images', '-q', '--filter', `label=${label}`).catch(() => '')).split('\n').filter(Boolean);
    if (images.length > 0) await docker('rmi', '-f', ...new Set(images)).catch(() => '');
    try {
      process.kill(registry.pid);
    } catch {
      // already gone
    }
  }
}

await main();
