import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

export class StoreFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreFileError';
  }
}

/**
 * lowdb adapter whose writes are atomic: temp file in the same folder, fsync, rename, fsync of
 * the folder. A crash at any instant leaves the old file or the new one, never a torn one.
 * A file that cannot be parsed is an error, never silently replaced by defaults.
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  readonly path: string;
  #sequence = 0;

  constructor(path: string) {
    this.path = path;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StoreFileError(`cannot read store file ${this.path}: ${(error as Error).message}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new StoreFileError(
        `store file ${this.path} is not valid JSON (${(error as Error).message}); it was left untouched — restore it from a backup or move it away`,
      );
    }
  }

  async write(data: T): Promise<void> {
    const text = JSON.stringify(data);
    const temp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.${++this.#sequence}.tmp`);
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncFolder(dirname(this.path));
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
