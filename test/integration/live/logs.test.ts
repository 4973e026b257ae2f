import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import WebSocket from 'ws';
import { DOCKER, exec } from '../../bench/exec.ts';
import { uniqueName } from '../../bench/images.ts';
import { removeContainers, runContainer, startLiveHarness, storedContainer, type LiveHarness } from './harness.ts';

interface Frame {
  type: string;
  ts: string;
  line: string;
}

/** Opens the log WebSocket and collects frames until it closes. */
function streamLogs(url: string): Promise<{ frames: Frame[]; code: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Frame[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    ws.on('close', (code) => resolve({ frames, code }));
    ws.on('error', reject);
  });
}

/** Waits until the container wrote `text` to stdout. */
async function waitForLog(id: string, text: string): Promise<void> {
  while (!(await exec(DOCKER, ['logs', id])).includes(text)) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('container logs against the real engine', () => {
  let harness: LiveHarness;
  const ids: string[] = [];
  let chatty = '';
  let stopped = '';

  beforeAll(async () => {
    harness = await startLiveHarness();
    chatty = await runContainer(uniqueName('dd-logs'), ['sh', '-c', 'echo out-1; sleep 0.2; echo err-1 >&2; sleep 0.2; echo out-2; while :; do sleep 1; done']);
    stopped = await runContainer(uniqueName('dd-logs-done'), ['sh', '-c', 'echo bye']);
    ids.push(chatty, stopped);
    await waitForLog(chatty, 'out-2');
    await exec(DOCKER, ['wait', stopped]);
    harness.store.update((data) => {
      data.containers.push(storedContainer(chatty, 'chatty'), storedContainer(stopped, 'done', 'exited'));
    });
  });

  afterAll(async () => {
    await harness?.close();
    await removeContainers(ids);
  });

  it('downloads stdout and stderr as an attachment, gzip when asked', async () => {
    const response = await fetch(`${harness.url}/api/v1/containers/${chatty}/logs?timestamps=false`, { headers: { 'accept-encoding': 'identity' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="chatty.log"');
    expect(await response.text()).toBe('out-1\nerr-1\nout-2\n');

    const onlyOut = await (await fetch(`${harness.url}/api/v1/containers/${chatty}/logs?stderr=false&timestamps=false`)).text();
    expect(onlyOut).toBe('out-1\nout-2\n');

    const stamped = await (await fetch(`${harness.url}/api/v1/containers/${chatty}/logs?tail=1`)).text();
    expect(stamped).toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z out-2\n$/);

    // fetch decodes gzip itself; read the raw bytes to see the encoding.
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      const req = request(`${harness.url}/api/v1/containers/${chatty}/logs?timestamps=false`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toBe('out-1\nerr-1\nout-2\n');
  });

  it('answers 404 for an unknown container and 400 for a bad query', async () => {
    expect((await fetch(`${harness.url}/api/v1/containers/unknown/logs`)).status).toBe(404);
    const bad = await fetch(`${harness.url}/api/v1/containers/${chatty}/logs?since=tomorrow`);
    expect(bad.status).toBe(400);
  });

  it('streams lines over the WebSocket with stderr, without following when asked', async () => {
    const ws = `${harness.url.replace('http', 'ws')}/api/v1/containers/${chatty}/logs/stream?follow=false`;
    const { frames, code } = await streamLogs(ws);
    expect(code).toBe(1000);
    expect(frames.map((f) => [f.type, f.line])).toEqual([
      ['stdout', 'out-1'],
      ['stderr', 'err-1'],
      ['stdout', 'out-2'],
    ]);
    expect(frames[0]?.ts).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('follows a container that stops mid-stream and closes with 1000 after its last lines', async () => {
    const name = uniqueName('dd-logs-stop');
    const id = await runContainer(name, ['sh', '-c', 'echo first; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo second; sleep 0.2; echo last >&2']);
    ids.push(id);
    harness.store.update((data) => {
      data.containers.push(storedContainer(id, name));
    });
    await waitForLog(id, 'first');
    const ws = `${harness.url.replace('http', 'ws')}/api/v1/containers/${id}/logs/stream?tail=10`;
    const streaming = streamLogs(ws);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await exec(DOCKER, ['exec', id, 'touch', '/tmp/go']);
    const { frames, code } = await streaming;
    expect(code).toBe(1000);
    expect(frames.map((f) => [f.type, f.line])).toEqual([
      ['stdout', 'first'],
      ['stdout', 'second'],
      ['stderr', 'last'],
    ]);
  });

  it('closes with 4001 for a stopped container and 4004 for an unknown one', async () => {
    const base = harness.url.replace('http', 'ws');
    expect((await streamLogs(`${base}/api/v1/containers/${stopped}/logs/stream`)).code).toBe(4001);
    expect((await streamLogs(`${base}/api/v1/containers/unknown/logs/stream`)).code).toBe(4004);
  });

  it('reads TTY containers, whose output is not multiplexed', async () => {
    const name = uniqueName('dd-logs-tty');
    const id = await runContainer(name, ['sh', '-c', 'echo tty-line; while :; do sleep 1; done'], ['-t']);
    ids.push(id);
    harness.store.update((data) => {
      data.containers.push(storedContainer(id, name));
    });
    await waitForLog(id, 'tty-line');
    const text = await (await fetch(`${harness.url}/api/v1/containers/${id}/logs?timestamps=false`)).text();
    expect(text).toBe('tty-line\r\n');
    const { frames, code } = await streamLogs(`${harness.url.replace('http', 'ws')}/api/v1/containers/${id}/logs/stream?follow=false`);
    expect(code).toBe(1000);
    expect(frames.map((f) => [f.type, f.line])).toEqual([['stdout', 'tty-line']]);
  });

  it('answers 426 to a plain HTTP request on the stream path', async () => {
    const response = await fetch(`${harness.url}/api/v1/containers/${chatty}/logs/stream`);
    expect(response.status).toBe(426);
  });
});
