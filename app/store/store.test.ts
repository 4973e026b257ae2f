import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreFileError } from './atomic-json-file.ts';
import { CURRENT_SCHEMA_VERSION, emptyStore } from './schema.ts';
import { Store } from './store.ts';

describe('Store', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dd-store-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('creates an empty versioned store with mode 0600', async () => {
    await Store.open(folder);
    const file = join(folder, 'dd.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ schemaVersion: CURRENT_SCHEMA_VERSION, containers: [] });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('coalesces a burst of updates into one write and persists them', async () => {
    const store = await Store.open(folder);
    const before = store.writeCount;
    for (let i = 0; i < 500; i++) store.update((data) => (data.settings.counter = i));
    await store.flush();
    expect(store.writeCount - before).toBe(1);
    const reopened = await Store.open(folder);
    expect(reopened.data.settings.counter).toBe(499);
  });

  it('resolves every overlapping flush only once its own change is on disk', async () => {
    const store = await Store.open(folder);
    const flushes: Promise<void>[] = [];
    for (let i = 1; i <= 20; i++) {
      store.update((data) => (data.settings.counter = i));
      flushes.push(
        store.flush().then(async () => {
          const onDisk = JSON.parse(readFileSync(join(folder, 'dd.json'), 'utf8')) as { settings: { counter: number } };
          expect(onDisk.settings.counter).toBeGreaterThanOrEqual(i);
        }),
      );
    }
    await Promise.all(flushes);
    expect((await Store.open(folder)).data.settings.counter).toBe(20);
  });

  it('refuses a corrupt file and leaves it untouched', async () => {
    const file = join(folder, 'dd.json');
    writeFileSync(file, '{"schemaVersion":1,"containers":[');
    await expect(Store.open(folder)).rejects.toThrow(StoreFileError);
    await expect(Store.open(folder)).rejects.toThrow(/not valid JSON.*left untouched/);
    expect(readFileSync(file, 'utf8')).toBe('{"schemaVersion":1,"containers":[');
  });

  it('refuses a damaged shape and a newer schema version', async () => {
    const file = join(folder, 'dd.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 1, containers: 'nope' }));
    await expect(Store.open(folder)).rejects.toThrow(/'containers' is not a list/);
    writeFileSync(file, JSON.stringify({ schemaVersion: 99 }));
    await expect(Store.open(folder)).rejects.toThrow(/newer than this dockdeck supports/);
  });

  it('migrates an unversioned file, keeping its data', async () => {
    writeFileSync(join(folder, 'dd.json'), JSON.stringify({ audit: [{ id: 'a', at: 'x', action: 'kept' }] }));
    const store = await Store.open(folder);
    expect(store.data.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(store.data.audit).toEqual([{ id: 'a', at: 'x', action: 'kept' }]);
    expect(store.data.updateOperations).toEqual([]);
  });

  it('masks the secret labels an older version stored, keeping everything else', async () => {
    const container = { id: 'c1', name: 'web', watcher: 'local', env: [{ key: 'TZ', value: 'UTC', sensitive: false }], labels: { team: 'a', 'x.basicauth.users': 'admin:$apr1$a$b', 'dd.group': 'g' } };
    writeFileSync(join(folder, 'dd.json'), JSON.stringify({ ...emptyStore(), schemaVersion: 1, containers: [container, { id: 'odd', labels: null }] }));
    const store = await Store.open(folder);
    expect(store.data.containers).toEqual([{ ...container, labels: { team: 'a', 'x.basicauth.users': '***', 'dd.group': 'g' } }, { id: 'odd', labels: null }]);
    await store.flush();
    expect(readFileSync(join(folder, 'dd.json'), 'utf8')).not.toContain('apr1');
  });

  it('adds the empty sessions collection to a version 2 file, keeping everything else', async () => {
    const { sessions: _none, ...version2 } = { ...emptyStore(), schemaVersion: 2, settings: { sessionSecret: 'kept' } };
    writeFileSync(join(folder, 'dd.json'), JSON.stringify(version2));
    const store = await Store.open(folder);
    expect(store.data).toMatchObject({ schemaVersion: 3, sessions: {}, settings: { sessionSecret: 'kept' } });
    expect(JSON.parse(readFileSync(join(folder, 'dd.json'), 'utf8'))).toMatchObject({ schemaVersion: 3, sessions: {} });
    // A current file whose sessions are damaged is refused, not emptied.
    writeFileSync(join(folder, 'dd.json'), JSON.stringify({ ...emptyStore(), sessions: [] }));
    await expect(Store.open(folder)).rejects.toThrow(/'sessions' is not an object/);
  });

  it('reports an unreadable file instead of replacing it', async () => {
    if (process.getuid?.() === 0) {
      // root reads anything: use a folder in place of the file instead.
      const nested = join(folder, 'dd.json');
      await import('node:fs').then((fs) => fs.mkdirSync(nested));
      await expect(Store.open(folder)).rejects.toThrow(/cannot read store file/);
      return;
    }
    const file = join(folder, 'dd.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o000);
    await expect(Store.open(folder)).rejects.toThrow(/cannot read store file/);
  });
});
