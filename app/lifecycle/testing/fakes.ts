import { containerFixture } from '../../core/testing/container-fixture.ts';
import type { LifecycleEngine } from '../container-lifecycle.ts';

/** Test fakes for the lifecycle unit tests: an engine of containers that only know whether they run. */
export class FakeLifecycleEngine implements LifecycleEngine {
  readonly running = new Map<string, boolean>();
  readonly calls: string[] = [];
  /** Actions in progress right now, and the most seen at once. */
  active = 0;
  maxActive = 0;
  /** When set, each start/stop/restart waits for it (lets a test hold actions open). */
  gate: Promise<void> | undefined;
  /** Ids whose next start/stop/restart fails like the engine would. */
  readonly failing = new Set<string>();

  async inspectContainer(id: string) {
    const running = this.running.get(id);
    return running === undefined ? undefined : { State: { Running: running, Status: running ? 'running' : 'exited' } };
  }

  start(id: string): Promise<void> {
    return this.#act(`start ${id}`, id, true);
  }

  stop(id: string, timeoutSeconds?: number): Promise<void> {
    return this.#act(`stop ${id}${timeoutSeconds === undefined ? '' : ` t=${timeoutSeconds}`}`, id, false);
  }

  restart(id: string, timeoutSeconds?: number): Promise<void> {
    return this.#act(`restart ${id}${timeoutSeconds === undefined ? '' : ` t=${timeoutSeconds}`}`, id, true);
  }

  async #act(call: string, id: string, runningAfter: boolean): Promise<void> {
    this.calls.push(call);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      // A real engine answers later: yield so other lanes get going.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.gate) await this.gate;
      if (this.failing.has(id)) throw Object.assign(new Error('(HTTP code 500) server error - cannot kill container'), { statusCode: 500 });
      this.running.set(id, runningAfter);
    } finally {
      this.active--;
    }
  }
}

/** The lifecycle tests' stored container: the shared unit-test fixture. */
export const storedContainer = containerFixture;
