import type { Config } from '../config/load-config.ts';
import type { EngineConnection } from '../engine/engine-connection.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import { recordEventStreamChange } from '../metrics/registry.ts';
import type { ImageChecker } from '../registries/types.ts';
import type { Store } from '../store/store.ts';
import { DockerodeEngine } from '../watchers/docker/engine-port.ts';
import { nodeCronPort } from './cron-port.ts';
import { WatchService } from './watch-service.ts';

/** Production wiring of the watch service: dockerode engines, node-cron, Prometheus counters. */
export function createWatchService(deps: {
  config: Config;
  engines: ReadonlyMap<string, EngineConnection>;
  checker: ImageChecker;
  store: Store;
  bus: EventBus;
  logger: Logger;
}): WatchService {
  return new WatchService({
    watchers: deps.config.watchers,
    engines: new Map(
      [...deps.engines].map(([name, connection]) => {
        const labelFilter = deps.config.watchers.find((watcher) => watcher.name === name)?.labelFilter ?? [];
        return [name, new DockerodeEngine(connection, labelFilter)];
      }),
    ),
    checker: deps.checker,
    store: deps.store,
    bus: deps.bus,
    logger: deps.logger,
    concurrency: deps.config.watch.concurrency,
    cron: nodeCronPort,
    onEventStreamChange: recordEventStreamChange,
  });
}
