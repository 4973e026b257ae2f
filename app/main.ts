import type { Server } from 'node:http';
import { ConfigError } from './config/config-error.ts';
import { loadConfig, type Config } from './config/load-config.ts';
import { createApp } from './api/create-app.ts';
import { attachWebSocketUpgrades } from './api/routes/logs.ts';
import { LiveServices } from './api/sse/live-services.ts';
import { closeGracefully, listen, readPackageVersion } from './api/server.ts';
import { EngineConnection } from './engine/engine-connection.ts';
import { EventBus } from './events/bus.ts';
import { RegistryHub } from './registries/registry-hub.ts';
import { createReleaseNotes } from './releases/create-release-notes.ts';
import { recordRegistryRequest, recordTriggerDelivery } from './metrics/registry.ts';
import { createWatchService } from './scheduler/create-watch-service.ts';
import { PolicyRefresher } from './watchers/policy-refresh.ts';
import { createLogger, type Logger } from './log.ts';
import { createLifecycle, readOwnContainerId } from './lifecycle/create-lifecycle.ts';
import { StoreFileError } from './store/atomic-json-file.ts';
import { Store } from './store/store.ts';
import { pruneUnconfiguredWatchers } from './watchers/prune-unconfigured.ts';
import { createUpdateService } from './triggers/docker/create-update-service.ts';
import { TriggerService } from './triggers/trigger-service.ts';

/** Composition root: config → store → engines → http. The only place that exits the process. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dockdeck: invalid configuration: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.log);
  for (const warning of config.warnings) logger.warn(warning);

  let store: Store;
  try {
    store = await Store.open(config.store.path);
  } catch (error) {
    if (error instanceof StoreFileError) {
      logger.fatal(error.message);
      process.exit(74);
    }
    throw error;
  }

  // Containers of a watcher taken out of the configuration would otherwise stay listed forever.
  const pruned = store.update((data) => pruneUnconfiguredWatchers(data, config.watchers.map((watcher) => watcher.name)));
  if (pruned.removed > 0) {
    logger.info({ containers: pruned.removed, watchers: pruned.watchers }, 'removed stored containers of watchers that are no longer configured (their update history, backups and update policies are kept)');
  }

  const bus = new EventBus((event, error) => logger.error({ err: error, event }, 'event listener failed'));
  const engines = new Map(config.watchers.map((watcher) => [watcher.name, new EngineConnection(watcher)]));
  await connectEngines(engines, logger);

  const version = readPackageVersion();
  const live = new LiveServices({
    store,
    bus,
    engines,
    options: {
      statsIntervalMs: config.stats.intervalSeconds * 1000,
      heartbeatMs: config.sse.heartbeatSeconds * 1000,
      maxClients: config.sse.maxClients,
      maxClientsPerIp: config.sse.maxClientsPerIp,
      replayCapacity: config.sse.replaySize,
    },
    onStatsError: (target, error) => logger.debug({ container: target.name, err: error }, 'stats sample failed'),
  });
  const checker = new RegistryHub(config.registries, { logger, onResponse: recordRegistryRequest });
  const watch = createWatchService({ config, engines, checker, store, bus, logger });
  const updates = createUpdateService({ config, engines, store, bus, logger });
  // Interrupted updates (a crash mid-update) are brought to an end before any new request.
  const recovered = await updates.recover();
  if (recovered > 0) logger.warn({ operations: recovered }, 'recovered interrupted update operations');
  updates.startExpirySweep();
  // Rollbacks that still failed (a service may be down) are retried now and then on a backoff.
  void updates.startRollbackRecovery();
  let triggers: TriggerService;
  try {
    triggers = new TriggerService({ groups: config.triggers, store, bus, logger, services: { updates }, queue: { onAttempt: recordTriggerDelivery, bus }, ...(config.server.publicUrl ? { publicUrl: config.server.publicUrl } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`dockdeck: invalid configuration: ${error.message}\n`);
      await store.flush();
      process.exit(78);
    }
    throw error;
  }
  for (const warning of triggers.warnings) logger.warn(warning);
  const ownContainerId = readOwnContainerId();
  if (ownContainerId) logger.info({ container: ownContainerId.slice(0, 12) }, 'running in a container: bulk stop and restart leave it alone');
  const lifecycle = createLifecycle({ updates, watch, containers: () => store.data.containers, bus, logger, ...(ownContainerId ? { ownContainerId } : {}) });
  const releaseNotes = createReleaseNotes(config.releaseNotes, logger);
  const { app } = createApp({ version, startedAt: new Date(), config, store, bus, logger, engines, live, watch, registries: checker, updates, triggers, lifecycle, releaseNotes });
  let http: Server;
  try {
    http = await listen(app, config.server);
  } catch (error) {
    logger.fatal({ err: error }, `cannot listen on ${config.server.address}:${config.server.port}`);
    await store.flush();
    process.exit(1);
  }
  if (config.auth.basic.length === 0 && config.auth.oidc.length === 0) {
    logger.warn('NO AUTHENTICATION IS CONFIGURED: anyone who can reach this port controls your containers. Set DD_AUTH_BASIC_{NAME}_USER and _HASH, or DD_AUTH_OIDC_{NAME}_*.');
  }
  logger.info({ address: config.server.address, port: config.server.port, store: config.store.path, version }, 'dockdeck is listening');
  attachWebSocketUpgrades(http, app);
  live.start();
  // Triggers listen before the first watch run, so its results are not missed.
  triggers.start();
  // After the triggers: a snooze that ended while dockdeck was down is news for them too.
  const policies = new PolicyRefresher({ store, bus, logger });
  policies.start();
  watch.start();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal: give up waiting, keep only the final write.
      await store.flush().catch(() => undefined);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Whatever hangs, the process ends; an interrupted update is finished by recovery at the next start.
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      void store.flush().finally(() => process.exit(1));
    }, 20_000).unref();
    const step = async (what: string, action: () => Promise<unknown> | unknown) => {
      try {
        await action();
      } catch (error) {
        logger.error({ err: error }, `${what} failed`);
      }
    };
    // Streams end first, or the server would wait for them until its deadline.
    await step('stopping live services', () => live.stop());
    // No new watch runs or engine events once shutting down; then the store flush below is final.
    await step('stopping watchers', () => watch.stop());
    updates.stopExpirySweep();
    updates.stopRollbackRecovery();
    policies.stop();
    await step('closing the HTTP server', () => closeGracefully(http, 5_000));
    // Let running updates reach their end (docker stop gives 10 s by default); the rest is recovered at start.
    await step('waiting for running updates', () => Promise.race([updates.idle(), new Promise((resolve) => setTimeout(resolve, 8_000).unref())]));
    // Unsent notifications stay pending in the outbox and go out after the next start.
    await step('stopping triggers', () => triggers.stop());
    await step('final store write', () => store.flush());
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

async function connectEngines(engines: Map<string, EngineConnection>, logger: Logger): Promise<void> {
  await Promise.all(
    [...engines.values()].map(async (engine) => {
      try {
        const apiVersion = await engine.connect();
        logger.info({ watcher: engine.name, endpoint: engine.endpoint, apiVersion }, 'connected to Docker engine');
      } catch (error) {
        logger.error({ watcher: engine.name, endpoint: engine.endpoint }, (error as Error).message);
      }
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`dockdeck: fatal: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
