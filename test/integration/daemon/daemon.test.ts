import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../../bench/exec.ts';
import { runDaemonToExit, startDaemon, type RunningDaemon } from '../../bench/daemon.ts';

describe('the daemon as a user starts it', () => {
  let daemon: RunningDaemon;
  beforeAll(async () => {
    daemon = await startDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('answers /health and the app version', async () => {
    const health = await fetch(`${daemon.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const app = await (await fetch(`${daemon.url}/api/v1/app`)).json();
    expect(app).toEqual({ name: 'dockdeck', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('returns the real engine version and info', async () => {
    const engineVersion = await docker('version', '--format', '{{.Server.Version}}');
    const response = await fetch(`${daemon.url}/api/v1/system/version`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.Version).toBe(engineVersion);
    expect(body.negotiatedApiVersion).toMatch(/^1\.\d+$/);
    const info = (await (await fetch(`${daemon.url}/api/v1/system/info`)).json()) as Record<string, unknown>;
    expect(info.serverVersion).toBe(engineVersion);
    expect(typeof info.cpus).toBe('number');
  });

  it('answers errors as JSON with the right status', async () => {
    const missing = await fetch(`${daemon.url}/api/v1/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });

    const unknownWatcher = await fetch(`${daemon.url}/api/v1/system/version?watcher=ghost`);
    expect(unknownWatcher.status).toBe(404);
    expect(await unknownWatcher.json()).toMatchObject({ code: 'NOT_FOUND' });

    const malformed = await fetch(`${daemon.url}/api/v1/app`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"broken":',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: 'Request body is not valid JSON', code: 'INVALID_JSON' });

    const huge = await fetch(`${daemon.url}/api/v1/app`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('serves an OpenAPI document listing its routes', async () => {
    const document = (await (await fetch(`${daemon.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/api/v1/app', '/api/v1/system/version']));
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    const second = await startDaemon();
    expect(await second.stop()).toBe(0);
    expect(second.output()).toContain('stopped');
  });
});

describe('the daemon with a bad environment', () => {
  it('exits non-zero naming DD_SERVER_PORT when it is not a number', async () => {
    const { code, output } = await runDaemonToExit({ DD_SERVER_PORT: 'abc' });
    expect(code).not.toBe(0);
    expect(output).toContain("DD_SERVER_PORT: 'abc' is not valid; expected an integer from 1 to 65535");
  });

  it('exits non-zero naming the __FILE variable when the file is unreadable', async () => {
    const { code, output } = await runDaemonToExit({ DD_SERVER_PORT__FILE: '/nonexistent/port' });
    expect(code).not.toBe(0);
    expect(output).toContain('DD_SERVER_PORT__FILE: cannot read file');
  });

  it('refuses to start on a corrupt store and leaves it as it was', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dd-corrupt-'));
    writeFileSync(join(folder, 'dd.json'), '{"torn');
    const { code, output } = await runDaemonToExit({ DD_STORE_PATH: folder });
    expect(code).not.toBe(0);
    expect(output).toContain('is not valid JSON');
  });

  it('stays up with an unreachable engine and answers 503 as JSON', async () => {
    const daemon = await startDaemon({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    try {
      const response = await fetch(`${daemon.url}/api/v1/system/version`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
      expect((await fetch(`${daemon.url}/health`)).status).toBe(200);
      expect(daemon.output()).toContain('unavailable');
    } finally {
      await daemon.stop();
    }
  });
});
