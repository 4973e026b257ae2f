/**
 * What `dockdeck agent` costs: Engine API calls made straight to the socket against the same calls
 * relayed by a real agent on loopback (list containers, inspect one, engine version), sequential
 * latency and concurrent throughput, plus the agent's resident memory before and after. It starts
 * `containers` idle busybox containers of its own (labelled, removed at the end) so the list is real.
 *
 *   node_modules/.bin/node --disable-warning=ExperimentalWarning bench/agent-relay.ts [requests] [containers]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request, type RequestOptions } from 'node:http';
import { startAgent } from '../test/bench/agent.ts';
import { docker } from '../test/bench/exec.ts';
import { BASE_IMAGE, DEFAULT_CMD, ensureBaseImage } from '../test/bench/images.ts';

const requests = Number(process.argv[2] ?? 500);
const containerCount = Number(process.argv[3] ?? 40);
const BENCH_LABEL = `dockdeck.bench-agent=${process.pid}`;
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
const secret = randomBytes(24).toString('hex');
const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 });

function call(target: RequestOptions, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ ...target, path, method: 'GET', agent: keepAlive }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - started) / 1e6);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function sequential(target: RequestOptions, path: string): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < requests; i++) times.push(await call(target, path));
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function throughput(target: RequestOptions, path: string, clients = 8): Promise<number> {
  let left = requests;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) await call(target, path);
    }),
  );
  return requests / ((Date.now() - started) / 1000);
}

await ensureBaseImage();
await Promise.all(
  Array.from({ length: containerCount }, (_, i) =>
    docker('run', '-d', '--init', '--name', `dd-bench-agent-${process.pid}-${i}`, '--label', BENCH_LABEL, BASE_IMAGE, ...DEFAULT_CMD),
  ),
);
const agent = await startAgent({ DD_AGENT_SECRET: secret, DD_LOG_LEVEL: 'error' });
const idleRss = rssMiB(agent.child.pid!);
try {
  const direct: RequestOptions = { socketPath: '/var/run/docker.sock' };
  const relayed: RequestOptions = { host: '127.0.0.1', port: agent.port, headers: { authorization: `Bearer ${secret}` } };
  const someId = (await docker('ps', '-aq', '--no-trunc', '--filter', `label=${BENCH_LABEL}`)).split('\n')[0];
  const containers = (await docker('ps', '-aq')).split('\n').filter(Boolean).length;
  const paths = ['/v1.41/version', '/v1.41/containers/json?all=true', ...(someId ? [`/v1.41/containers/${someId}/json`] : [])];
  process.stdout.write(`engine has ${containers} containers; ${requests} requests per figure\n`);
  process.stdout.write('call                                   direct p50/p99 ms   agent p50/p99 ms   direct req/s   agent req/s\n');
  for (const path of paths) {
    await sequential(direct, path); // warm-up: connections, engine caches
    await sequential(relayed, path);
    const d = await sequential(direct, path);
    const a = await sequential(relayed, path);
    const dt = await throughput(direct, path);
    const at = await throughput(relayed, path);
    const label = path.replace(/[0-9a-f]{64}/, '{id}').padEnd(38);
    process.stdout.write(
      `${label} ${`${d.p50.toFixed(2)} / ${d.p99.toFixed(2)}`.padEnd(19)} ${`${a.p50.toFixed(2)} / ${a.p99.toFixed(2)}`.padEnd(18)} ${dt.toFixed(0).padStart(12)} ${at.toFixed(0).padStart(13)}\n`,
    );
  }
  process.stdout.write(`agent resident memory: ${idleRss.toFixed(1)} MiB at start, ${rssMiB(agent.child.pid!).toFixed(1)} MiB after ${requests * paths.length * 6} relayed calls\n`);
} finally {
  keepAlive.destroy();
  await agent.stop();
  const ours = (await docker('ps', '-aq', '--filter', `label=${BENCH_LABEL}`)).split('\n').filter(Boolean);
  if (ours.length > 0) await docker('rm', '-f', ...ours);
}
