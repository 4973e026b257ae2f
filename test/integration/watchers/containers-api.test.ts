import { WatchService } from '../../../app/scheduler/watch-service.ts';
import { RegistryError } from '../../../app/registries/types.ts';
import { FakeChecker, FakeEngine, silentLogger } from '../../../app/watchers/testing/fakes.ts';
import { getJson, startApi, type ApiHarness } from './api-harness.ts';

/**
 * The containers and watchers API over HTTP, with a fake engine and checker behind the real
 * router, store and validation (the real engine and registry are in watch-real-engine.test.ts).
 */
const REG = '127.0.0.1:5999';
const noCron = { schedule: () => ({ stop: () => undefined, nextRun: () => null }) };

describe('containers API (fake engine)', () => {
  let api: ApiHarness;
  const engine = new FakeEngine();
  const checker = new FakeChecker();

  beforeAll(async () => {
    for (let i = 0; i < 7; i++) engine.add({ id: `id${i}`, name: `app${i}`, image: `${REG}/app${i}:1.0.0` });
    engine.add({ id: 'idoff', name: 'zz-off', image: `${REG}/off:1.0.0`, labels: { 'dd.watch': 'false' } });
    checker.answers.set(`${REG}/app0:1.0.0`, { result: { tag: '2.0.0' }, updateKind: { kind: 'major', localValue: '1.0.0', remoteValue: '2.0.0' } });
    checker.answers.set(`${REG}/app1:1.0.0`, { result: { tag: '1.1.0' }, updateKind: { kind: 'minor', localValue: '1.0.0', remoteValue: '1.1.0' } });
    checker.answers.set(`${REG}/app2:1.0.0`, new RegistryError('REGISTRY_AUTH', 'authentication required'));
    api = await startApi({
      env: { DD_WATCHER_LOCAL_SOCKET: '/fake.sock', DD_SERVER_FEATURE_DELETE: 'true' },
      watch: ({ store, bus, config }) =>
        new WatchService({
          watchers: config.watchers,
          engines: new Map([['local', engine]]),
          checker,
          store,
          bus,
          logger: silentLogger,
          concurrency: 4,
          cron: noCron,
        }),
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('POST /containers/watch runs a cycle and answers the seed envelope', async () => {
    const { status, body } = await getJson(`${api.url}/api/v1/containers/watch`, { method: 'POST' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 8, limit: 0, offset: 0, hasMore: false });
    expect(body.data).toHaveLength(8);
    const app0 = body.data.find((c: { name: string }) => c.name === 'app0');
    expect(app0).toMatchObject({ watcher: 'local', result: { tag: '2.0.0' }, updateAvailable: true, updateKind: { kind: 'major' } });
  });

  it('GET /containers pages, filters and sorts', async () => {
    const page = await getJson(`${api.url}/api/v1/containers?limit=3&offset=0`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 8, limit: 3, offset: 0, hasMore: true });
    expect(page.body.data.map((c: { name: string }) => c.name)).toEqual(['app0', 'app1', 'app2']);
    const desc = await getJson(`${api.url}/api/v1/containers?sort=-name&limit=1`);
    expect(desc.body.data[0].name).toBe('zz-off');
    const updates = await getJson(`${api.url}/api/v1/containers?status=update-available`);
    expect(updates.body.data.map((c: { name: string }) => c.name)).toEqual(['app0', 'app1']);
    const minor = await getJson(`${api.url}/api/v1/containers?kind=minor`);
    expect(minor.body.data.map((c: { name: string }) => c.name)).toEqual(['app1']);
    const unwatched = await getJson(`${api.url}/api/v1/containers?kind=unwatched`);
    expect(unwatched.body.total).toBe(1);
    const upToDate = await getJson(`${api.url}/api/v1/containers?status=up-to-date`);
    // app2 failed: never up to date.
    expect(upToDate.body.data.map((c: { name: string }) => c.name)).toEqual(['app3', 'app4', 'app5', 'app6']);
    const hot = await getJson(`${api.url}/api/v1/containers?maturity=hot`);
    expect(hot.body.total).toBe(2);
    const byIds = await getJson(`${api.url}/api/v1/containers?containerIds=id5,id1,unknown`);
    expect(byIds.body.data.map((c: { id: string }) => c.id)).toEqual(['id1', 'id5']);
    const other = await getJson(`${api.url}/api/v1/containers?watcher=other`);
    expect(other.body).toMatchObject({ total: 0, data: [] });
  });

  it.each([
    ['limit=abc', 'limit'],
    ['limit=201', 'limit'],
    ['limit=-1', 'limit'],
    ['offset=-5', 'offset'],
    ['sort=size', 'sort'],
    ['order=up', 'order'],
    ['status=sleeping', 'status'],
    ['kind=huge', 'kind'],
    ['maturity=old', 'maturity'],
  ])('GET /containers?%s is a 400 naming %s', async (query, parameter) => {
    const { status, body } = await getJson(`${api.url}/api/v1/containers?${query}`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'INVALID_QUERY', parameter });
    expect(body.error).toContain(`'${parameter}'`);
  });

  it('GET /containers/summary counts kinds and unknown', async () => {
    const { status, body } = await getJson(`${api.url}/api/v1/containers/summary`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      containers: { total: 8, running: 8, stopped: 0 },
      security: { issues: 0 },
      hotUpdates: 2,
      updates: { total: 2, major: 1, minor: 1, patch: 0, digest: 0 },
      unknown: 1,
    });
  });

  it('GET /containers/:id and POST /containers/:id/watch', async () => {
    const one = await getJson(`${api.url}/api/v1/containers/id2`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: 'id2', checkStatus: 'unknown', error: { code: 'REGISTRY_AUTH', message: 'authentication required' } });
    expect((await getJson(`${api.url}/api/v1/containers/nope`)).status).toBe(404);

    checker.answers.set(`${REG}/app2:1.0.0`, { result: { tag: '1.0.1' }, updateKind: { kind: 'patch', localValue: '1.0.0', remoteValue: '1.0.1' } });
    const watched = await getJson(`${api.url}/api/v1/containers/id2/watch`, { method: 'POST' });
    expect(watched.status).toBe(200);
    expect(watched.body).toMatchObject({ id: 'id2', checkStatus: 'ok', updateKind: { kind: 'patch' } });
    expect(watched.body.error).toBeUndefined();
    expect((await getJson(`${api.url}/api/v1/containers/nope/watch`, { method: 'POST' })).status).toBe(404);
  });

  it('DELETE /containers/:id needs the confirmation header, then removes from the store only', async () => {
    const missing = await getJson(`${api.url}/api/v1/containers/id6`, { method: 'DELETE' });
    expect(missing.status).toBe(428);
    expect(missing.body).toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    const removed: string[] = [];
    api.bus.on('container-removed', ({ container }) => removed.push(container.id));
    const ok = await fetch(`${api.url}/api/v1/containers/id6`, { method: 'DELETE', headers: { 'X-DD-Confirm-Action': 'container-delete' } });
    expect(ok.status).toBe(204);
    expect(removed).toEqual(['id6']);
    expect((await getJson(`${api.url}/api/v1/containers/id6`)).status).toBe(404);
    expect(engine.containers.has('id6')).toBe(true);
    const again = await fetch(`${api.url}/api/v1/containers/id6`, { method: 'DELETE', headers: { 'X-DD-Confirm-Action': 'container-delete' } });
    expect(again.status).toBe(404);
  });

  it('GET /watchers describes each watcher without credentials', async () => {
    const { status, body } = await getJson(`${api.url}/api/v1/watchers`);
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    expect(body.data[0]).toMatchObject({ name: 'local', endpoint: 'unix:///fake.sock', cron: '0 */6 * * *', status: 'idle', lastRun: { errors: 1 } });
  });

  it('the OpenAPI document lists the routes', async () => {
    const { body } = await getJson(`${api.url}/api/v1/openapi.json`);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/containers', '/api/v1/containers/summary', '/api/v1/containers/watch', '/api/v1/containers/{id}', '/api/v1/containers/{id}/watch', '/api/v1/watchers']),
    );
    const parameters = body.paths['/api/v1/containers'].get.parameters.map((p: { name: string }) => p.name);
    expect(parameters).toEqual(expect.arrayContaining(['limit', 'offset', 'sort', 'order', 'status', 'kind', 'watcher', 'maturity', 'containerIds']));
  });
});

describe('containers API with deletion disabled', () => {
  it('answers 403', async () => {
    const api = await startApi({ env: { DD_SERVER_FEATURE_DELETE: 'false' }, watch: () => undefined });
    try {
      api.store.update((data) => {
        data.containers.push({ id: 'x1' } as never);
      });
      const response = await getJson(`${api.url}/api/v1/containers/x1`, { method: 'DELETE', headers: { 'X-DD-Confirm-Action': 'container-delete' } });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FEATURE_DISABLED');
      // Without the watch service, watching answers 503 and listing still reads the store.
      expect((await getJson(`${api.url}/api/v1/containers/watch`, { method: 'POST' })).status).toBe(503);
      expect((await getJson(`${api.url}/api/v1/containers`)).body.total).toBe(1);
    } finally {
      await api.close();
    }
  });
});
