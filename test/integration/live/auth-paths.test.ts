import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { createApp } from '../../../app/api/create-app.ts';
import { loadConfig } from '../../../app/config/load-config.ts';
import { EventBus } from '../../../app/events/bus.ts';
import { createLogger } from '../../../app/log.ts';
import { Store } from '../../../app/store/store.ts';

/** Express matches routes case-insensitively and with a trailing slash: authentication must too. */
describe('basic authentication covers every spelling of a protected path', () => {
  let http: Server;
  let url = '';
  let folder = '';

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'dd-auth-paths-'));
    const config = loadConfig({
      DD_STORE_PATH: folder,
      DD_LOG_LEVEL: 'silent',
      DD_AUTH_BASIC_ADMIN_USER: 'admin',
      DD_AUTH_BASIC_ADMIN_HASH: bcrypt.hashSync('correct horse', 4),
    });
    const store = await Store.open(folder);
    const { app } = createApp({ version: 'test', startedAt: new Date(), config, store, bus: new EventBus(), logger: createLogger(config.log), engines: new Map() });
    http = createServer(app);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    http?.closeAllConnections();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    await rm(folder, { recursive: true, force: true });
  });

  it.each(['/api/v1/app', '/API/v1/app', '/Api/V1/containers', '/api/v1/openapi.json/', '/metrics', '/METRICS', '/metrics/'])(
    'answers 401 to %s without credentials',
    async (path) => {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'Authentication required', code: 'UNAUTHORIZED' });
    },
  );

  it('keeps /health open', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});
