import type { WatcherConfig } from '../config/load-config.ts';
import { EventBus } from '../events/bus.ts';
import { FakeChecker, FakeEngine, MemoryStore, silentLogger } from '../watchers/testing/fakes.ts';
import type { CronPort } from './cron-port.ts';
import { WatchService } from './watch-service.ts';

const watcherConfig = (name: string, extra: Partial<WatcherConfig> = {}): WatcherConfig => ({
  name,
  socket: '/fake.sock',
  cron: '0 */6 * * *',
  jitterSeconds: 0,
  watchByDefault: true,
  watchAll: false,
  watchEvents: true,
  watchAtStart: false,
  labelFilter: [],
  ...extra,
});

function setup() {
  const local = new FakeEngine();
  const remote = new FakeEngine();
  local.add({ id: 'l1', name: 'app', image: '127.0.0.1:5000/app:1.0.0' });
  remote.add({ id: 'r1', name: 'db', image: '127.0.0.1:5000/db:1.0.0' });
  const scheduled: string[] = [];
  const cron: CronPort = {
    schedule: (expression, _tick, name) => {
      scheduled.push(`${name} ${expression}`);
      return { stop: () => undefined, nextRun: () => new Date('2026-03-01T12:00:00Z') };
    },
  };
  const store = new MemoryStore();
  const checker = new FakeChecker();
  const changes: string[] = [];
  const service = new WatchService({
    watchers: [watcherConfig('local', { eventsIdleSeconds: 42 }), watcherConfig('remote', { watchEvents: false, cron: '*/5 * * * *' })],
    engines: new Map([
      ['local', local],
      ['remote', remote],
    ]),
    checker,
    store,
    bus: new EventBus(),
    logger: silentLogger,
    concurrency: 2,
    cron,
    onEventStreamChange: (watcher, change) => changes.push(`${watcher} ${change}`),
  });
  return { service, store, checker, local, remote, scheduled, changes };
}

describe('WatchService', () => {
  it('watches every watcher independently, or one, and checks one container by id', async () => {
    const { service, store, checker } = setup();
    const runs = await service.watchAll();
    expect(runs).toHaveLength(2);
    expect(store.data.containers.map((c) => `${c.watcher}/${c.name}`).sort()).toEqual(['local/app', 'remote/db']);
    expect(checker.cycles).toBe(2);
    await service.watchAll('remote');
    expect(checker.cycles).toBe(3);
    await expect(service.watchAll('ghost')).rejects.toMatchObject({ status: 404 });
    checker.answers.set('127.0.0.1:5000/db:1.0.0', { result: { tag: '1.1.0' }, updateKind: { kind: 'minor', localValue: '1.0.0', remoteValue: '1.1.0' } });
    expect(await service.watchContainer('r1')).toMatchObject({ watcher: 'remote', updateKind: { kind: 'minor' } });
    await expect(service.watchContainer('nope')).rejects.toMatchObject({ status: 404 });
    expect(service.forget('r1')?.id).toBe('r1');
    expect(store.data.containers.map((c) => c.id)).toEqual(['l1']);
  });

  it('starts schedules and event streams, reports status, and stops them', async () => {
    const { service, scheduled, local, remote, changes } = setup();
    expect(service.statuses()[0]).toMatchObject({ name: 'local', status: 'idle', events: 'stopped', lastRun: null, nextRunAt: null });
    service.start();
    expect(scheduled).toEqual(['watch-local 0 */6 * * *', 'watch-remote */5 * * * *']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(local.opens).toBe(1);
    expect(remote.opens).toBe(0);
    await service.watchAll();
    const [localStatus, remoteStatus] = service.statuses();
    expect(localStatus).toMatchObject({
      name: 'local',
      type: 'docker',
      endpoint: 'unix:///fake.sock',
      events: 'connected',
      status: 'idle',
      nextRunAt: '2026-03-01T12:00:00.000Z',
      lastRun: { checked: 1, errors: 0 },
    });
    expect(localStatus?.eventStream).toEqual({ idleSeconds: 42, lastEventAt: null, connectedAt: expect.any(String), recycles: 0, reconnects: 0 });
    expect(remoteStatus).toMatchObject({ events: 'disabled', cron: '*/5 * * * *', eventStream: null });

    // A lost stream is opened again and counted under the watcher's name.
    local.events.end();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(local.opens).toBe(2);
    expect(changes).toEqual(['local reconnect']);
    expect(service.statuses()[0]?.eventStream).toMatchObject({ reconnects: 1 });
    await service.stop();
    expect(service.statuses()[0]).toMatchObject({ events: 'stopped', nextRunAt: null });
  });
});
