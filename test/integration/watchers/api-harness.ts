import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { createApp } from '../../../app/api/create-app.ts';
import { closeGracefully, listen } from '../../../app/api/server.ts';
import { loadConfig, type Config } from '../../../app/config/load-config.ts';
import type { EngineConnection } from '../../../app/engine/engine-connection.ts';
import { EventBus } from '../../../app/events/bus.ts';
import type { WatchService } from '../../../app/scheduler/watch-service.ts';
import { Store } from '../../../app/store/store.ts';

/** The HTTP API started in-process on a loopback port, with the watch service the test builds. */
export interface ApiHarness {
  readonly url: string;
  readonly store: Store;
  readonly bus: EventBus;
  readonly config: Config;
  close(): Promise<void>;
}

export async function startApi(options: {
  env?: Record<string, string>;
  engines?: ReadonlyMap<string, EngineConnection>;
  watch: (deps: { store: Store; bus: EventBus; config: Config; logger: Logger }) => WatchService | undefined;
}): Promise<ApiHarness & { watch: WatchService | undefined }> {
  const storePath = mkdtempSync(join(tmpdir(), 'dd-watch-api-'));
  const config = loadConfig({ DD_STORE_PATH: storePath, DD_SERVER_PORT: '1', DD_SERVER_ADDRESS: '127.0.0.1', DD_LOG_LEVEL: 'silent', ...options.env });
  const store = await Store.open(storePath);
  const bus = new EventBus();
  const logger = pino({ level: 'silent' });
  const watch = options.watch({ store, bus, config, logger });
  const { app } = createApp({
    version: '0.0.0-test',
    startedAt: new Date(),
    config,
    store,
    bus,
    logger,
    engines: options.engines ?? new Map(),
    ...(watch ? { watch } : {}),
  });
  const http: Server = await listen(app, { ...config.server, port: 0 });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    bus,
    config,
    watch,
    close: async () => {
      await watch?.stop();
      await closeGracefully(http, 2000);
      await store.flush();
      rmSync(storePath, { recursive: true, force: true });
    },
  };
}

export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
