import { errorMessage } from '../core/errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import { buildCreatePlan, type ContainerInspect } from './container-spec.ts';
import { runHealthGate } from './health-gate.ts';
import type { OperationRepository } from './operation-repository.ts';
import { publicOperation, type OperationPhase, type UpdateOperation } from './operation.ts';
import { rollbackLabels, type UpdateSettings } from './settings.ts';
import { parseImageReference } from '../core/image-ref.ts';
import { engineStatus, type UpdateEngine } from './update-engine.ts';

export const CANCELLED = 'Cancelled by operator';

/** Thrown at a safe point when the operator cancelled. */
class CancelledError extends Error {}

export interface ExecutorDeps {
  readonly repository: OperationRepository;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly settings: UpdateSettings;
  readonly engineFor: (watcher: string) => UpdateEngine;
}

/** The temporary name of the old container while its replacement is tried. */
export function temporaryName(name: string, operationId: string): string {
  return `${name}-dd-old-${operationId.slice(0, 8)}`;
}

/**
 * Runs one operation phase by phase: pull, back up, rename old, create new, stop old, start new,
 * health gate, remove old. Any failure after the rename rolls back to the old container.
 */
export class UpdateExecutor {
  readonly #deps: ExecutorDeps;

  constructor(deps: ExecutorDeps) {
    this.#deps = deps;
  }

  async run(operation: UpdateOperation): Promise<void> {
    const engine = this.#deps.engineFor(operation.watcher);
    let renamed = false;
    try {
      await this.#phase(operation, 'prepare', { status: 'in-progress' });
      this.#checkCancel(operation);
      const old = await engine.inspectContainer(operation.containerId);
      if (!old) throw new Error(`Container ${operation.containerName} no longer exists`);
      const oldImage = await engine.inspectImage(old.Image);
      await this.#phase(operation, 'pulling', { message: operation.targetImage, fields: { wasRunning: old.State.Running } });
      // A rollback runs a local image, unless it was removed outside dockdeck: then it is pulled back.
      if (operation.kind === 'update' || !(await engine.inspectImage(operation.targetImage))) await engine.pull(operation.targetImage);
      const newImage = await engine.inspectImage(operation.targetImage);
      if (!newImage) throw new Error(`Image ${operation.targetImage} is not available after pull`);
      this.#checkCancel(operation);
      if (operation.kind === 'update') await this.#backup(operation, old, oldImage?.RepoDigests ?? [], newImage.Id);

      const plan = buildCreatePlan(old, oldImage?.Config ?? {}, newImage.Config, operation.targetImage);
      const wasRunning = old.State.Running;
      const tempName = temporaryName(operation.containerName, operation.id);
      await engine.rename(old.Id, tempName);
      renamed = true;
      await this.#phase(operation, 'renamed', { fields: { temporaryName: tempName, wasRunning } });

      const newId = await engine.create(plan.name, plan.body);
      await this.#phase(operation, 'new-created', { fields: { newContainerId: newId } });
      for (const network of plan.extraNetworks) await engine.connect(network, newId);

      if (wasRunning) {
        await engine.stop(old.Id, this.#deps.settings.stopTimeoutSeconds);
        await this.#phase(operation, 'old-stopped');
        this.#checkCancel(operation);
        await engine.start(newId);
        await this.#phase(operation, 'new-started');
        await this.#phase(operation, 'health-gate');
        const { windowMs, auto } = rollbackLabels(old.Config.Labels, this.#deps.settings);
        const gate = await runHealthGate(engine, newId, { windowMs, graceMs: this.#deps.settings.graceMs, pollMs: this.#deps.settings.pollMs });
        if (!gate.passed) {
          if (auto) {
            await this.#rollback(operation, gate.reason);
            return;
          }
          // Automatic rollback is off: keep the new container, the backup allows a manual rollback.
          await engine.remove(old.Id);
          await this.#finish(operation, 'failed', { status: 'failed', message: gate.reason, fields: { lastError: gate.reason } });
          return;
        }
        await this.#phase(operation, 'health-gate-passed');
      } else {
        await this.#phase(operation, 'old-stopped', { message: 'Container was not running; it stays stopped' });
      }
      await this.#completeForward(operation, engine, old.Id, old.Image);
    } catch (error) {
      const reason = error instanceof CancelledError ? CANCELLED : errorMessage(error);
      if (renamed) {
        await this.#rollback(operation, reason);
      } else {
        await this.#finish(operation, 'failed', { status: 'failed', message: reason, fields: { lastError: reason } });
      }
    }
  }

  /** Removes the old container, prunes its image if allowed, marks the operation succeeded. */
  async #completeForward(operation: UpdateOperation, engine: UpdateEngine, oldId: string, oldImageId: string): Promise<void> {
    await engine.remove(oldId);
    if (this.#deps.settings.prune && !this.#deps.repository.imageReferenced(oldImageId)) {
      await engine.removeImage(oldImageId).catch((error: unknown) => this.#deps.logger.warn({ err: error }, 'image prune failed'));
    }
    await this.#finish(operation, 'succeeded', { status: 'succeeded' });
  }

  async #backup(operation: UpdateOperation, old: ContainerInspect, repoDigests: readonly string[], targetImageId: string): Promise<void> {
    const reference = old.Config.Image;
    let imageName = reference;
    let imageTag = 'latest';
    try {
      const parsed = parseImageReference(reference);
      imageTag = parsed.tag ?? 'latest';
      imageName = reference.slice(0, reference.length - (parsed.tag ? parsed.tag.length + 1 : 0)).replace(/@.*$/, '');
    } catch {
      // A reference the engine accepted but we cannot parse: keep it whole.
    }
    const digest = repoDigests.find((entry) => entry.startsWith(`${imageName}@`))?.split('@')[1] ?? repoDigests[0]?.split('@')[1];
    const { backup, dropped } = await this.#deps.repository.addBackup(
      {
        identity: operation.identity,
        watcher: operation.watcher,
        containerId: old.Id,
        containerName: operation.containerName,
        imageName,
        imageTag,
        ...(digest ? { imageDigest: digest } : {}),
        imageId: old.Image,
        imageReference: reference,
        triggerName: operation.triggerName,
        operationId: operation.id,
        spec: old as unknown as Record<string, unknown>,
      },
      this.#deps.settings.backupCount,
    );
    await this.#deps.repository.setFields(operation, { backupId: backup.id });
    if (this.#deps.settings.prune) {
      const engine = this.#deps.engineFor(operation.watcher);
      for (const entry of dropped) {
        // An old backup may hold the very image this update is about to run: never prune that one.
        if (entry.imageId === targetImageId || this.#deps.repository.imageReferenced(entry.imageId)) continue;
        await engine.removeImage(entry.imageId).catch(() => undefined);
      }
    }
  }

  /** Puts the old container back: remove the new one, rename the old back, start it if it ran. */
  async #rollback(operation: UpdateOperation, reason: string): Promise<void> {
    const engine = this.#deps.engineFor(operation.watcher);
    await this.#phase(operation, 'rollback-started', { message: reason });
    // restoreOldContainer is idempotent, so a brief engine error gets retried rather than
    // leaving the service renamed and stopped.
    const delays = this.#deps.settings.rollbackRetryDelaysMs;
    let lastError: unknown;
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]));
      try {
        await restoreOldContainer(engine, operation);
        await this.#finish(operation, 'rolled-back', { status: 'rolled-back', message: reason, fields: { rollbackReason: reason } });
        return;
      } catch (error) {
        lastError = error;
        this.#deps.logger.warn({ operation: operation.id, attempt: attempt + 1, err: error }, 'rollback attempt failed');
        if (error instanceof OldContainerGoneError) break;
      }
    }
    const message = `Rollback failed: ${errorMessage(lastError)} (after: ${reason})`;
    await this.#finish(operation, 'rollback-failed', { status: 'failed', message, fields: { lastError: message, rollbackReason: reason } });
  }

  async #finish(
    operation: UpdateOperation,
    phase: OperationPhase,
    options: { status: UpdateOperation['status']; message?: string; fields?: Partial<UpdateOperation> },
  ): Promise<void> {
    await this.#deps.repository.advance(operation, phase, options);
    const payload = { operation: publicOperation(operation) };
    if (operation.status === 'succeeded') this.#deps.bus.emit('update-applied', payload);
    else this.#deps.bus.emit('update-failed', payload);
  }

  async #phase(operation: UpdateOperation, phase: OperationPhase, options: Parameters<OperationRepository['advance']>[2] = {}): Promise<void> {
    await this.#deps.repository.advance(operation, phase, options);
    if (this.#deps.settings.phaseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#deps.settings.phaseDelayMs));
  }

  #checkCancel(operation: UpdateOperation): void {
    if (operation.cancelRequested) throw new CancelledError(CANCELLED);
  }
}

