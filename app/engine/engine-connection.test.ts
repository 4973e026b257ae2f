import { FakeClock } from '../clock/testing/fake-clock.ts';
import type { WatcherConfig } from '../config/load-config.ts';
import { compareApiVersions, EngineConnection, EngineTimeoutError } from './engine-connection.ts';
import { ScriptedStream, scriptedConnection } from './testing/scripted-engine.ts';

const base: WatcherConfig = {
  name: 'remote',
  cron: '0 */6 * * *',
  jitterSeconds: 0,
  watchByDefault: true,
  watchAll: false,
  watchEvents: true,
  watchAtStart: false,
  labelFilter: [],
};

describe('EngineConnection endpoint', () => {
  it('shows the port it really connects to', () => {
    expect(new EngineConnection({ ...base, host: 'engine.test', protocol: 'https' }).endpoint).toBe('https://engine.test:2376');
    expect(new EngineConnection({ ...base, host: 'engine.test' }).endpoint).toBe('http://engine.test:2375');
    expect(new EngineConnection({ ...base, host: 'engine.test', protocol: 'https', port: 443 }).endpoint).toBe('https://engine.test:443');
    expect(new EngineConnection({ ...base, socket: '/var/run/docker.sock' }).endpoint).toBe('unix:///var/run/docker.sock');
  });
});

describe('compareApiVersions', () => {
  it('compares minor versions numerically', () => {
    expect(compareApiVersions('1.41', '1.45')).toBeLessThan(0);
    expect(compareApiVersions('1.100', '1.45')).toBeGreaterThan(0);
    expect(compareApiVersions('1.45', '1.45')).toBe(0);
  });
});

describe('EngineConnection through an agent', () => {
  it('shows the agent, never its secret, and sends the secret on every call', () => {
    const connection = new EngineConnection({ ...base, host: '10.0.0.5', port: 3001, protocol: 'https', agent: { secret: 'shared-secret-value' } });
    expect(connection.agent).toEqual({ host: '10.0.0.5', port: 3001, tls: true });
    expect(connection.endpoint).toBe('https://10.0.0.5:3001');
    expect(JSON.stringify({ endpoint: connection.endpoint, agent: connection.agent })).not.toContain('shared-secret-value');
    expect((connection.docker.modem as unknown as { headers: Record<string, string> }).headers).toEqual({ authorization: 'Bearer shared-secret-value' });
    expect(new EngineConnection({ ...base, host: '10.0.0.5' }).agent).toBeUndefined();
  });
});

