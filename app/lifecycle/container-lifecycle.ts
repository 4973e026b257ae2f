import { containerIdentity, type Container } from '../core/container.ts';
import { AppError, conflict, errorMessage, notFound, truncate } from '../core/errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';

export const LIFECYCLE_ACTIONS = ['start', 'stop', 'restart'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** The engine calls an action needs; the update engine satisfies it, unit tests pass a fake. */
export interface LifecycleEngine {
  inspectContainer(id: string): Promise<{ readonly State: { readonly Running: boolean; readonly Status: string } } | undefined>;
  start(id: string): Promise<void>;
  stop(id: string, timeoutSeconds?: number): Promise<void>;
  restart(id: string, timeoutSeconds?: number): Promise<void>;
}

export interface ContainerLifecycleDeps {
  /** The engine of a watcher; throws 503 ENGINE_UNAVAILABLE when there is none. */
  readonly engineFor: (watcher: string) => LifecycleEngine;
  /** The update or rollback queued or running for a container (the update code's per-container lock). */
  readonly activeUpdate: (container: Container) => { readonly id: string; readonly status: string } | undefined;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Writes the new state to the store right away (a watcher refresh), so lists agree without waiting for engine events. */
  readonly refresh?: (containerId: string) => Promise<unknown>;
  readonly now?: () => Date;
}

export interface ActionOutcome {
  /** The engine's state after the action (running, exited, …). */
  readonly status: string;
  readonly message: string;
}

const DONE: Record<LifecycleAction, string> = { start: 'started', stop: 'stopped', restart: 'restarted' };
/** Name the update executor gives the old container while it works (`<name>-dd-old-<8 hex>`). */
const TEMPORARY_NAME = /^(.*)-dd-old-[0-9a-f]{8}$/;

/**
 * Start, stop or restart one container: the single routes and the bulk routes both go through
 * `perform`, so the checks (update running, state), the per-container guard and the completion
 * events are the same whichever way an action was asked for.
 */
export class ContainerLifecycle {
  readonly #deps: ContainerLifecycleDeps;
  /** Identities with an action in flight: a second one for the same container is refused, never interleaved. */
  readonly #inFlight = new Set<string>();

  constructor(deps: ContainerLifecycleDeps) {
    this.#deps = deps;
  }

  /**
   * Performs the action and waits for the engine. Throws AppError: 409 UPDATE_IN_PROGRESS,
   * ACTION_IN_PROGRESS, ALREADY_RUNNING, ALREADY_STOPPED; 404 when the engine no longer has it.
   */
  async perform(container: Container, action: LifecycleAction, timeoutSeconds?: number): Promise<ActionOutcome> {
    const update = this.updateBlocking(container);
    if (update) throw conflict('UPDATE_IN_PROGRESS', `An update is ${update.status} for this container`, { operationId: update.id });
    const identity = containerIdentity(container);
    if (this.#inFlight.has(identity)) throw conflict('ACTION_IN_PROGRESS', 'Another start, stop or restart of this container is in progress');
    this.#inFlight.add(identity);
    try {
      const engine = this.#deps.engineFor(container.watcher);
      const before = await engine.inspectContainer(container.id);
      if (!before) throw notFound('Container', container.id);
      if (action === 'start' && before.State.Running) throw conflict('ALREADY_RUNNING', 'Container is already running');
      if (action === 'stop' && !before.State.Running) throw conflict('ALREADY_STOPPED', 'Container is already stopped');
      try {
        if (action === 'start') await engine.start(container.id);
        else if (action === 'stop') await engine.stop(container.id, timeoutSeconds);
        else await engine.restart(container.id, timeoutSeconds);
      } catch (error) {
        const failure = actionFailure(error, action);
        this.#emitFailed(container, action, failure);
        throw failure;
      }
      const after = await engine.inspectContainer(container.id).catch(() => undefined);
      const outcome = { status: after?.State.Status ?? 'unknown', message: `Container ${DONE[action]}` };
      await this.#refresh(container);
      this.#deps.bus.emit('container-action-completed', {
        containerId: container.id,
        containerName: container.name,
        watcher: container.watcher,
        action,
        status: outcome.status,
        message: outcome.message,
        at: this.#now(),
      });
      return outcome;
    } finally {
      this.#inFlight.delete(identity);
    }
  }

  /**
   * The update that makes an action unsafe: one for this container, or, for the temporary
   * `-dd-old-` copy an update renamed, one for the container it belongs to (rollback needs it).
   */
  updateBlocking(container: Container): { readonly id: string; readonly status: string } | undefined {
    const own = this.#deps.activeUpdate(container);
    if (own) return own;
    const base = TEMPORARY_NAME.exec(container.name)?.[1];
    return base ? this.#deps.activeUpdate({ ...container, name: base }) : undefined;
  }

  async #refresh(container: Container): Promise<void> {
    try {
      await this.#deps.refresh?.(container.id);
    } catch (error) {
      // The action happened; engine events or the next cycle bring the store up to date.
      this.#deps.logger.warn({ container: container.name }, `cannot refresh container after action: ${errorMessage(error)}`);
    }
  }

  #emitFailed(container: Container, action: LifecycleAction, failure: AppError): void {
    this.#deps.bus.emit('container-action-failed', {
      containerId: container.id,
      containerName: container.name,
      watcher: container.watcher,
      action,
      code: failure.code,
      error: failure.message,
      at: this.#now(),
    });
  }

  #now(): string {
    return (this.#deps.now?.() ?? new Date()).toISOString();
  }
}

/** Whether a container is the temporary copy an update keeps while it works. */
export function isTemporaryContainer(container: Pick<Container, 'name'>): boolean {
  return TEMPORARY_NAME.test(container.name);
}

/** An engine failure as an AppError with a stable code; AppErrors (503 engine unavailable) pass through. */
function actionFailure(error: unknown, action: LifecycleAction): AppError {
  if (error instanceof AppError) return error;
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  if (status === 404) return notFound('Container');
  return new AppError(500, `CONTAINER_${action.toUpperCase()}_FAILED`, `Failed to ${action} container: ${truncate(errorMessage(error), 300)}`);
}
