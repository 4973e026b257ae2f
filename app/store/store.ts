import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { AtomicJsonFile } from './atomic-json-file.ts';
import { migrate } from './migrations.ts';
import { emptyStore, type StoreData } from './schema.ts';

export const STORE_FILE_NAME = 'dd.json';

/**
 * The JSON store. Reads are synchronous views of memory; `update` mutates and schedules a write.
 * Writes are coalesced: a burst of updates becomes one write, and at most one write is in flight.
 */
export class Store {
  readonly #db: Low<StoreData>;
  #dirty = false;
  #writing: Promise<void> | null = null;
  #scheduled: NodeJS.Immediate | null = null;
  #lastError: Error | null = null;
  #writeCount = 0;

  private constructor(db: Low<StoreData>) {
    this.#db = db;
  }

  /** Opens (creating the folder and file if absent); a corrupt file throws and is left untouched. */
  static async open(folder: string): Promise<Store> {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const adapter = new AtomicJsonFile<StoreData>(join(folder, STORE_FILE_NAME));
    const db = new Low<StoreData>(adapter, emptyStore());
    const loaded = await adapter.read();
    const store = new Store(db);
    if (loaded === null) {
      db.data = emptyStore();
      store.#dirty = true;
    } else {
      const { data, migrated } = migrate(loaded);
      db.data = data;
      store.#dirty = migrated;
    }
    await store.flush();
    return store;
  }

  get data(): Readonly<StoreData> {
    return this.#db.data;
  }

  /** Number of file writes so far (for tests and metrics). */
  get writeCount(): number {
    return this.#writeCount;
  }

  /** Mutates the data and schedules one coalesced write. */
  update<R>(mutate: (data: StoreData) => R): R {
    const result = mutate(this.#db.data);
    this.#dirty = true;
    this.#schedule();
    return result;
  }

  /** Resolves when every change made so far is on disk; rejects if the last write failed. */
  async flush(): Promise<void> {
    if (this.#scheduled) {
      clearImmediate(this.#scheduled);
      this.#scheduled = null;
    }
    // Loop: another caller may start a write while we wait; we return only once nothing of ours
    // is unwritten. One write at a time, so renames never land out of order.
    while (this.#writing || this.#dirty) {
      if (this.#writing) await this.#writing;
      else await this.#writeNow();
      if (this.#lastError) throw this.#lastError;
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#writing) return;
    this.#scheduled = setImmediate(() => {
      this.#scheduled = null;
      if (!this.#writing && this.#dirty) void this.#writeNow();
    });
  }

  #writeNow(): Promise<void> {
    this.#dirty = false;
    this.#writing = this.#db
      .write()
      .then(() => {
        this.#writeCount++;
        this.#lastError = null;
      })
      .catch((error: Error) => {
        // Keep the changes marked dirty so the next flush retries them.
        this.#dirty = true;
        this.#lastError = error;
      })
      .finally(() => {
        this.#writing = null;
        if (this.#dirty && !this.#lastError) this.#schedule();
      });
    return this.#writing;
  }
}
