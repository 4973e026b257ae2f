import { EventBus, type EventMap } from '../../events/bus.ts';
import { RegistryError } from '../../registries/types.ts';
import { ContainerWriter } from '../container-writer.ts';
import { FakeChecker, FakeEngine, MemoryStore, silentLogger, storedContainer } from '../testing/fakes.ts';
import { DockerWatcher } from './docker-watcher.ts';

const REG = '127.0.0.1:5000';

function setup(options: { watchAll?: boolean; watchByDefault?: boolean; concurrency?: number; labelFilter?: string[] } = {}) {
  const engine = new FakeEngine();
  const checker = new FakeChecker();
  const store = new MemoryStore();
  const bus = new EventBus((_event, error) => {
    throw error;
  });
  const events: { name: string; payload: unknown }[] = [];
  for (const name of ['container-added', 'container-updated', 'container-removed', 'watch-cycle-completed'] as const) {
    bus.on(name, (payload) => events.push({ name, payload }));
  }
  let clock = new Date('2026-03-01T10:00:00Z');
  const watcher = new DockerWatcher({
    options: {
      name: 'local',
      watchByDefault: options.watchByDefault ?? true,
      watchAll: options.watchAll ?? false,
      concurrency: options.concurrency ?? 4,
      ...(options.labelFilter ? { labelFilter: options.labelFilter } : {}),
    },
    engine,
    checker,
    writer: new ContainerWriter(store, bus),
    bus,
    logger: silentLogger,
    now: () => clock,
  });
  const advance = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  const names = () => events.map((e) => e.name);
  return { engine, checker, store, watcher, events, names, advance };
}

const major = { result: { tag: '2.0.0' }, updateKind: { kind: 'major' as const, localValue: '1.0.0', remoteValue: '2.0.0' } };

