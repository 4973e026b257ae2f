import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../../app/api/create-app.ts';
import { attachWebSocketUpgrades } from '../../../app/api/routes/logs.ts';
import { trackSockets } from '../../../app/api/server.ts';
import { LiveServices, type LiveOptions } from '../../../app/api/sse/live-services.ts';
import { loadConfig } from '../../../app/config/load-config.ts';
import type { Container } from '../../../app/core/container.ts';
import { containerFixture } from '../../../app/core/testing/container-fixture.ts';
import { EngineConnection } from '../../../app/engine/engine-connection.ts';
import { EventBus } from '../../../app/events/bus.ts';
import { createLogger } from '../../../app/log.ts';
import { Store } from '../../../app/store/store.ts';
import { DOCKER, exec } from '../../bench/exec.ts';
import { RUN_LABEL } from '../../bench/images.ts';

export interface LiveHarness {
  readonly url: string;
  readonly store: Store;
  readonly bus: EventBus;
  readonly live: LiveServices;
  readonly http: Server;
  /** Cuts every open connection, as a network failure would. */
  dropConnections(): void;
  close(): Promise<void>;
}

/** The HTTP app with live services on an ephemeral loopback port, against the real local engine. */
export async function startLiveHarness(options: Partial<LiveOptions> = {}): Promise<LiveHarness> {
  const folder = await mkdtemp(join(tmpdir(), 'dd-live-'));
  const config = loadConfig({ DD_STORE_PATH: folder, DD_LOG_LEVEL: 'silent', DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock' });
  const store = await Store.open(folder);
  const bus = new EventBus();
  const engines = new Map(config.watchers.map((watcher) => [watcher.name, new EngineConnection(watcher)]));
  const live = new LiveServices({ store, bus, engines, options });
  const logger = createLogger(config.log);
  const { app } = createApp({ version: 'test', startedAt: new Date(), config, store, bus, logger, engines, live });
  const http: Server = createServer(app);
  trackSockets(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  attachWebSocketUpgrades(http, app);
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    bus,
    live,
    http,
    dropConnections: () => http.closeAllConnections(),
    close: async () => {
      await live.stop();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await store.flush().catch(() => undefined);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** Runs a labelled test container from the busybox base image; returns its full id. */
export async function runContainer(name: string, command: readonly string[], extra: readonly string[] = []): Promise<string> {
  const runId = process.env.DD_TEST_RUN_ID ?? 'manual';
  return exec(DOCKER, ['run', '-d', '--init', '--name', name, '--label', `${RUN_LABEL}=${runId}`, ...extra, 'dockdeck-test-base:busybox', ...command]);
}

export async function removeContainers(ids: readonly string[]): Promise<void> {
  await Promise.all(ids.map((id) => exec(DOCKER, ['rm', '-f', id]).catch(() => undefined)));
}

/** A stored container record as the watcher would write it (only what live features read matters). */
export function storedContainer(id: string, name: string, status: Container['status'] = 'running'): Container {
  const base = containerFixture(id);
  return containerFixture(id, { name, displayName: name, status, image: { ...base.image, id: 'sha256:0', name: 'dockdeck-test-base', tag: { value: 'busybox', semver: false } } });
}
