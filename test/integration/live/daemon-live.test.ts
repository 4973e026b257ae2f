import bcrypt from 'bcryptjs';
import WebSocket from 'ws';
import { startDaemon, type RunningDaemon } from '../../bench/daemon.ts';
import { openSse } from './sse-reader.ts';

/** Opens a WebSocket; resolves with the close code, or the HTTP status when the upgrade is refused. */
function tryWebSocket(url: string, headers: Record<string, string> = {}): Promise<{ close?: number; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('close', (code) => resolve({ close: code }));
    ws.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

describe('live endpoints in the daemon started as a user would, behind basic auth', () => {
  let daemon: RunningDaemon;
  const auth = { authorization: `Basic ${Buffer.from('admin:correct horse').toString('base64')}` };

  beforeAll(async () => {
    daemon = await startDaemon({
      DD_AUTH_BASIC_ADMIN_USER: 'admin',
      DD_AUTH_BASIC_ADMIN_HASH: bcrypt.hashSync('correct horse', 6),
      DD_WATCHER_LOCAL_SOCKET: '/nonexistent/docker.sock',
      DD_STATS_INTERVAL: '1',
    });
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('refuses streams, metrics and the log WebSocket without credentials', async () => {
    expect((await fetch(`${daemon.url}/api/v1/events/ui`)).status).toBe(401);
    expect((await fetch(`${daemon.url}/api/v1/stats/summary/stream`)).status).toBe(401);
    expect((await fetch(`${daemon.url}/metrics`)).status).toBe(401);
    const ws = daemon.url.replace('http', 'ws');
    expect(await tryWebSocket(`${ws}/api/v1/containers/abc/logs/stream`)).toEqual({ status: 401 });
  });

  it('serves them with credentials', async () => {
    const reader = await openSse(`${daemon.url}/api/v1/stats/summary/stream`, auth);
    expect(reader.status).toBe(200);
    // The summary at once, then at least one tick of the 1 s poll.
    await reader.waitFor((e) => e.event === 'dd:stats-summary', 20_000, 2);
    reader.close();
    const metrics = await fetch(`${daemon.url}/metrics`, { headers: auth });
    expect(await metrics.text()).toContain('dd_sse_clients');
    const ws = daemon.url.replace('http', 'ws');
    expect(await tryWebSocket(`${ws}/api/v1/containers/abc/logs/stream`, auth)).toEqual({ close: 4004 });
  });

  it('stops promptly on SIGTERM with a stream open', async () => {
    const reader = await openSse(`${daemon.url}/api/v1/events/ui`, auth);
    await reader.waitFor((e) => e.event === 'dd:connected');
    expect(await daemon.stop()).toBe(0);
    reader.close();
  });
});

describe('stream settings from the environment', () => {
  it('applies DD_SSE_MAX_CLIENTS_PER_IP and DD_SSE_HEARTBEAT_SECONDS', async () => {
    const daemon = await startDaemon({
      DD_WATCHER_LOCAL_SOCKET: '/nonexistent/docker.sock',
      DD_SSE_MAX_CLIENTS_PER_IP: '1',
      DD_SSE_HEARTBEAT_SECONDS: '1',
    });
    try {
      const first = await openSse(`${daemon.url}/api/v1/events/ui`);
      expect(first.status).toBe(200);
      await first.waitFor((e) => e.event === 'dd:heartbeat', 10_000);
      const second = await fetch(`${daemon.url}/api/v1/events/ui`);
      expect(second.status).toBe(429);
      expect(await second.json()).toMatchObject({ code: 'TOO_MANY_STREAMS' });
      first.close();
    } finally {
      await daemon.stop();
    }
  });
});
