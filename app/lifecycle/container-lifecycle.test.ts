import { describe, expect, it } from '@jest/globals';
import type { Container } from '../core/container.ts';
import { AppError } from '../core/errors.ts';
import { EventBus, type EventMap } from '../events/bus.ts';
import { silentLogger } from '../log.ts';
import { ContainerLifecycle } from './container-lifecycle.ts';
import { FakeLifecycleEngine, storedContainer } from './testing/fakes.ts';

function setup(active: (container: Container) => { id: string; status: string } | undefined = () => undefined) {
  const engine = new FakeLifecycleEngine();
  const bus = new EventBus();
  const completed: EventMap['container-action-completed'][] = [];
  const failed: EventMap['container-action-failed'][] = [];
  bus.on('container-action-completed', (event) => completed.push(event));
  bus.on('container-action-failed', (event) => failed.push(event));
  const refreshed: string[] = [];
  const lifecycle = new ContainerLifecycle({
    engineFor: () => engine,
    activeUpdate: active,
    bus,
    logger: silentLogger(),
    refresh: async (id) => void refreshed.push(id),
    now: () => new Date('2026-01-02T03:04:05Z'),
  });
  return { engine, lifecycle, completed, failed, refreshed };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof AppError ? `${error.status} ${error.code}` : `not an AppError: ${String(error)}`;
  }
  return 'resolved';
}

describe('ContainerLifecycle.perform', () => {
  it('stops a running container, refreshes the store and emits a completion event', async () => {
    const { engine, lifecycle, completed, refreshed } = setup();
    engine.running.set('c1', true);
    const outcome = await lifecycle.perform(storedContainer('c1'), 'stop', 7);
    expect(outcome).toEqual({ status: 'exited', message: 'Container stopped' });
    expect(engine.calls).toEqual(['stop c1 t=7']);
    expect(refreshed).toEqual(['c1']);
    expect(completed).toEqual([
      { containerId: 'c1', containerName: 'name-c1', watcher: 'local', action: 'stop', status: 'exited', message: 'Container stopped', at: '2026-01-02T03:04:05.000Z' },
    ]);
  });

  it('refuses what the state or an update forbids, without calling the engine', async () => {
    const { engine, lifecycle, completed, failed } = setup((container) => (container.name === 'busy' ? { id: 'op-1', status: 'running' } : undefined));
    engine.running.set('up', true);
    engine.running.set('down', false);
    engine.running.set('b', true);
    expect(await codeOf(lifecycle.perform(storedContainer('up'), 'start'))).toBe('409 ALREADY_RUNNING');
    expect(await codeOf(lifecycle.perform(storedContainer('down'), 'stop'))).toBe('409 ALREADY_STOPPED');
    expect(await codeOf(lifecycle.perform(storedContainer('b', { name: 'busy' }), 'restart'))).toBe('409 UPDATE_IN_PROGRESS');
    // The renamed old copy of a container being updated belongs to that update too.
    expect(await codeOf(lifecycle.perform(storedContainer('b', { name: 'busy-dd-old-0123abcd' }), 'stop'))).toBe('409 UPDATE_IN_PROGRESS');
    expect(await codeOf(lifecycle.perform(storedContainer('gone'), 'start'))).toBe('404 NOT_FOUND');
    expect(engine.calls).toEqual([]);
    expect(completed).toEqual([]);
    expect(failed).toEqual([]);
  });

  it('refuses a second action on a container while one is in flight', async () => {
    const { engine, lifecycle } = setup();
    engine.running.set('c1', true);
    let release!: () => void;
    engine.gate = new Promise((resolve) => (release = resolve));
    const first = lifecycle.perform(storedContainer('c1'), 'restart');
    expect(await codeOf(lifecycle.perform(storedContainer('c1'), 'stop'))).toBe('409 ACTION_IN_PROGRESS');
    release();
    await expect(first).resolves.toEqual({ status: 'running', message: 'Container restarted' });
    // Once done the container accepts actions again.
    engine.gate = undefined;
    await expect(lifecycle.perform(storedContainer('c1'), 'stop')).resolves.toMatchObject({ status: 'exited' });
  });

  it('turns an engine failure into a coded error and a failure event', async () => {
    const { engine, lifecycle, completed, failed } = setup();
    engine.running.set('c1', true);
    engine.failing.add('c1');
    expect(await codeOf(lifecycle.perform(storedContainer('c1'), 'stop'))).toBe('500 CONTAINER_STOP_FAILED');
    expect(completed).toEqual([]);
    expect(failed).toEqual([expect.objectContaining({ containerId: 'c1', action: 'stop', code: 'CONTAINER_STOP_FAILED', error: expect.stringContaining('cannot kill container') })]);
  });
});
