/**
 * Prints how fast notifications drain to a local ntfy receiver, and how long the watch-cycle event
 * itself takes (it must not wait for delivery). Run:
 *   node_modules/.bin/node --disable-warning=ExperimentalWarning test/bench/receivers/bench-ntfy.ts [count]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { EventBus } from '../../../app/events/bus.ts';
import { Store } from '../../../app/store/store.ts';
import { sampleContainer } from '../../../app/triggers/testing/sample-container.ts';
import { TriggerService } from '../../../app/triggers/trigger-service.ts';
import { startNtfyReceiver } from './ntfy-receiver.ts';

const count = Number(process.argv[2] ?? 500);
const receiver = await startNtfyReceiver();
const folder = await mkdtemp(join(tmpdir(), 'dd-bench-ntfy-'));
const store = await Store.open(folder);
const bus = new EventBus();
const values = new Map([['url', receiver.url], ['topic', 'bench']]);
const service = new TriggerService({ groups: [{ kind: 'trigger', name: 'ntfy.bench', prefix: 'DD_TRIGGER_NTFY_BENCH_', values }], store, bus, logger: pino({ level: 'silent' }) });
service.start();
const containers = Array.from({ length: count }, (_, i) => sampleContainer({ name: `c${i}` }));
const t0 = performance.now();
bus.emit('watch-cycle-completed', { watcher: 'local', containers, startedAt: new Date().toISOString(), durationMs: 0, errors: 0 });
const t1 = performance.now();
await service.idle();
const t2 = performance.now();
await store.flush();
console.log(`containers=${count} emit(ms)=${(t1 - t0).toFixed(1)} drained(ms)=${(t2 - t0).toFixed(0)} rate(msg/s)=${((count / (t2 - t0)) * 1000).toFixed(0)} accepted=${receiver.accepted.length} rejected=${receiver.rejected.length} storeWrites=${store.writeCount}`);
service.stop();
await receiver.close();
await rm(folder, { recursive: true, force: true });