describe('DockerWatcher watch cycle', () => {
  it('checks each watched container with one cycle cache and stores the answer', async () => {
    const { engine, checker, store, watcher, events, names } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    engine.add({ id: 'c2', name: 'web', image: `${REG}/web:latest`, labels: { 'dd.tag.include': '^1\\.' } });
    engine.add({ id: 'c3', name: 'off', image: `${REG}/off:1.0.0`, labels: { 'dd.watch': 'false' } });
    checker.answers.set(`${REG}/app:1.0.0`, major);

    const summary = await watcher.watch();

    expect(summary).toMatchObject({ checked: 2, errors: 0 });
    expect(checker.cycles).toBe(1);
    expect(checker.calls).toHaveLength(2);
    expect(new Set(checker.calls.map((c) => c.cycle)).size).toBe(1);
    expect(checker.calls.find((c) => c.image.name === 'web')?.rules).toEqual({ includeTags: '^1\\.' });
    expect(storedContainer(store, 'c1')).toMatchObject({
      checkStatus: 'ok',
      result: { tag: '2.0.0' },
      updateKind: { kind: 'major' },
      updateAvailable: true,
      updateDetectedAt: '2026-03-01T10:00:00.000Z',
      lastCheckedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(storedContainer(store, 'c2')).toMatchObject({ checkStatus: 'ok', updateKind: null, updateAvailable: false });
    // Unwatched containers are stored (the kind=unwatched filter lists them) but never checked.
    expect(storedContainer(store, 'c3')).toMatchObject({ watched: false, checkStatus: 'pending' });
    expect(names().filter((n) => n === 'container-added')).toHaveLength(3);
    const completed = events.filter((e) => e.name === 'watch-cycle-completed');
    expect(completed).toHaveLength(1);
    const payload = completed[0]!.payload as EventMap['watch-cycle-completed'];
    expect(payload).toMatchObject({ watcher: 'local', errors: 0, startedAt: '2026-03-01T10:00:00.000Z' });
    expect(payload.containers.map((c) => c.id).sort()).toEqual(['c1', 'c2']);
  });

  it('keeps the detection time while the candidate stays, and resets it for a new candidate', async () => {
    const { engine, checker, store, watcher, advance, names } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    checker.answers.set(`${REG}/app:1.0.0`, major);
    await watcher.watch();
    advance(3_600_000);
    await watcher.watch();
    expect(storedContainer(store, 'c1')).toMatchObject({ updateDetectedAt: '2026-03-01T10:00:00.000Z', lastCheckedAt: '2026-03-01T11:00:00.000Z' });
    // Nothing but the check time changed: no container-updated event.
    expect(names().filter((n) => n === 'container-updated')).toHaveLength(0);

    checker.answers.set(`${REG}/app:1.0.0`, { result: { tag: '3.0.0' }, updateKind: { kind: 'major', localValue: '1.0.0', remoteValue: '3.0.0' } });
    advance(3_600_000);
    await watcher.watch();
    expect(storedContainer(store, 'c1')).toMatchObject({ result: { tag: '3.0.0' }, updateDetectedAt: '2026-03-01T12:00:00.000Z' });
    expect(names().filter((n) => n === 'container-updated')).toHaveLength(1);

    checker.answers.delete(`${REG}/app:1.0.0`);
    await watcher.watch();
    const upToDate = storedContainer(store, 'c1')!;
    expect(upToDate).toMatchObject({ updateKind: null, updateAvailable: false, checkStatus: 'ok' });
    expect(upToDate.updateDetectedAt).toBeUndefined();
  });

  it('a registry failure makes the container unknown, keeps the last good result, and the others are still checked', async () => {
    const { engine, checker, store, watcher, events } = setup({ concurrency: 1 });
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    engine.add({ id: 'c2', name: 'other', image: `${REG}/other:1.0.0` });
    checker.answers.set(`${REG}/app:1.0.0`, major);
    checker.answers.set(`${REG}/other:1.0.0`, { result: { tag: '1.0.1' }, updateKind: { kind: 'patch', localValue: '1.0.0', remoteValue: '1.0.1' } });
    await watcher.watch();

    checker.answers.set(`${REG}/app:1.0.0`, new RegistryError('REGISTRY_UNAVAILABLE', 'registry answered 500 three times', 500));
    const summary = await watcher.watch();

    expect(summary.errors).toBe(1);
    expect(storedContainer(store, 'c1')).toMatchObject({
      checkStatus: 'unknown',
      error: { message: 'registry answered 500 three times', code: 'REGISTRY_UNAVAILABLE', at: '2026-03-01T10:00:00.000Z' },
      result: { tag: '2.0.0' },
      updateKind: { kind: 'major' },
      updateAvailable: true,
    });
    expect(storedContainer(store, 'c2')).toMatchObject({ checkStatus: 'ok', updateKind: { kind: 'patch' } });
    const updated = events.filter((e) => e.name === 'container-updated').map((e) => (e.payload as EventMap['container-updated']).container.id);
    expect(updated).toEqual(['c1']);

    // Recovery clears the error.
    checker.answers.set(`${REG}/app:1.0.0`, major);
    await watcher.watch();
    expect(storedContainer(store, 'c1')?.error).toBeUndefined();
    expect(storedContainer(store, 'c1')?.checkStatus).toBe('ok');
  });

  it('an unexpected (non-registry) error is unknown too, and a container first seen failing is never up to date', async () => {
    const { engine, checker, store, watcher } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    checker.answers.set(`${REG}/app:1.0.0`, new TypeError('boom'));
    await watcher.watch();
    expect(storedContainer(store, 'c1')).toMatchObject({ checkStatus: 'unknown', error: { code: 'CHECK_FAILED', message: 'boom' }, updateKind: null });
  });

  it('bad labels and id-only images become unknown without a registry call and without stopping the cycle', async () => {
    const { engine, checker, store, watcher } = setup();
    engine.add({ id: 'c1', name: 'evil', image: `${REG}/app:1.0.0`, labels: { 'dd.tag.include': '(a*)*b' } });
    engine.add({ id: 'c2', name: 'byid', image: `sha256:${'e'.repeat(64)}` });
    engine.add({ id: 'c3', name: 'fine', image: `${REG}/app:1.0.0` });
    const summary = await watcher.watch();
    expect(summary).toMatchObject({ checked: 3, errors: 2 });
    expect(checker.calls.map((c) => c.image.name)).toEqual(['app']);
    expect(storedContainer(store, 'c1')).toMatchObject({ checkStatus: 'unknown', error: { code: 'INVALID_LABEL' } });
    expect(storedContainer(store, 'c2')).toMatchObject({ checkStatus: 'unknown', error: { code: 'IMAGE_REFERENCE_BY_ID' } });
    expect(storedContainer(store, 'c3')?.checkStatus).toBe('ok');
  });

  it('removes containers gone from the engine and honours WATCHALL', async () => {
    const { engine, store, watcher, names } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    engine.add({ id: 'c2', name: 'stopped', image: `${REG}/app:1.0.0`, state: 'exited' });
    await watcher.watch();
    expect(store.data.containers.map((c) => c.id)).toEqual(['c1']);
    engine.containers.delete('c1');
    await watcher.watch();
    expect(store.data.containers).toEqual([]);
    expect(names()).toContain('container-removed');

    const all = setup({ watchAll: true });
    all.engine.add({ id: 'c2', name: 'stopped', image: `${REG}/app:1.0.0`, state: 'exited' });
    await all.watcher.watch();
    expect(storedContainer(all.store, 'c2')).toMatchObject({ status: 'exited', checkStatus: 'ok' });
  });

  it('stores only containers inside the label filter, even when the engine lists others', async () => {
    const { engine, store, watcher } = setup({ labelFilter: ['dd.scope=media', 'team'] });
    engine.add({ id: 'in', name: 'in', image: `${REG}/app:1.0.0`, labels: { 'dd.scope': 'media', team: '' } });
    engine.add({ id: 'other-scope', name: 'x', image: `${REG}/app:1.0.0`, labels: { 'dd.scope': 'mediaX', team: 'a' } });
    engine.add({ id: 'missing-key', name: 'y', image: `${REG}/app:1.0.0`, labels: { 'dd.scope': 'media' } });
    await watcher.watch();
    expect(store.data.containers.map((c) => c.id)).toEqual(['in']);
    await watcher.applyEvents(new Map([['other-scope', 'start']]));
    expect(store.data.containers.map((c) => c.id)).toEqual(['in']);
  });

  it('runs checks with bounded concurrency and joins a run requested while one runs', async () => {
    const { engine, checker, watcher } = setup({ concurrency: 3 });
    for (let i = 0; i < 10; i++) engine.add({ id: `c${i}`, name: `app${i}`, image: `${REG}/app${i}:1.0.0` });
    let release!: () => void;
    checker.gate = new Promise((resolve) => {
      release = resolve;
    });
    const first = watcher.watch();
    const second = watcher.watch();
    expect(second).toBe(first);
    expect(watcher.isRunning).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(checker.maxInFlight).toBe(3);
    release();
    await first;
    expect(checker.cycles).toBe(1);
    expect(checker.calls).toHaveLength(10);
    expect(watcher.isRunning).toBe(false);
  });

  it('an unreachable engine fails the run without touching the stored containers', async () => {
    const { engine, store, watcher } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    await watcher.watch();
    engine.failList = new Error('connect ECONNREFUSED');
    const summary = await watcher.watch();
    expect(summary).toMatchObject({ errors: 1, error: 'connect ECONNREFUSED' });
    expect(watcher.lastRun?.error).toBe('connect ECONNREFUSED');
    expect(store.data.containers).toHaveLength(1);
  });

  it('an engine that stops answering after the list ends the run: the rest is not asked one by one, stored containers stay as they are', async () => {
    const { engine, store, watcher } = setup({ concurrency: 2 });
    for (let i = 1; i <= 6; i++) engine.add({ id: `c${i}`, name: `app${i}`, image: `${REG}/app:1.0.0` });
    await watcher.watch();
    const before = structuredClone(store.data.containers);
    let inspections = 0;
    engine.inspectContainer = async () => {
      inspections++;
      throw Object.assign(new Error("Docker engine 'local' timed out: no answer within 2 s"), { status: 503, code: 'ENGINE_UNAVAILABLE' });
    };
    const summary = await watcher.watch();
    // Both workers were already waiting on the engine; nothing after them was sent.
    expect(inspections).toBe(2);
    expect(summary).toMatchObject({ checked: 0, errors: 6, error: "Docker engine 'local' timed out: no answer within 2 s" });
    expect(store.data.containers).toEqual(before);
  });

  it('a container the engine fails on alone (not unavailable) does not stop the others', async () => {
    const { engine, store, watcher } = setup({ concurrency: 1 });
    for (let i = 1; i <= 3; i++) engine.add({ id: `c${i}`, name: `app${i}`, image: `${REG}/app:1.0.0` });
    const inspect = engine.inspectContainer.bind(engine);
    engine.inspectContainer = async (id) => {
      if (id === 'c1') throw Object.assign(new Error('server error'), { statusCode: 500 });
      return inspect(id);
    };
    const summary = await watcher.watch();
    expect(summary).toMatchObject({ checked: 2, errors: 1 });
    expect(summary.error).toBeUndefined();
    expect(store.data.containers.map((c) => c.id).sort()).toEqual(['c2', 'c3']);
  });

  it('a new image for the same container drops the old answer (pending until checked)', async () => {
    const { engine, checker, store, watcher } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    checker.answers.set(`${REG}/app:1.0.0`, major);
    await watcher.watch();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:2.0.0`, imageId: `sha256:${'f'.repeat(64)}` });
    await watcher.applyEvents(new Map([['c1', 'start']]));
    expect(storedContainer(store, 'c1')).toMatchObject({ image: { tag: { value: '2.0.0' } }, checkStatus: 'ok', updateKind: null });
  });
});

describe('DockerWatcher cycle racing engine events', () => {
  it('a container started during a cycle is not pruned at its end', async () => {
    const { engine, checker, store, watcher } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    let release!: () => void;
    checker.gate = new Promise((resolve) => {
      release = resolve;
    });
    const run = watcher.watch();
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Started after the cycle listed the engine; unwatched, so stored without a registry call.
    engine.add({ id: 'c2', name: 'late', image: `${REG}/late:1.0.0`, labels: { 'dd.watch': 'false' } });
    await watcher.applyEvents(new Map([['c2', 'start']]));
    expect(storedContainer(store, 'c2')).toBeDefined();
    release();
    await run;
    expect(store.data.containers.map((c) => c.id).sort()).toEqual(['c1', 'c2']);
  });

  it('a container destroyed while its check runs does not come back as a ghost', async () => {
    const { engine, checker, store, watcher } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    await watcher.watch();
    let release!: () => void;
    checker.gate = new Promise((resolve) => {
      release = resolve;
    });
    const run = watcher.watch();
    await new Promise((resolve) => setTimeout(resolve, 10));
    engine.containers.delete('c1');
    await watcher.applyEvents(new Map([['c1', 'destroy']]));
    expect(store.data.containers).toEqual([]);
    release();
    await run;
    expect(store.data.containers).toEqual([]);
  });
});

describe('DockerWatcher events and single checks', () => {
  it('state changes update the snapshot without a registry call; destroy removes; a new container is checked', async () => {
    const { engine, checker, store, watcher } = setup({ watchAll: true });
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    checker.answers.set(`${REG}/app:1.0.0`, major);
    await watcher.watch();
    const callsAfterCycle = checker.calls.length;

    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0`, state: 'exited' });
    await watcher.applyEvents(new Map([['c1', 'die']]));
    expect(storedContainer(store, 'c1')).toMatchObject({ status: 'exited', result: { tag: '2.0.0' }, updateAvailable: true });
    expect(checker.calls.length).toBe(callsAfterCycle);

    engine.add({ id: 'c9', name: 'newcomer', image: `${REG}/app:1.0.0` });
    engine.containers.delete('c1');
    await watcher.applyEvents(new Map([['c9', 'start'], ['c1', 'destroy']]));
    expect(store.data.containers.map((c) => c.id)).toEqual(['c9']);
    expect(storedContainer(store, 'c9')).toMatchObject({ checkStatus: 'ok', updateKind: { kind: 'major' } });
    expect(checker.calls.length).toBe(callsAfterCycle + 1);
  });

  it('new containers of one event batch share one registry cycle (a repository is asked once)', async () => {
    const { engine, checker, watcher } = setup();
    for (let i = 0; i < 3; i++) engine.add({ id: `n${i}`, name: `web${i}`, image: `${REG}/web:1.0.0` });
    await watcher.applyEvents(new Map([['n0', 'start'], ['n1', 'start'], ['n2', 'start']]));
    expect(checker.calls).toHaveLength(3);
    expect(checker.cycles).toBe(1);
    expect(new Set(checker.calls.map((c) => c.cycle)).size).toBe(1);
  });

  it('watchContainer checks one container now; a gone container is removed and 404s', async () => {
    const { engine, checker, store, watcher } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    await watcher.watch();
    checker.answers.set(`${REG}/app:1.0.0`, major);
    const checked = await watcher.watchContainer('c1');
    expect(checked).toMatchObject({ id: 'c1', updateKind: { kind: 'major' } });
    engine.containers.delete('c1');
    await expect(watcher.watchContainer('c1')).rejects.toMatchObject({ status: 404 });
    expect(store.data.containers).toEqual([]);
  });

  it('resync refreshes listed and stored containers after missed events', async () => {
    const { engine, store, watcher } = setup();
    engine.add({ id: 'c1', name: 'app', image: `${REG}/app:1.0.0` });
    engine.add({ id: 'c2', name: 'web', image: `${REG}/web:1.0.0` });
    await watcher.watch();
    engine.containers.delete('c1');
    engine.add({ id: 'c2', name: 'web', image: `${REG}/web:1.0.0`, state: 'paused' });
    await watcher.resync();
    expect(store.data.containers.map((c) => [c.id, c.status])).toEqual([['c2', 'paused']]);
  });
});
