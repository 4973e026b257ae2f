import type { Config, RegistryConfig } from '../../config/load-config.ts';
import { unavailable } from '../../core/errors.ts';
import type { EngineConnection } from '../../engine/engine-connection.ts';
import type { EventBus } from '../../events/bus.ts';
import type { Logger } from '../../log.ts';
import type { Store } from '../../store/store.ts';
import { updateSettingsFromTriggers } from './docker-settings.ts';
import { DockerUpdateEngine, type PullAuth } from '../../updates/update-engine.ts';
import { UpdateService } from '../../updates/update-service.ts';

/** Wires the update service to the engines, with settings from the docker trigger. */
export function createUpdateService(input: {
  config: Config;
  engines: ReadonlyMap<string, EngineConnection>;
  store: Store;
  bus: EventBus;
  logger: Logger;
}): UpdateService {
  const settings = updateSettingsFromTriggers(input.config.triggers);
  const credentials = pullCredentials(input.config.registries);
  const engines = new Map([...input.engines].map(([name, engine]) => [name, new DockerUpdateEngine(engine, (host) => credentials.get(host))]));
  return new UpdateService({
    store: input.store,
    bus: input.bus,
    logger: input.logger,
    settings,
    engineFor: (watcher) => {
      const engine = engines.get(watcher);
      if (!engine) throw unavailable('ENGINE_UNAVAILABLE', `No engine connection for watcher '${watcher}'`);
      return engine;
    },
  });
}

/** Registry credentials by host, so pulls of private images authenticate like the watcher's checks. */
function pullCredentials(registries: readonly RegistryConfig[]): Map<string, PullAuth> {
  const byHost = new Map<string, PullAuth>();
  for (const registry of registries) {
    if (!registry.login || !registry.password) continue;
    if (registry.url) {
      const host = new URL(registry.url).host;
      byHost.set(host, { username: registry.login, password: registry.password, serveraddress: host });
    } else if (registry.provider === 'hub') {
      byHost.set('docker.io', { username: registry.login, password: registry.password, serveraddress: 'https://index.docker.io/v1/' });
    }
  }
  return byHost;
}
