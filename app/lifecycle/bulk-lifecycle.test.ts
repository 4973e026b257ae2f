import { describe, expect, it } from '@jest/globals';
import type { Container } from '../core/container.ts';
import { EventBus } from '../events/bus.ts';
import { silentLogger } from '../log.ts';
import { BULK_CONCURRENCY, BulkLifecycle, resolveBatch } from './bulk-lifecycle.ts';
import { ContainerLifecycle } from './container-lifecycle.ts';
import { FakeLifecycleEngine, storedContainer } from './testing/fakes.ts';

const OWN_ID = 'a'.repeat(64);

function setup(containers: Container[], busyNames: string[] = []) {
  const engine = new FakeLifecycleEngine();
  for (const container of containers) engine.running.set(container.id, container.status === 'running');
  const bus = new EventBus();
  const completed: string[] = [];
  bus.on('container-action-completed', (event) => completed.push(`${event.action} ${event.containerId}`));
  const lifecycle = new ContainerLifecycle({
    engineFor: () => engine,
    activeUpdate: (container) => (busyNames.includes(container.name) ? { id: 'op-1', status: 'running' } : undefined),
    bus,
    logger: silentLogger(),
  });
  const bulk = new BulkLifecycle({ lifecycle, containers: () => containers, ownContainerId: OWN_ID });
  return { engine, bulk, completed };
}

describe('BulkLifecycle', () => {
  it(`never runs more than ${BULK_CONCURRENCY} actions at once, and does them all`, async () => {
    const containers = Array.from({ length: 13 }, (_, i) => storedContainer(`c${String(i).padStart(2, '0')}`));
    const { engine, bulk, completed } = setup(containers);
    let release!: () => void;
    engine.gate = new Promise((resolve) => (release = resolve));
    const running = bulk.run('stop', bulk.selectAll('stop'), { all: true, timeoutSeconds: 3 });
    // Let every lane reach the engine and block there.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(engine.active).toBe(BULK_CONCURRENCY);
    release();
    const summary = await running;
    expect(engine.maxActive).toBe(BULK_CONCURRENCY);
    expect(summary).toMatchObject({ total: 13, success: 13, failed: 0 });
    expect(engine.calls).toHaveLength(13);
    expect(engine.calls.every((call) => call.endsWith(' t=3'))).toBe(true);
    expect(completed).toHaveLength(13);
    expect([...engine.running.values()].every((running) => !running)).toBe(true);
  });

  it('reports every target in request order with id, name, success and the failure code', async () => {
    const containers = [storedContainer('up'), storedContainer('down', { status: 'exited' }), storedContainer('busy', { name: 'busy' })];
    const { bulk, engine } = setup(containers, ['busy']);
    engine.failing.add('down');
    const targets = resolveBatch(['down', 'nope', 'up', 'busy', 'name-up'], (id) => containers.find((c) => c.id === id || c.name === id));
    const summary = await bulk.run('start', targets);
    expect(summary).toEqual({
      total: 4,
      success: 0,
      failed: 4,
      results: [
        { id: 'down', name: 'name-down', success: false, code: 'CONTAINER_START_FAILED', error: expect.stringContaining('Failed to start container') },
        { id: 'nope', name: '', success: false, code: 'CONTAINER_NOT_FOUND', error: 'No such container' },
        { id: 'up', name: 'name-up', success: false, code: 'ALREADY_RUNNING', error: 'Container is already running' },
        { id: 'busy', name: 'busy', success: false, code: 'UPDATE_IN_PROGRESS', error: 'An update is running for this container' },
      ],
    });
    engine.failing.clear();
    const started = await bulk.run('start', [{ container: containers[1] as Container }]);
    expect(started).toEqual({ total: 1, success: 1, failed: 0, results: [{ id: 'down', name: 'name-down', success: true, status: 'running' }] });
  });

  it('selects watched containers in the state the action applies to, one watcher if asked', () => {
    const containers = [
      storedContainer('run-a'),
      storedContainer('run-b', { watcher: 'remote' }),
      storedContainer('stopped', { status: 'exited' }),
      storedContainer('created', { status: 'created' }),
      storedContainer('paused', { status: 'paused' }),
      storedContainer('unwatched', { watched: false }),
      storedContainer('unwatched-stopped', { watched: false, status: 'exited' }),
    ];
    const { bulk } = setup(containers);
    const ids = (targets: ReturnType<BulkLifecycle['selectAll']>) => targets.map((target) => ('container' in target ? target.container.id : target.unknownId));
    expect(ids(bulk.selectAll('start'))).toEqual(['created', 'stopped']);
    expect(ids(bulk.selectAll('stop'))).toEqual(['run-a', 'run-b']);
    expect(ids(bulk.selectAll('restart', 'remote'))).toEqual(['run-b']);
  });

  it('leaves dockdeck\'s own container and an update\'s temporary copy alone when acting on all', async () => {
    const containers = [storedContainer(OWN_ID, { name: 'dockdeck' }), storedContainer('tmp', { name: 'web-dd-old-0123abcd' }), storedContainer('web')];
    const { bulk, engine } = setup(containers);
    const summary = await bulk.run('restart', bulk.selectAll('restart'), { all: true });
    expect(summary.results).toEqual([
      { id: OWN_ID, name: 'dockdeck', success: false, code: 'OWN_CONTAINER', error: expect.any(String) },
      { id: 'web', name: 'name-web', success: true, status: 'running' },
      { id: 'tmp', name: 'web-dd-old-0123abcd', success: false, code: 'TEMPORARY_CONTAINER', error: expect.any(String) },
    ]);
    expect(engine.calls).toEqual(['restart web']);
  });
});
