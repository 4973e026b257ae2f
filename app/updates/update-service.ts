import { systemClock, type Clock } from '../clock/clock.ts';
import { containerIdentity, type Container } from '../core/container.ts';
import { conflict, notFound } from '../core/errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { Backup } from './backup.ts';
import { CANCELLED, UpdateExecutor } from './executor.ts';
import { OperationRepository } from './operation-repository.ts';
import { isTerminal, type UpdateOperation } from './operation.ts';
import { recoverInterrupted } from './recovery.ts';
import { RollbackRecovery } from './rollback-recovery.ts';
import { isStrandedRollback, retryRollback, type RetryTrigger } from './rollback-retry.ts';
import type { UpdateSettings } from './settings.ts';
import type { UpdateEngine } from './update-engine.ts';

export interface UpdateServiceOptions {
  readonly store: Store;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly settings: UpdateSettings;
  readonly engineFor: (watcher: string) => UpdateEngine;
  /** Time for retry schedules (a fake one in unit tests). */
  readonly clock?: Clock;
}

export interface UpdateTarget {
  readonly kind: 'update' | 'rollback';
  readonly targetImage: string;
  readonly fromVersion: string;
  readonly toVersion: string;
}

/**
 * Accepts update and rollback requests: one active operation per container (409 otherwise),
 * a global limit on how many run at once (the rest wait queued), cancellation, crash recovery.
 */
export class UpdateService {
  readonly repository: OperationRepository;
  readonly settings: UpdateSettings;
  readonly #executor: UpdateExecutor;
  readonly #logger: Logger;
  readonly #queue: string[] = [];
  readonly #running = new Map<string, Promise<void>>();
  readonly #engineFor: (watcher: string) => UpdateEngine;
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #rollbackRecovery: RollbackRecovery;
  #sweepTimer: NodeJS.Timeout | undefined;

  constructor(options: UpdateServiceOptions) {
    this.#clock = options.clock ?? systemClock;
    this.repository = new OperationRepository(options.store, options.bus, () => new Date(this.#clock.now()));
    this.settings = options.settings;
    this.#logger = options.logger;
    this.#bus = options.bus;
    this.#engineFor = options.engineFor;
    this.#executor = new UpdateExecutor({ ...options, repository: this.repository });
    this.#rollbackRecovery = new RollbackRecovery({
      repository: this.repository,
      bus: options.bus,
      logger: options.logger,
      delaysMs: options.settings.rollbackRecoveryDelaysMs,
      retry: (operation, trigger) => this.retryRollback(operation.id, trigger),
      clock: this.#clock,
    });
  }

  engineFor(watcher: string): UpdateEngine {
    return this.#engineFor(watcher);
  }

  /** Brings interrupted operations to an end; call once at start, before accepting requests. */
  async recover(): Promise<number> {
    return recoverInterrupted({
      repository: this.repository,
      bus: this.#bus,
      logger: this.#logger,
      settings: this.settings,
      engineFor: this.#engineFor,
    });
  }

