import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../../app/api/create-app.ts';
import { loadConfig } from '../../../app/config/load-config.ts';
import { EventBus } from '../../../app/events/bus.ts';
import { silentLogger } from '../../../app/log.ts';
import { RegistryHub } from '../../../app/registries/registry-hub.ts';
import { Store } from '../../../app/store/store.ts';

const SECRET = 'pa55-never-shown';
let server: Server | undefined;
let folder = '';
let base = '';

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dockdeck-registries-api-'));
  const config = loadConfig({
    DD_STORE_PATH: folder,
    DD_REGISTRY_CUSTOM_LOCAL_URL: 'http://127.0.0.1:5000',
    DD_REGISTRY_CUSTOM_LOCAL_LOGIN: 'me',
    DD_REGISTRY_CUSTOM_LOCAL_PASSWORD: SECRET,
    DD_REGISTRY_GHCR_MINE_TOKEN: SECRET,
    DD_REGISTRY_GHCR_MINE_MAXREQUESTS: '50',
  });
  const logger = silentLogger();
  const store = await Store.open(folder);
  const registries = new RegistryHub(config.registries, { logger });
  const { app } = createApp({ version: 'test', startedAt: new Date(), config, store, bus: new EventBus(), logger, engines: new Map(), registries });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await rm(folder, { recursive: true, force: true });
});

describe('GET /api/v1/registries', () => {
  it('lists configured and built-in registries without credentials', async () => {
    const response = await fetch(`${base}/api/v1/registries`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    const body = JSON.parse(text) as { data: Array<Record<string, unknown>>; total: number };
    expect(body.total).toBe(body.data.length);
    expect(body.data.slice(0, 2)).toEqual([
      { id: 'custom.local', provider: 'custom', name: 'local', url: 'http://127.0.0.1:5000', hosts: '127.0.0.1:5000', builtIn: false, credentials: true, caFile: false, insecure: false, maxRequests: 1000 },
      { id: 'ghcr.mine', provider: 'ghcr', name: 'mine', url: 'https://ghcr.io', hosts: 'ghcr.io', builtIn: false, credentials: true, caFile: false, insecure: false, maxRequests: 50 },
    ]);
    expect(body.data.filter((r) => r.builtIn).map((r) => r.id)).toEqual(['hub.public', 'ghcr.public', 'gitlab.public', 'quay.public', 'lscr.public', 'ecr.public', 'gcr.public', 'acr.public']);
    expect(body.data.find((r) => r.id === 'hub.public')).toMatchObject({ url: 'https://registry-1.docker.io', credentials: false });
  });

  it('is in the OpenAPI document', async () => {
    const document = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain('/api/v1/registries');
  });
});
