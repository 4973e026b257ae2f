import { readFileSync } from 'node:fs';
import type { Container } from '../core/container.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import { BulkLifecycle } from './bulk-lifecycle.ts';
import { ContainerLifecycle, type LifecycleEngine } from './container-lifecycle.ts';
import { detectOwnContainerId } from './own-container.ts';

/** What the lifecycle routes use: one action on one container, and the bulk map over it. */
export interface LifecycleServices {
  readonly single: ContainerLifecycle;
  readonly bulk: BulkLifecycle;
}

export function createLifecycle(input: {
  readonly updates: { engineFor(watcher: string): LifecycleEngine; activeFor(container: Container): { id: string; status: string } | undefined };
  readonly watch?: { refreshContainer(id: string): Promise<unknown> };
  readonly containers: () => readonly Container[];
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly ownContainerId?: string;
}): LifecycleServices {
  const { watch } = input;
  const single = new ContainerLifecycle({
    engineFor: (watcher) => input.updates.engineFor(watcher),
    activeUpdate: (container) => input.updates.activeFor(container),
    bus: input.bus,
    logger: input.logger,
    ...(watch ? { refresh: (id: string) => watch.refreshContainer(id) } : {}),
  });
  const bulk = new BulkLifecycle({ lifecycle: single, containers: input.containers, ...(input.ownContainerId ? { ownContainerId: input.ownContainerId } : {}) });
  return { single, bulk };
}

/** Reads /proc to find the container dockdeck runs in; undefined outside a container (or off Linux). */
export function readOwnContainerId(): string | undefined {
  const read = (path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  return detectOwnContainerId({ mountinfo: read('/proc/self/mountinfo'), cgroup: read('/proc/self/cgroup') });
}
