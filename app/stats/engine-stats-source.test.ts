import { FakeClock } from '../clock/testing/fake-clock.ts';
import { scriptedConnection } from '../engine/testing/scripted-engine.ts';
import { EngineStatsSource } from './engine-stats-source.ts';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const target = { id: 'abc', name: 'app', watcher: 'remote' };

describe('EngineStatsSource call limit', () => {
  it("gives a one-shot stats call TIMEOUT plus the engine's 2 s of sampling, then aborts it", async () => {
    const clock = new FakeClock();
    const { connection, requests } = scriptedConnection((request) => (request.path === '/containers/abc/stats' ? 'hang' : undefined), { clock, timeoutSeconds: 2 });
    const source = new EngineStatsSource(new Map([['remote', connection]]));
    let failure: unknown;
    source.fetch(target).catch((error: unknown) => (failure = error));
    await flush();
    clock.advance(3999);
    await flush();
    expect(failure).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(failure).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: "Docker engine 'remote' timed out: no answer within 4 s" });
    expect(requests.at(-1)?.signal?.aborted).toBe(true);
  });

  it("aborts the request at once when the collector stops waiting (its signal)", async () => {
    const clock = new FakeClock();
    const { connection, requests } = scriptedConnection((request) => (request.path === '/containers/abc/stats' ? 'hang' : undefined), { clock, timeoutSeconds: 30 });
    const source = new EngineStatsSource(new Map([['remote', connection]]));
    const abandon = new AbortController();
    const fetching = source.fetch(target, abandon.signal);
    await flush();
    abandon.abort();
    await expect(fetching).rejects.toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    expect(requests.at(-1)?.signal?.aborted).toBe(true);
  });
});
