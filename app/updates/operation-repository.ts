import { randomUUID } from 'node:crypto';
import type { EventBus } from '../events/bus.ts';
import type { Store } from '../store/store.ts';
import type { Backup } from './backup.ts';
import { isTerminal, publicOperation, type OperationPhase, type OperationStatus, type UpdateOperation } from './operation.ts';

const MAX_AUDIT = 5000;
/** Operations kept in the store; beyond, the oldest finished ones are dropped (active ones never). */
export const MAX_OPERATIONS = 2000;

export type OperationDraft = Omit<UpdateOperation, 'id' | 'status' | 'phase' | 'createdAt' | 'updatedAt' | 'history'>;

/**
 * Operations and backups in the store. Every phase change is written to disk before the next
 * engine call, so a crash always leaves a record of how far the update went.
 */
export class OperationRepository {
  readonly #store: Store;
  readonly #bus: EventBus;
  readonly #now: () => Date;

  constructor(store: Store, bus: EventBus, now: () => Date = () => new Date()) {
    this.#store = store;
    this.#bus = bus;
    this.#now = now;
  }

  async create(draft: OperationDraft): Promise<UpdateOperation> {
    const at = this.#now().toISOString();
    const operation: UpdateOperation = {
      ...draft,
      id: randomUUID(),
      status: 'queued',
      phase: 'queued',
      createdAt: at,
      updatedAt: at,
      history: [{ phase: 'queued', at }],
    };
    this.#store.update((data) => {
      data.updateOperations.push(operation as unknown as Record<string, unknown>);
      dropOldestFinished(data.updateOperations as unknown as UpdateOperation[], MAX_OPERATIONS);
    });
    await this.#store.flush();
    this.#bus.emit('update-operation-changed', { operation: publicOperation(operation) });
    return operation;
  }

  get(id: string): UpdateOperation | undefined {
    return this.all().find((operation) => operation.id === id);
  }

  all(): UpdateOperation[] {
    return this.#store.data.updateOperations as unknown as UpdateOperation[];
  }

  /** Most recent first. */
  forIdentity(identity: string): UpdateOperation[] {
    return this.all()
      .filter((operation) => operation.identity === identity)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  active(): UpdateOperation[] {
    return this.all().filter((operation) => !isTerminal(operation));
  }

  /** Records a phase (and optionally a status and fields), persists it, then tells listeners. */
  async advance(
    operation: UpdateOperation,
    phase: OperationPhase,
    options: { status?: OperationStatus; message?: string; fields?: Partial<UpdateOperation> } = {},
  ): Promise<void> {
    const at = this.#now().toISOString();
    this.#store.update(() => {
      Object.assign(operation, options.fields ?? {});
      operation.phase = phase;
      operation.updatedAt = at;
      if (options.status) operation.status = options.status;
      operation.history.push(options.message ? { phase, at, message: options.message } : { phase, at });
    });
    if (options.status && isTerminal(operation)) this.#audit(operation, at);
    await this.#store.flush();
    this.#bus.emit('update-operation-changed', { operation: publicOperation(operation) });
  }

  /** One audit line per finished operation (no environment values: the spec stays in the backup). */
  #audit(operation: UpdateOperation, at: string): void {
    this.#store.update((data) => {
      data.audit.push({
        id: randomUUID(),
        at,
        action: operation.kind === 'rollback' ? 'container-rollback' : 'container-update',
        containerId: operation.containerId,
        containerName: operation.containerName,
        identity: operation.identity,
        status: operation.status === 'succeeded' ? 'updated' : 'failed',
        details: { operationId: operation.id, status: operation.status, fromVersion: operation.fromVersion, toVersion: operation.toVersion },
      });
      if (data.audit.length > MAX_AUDIT) data.audit.splice(0, data.audit.length - MAX_AUDIT);
    });
  }

  /** Changes fields without a new phase (e.g. the retry schedule), persists, then tells listeners. */
  async annotate(operation: UpdateOperation, fields: Partial<UpdateOperation>): Promise<void> {
    this.#store.update(() => Object.assign(operation, fields, { updatedAt: this.#now().toISOString() }));
    await this.#store.flush();
    this.#bus.emit('update-operation-changed', { operation: publicOperation(operation) });
  }

  async setFields(operation: UpdateOperation, fields: Partial<UpdateOperation>): Promise<void> {
    this.#store.update(() => Object.assign(operation, fields));
    await this.#store.flush();
  }

  // Backups ---------------------------------------------------------------------------------

  backups(): Backup[] {
    return this.#store.data.backups as unknown as Backup[];
  }

  /** Most recent first. */
  backupsFor(identity: string): Backup[] {
    return this.backups()
      .filter((backup) => backup.identity === identity)
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  }

  /** Adds a backup and keeps only the newest `keep` of that container; returns the dropped ones. */
  async addBackup(backup: Omit<Backup, 'id' | 'timestamp'>, keep: number): Promise<{ backup: Backup; dropped: Backup[] }> {
    const full: Backup = { ...backup, id: randomUUID(), timestamp: this.#now().toISOString() };
    const dropped = this.#store.update((data) => {
      data.backups.push(full as unknown as Record<string, unknown>);
      const mine = this.backupsFor(full.identity);
      const drop = new Set(mine.slice(Math.max(1, keep)).map((entry) => entry.id));
      const removed = mine.filter((entry) => drop.has(entry.id));
      data.backups = data.backups.filter((entry) => !drop.has(String(entry.id)));
      return removed;
    });
    await this.#store.flush();
    return { backup: full, dropped };
  }

  /** True when some backup still needs this image (it must not be pruned). */
  imageReferenced(imageId: string): boolean {
    return this.backups().some((backup) => backup.imageId === imageId);
  }
}

/** Keeps the list within `max` by removing the oldest terminal operations (the list is in creation order). */
export function dropOldestFinished(operations: UpdateOperation[], max: number): void {
  let excess = operations.length - max;
  for (let index = 0; excess > 0 && index < operations.length; ) {
    if (isTerminal(operations[index] as UpdateOperation)) {
      operations.splice(index, 1);
      excess--;
    } else {
      index++;
    }
  }
}
