import { FakeClock } from '../clock/testing/fake-clock.ts';
import { ScriptedStream, scriptedConnection, type ScriptedAnswer, type ScriptedRequest } from '../engine/testing/scripted-engine.ts';
import { DockerUpdateEngine } from './update-engine.ts';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function track(promise: Promise<unknown>) {
  const state = { settled: false, error: undefined as unknown };
  promise.then(
    () => (state.settled = true),
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

function setup(answer: (request: ScriptedRequest) => ScriptedAnswer | undefined, timeoutSeconds = 2) {
  const clock = new FakeClock();
  const { connection, requests } = scriptedConnection(answer, { clock, timeoutSeconds });
  return { clock, requests, engine: new DockerUpdateEngine(connection) };
}

/** Moves the fake clock in steps, letting the calls react between them. */
async function advance(clock: FakeClock, ms: number, step = 500): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await flush();
  }
}

describe('DockerUpdateEngine call limits', () => {
  it('gives docker stop its grace period plus TIMEOUT, then aborts it', async () => {
    const { clock, requests, engine } = setup((request) => (request.path.endsWith('/stop') ? 'hang' : undefined));
    const stopping = track(engine.stop('abc', 5));
    await flush();
    expect(requests.at(-1)).toMatchObject({ method: 'POST', path: '/containers/abc/stop', query: { t: 5 } });
    await advance(clock, 6500);
    expect(stopping.settled).toBe(false);
    await advance(clock, 500);
    expect(stopping.error).toMatchObject({ status: 503, code: 'ENGINE_UNAVAILABLE', message: "Docker engine 'remote' timed out: no answer within 7 s" });
    expect(requests.at(-1)?.signal?.aborted).toBe(true);
  });

  it("without an explicit timeout, stop waits the container's own StopTimeout plus TIMEOUT", async () => {
    const { clock, engine } = setup((request) =>
      request.path === '/containers/abc/json' ? { json: { Id: 'abc', Config: { StopTimeout: 20 } } } : request.path.endsWith('/restart') ? 'hang' : undefined,
    );
    const restarting = track(engine.restart('abc'));
    await flush();
    await advance(clock, 21_500);
    expect(restarting.settled).toBe(false);
    await advance(clock, 500);
    expect(restarting.error).toMatchObject({ message: "Docker engine 'remote' timed out: no answer within 22 s" });
  });

  it('a stop that answers in time is fine (304: already stopped)', async () => {
    const { engine } = setup((request) => (request.path.endsWith('/stop') ? { error: Object.assign(new Error('not modified'), { statusCode: 304 }) } : undefined));
    await expect(engine.stop('abc', 5)).resolves.toBeUndefined();
  });

  it('a pull slower than TIMEOUT with steady progress completes; a silent one is given up after TIMEOUT', async () => {
    const progress = new ScriptedStream();
    const { clock, engine } = setup((request) => (request.path === '/images/create' ? { stream: progress } : undefined));
    const pulling = track(engine.pull('127.0.0.1:5000/app:2'));
    await flush();
    for (let chunk = 0; chunk < 12; chunk++) {
      await advance(clock, 1500);
      progress.send(`{"status":"Downloading","id":"layer","progressDetail":{"current":${chunk}}}\n`);
    }
    progress.end('{"status":"Status: Downloaded newer image for 127.0.0.1:5000/app:2"}\n');
    await flush();
    expect(pulling).toEqual({ settled: true, error: undefined });

    const silent = new ScriptedStream();
    const second = setup((request) => (request.path === '/images/create' ? { stream: silent } : undefined));
    const stalled = track(second.engine.pull('127.0.0.1:5000/app:3'));
    await flush();
    silent.send('{"status":"Pulling from app"}\n');
    await advance(second.clock, 1500);
    expect(stalled.settled).toBe(false);
    await advance(second.clock, 500);
    expect(stalled.error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: "Docker engine 'remote' timed out: nothing received for 2 s" });
    expect(silent.destroyed).toBe(true);
  });

  it('ordinary calls (inspect, create, start) keep the TIMEOUT deadline', async () => {
    const { clock, engine } = setup((request) => (request.path.endsWith('/start') ? 'hang' : undefined), 3);
    const starting = track(engine.start('abc'));
    await flush();
    await advance(clock, 2500);
    expect(starting.settled).toBe(false);
    await advance(clock, 500);
    expect(starting.error).toMatchObject({ message: "Docker engine 'remote' timed out: no answer within 3 s" });
  });
});
