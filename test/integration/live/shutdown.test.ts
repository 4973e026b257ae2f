import { connect } from 'node:net';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { closeGracefully, trackSockets } from '../../../app/api/server.ts';
import { uniqueName } from '../../bench/images.ts';
import { removeContainers, runContainer, startLiveHarness, storedContainer, type LiveHarness } from './harness.ts';

/** Resolves with 'closed', or 'hung' if the promise has not settled after `ms` (a liveness check, not a speed one). */
function settles(promise: Promise<unknown>, ms: number): Promise<'closed' | 'hung'> {
  return Promise.race([promise.then(() => 'closed' as const), new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms).unref())]);
}

describe('shutdown with long-lived streams open', () => {
  it('closeGracefully ends upgraded sockets at its deadline instead of waiting for them forever', async () => {
    const http = createServer((_req, res) => res.end('ok'));
    trackSockets(http);
    // Holds every upgraded socket open, as a WebSocket that never closes would.
    http.on('upgrade', (_req, socket) => socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const client = connect((http.address() as AddressInfo).port, '127.0.0.1');
    client.on('error', () => undefined);
    const upgraded = new Promise<void>((resolve) => client.once('data', () => resolve()));
    client.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    await upgraded;
    expect(await settles(closeGracefully(http, 100), 10_000)).toBe('closed');
    client.destroy();
  });

  describe('a log WebSocket on a running container', () => {
    let harness: LiveHarness;
    let id = '';

    beforeAll(async () => {
      harness = await startLiveHarness();
      const name = uniqueName('dd-shutdown-logs');
      id = await runContainer(name, ['sh', '-c', 'echo hello; while :; do sleep 1; done']);
      harness.store.update((data) => {
        data.containers.push(storedContainer(id, name));
      });
    });
    afterAll(async () => {
      await harness?.close();
      await removeContainers([id]);
    });

    it('is closed with 1001 when live services stop, so the server can close before its deadline', async () => {
      const ws = new WebSocket(`${harness.url.replace('http', 'ws')}/api/v1/containers/${id}/logs/stream`);
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve());
        ws.once('error', reject);
      });
      await harness.live.stop();
      expect(await closed).toBe(1001);
      // The deadline is far away: the server closes because nothing is left open.
      expect(await settles(closeGracefully(harness.http, 600_000), 15_000)).toBe('closed');
    });
  });
});
