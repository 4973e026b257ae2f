import { maskedLabels } from '../core/secrets.ts';
import { CURRENT_SCHEMA_VERSION, emptyStore, type StoreData } from './schema.ts';
import { StoreFileError } from './atomic-json-file.ts';

/** Migration from version N-1 to N is at index N. Version 0 is any file written before versioning. */
const migrations: Record<number, (data: Record<string, unknown>) => Record<string, unknown>> = {
  1: (data) => ({ ...emptyStore(), ...data, schemaVersion: 1 }),
  // Labels became masked like the environment: older files hold their secret values in the clear.
  2: (data) => ({ ...data, containers: Array.isArray(data.containers) ? data.containers.map(withMaskedLabels) : data.containers, schemaVersion: 2 }),
  // Web UI sessions moved from memory into the store (they survive a restart); none existed on disk before.
  3: (data) => ({ ...data, sessions: {}, schemaVersion: 3 }),
};

function withMaskedLabels(container: unknown): unknown {
  if (container === null || typeof container !== 'object') return container;
  const labels = (container as { labels?: unknown }).labels;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return container;
  const strings = Object.fromEntries(Object.entries(labels).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
  return { ...container, labels: maskedLabels(strings) };
}

/** Brings a loaded file up to the current schema; refuses files from a newer dockdeck. */
export function migrate(loaded: unknown): { data: StoreData; migrated: boolean } {
  if (loaded === null || typeof loaded !== 'object' || Array.isArray(loaded)) {
    throw new StoreFileError('store file does not hold a JSON object; it was left untouched');
  }
  let data = loaded as Record<string, unknown>;
  const version = typeof data.schemaVersion === 'number' ? data.schemaVersion : 0;
  if (version > CURRENT_SCHEMA_VERSION) {
    throw new StoreFileError(
      `store schema version ${version} is newer than this dockdeck supports (${CURRENT_SCHEMA_VERSION}); upgrade dockdeck`,
    );
  }
  for (let next = version + 1; next <= CURRENT_SCHEMA_VERSION; next++) {
    const step = migrations[next];
    if (!step) throw new StoreFileError(`no migration to schema version ${next}`);
    data = step(data);
  }
  assertShape(data);
  return { data: data as unknown as StoreData, migrated: version !== CURRENT_SCHEMA_VERSION };
}

function assertShape(data: Record<string, unknown>): void {
  const arrays = ['containers', 'updateOperations', 'backups', 'audit'];
  for (const key of arrays) {
    if (!Array.isArray(data[key])) throw new StoreFileError(`store file is damaged: '${key}' is not a list`);
  }
  for (const key of ['policies', 'notifications', 'settings', 'sessions']) {
    const value = data[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new StoreFileError(`store file is damaged: '${key}' is not an object`);
    }
  }
}
