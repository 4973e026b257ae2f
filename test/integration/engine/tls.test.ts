import type { Server } from 'node:tls';
import { startDaemon } from '../../bench/daemon.ts';
import { docker } from '../../bench/exec.ts';
import { makeTlsMaterial, startTlsEngineProxy, type TlsMaterial } from '../../bench/tls-engine-proxy.ts';

describe('a remote engine over TCP with TLS client certificates', () => {
  let material: TlsMaterial;
  let proxy: { port: number; server: Server };
  beforeAll(async () => {
    material = await makeTlsMaterial();
    proxy = await startTlsEngineProxy(material);
  });
  afterAll(() => {
    proxy?.server.close();
  });

  const watcherEnv = (withClientCertificate: boolean): Record<string, string> => ({
    DD_WATCHER_REMOTE_HOST: '127.0.0.1',
    DD_WATCHER_REMOTE_PORT: String(proxy.port),
    DD_WATCHER_REMOTE_PROTOCOL: 'https',
    DD_WATCHER_REMOTE_CAFILE: material.caFile,
    DD_WATCHER_REMOTE_WATCHATSTART: 'false',
    ...(withClientCertificate ? { DD_WATCHER_REMOTE_CERTFILE: material.clientCertFile, DD_WATCHER_REMOTE_KEYFILE: material.clientKeyFile } : {}),
  });

  it('reaches the engine with the client certificate', async () => {
    const daemon = await startDaemon(watcherEnv(true));
    try {
      const response = await fetch(`${daemon.url}/api/v1/system/version?watcher=remote`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { Version: string; watcher: string };
      expect(body.watcher).toBe('remote');
      expect(body.Version).toBe(await docker('version', '--format', '{{.Server.Version}}'));
    } finally {
      await daemon.stop();
    }
  });

  it('is refused without a client certificate, as a clear 503', async () => {
    const daemon = await startDaemon(watcherEnv(false));
    try {
      const response = await fetch(`${daemon.url}/api/v1/system/version?watcher=remote`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    } finally {
      await daemon.stop();
    }
  });
});