describe('EngineConnection call limits', () => {
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  /** Settles later; tells whether it has. */
  const track = <T>(promise: Promise<T>) => {
    const state = { settled: false, error: undefined as unknown };
    promise.then(
      () => (state.settled = true),
      (error: unknown) => {
        state.settled = true;
        state.error = error;
      },
    );
    return state;
  };

  it('aborts a call that gets no answer at the deadline (TIMEOUT) and reports 503 ENGINE_UNAVAILABLE naming the engine', async () => {
    const clock = new FakeClock();
    const { connection, requests } = scriptedConnection((request) => (request.path === '/containers/json' ? 'hang' : undefined), { clock, timeoutSeconds: 2 });
    const listing = track(connection.call((docker) => docker.listContainers()));
    await flush();
    const list = requests.find((request) => request.path === '/containers/json');
    expect(list?.signal?.aborted).toBe(false);
    clock.advance(1999);
    await flush();
    expect(listing.settled).toBe(false);
    clock.advance(1);
    await flush();
    expect(listing.error).toBeInstanceOf(EngineTimeoutError);
    expect(listing.error).toMatchObject({ status: 503, code: 'ENGINE_UNAVAILABLE', message: "Docker engine 'remote' timed out: no answer within 2 s" });
    // The request itself was aborted (node:http destroys its socket), not just abandoned.
    expect(list?.signal?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('bounds the version negotiation too, and negotiates again after a timeout', async () => {
    const clock = new FakeClock();
    let versionHangs = true;
    const { connection, requests } = scriptedConnection(
      (request) => (request.path === '/version' && versionHangs ? 'hang' : request.path === '/info' ? { json: { Name: 'host' } } : undefined),
      { clock, timeoutSeconds: 3 },
    );
    const first = track(connection.call((docker) => docker.info()));
    await flush();
    clock.advance(3000);
    await flush();
    expect(first.error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: "Docker engine 'remote' timed out: no answer within 3 s" });
    expect(requests.map((request) => request.path)).toEqual(['/version']);
    versionHangs = false;
    await expect(connection.call((docker) => docker.info())).resolves.toEqual({ Name: 'host' });
    expect(requests.map((request) => request.path)).toEqual(['/version', '/version', '/info']);
    expect(connection.apiVersion).toBe('1.45');
    expect(clock.pendingTimers).toBe(0);
  });

  it('connect() alone is bounded by TIMEOUT (a black-holed host at start-up)', async () => {
    const clock = new FakeClock();
    const { connection } = scriptedConnection(() => 'hang', { clock, timeoutSeconds: 5 });
    const connecting = track(connection.connect());
    await flush();
    clock.advance(5000);
    await flush();
    expect(connecting.error).toMatchObject({ status: 503, message: "Docker engine 'remote' timed out: no answer within 5 s" });
  });

  it('keeps the caller’s own signal working, on the call and in the dockerode options', async () => {
    const clock = new FakeClock();
    const { connection, requests } = scriptedConnection((request) => (request.path === '/events' ? 'hang' : undefined), { clock, timeoutSeconds: 30 });
    const own = new AbortController();
    const opening = track(connection.call((docker) => docker.getEvents({ abortSignal: own.signal } as never) as unknown as Promise<unknown>, own.signal));
    await flush();
    own.abort();
    await flush();
    expect(requests.at(-1)?.signal?.aborted).toBe(true);
    // Given up by the caller, not by the limit: unavailable, and not called a timeout.
    expect(opening.error).toMatchObject({ status: 503, code: 'ENGINE_UNAVAILABLE' });
    expect(opening.error).not.toBeInstanceOf(EngineTimeoutError);
  });

  it('bounds only the opening of a stream the call returns: reading it later is not cut', async () => {
    const clock = new FakeClock();
    const events = new ScriptedStream();
    const { connection, requests } = scriptedConnection((request) => (request.path === '/events' ? { stream: events } : undefined), { clock, timeoutSeconds: 2 });
    const stream = (await connection.call((docker) => docker.getEvents())) as NodeJS.ReadableStream;
    clock.advance(60_000);
    await flush();
    expect(requests.at(-1)?.signal?.aborted).toBe(false);
    expect(events.destroyed).toBe(false);
    expect(stream).toBe(events);
    expect(clock.pendingTimers).toBe(0);
  });

  it('an idle limit lets a stream run far past TIMEOUT while bytes keep coming, and aborts it after TIMEOUT of silence', async () => {
    const clock = new FakeClock();
    const progress = new ScriptedStream();
    const { connection, requests } = scriptedConnection((request) => (request.path === '/images/create' ? { stream: progress } : undefined), { clock, timeoutSeconds: 2 });
    const pulling = track(
      connection.call(
        async (docker) => {
          const stream = (await docker.pull('127.0.0.1:5000/app:2')) as NodeJS.ReadableStream;
          await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())));
        },
        { limit: { idleMs: connection.timeoutMs } },
      ),
    );
    await flush();
    for (let second = 0; second < 20; second++) {
      clock.advance(1500);
      progress.send(`{"status":"Downloading","progress":"${second}"}\n`);
      await flush();
    }
    // 30 s of pulling with TIMEOUT=2: each chunk started the silence over.
    expect(pulling.settled).toBe(false);
    expect(requests.at(-1)?.signal?.aborted).toBe(false);
    clock.advance(1999);
    await flush();
    expect(pulling.settled).toBe(false);
    clock.advance(1);
    await flush();
    expect(pulling.error).toMatchObject({ code: 'ENGINE_UNAVAILABLE', message: "Docker engine 'remote' timed out: nothing received for 2 s" });
    expect(progress.destroyed).toBe(true);
  });

  it('an idle limit finishes normally when the stream ends, leaving no timer', async () => {
    const clock = new FakeClock();
    const progress = new ScriptedStream();
    const { connection } = scriptedConnection((request) => (request.path === '/images/create' ? { stream: progress } : undefined), { clock, timeoutSeconds: 2 });
    const pulling = connection.call(
      async (docker) => {
        const stream = (await docker.pull('app:2')) as NodeJS.ReadableStream;
        return new Promise<number>((resolve, reject) =>
          docker.modem.followProgress(stream, (error: Error | null, output: unknown[]) => (error ? reject(error) : resolve(output.length))),
        );
      },
      { limit: { idleMs: 2000 } },
    );
    await flush();
    progress.send('{"status":"Pulling"}\n');
    progress.end('{"status":"Done"}\n');
    await expect(pulling).resolves.toBe(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('an idle limit does not count data waiting for its reader as the engine being silent', async () => {
    const clock = new FakeClock();
    const progress = new ScriptedStream();
    const { connection } = scriptedConnection((request) => (request.path === '/images/create' ? { stream: progress } : undefined), { clock, timeoutSeconds: 2 });
    let readNow: () => void = () => undefined;
    const reading = new Promise<void>((resolve) => (readNow = resolve));
    const call = track(
      connection.call(
        async (docker) => {
          const stream = (await docker.pull('app:2')) as NodeJS.ReadableStream;
          await reading;
          stream.resume();
          await new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
        },
        { limit: { idleMs: 2000 } },
      ),
    );
    await flush();
    progress.send('{"status":"Downloading"}\n');
    clock.advance(10_000);
    await flush();
    expect(call.settled).toBe(false);
    readNow();
    await flush();
    clock.advance(2000);
    await flush();
    expect(call.error).toMatchObject({ message: "Docker engine 'remote' timed out: nothing received for 2 s" });
  });
});
