import type { Container } from '../../core/container.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { EngineConnection } from '../../engine/engine-connection.ts';
import type { Store } from '../../store/store.ts';

/** Finds a stored container by full id, an id prefix of 12+ characters, or its name. */
export function findContainer(store: Store, idOrName: string): Container | undefined {
  const containers = store.data.containers;
  return (
    containers.find((c) => c.id === idOrName) ??
    (idOrName.length >= 12 ? containers.find((c) => c.id.startsWith(idOrName)) : undefined) ??
    containers.find((c) => c.name === idOrName)
  );
}

/** The container and the engine it runs on; 404 when unknown, 503 when its engine is not ours. */
export function containerOnEngine(
  store: Store,
  engines: ReadonlyMap<string, EngineConnection>,
  idOrName: string,
): { container: Container; engine: EngineConnection } {
  const container = findContainer(store, idOrName);
  if (!container) throw notFound('Container', idOrName);
  const engine = engines.get(container.watcher);
  if (!engine || container.agent) {
    throw new AppError(503, 'ENGINE_UNAVAILABLE', `No engine connection for watcher '${container.watcher}'`);
  }
  return { container, engine };
}
