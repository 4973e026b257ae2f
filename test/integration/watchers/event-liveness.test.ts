import type { Container } from '../../../app/core/container.ts';
import { startAgent, type RunningAgent } from '../../bench/agent.ts';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { BASE_IMAGE, DEFAULT_CMD, ensureBaseImage, RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { waitFor } from '../../bench/registry-server.ts';
import { EngineRelay } from './engine-relay.ts';

interface EventStream {
  idleSeconds: number;
  lastEventAt: string | null;
  connectedAt: string | null;
  recycles: number;
  reconnects: number;
}

interface WatcherStatus {
  name: string;
  events: string;
  eventStream: EventStream | null;
  lastRun: unknown;
}

/**
 * The daemon watching a TCP engine through a relay that can black-hole the connection (no FIN, no
 * RST, bytes just stop): the silent event stream is replaced after EVENTSIDLE, what happened
 * meanwhile is caught up, all without a watch run (no run at start, no cron tick due).
 */
describe('engine event stream that dies silently', () => {
  const runId = process.env.DD_TEST_RUN_ID ?? 'manual';
  const scope = uniqueName('liveness');
  const SCOPE_LABEL = 'dockdeck.test-liveness';
  const created: string[] = [];
  let relay: EngineRelay;
  let daemon: RunningDaemon;

  const runContainer = async (prefix: string): Promise<string> => {
    const id = await exec(DOCKER, [
      'run', '-d', '--name', uniqueName(prefix),
      '--label', `${RUN_LABEL}=${runId}`, '--label', `${SCOPE_LABEL}=${scope}`,
      BASE_IMAGE, ...DEFAULT_CMD,
    ]);
    created.push(id);
    return id;
  };
  const status = async (): Promise<WatcherStatus> => {
    const body = (await (await fetch(`${daemon.url}/api/v1/watchers`)).json()) as { data: WatcherStatus[] };
    return body.data[0]!;
  };
  const stream = async (): Promise<EventStream> => (await status()).eventStream!;
  const stored = async (id: string): Promise<Container | undefined> => {
    const response = await fetch(`${daemon.url}/api/v1/containers/${id}`);
    return response.status === 200 ? ((await response.json()) as Container) : undefined;
  };
  /** Waits for a recycle that just happened, so the next one is a full idle period away. */
  const afterFreshRecycle = async (): Promise<EventStream> => {
    const before = await stream();
    let now = before;
    await waitFor(async () => {
      now = await stream();
      return now.recycles > before.recycles && now.connectedAt !== before.connectedAt;
    }, 15_000, 'a recycle of the quiet stream');
    return now;
  };

  beforeAll(async () => {
    await ensureBaseImage();
    relay = await EngineRelay.start();
    daemon = await startDaemon({
      DD_WATCHER_EDGE_HOST: '127.0.0.1',
      DD_WATCHER_EDGE_PORT: String(relay.port),
      DD_WATCHER_EDGE_WATCHATSTART: 'false',
      // Due once a year: no cron tick during the test.
      DD_WATCHER_EDGE_CRON: '0 0 1 1 *',
      DD_WATCHER_EDGE_WATCHBYDEFAULT: 'false',
      DD_WATCHER_EDGE_LABELFILTER: `${SCOPE_LABEL}=${scope}`,
      DD_WATCHER_EDGE_EVENTSIDLE: '2',
    });
    await waitFor(async () => (await status()).events === 'connected', 15_000, 'the event stream');
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await relay?.close();
    for (const id of created) await exec(DOCKER, ['rm', '-f', id]).catch(() => '');
  });

  let first = '';

  it('follows events, and replaces the quiet stream every EVENTSIDLE seconds without losing any', async () => {
    expect(await stream()).toMatchObject({ idleSeconds: 2, recycles: 0, reconnects: 0, lastEventAt: null });
    first = await runContainer('live-a');
    await waitFor(async () => (await stored(first))?.status === 'running', 15_000, 'the started container');

    const recycled = await afterFreshRecycle();
    expect(recycled.reconnects).toBe(0);
    expect(Date.parse(recycled.lastEventAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    await exec(DOCKER, ['stop', '-t', '5', first]);
    await waitFor(async () => (await stored(first))?.status === 'exited', 15_000, 'the stop through the recycled stream');
    expect((await status()).lastRun).toBeNull();
  });

  it('catches up through the replay when the old connection died but new ones work (an expired NAT entry)', async () => {
    const before = await afterFreshRecycle();
    relay.blackhole({ newConnections: 'forward' });
    await exec(DOCKER, ['start', first]);
    // Nothing arrives on the dead connection; the next recycle replays the start from `since`.
    await waitFor(async () => (await stored(first))?.status === 'running', 15_000, 'the start replayed by the new stream');
    const after = await stream();
    expect(after.recycles).toBeGreaterThan(before.recycles);
    expect(after.reconnects).toBe(before.reconnects);
    expect((await status()).events).toBe('connected');
    expect((await status()).lastRun).toBeNull();
  });

  it('times out opening through a black hole, and once it is gone notices what happened meanwhile', async () => {
    const before = await afterFreshRecycle();
    const acceptedBefore = relay.accepted;
    relay.blackhole();
    await exec(DOCKER, ['stop', '-t', '5', first]);
    const second = await runContainer('live-b');

    // The follower tried a new stream through the black hole; it never answered, so: backoff.
    await waitFor(async () => relay.accepted > acceptedBefore && (await status()).events === 'reconnecting', 15_000, 'the open to time out');
    expect((await stored(first))?.status).toBe('running');
    expect(await stored(second)).toBeUndefined();

    relay.restore();
    await waitFor(async () => (await stored(first))?.status === 'exited' && (await stored(second))?.status === 'running', 30_000, 'the resync after the black hole');
    const final = await status();
    expect(final).toMatchObject({ events: 'connected', lastRun: null });
    expect(final.eventStream!.reconnects).toBeGreaterThan(before.reconnects);
    expect(final.eventStream!.recycles).toBeGreaterThan(before.recycles);

    const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
    const counter = (name: string) => Number(new RegExp(`^${name}\\{watcher="edge"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 'NaN');
    // Read after the status: a recycle may have happened in between, never fewer.
    expect(counter('dd_watcher_event_stream_recycles_total')).toBeGreaterThanOrEqual(final.eventStream!.recycles);
    expect(counter('dd_watcher_event_stream_reconnects_total')).toBeGreaterThanOrEqual(final.eventStream!.reconnects);
    expect(counter('dd_watcher_event_stream_reconnects_total')).toBeGreaterThanOrEqual(1);
  });
});

/** The same through `dockdeck agent`: the recycled stream's `since` passes the agent's allow-list and relay. */
describe('agent event stream that dies silently', () => {
  const runId = process.env.DD_TEST_RUN_ID ?? 'manual';
  const scope = uniqueName('liveness-agent');
  const SCOPE_LABEL = 'dockdeck.test-liveness';
  const SECRET = 'liveness-secret-0123456789';
  let agent: RunningAgent;
  let relay: EngineRelay;
  let daemon: RunningDaemon;
  let containerId = '';

  const stream = async (): Promise<EventStream> => {
    const body = (await (await fetch(`${daemon.url}/api/v1/watchers`)).json()) as { data: WatcherStatus[] };
    return body.data.find((watcher) => watcher.name === 'far')!.eventStream!;
  };
  const stored = async (id: string): Promise<Container | undefined> => {
    const response = await fetch(`${daemon.url}/api/v1/containers/${id}`);
    return response.status === 200 ? ((await response.json()) as Container) : undefined;
  };

  beforeAll(async () => {
    await ensureBaseImage();
    agent = await startAgent({ DD_AGENT_SECRET: SECRET });
    relay = await EngineRelay.start({ port: agent.port });
    daemon = await startDaemon({
      DD_AGENT_FAR_HOST: '127.0.0.1',
      DD_AGENT_FAR_PORT: String(relay.port),
      DD_AGENT_FAR_SECRET: SECRET,
      DD_AGENT_FAR_WATCHATSTART: 'false',
      DD_AGENT_FAR_CRON: '0 0 1 1 *',
      DD_AGENT_FAR_WATCHBYDEFAULT: 'false',
      DD_AGENT_FAR_LABELFILTER: `${SCOPE_LABEL}=${scope}`,
      DD_AGENT_FAR_EVENTSIDLE: '2',
    });
    await waitFor(async () => (await stream()).connectedAt !== null, 15_000, 'the event stream through the agent');
  }, 60_000);

  afterAll(async () => {
    await daemon?.stop();
    await relay?.close();
    await agent?.stop();
    if (containerId) await exec(DOCKER, ['rm', '-f', containerId]).catch(() => '');
  });

  it('replays what the dead connection missed through a new stream with since', async () => {
    const before = await stream();
    await waitFor(async () => (await stream()).recycles > before.recycles, 15_000, 'a recycle through the agent');
    const recycled = await stream();
    relay.blackhole({ newConnections: 'forward' });
    containerId = await exec(DOCKER, [
      'run', '-d', '--name', uniqueName('live-agent'),
      '--label', `${RUN_LABEL}=${runId}`, '--label', `${SCOPE_LABEL}=${scope}`,
      BASE_IMAGE, ...DEFAULT_CMD,
    ]);
    await waitFor(async () => (await stored(containerId))?.status === 'running', 15_000, 'the container, replayed through the agent');
    const after = await stream();
    expect(after.recycles).toBeGreaterThan(recycled.recycles);
    expect(after.reconnects).toBe(recycled.reconnects);
    expect(Date.parse(after.lastEventAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(agent.output()).not.toContain('agent denied an endpoint');
  });
});
