/**
 * SSE fan-out: N subscribers (default 1,000) on loopback to GET /api/v1/events/ui of an in-process
 * dockdeck HTTP app; measures the delivery latency of one event to all of them (p50/p99 over
 * every delivery, and until the last subscriber got it) and the server's memory per subscriber.
 * The subscribers live in a child process so their memory is not counted.
 *
 *   node_modules/.bin/node --expose-gc --disable-warning=ExperimentalWarning bench/sse-fanout.ts [subscribers] [events]
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../app/api/create-app.ts';
import { LiveServices } from '../app/api/sse/live-services.ts';
import { loadConfig } from '../app/config/load-config.ts';
import { EventBus } from '../app/events/bus.ts';
import { createLogger } from '../app/log.ts';
import { Store } from '../app/store/store.ts';

const now = () => performance.timeOrigin + performance.now();

type Message = { type: 'ready' } | { type: 'received'; latencies: number[] };

/** Child: opens the subscribers, reports each event's latencies to the parent. */
async function subscribe(url: string, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  let connected = 0;
  let pending: number[] = [];
  const marker = 'event: dd:batch-update-completed\ndata: ';
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = get(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let at: number;
          while ((at = buffer.indexOf(marker)) >= 0) {
            const end = buffer.indexOf('\n', at + marker.length);
            if (end < 0) break;
            const { sentAt } = JSON.parse(buffer.slice(at + marker.length, end)) as { sentAt: number };
            pending.push(now() - sentAt);
            buffer = buffer.slice(end);
            if (pending.length === count) {
              process.send?.({ type: 'received', latencies: pending } satisfies Message);
              pending = [];
            }
          }
          if (buffer.length > 4096) buffer = buffer.slice(-1024);
        });
        connected++;
        resolve();
      });
      req.on('error', reject);
    });
  }
  if (connected === count) process.send?.({ type: 'ready' } satisfies Message);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const subscribers = Number(process.argv[2] ?? 1000);
  const events = Number(process.argv[3] ?? 20);
  const folder = await mkdtemp(join(tmpdir(), 'dd-bench-sse-'));
  const config = loadConfig({ DD_STORE_PATH: folder, DD_LOG_LEVEL: 'silent', DD_WATCHER_LOCAL_SOCKET: '/nonexistent/docker.sock' });
  const store = await Store.open(folder);
  const bus = new EventBus();
  const engines = new Map();
  const live = new LiveServices({ store, bus, engines, options: { maxClients: subscribers + 10, maxClientsPerIp: subscribers + 10 } });
  const { app } = createApp({ version: 'bench', startedAt: new Date(), config, store, bus, logger: createLogger(config.log), engines, live });
  const http = createServer(app);
  http.maxConnections = subscribers + 100;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/api/v1/events/ui`;

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const child = fork(new URL(import.meta.url).pathname, ['--child', url, String(subscribers)], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
  });
  const messages: Message[] = [];
  let wake: (() => void) | null = null;
  child.on('message', (message: Message) => {
    messages.push(message);
    wake?.();
  });
  const next = async (): Promise<Message> => {
    while (messages.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return messages.shift() as Message;
  };
  const connectStart = now();
  if ((await next()).type !== 'ready') throw new Error('child did not connect');
  const connectMs = now() - connectStart;
  gc?.();
  const after = process.memoryUsage();

  const all: number[] = [];
  const lastPerEvent: number[] = [];
  for (let i = 0; i < events; i++) {
    bus.emit('batch-update-completed', { sentAt: now(), seq: i });
    const message = await next();
    if (message.type !== 'received') throw new Error('unexpected message');
    all.push(...message.latencies);
    lastPerEvent.push(Math.max(...message.latencies));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  all.sort((a, b) => a - b);
  lastPerEvent.sort((a, b) => a - b);

  console.log(`SSE fan-out: ${subscribers} subscribers, ${events} events (node ${process.version}, gc ${gc ? 'forced' : 'not exposed'})`);
  console.log(`  connect all subscribers: ${connectMs.toFixed(0)} ms; open streams on the server: ${live.events.clientCount}`);
  console.log(`  delivery latency over ${all.length} deliveries: p50 ${percentile(all, 50).toFixed(2)} ms, p99 ${percentile(all, 99).toFixed(2)} ms, max ${all.at(-1)?.toFixed(2)} ms`);
  console.log(`  until the last subscriber got an event: p50 ${percentile(lastPerEvent, 50).toFixed(2)} ms, p99 ${percentile(lastPerEvent, 99).toFixed(2)} ms`);
  console.log(`  server RSS ${mb(before.rss)} → ${mb(after.rss)}: ${((after.rss - before.rss) / subscribers / 1024).toFixed(1)} KiB per subscriber`);
  console.log(`  server heap ${mb(before.heapUsed)} → ${mb(after.heapUsed)}: ${((after.heapUsed - before.heapUsed) / subscribers / 1024).toFixed(1)} KiB per subscriber`);

  child.kill();
  await live.stop();
  http.closeAllConnections();
  http.close();
  await rm(folder, { recursive: true, force: true });
}

if (process.argv[2] === '--child') {
  await subscribe(process.argv[3] ?? '', Number(process.argv[4]));
} else {
  await main();
}
