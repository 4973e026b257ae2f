import { errorMessage } from '../core/errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import { restoreOldContainer } from './executor.ts';
import { runHealthGate } from './health-gate.ts';
import type { OperationRepository } from './operation-repository.ts';
import { publicOperation, type UpdateOperation } from './operation.ts';
import { rollbackLabels, type UpdateSettings } from './settings.ts';
import type { UpdateEngine } from './update-engine.ts';

const INTERRUPTED = 'dockdeck stopped during the update';

export interface RecoveryDeps {
  readonly repository: OperationRepository;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly settings: UpdateSettings;
  readonly engineFor: (watcher: string) => UpdateEngine;
}

/**
 * On start, every operation that is not terminal was interrupted by a crash. Each one is brought
 * to an end where the container runs: forward when the new container is up and passes the health
 * gate, otherwise back to the old container. Every step is written to the operation's history.
 */
export async function recoverInterrupted(deps: RecoveryDeps): Promise<number> {
  const interrupted = deps.repository.active();
  for (const operation of interrupted) {
    try {
      await recoverOne(deps, operation);
    } catch (error) {
      // An engine that is down now may be back later: leave the operation for the next start
      // rather than recording a failure that did not happen.
      if ((error as { status?: number }).status === 503) {
        deps.logger.error({ operation: operation.id, err: error }, 'cannot recover the interrupted update now: engine unavailable');
        continue;
      }
      const message = `Recovery failed: ${errorMessage(error)}`;
      deps.logger.error({ operation: operation.id, err: error }, message);
      await deps.repository.advance(operation, 'rollback-failed', { status: 'failed', message, fields: { lastError: message } });
      deps.bus.emit('update-failed', { operation: publicOperation(operation) });
    }
  }
  return interrupted.length;
}

async function recoverOne(deps: RecoveryDeps, operation: UpdateOperation): Promise<void> {
  const engine = deps.engineFor(operation.watcher);
  if (operation.status === 'queued') {
    await deps.repository.advance(operation, 'failed', { status: 'failed', message: `${INTERRUPTED} (it had not started)`, fields: { lastError: INTERRUPTED } });
    return;
  }
  const old = await engine.inspectContainer(operation.containerId);
  const byName = await engine.inspectContainer(operation.containerName);
  const replacement = byName && byName.Id !== operation.containerId ? byName : undefined;

  // Nothing was touched yet (crash while preparing or pulling): just close the operation.
  if (old && !replacement && old.Name.replace(/^\//, '') === operation.containerName) {
    if (operation.wasRunning && !old.State.Running) await engine.start(old.Id);
    await deps.repository.advance(operation, 'failed', { status: 'failed', message: `${INTERRUPTED}; the container was not changed`, fields: { lastError: INTERRUPTED } });
    deps.bus.emit('update-failed', { operation: publicOperation(operation) });
    return;
  }

  // The old container is removed only once the new one was accepted: finish forward.
  if (!old && replacement) {
    if (operation.wasRunning !== false && !replacement.State.Running) await engine.start(replacement.Id);
    await deps.repository.advance(operation, 'succeeded', {
      status: 'succeeded',
      message: `${INTERRUPTED}; the old container was already removed: kept the new one`,
      fields: { newContainerId: replacement.Id },
    });
    deps.bus.emit('update-applied', { operation: publicOperation(operation) });
    return;
  }

  // A rollback that was under way continues; a stopped container's replacement is complete (extra
  // networks connected) only once `old-stopped` was recorded; a running one once it was started.
  const forwardPossible =
    operation.phase !== 'rollback-started' &&
    replacement !== undefined &&
    (operation.wasRunning === false ? operation.phase === 'old-stopped' : replacement.State.Running);
  if (replacement && forwardPossible) {
    const passed =
      operation.wasRunning === false ||
      (
        await runHealthGate(engine, replacement.Id, {
          windowMs: rollbackLabels(replacement.Config.Labels, deps.settings).windowMs,
          graceMs: deps.settings.graceMs,
          pollMs: deps.settings.pollMs,
        })
      ).passed;
    if (passed) {
      if (old) await engine.remove(old.Id);
      await deps.repository.advance(operation, 'succeeded', {
        status: 'succeeded',
        message: `${INTERRUPTED}; recovered forward: the new container is running`,
        fields: { newContainerId: replacement.Id },
      });
      deps.bus.emit('update-applied', { operation: publicOperation(operation) });
      return;
    }
  }
  const reason = `${INTERRUPTED}; recovered by rolling back`;
  await deps.repository.advance(operation, 'rollback-started', { message: reason });
  await restoreOldContainer(engine, operation);
  await deps.repository.advance(operation, 'rolled-back', { status: 'rolled-back', message: reason, fields: { rollbackReason: reason } });
  deps.bus.emit('update-failed', { operation: publicOperation(operation) });
}
