import type { UpdateOperation } from '../api/types.ts';
import { containersStore } from '../stores/containers.ts';

/**
 * The page of the container an operation is about, as it is now: a succeeded update replaced the
 * container (a new id), so the operation's containerId alone would lead to a container that is gone.
 */
export function containerPathFor(operation: UpdateOperation): string | undefined {
  const known = [operation.containerId, operation.newContainerId].find((id) => id && containersStore.get(id));
  const current = known ?? (operation.watcher ? containersStore.findByIdentity(operation.watcher, operation.containerName)?.id : undefined);
  const id = current ?? (operation.status === 'succeeded' ? (operation.newContainerId ?? operation.containerId) : operation.containerId);
  return id ? `/containers/${id}` : undefined;
}
