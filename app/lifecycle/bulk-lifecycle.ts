import type { Container } from '../core/container.ts';
import { AppError, errorMessage, truncate } from '../core/errors.ts';
import { mapBounded } from '../watchers/bounded-map.ts';
import { isTemporaryContainer, type ContainerLifecycle, type LifecycleAction } from './container-lifecycle.ts';
import { isOwnContainer } from './own-container.ts';

/** Seed 002: bulk operations run at most 5 at once. */
export const BULK_CONCURRENCY = 5;
/** Upper bound of `containerIds` in one batch request. */
export const MAX_BATCH_SIZE = 100;

export interface BulkResult {
  readonly id: string;
  readonly name: string;
  readonly success: boolean;
  /** Engine state after a successful action. */
  readonly status?: string;
  readonly error?: string;
  readonly code?: string;
}

export interface BulkSummary {
  readonly total: number;
  readonly success: number;
  readonly failed: number;
  readonly results: BulkResult[];
}

/** One entry of a batch: a stored container, or an id the store does not know. */
export type BulkTarget = { readonly container: Container } | { readonly unknownId: string };

export interface BulkLifecycleDeps {
  readonly lifecycle: ContainerLifecycle;
  /** The stored containers (all watchers). */
  readonly containers: () => readonly Container[];
  /** dockdeck's own container, when it runs in one (never stopped or restarted in bulk). */
  readonly ownContainerId?: string;
  readonly concurrency?: number;
}

/** Which stored containers an *-all action is for, by their stored state. */
const WANTS: Record<LifecycleAction, (container: Container) => boolean> = {
  start: (container) => container.status === 'exited' || container.status === 'created',
  stop: (container) => container.status === 'running' || container.status === 'restarting',
  restart: (container) => container.status === 'running',
};

/**
 * start-all, stop-all, restart-all and batch: a bounded-concurrency map of ContainerLifecycle.perform
 * over the targets; every target gets a result, failures carry the same codes a single call answers.
 */
export class BulkLifecycle {
  readonly #deps: BulkLifecycleDeps;

  constructor(deps: BulkLifecycleDeps) {
    this.#deps = deps;
  }

  /**
   * The containers an *-all action covers: watched ones (the stored containers across watchers,
   * or one watcher's) in the state the action applies to. Temporary `-dd-old-` copies of an update
   * are included only to be reported as refused.
   */
  selectAll(action: LifecycleAction, watcher?: string): BulkTarget[] {
    return this.#deps
      .containers()
      .filter((container) => container.watched && (!watcher || container.watcher === watcher) && WANTS[action](container))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((container) => ({ container }));
  }

  async run(action: LifecycleAction, targets: readonly BulkTarget[], options: { timeoutSeconds?: number; all?: boolean } = {}): Promise<BulkSummary> {
    const results = await mapBounded(targets, this.#deps.concurrency ?? BULK_CONCURRENCY, (target) => this.#one(action, target, options));
    const success = results.filter((result) => result.success).length;
    return { total: results.length, success, failed: results.length - success, results };
  }

  async #one(action: LifecycleAction, target: BulkTarget, options: { timeoutSeconds?: number; all?: boolean }): Promise<BulkResult> {
    if ('unknownId' in target) return { id: target.unknownId, name: '', success: false, code: 'CONTAINER_NOT_FOUND', error: 'No such container' };
    const { container } = target;
    const refuse = (code: string, error: string): BulkResult => ({ id: container.id, name: container.name, success: false, code, error });
    if (action !== 'start' && isOwnContainer(container.id, this.#deps.ownContainerId)) {
      return refuse('OWN_CONTAINER', 'This is the container dockdeck runs in; stop or restart it from outside');
    }
    // A stopped or running `-dd-old-` copy is an update's safety net (or a leftover to inspect by hand).
    if (options.all && isTemporaryContainer(container)) return refuse('TEMPORARY_CONTAINER', 'Temporary container of an update; left alone');
    try {
      const outcome = await this.#deps.lifecycle.perform(container, action, options.timeoutSeconds);
      return { id: container.id, name: container.name, success: true, status: outcome.status };
    } catch (error) {
      if (error instanceof AppError) return refuse(error.status === 404 ? 'CONTAINER_NOT_FOUND' : error.code, error.message);
      return refuse('ACTION_FAILED', truncate(errorMessage(error), 300));
    }
  }
}

/**
 * The stored containers a batch names (full id, id prefix of 12+ characters, or name), in request
 * order, each at most once; unknown ids stay in the list to be reported.
 */
export function resolveBatch(ids: readonly string[], find: (idOrName: string) => Container | undefined): BulkTarget[] {
  const seen = new Set<string>();
  const targets: BulkTarget[] = [];
  for (const id of ids) {
    const container = find(id);
    const key = container ? `container:${container.id}` : `unknown:${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push(container ? { container } : { unknownId: id });
  }
  return targets;
}