/** The container the update replaced no longer exists: no retry can bring it back (a backup can). */
export class OldContainerGoneError extends Error {}

/**
 * Brings the old container back under its own name, whatever state the update left: our
 * replacement is removed, the old container renamed back and started when it was running before.
 * Idempotent, so a rollback can be retried. Used by rollback, crash recovery and rollback retries.
 */
export async function restoreOldContainer(engine: UpdateEngine, operation: UpdateOperation): Promise<void> {
  const old = await engine.inspectContainer(operation.containerId);
  if (!old) throw new OldContainerGoneError('The old container is gone');
  if (operation.newContainerId && operation.newContainerId !== old.Id) await engine.remove(operation.newContainerId);
  const byName = await engine.inspectContainer(operation.containerName);
  // Another container under the name is someone else's (created by hand meanwhile): it is never
  // removed. The rename below then fails and the rollback waits to be retried.
  if (byName && byName.Id !== old.Id && isOwnReplacement(byName, operation)) await engine.remove(byName.Id);
  if (old.Name.replace(/^\//, '') !== operation.containerName) {
    try {
      await engine.rename(old.Id, operation.containerName);
    } catch (error) {
      if (engineStatus(error) !== 409) throw error;
      throw new Error(`Cannot rename the old container back to ${operation.containerName}, another container has the name: ${errorMessage(error)}`, { cause: error });
    }
  }
  if (operation.wasRunning !== false) await engine.start(old.Id);
}

/** The replacement this operation created: the recorded id, or (a crash came before it was recorded) the target image. */
function isOwnReplacement(candidate: ContainerInspect, operation: UpdateOperation): boolean {
  if (operation.newContainerId) return candidate.Id === operation.newContainerId;
  return candidate.Config.Image === operation.targetImage;
}
