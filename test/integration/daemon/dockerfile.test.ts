import { statSync } from 'node:fs';
import { DOCKER, docker, exec } from '../../bench/exec.ts';
import { RUN_LABEL, uniqueName } from '../../bench/images.ts';
import { waitFor } from '../../bench/registry-server.ts';

/**
 * Issue 2: the Dockerfile is built for real on the local engine and the image run as a user would:
 * socket mounted, store in a volume, non-root, HEALTHCHECK, graceful stop. No base image can be
 * pulled here, so scripts/node-base-image.sh makes a local node:24-bookworm-slim stand-in.
 */
const runId = process.env.DD_TEST_RUN_ID ?? 'manual';
const NODE_IMAGE = 'dockdeck-test/node:24-bookworm-slim';
const BUILD_TIMEOUT_MS = 15 * 60_000;

describe('the Dockerfile', () => {
  const tag = `dockdeck-test/dockdeck:${runId}`;
  const name = uniqueName('dd-image');
  const volume = uniqueName('dd-image-store');
  const scope = `dockdeck.test-scope=${uniqueName('image')}`;
  let url = '';

  beforeAll(async () => {
    await exec('bash', ['scripts/node-base-image.sh', NODE_IMAGE]);
    await exec(DOCKER, ['build', '--force-rm', '--build-arg', `NODE_IMAGE=${NODE_IMAGE}`, '--label', `${RUN_LABEL}=${runId}`, '-t', tag, '.']);
    await docker('volume', 'create', '--label', `${RUN_LABEL}=${runId}`, volume);
    const socketGroup = String(statSync('/var/run/docker.sock').gid);
    await docker(
      'run', '-d', '--name', name, '--label', `${RUN_LABEL}=${runId}`,
      '--group-add', socketGroup,
      '-v', '/var/run/docker.sock:/var/run/docker.sock',
      '-v', `${volume}:/store`,
      '-p', '127.0.0.1::3000',
      // The image's own HEALTHCHECK command, polled faster than its 30 s so the test need not wait.
      '--health-interval', '2s', '--health-start-period', '1s',
      // Shared engine: this daemon sees only containers of its own scope (none), so it touches nothing.
      '-e', `DD_WATCHER_LOCAL_LABELFILTER=${scope}`,
      tag,
    );
    const published = (await docker('port', name, '3000/tcp')).split('\n')[0]!;
    url = `http://${published}`;
    await waitFor(async () => {
      try {
        return (await fetch(`${url}/health`)).ok;
      } catch {
        return false;
      }
    }, 60_000, 'the daemon in the image to answer /health');
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await docker('rm', '-f', '-v', name).catch(() => '');
    await docker('volume', 'rm', '-f', volume).catch(() => '');
    await docker('rmi', '-f', tag).catch(() => '');
  });

  it('runs Node 24 as a non-root user and answers with the real engine through the mounted socket', async () => {
    expect(await docker('exec', name, 'node', '--version')).toMatch(/^v24\./);
    expect(await docker('exec', name, 'id', '-un')).toBe('dockdeck');
    expect(await docker('exec', name, 'id', '-u')).not.toBe('0');
    const version = (await (await fetch(`${url}/api/v1/system/version`)).json()) as { Version: string };
    expect(version.Version).toBe(await docker('version', '--format', '{{.Server.Version}}'));
    const app = (await (await fetch(`${url}/api/v1/app`)).json()) as { name: string };
    expect(app.name).toBe('dockdeck');
    // The web UI was built into the image.
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
  });

  it('turns healthy through its own HEALTHCHECK', async () => {
    let status = '';
    await waitFor(async () => {
      status = await docker('inspect', '-f', '{{.State.Health.Status}}', name);
      return status === 'healthy' || status === 'unhealthy';
    }, 60_000, 'a health verdict');
    expect(status).toBe('healthy');
  });

  it('keeps its store in the /store volume (mode 0600) and stops gracefully on docker stop', async () => {
    await waitFor(async () => (await docker('exec', name, 'ls', '/store')).split('\n').includes('dd.json'), 30_000, 'dd.json in /store');
    expect(await docker('exec', name, 'stat', '-c', '%a %U', '/store/dd.json')).toBe('600 dockdeck');
    await docker('stop', '-t', '25', name);
    const state = JSON.parse(await docker('inspect', '-f', '{{json .State}}', name)) as { ExitCode: number; OOMKilled: boolean };
    // SIGTERM reached the daemon as PID 1 and it shut down on its own, not by SIGKILL (137).
    expect(state.ExitCode).toBe(0);
    expect(await docker('logs', name)).toMatch(/INFO  stopped/);
    // The store survives in the volume for the next container.
    const listing = await docker('run', '--rm', '-v', `${volume}:/store`, '--entrypoint', 'cat', tag, '/store/dd.json');
    expect(JSON.parse(listing)).toHaveProperty('schemaVersion');
  });
});