  /**
   * Marks operations expired that are active in the store but neither queued nor running here
   * (e.g. recovery could not reach the engine) once they made no progress for the TTL. Expiry
   * only ends the record: it sends no update-failed event and so no notification.
   */
  async expireStuck(now: number = Date.now()): Promise<number> {
    let expired = 0;
    for (const operation of this.repository.active()) {
      if (this.#running.has(operation.id) || this.#queue.includes(operation.id)) continue;
      if (now - Date.parse(operation.updatedAt) < this.settings.operationTtlMs) continue;
      const minutes = Math.round(this.settings.operationTtlMs / 60_000);
      await this.repository.advance(operation, 'expired', {
        status: 'expired',
        message: `No progress for ${minutes} min and not running: marked expired; check the container by hand`,
      });
      this.#logger.warn({ operation: operation.id, container: operation.containerName }, 'update operation expired');
      expired++;
    }
    return expired;
  }

  startExpirySweep(intervalMs = 60_000): void {
    if (this.#sweepTimer) return;
    this.#sweepTimer = setInterval(() => {
      this.expireStuck().catch((error: unknown) => this.#logger.error({ err: error }, 'operation expiry sweep failed'));
    }, intervalMs);
    this.#sweepTimer.unref();
  }

  stopExpirySweep(): void {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
  }

  /**
   * Retries failed rollbacks: once now (call after recover()), then on the backoff schedule.
   * Resolves when the retries at start are done.
   */
  startRollbackRecovery(): Promise<void> {
    return this.#rollbackRecovery.start();
  }

  stopRollbackRecovery(): void {
    this.#rollbackRecovery.stop();
  }

  /** The background retry work started so far (tests). */
  rollbackRecoverySettled(): Promise<void> {
    return this.#rollbackRecovery.settled();
  }

  /**
   * The failed rollback this container is stranded by, if any: the container as the store knows
   * it may be the old one (by id, or under its temporary name), the broken new one, or any
   * container now under the original name.
   */
  strandedRollbackFor(container: Container): UpdateOperation | undefined {
    const all = this.repository.all();
    const identity = containerIdentity(container);
    return all
      .filter((operation) => isStrandedRollback(operation, all))
      .filter(
        (operation) =>
          operation.containerId === container.id ||
          operation.newContainerId === container.id ||
          operation.identity === identity ||
          (operation.watcher === container.watcher && operation.temporaryName === container.name),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  }

  /**
   * One more try at a failed rollback (by the schedule, at start or by hand). 409 when it is not a
   * failed rollback any more, or another operation holds the container right now.
   */
  async retryRollback(id: string, trigger: RetryTrigger): Promise<UpdateOperation> {
    const operation = this.repository.get(id);
    if (!operation) throw notFound('Operation', id);
    if (this.#running.has(id)) throw conflict('UPDATE_IN_PROGRESS', 'This rollback is being retried right now', { operationId: id });
    if (!isStrandedRollback(operation, this.repository.all())) {
      throw conflict('ROLLBACK_NOT_RETRYABLE', `Only a failed rollback can be retried; this operation is ${operation.status} (${operation.phase})`, { operationId: id });
    }
    const other = this.repository.active().find((entry) => entry.identity === operation.identity && entry.id !== id);
    if (other) throw conflict('UPDATE_IN_PROGRESS', `An operation is already ${other.status} for this container`, { operationId: other.id });
    const run = retryRollback(
      {
        repository: this.repository,
        logger: this.#logger,
        engineFor: this.#engineFor,
        delaysMs: this.settings.rollbackRecoveryDelaysMs,
        now: () => this.#clock.now(),
      },
      operation,
      trigger,
    ).finally(() => this.#running.delete(id));
    this.#running.set(id, run.then(() => undefined, () => undefined));
    return run;
  }

  activeFor(container: Container): UpdateOperation | undefined {
    const identity = containerIdentity(container);
    return this.repository.active().find((operation) => operation.identity === identity);
  }

  /**
   * Queues an operation; 409 when the container already has one queued or running, when it is
   * an update's temporary container, or (for an update) when a failed rollback left it down:
   * a new update would replace that record and stop its retries, so the rollback comes first.
   * The web UI mirrors these rules (ui/src/lib/update-blocker.ts).
   */
  async enqueue(container: Container, target: UpdateTarget): Promise<UpdateOperation> {
    const active = this.activeFor(container);
    if (active) {
      throw conflict('UPDATE_IN_PROGRESS', `An operation is already ${active.status} for this container`, { operationId: active.id });
    }
    if (/-dd-old-[0-9a-f]{8}$/.test(container.name)) {
      throw conflict('TEMPORARY_CONTAINER', 'This is the temporary container of an update in progress');
    }
    const stranded = target.kind === 'update' ? this.strandedRollbackFor(container) : undefined;
    if (stranded) {
      throw conflict('ROLLBACK_RETRY_REQUIRED', 'The rollback of the last update failed and the service may be down: retry the rollback first (POST /api/v1/containers/{id}/rollback)', {
        operationId: stranded.id,
      });
    }
    const operation = await this.repository.create({
      kind: target.kind,
      watcher: container.watcher,
      identity: containerIdentity(container),
      containerName: container.name,
      containerId: container.id,
      triggerName: this.settings.triggerName,
      fromVersion: target.fromVersion,
      toVersion: target.toVersion,
      currentImage: container.image.id,
      targetImage: target.targetImage,
    });
    this.#queue.push(operation.id);
    this.#pump();
    return operation;
  }

  /** 200-style result for a queued operation (now failed), 202-style for a running one, 409 when over. */
  async cancel(id: string): Promise<{ operation: UpdateOperation; immediate: boolean }> {
    const operation = this.repository.get(id);
    if (!operation) throw notFound('Operation', id);
    if (isTerminal(operation)) throw conflict('OPERATION_NOT_ACTIVE', 'Operation is not active', { status: operation.status });
    if (operation.status === 'queued') {
      const index = this.#queue.indexOf(id);
      if (index >= 0) this.#queue.splice(index, 1);
      await this.repository.advance(operation, 'failed', { status: 'failed', message: CANCELLED, fields: { lastError: CANCELLED } });
      return { operation, immediate: true };
    }
    await this.repository.setFields(operation, { cancelRequested: true });
    return { operation, immediate: false };
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#queue.length > 0) {
      await Promise.all([...this.#running.values()]);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Resolves once the operation is terminal. */
  async whenDone(id: string): Promise<void> {
    for (;;) {
      const operation = this.repository.get(id);
      if (!operation || isTerminal(operation)) return;
      const running = this.#running.get(id);
      if (running) await running;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  latestBackup(identity: string, backupId?: string): Backup {
    const backups = this.repository.backupsFor(identity);
    const backup = backupId ? backups.find((entry) => entry.id === backupId) : backups[0];
    if (!backup) throw notFound('Backup', backupId);
    return backup;
  }

  #pump(): void {
    while (this.#running.size < this.settings.concurrency && this.#queue.length > 0) {
      const id = this.#queue.shift() as string;
      const operation = this.repository.get(id);
      if (!operation || operation.status !== 'queued') continue;
      const run = this.#executor
        .run(operation)
        .catch((error: unknown) => this.#logger.error({ err: error, operation: id }, 'update operation crashed'))
        .finally(() => {
          this.#running.delete(id);
          this.#pump();
        });
      this.#running.set(id, run);
    }
  }
}
