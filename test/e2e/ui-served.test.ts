import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { spawn } from 'node:child_process';
import { NODE_BIN, startDaemon, type RunningDaemon } from '../bench/daemon.ts';
import { launchBrowser } from './browser.ts';
import { ensureUiBuilt } from './ui-build.ts';

/** The UI as served by the daemon: caching headers, SPA fallback, readable errors, empty state. */
let daemon: RunningDaemon;
let browser: Browser;
const daemonEnv = { DD_WATCHER_LOCAL_SOCKET: '/tmp/dockdeck-no-such-engine.sock', DD_LOG_LEVEL: 'warn' };

beforeAll(async () => {
  ensureUiBuilt();
  // A watcher on a socket that does not exist: the daemon runs, but no engine answers.
  daemon = await startDaemon(daemonEnv);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
});

describe('the daemon serves the web UI', () => {
  it('serves index.html without caching, hashed assets as immutable, and never shadows the API', async () => {
    const index = await fetch(`${daemon.url}/`, { headers: { accept: 'text/html' } });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /\/assets\/[\w.-]+\.js/.exec(html)?.[0];
    expect(asset).toBeDefined();
    const js = await fetch(`${daemon.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const deepLink = await fetch(`${daemon.url}/containers/abc`, { headers: { accept: 'text/html' } });
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toBe(html);

    const api = await fetch(`${daemon.url}/api/v1/no-such-route`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    const missingAsset = await fetch(`${daemon.url}/assets/missing.js`, { headers: { accept: 'text/html' } });
    expect(missingAsset.status).toBe(404);
    const health = await fetch(`${daemon.url}/health`, { headers: { accept: 'text/html' } });
    expect(health.headers.get('content-type')).toContain('application/json');
    const noHtml = await fetch(`${daemon.url}/some/page`);
    expect(noHtml.status).toBe(404);
  });

  it('loads the dashboard with its empty state and shows API errors as readable messages', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${daemon.url}/`);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await page.getByTestId('empty-state').filter({ hasText: 'No containers yet' }).waitFor();
      expect(await page.getByTestId('count-watched').textContent()).toBe('0');
      // The engine that cannot be reached is said plainly, not hidden behind an empty list.
      const engineError = page.getByTestId('watcher-error');
      await engineError.waitFor();
      expect(await engineError.textContent()).toMatch(/Watcher local has a problem.*unavailable/);

      await page.goto(`${daemon.url}/containers/does-not-exist`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('Could not load this container');
      expect(await alert.textContent()).toMatch(/not found/i);
      expect(await alert.textContent()).not.toContain('{');

      await page.goto(`${daemon.url}/operations`);
      await page.getByTestId('empty-state').filter({ hasText: 'No operations' }).waitFor();
    } finally {
      await page.close();
    }
  });

  it('reconnects its event stream after the daemon restarts', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${daemon.url}/containers`);
      const indicator = page.getByRole('status').filter({ hasText: /Live|Connecting|Reconnecting/ });
      await indicator.filter({ hasText: 'Live' }).waitFor();
      const { port, storePath } = daemon;
      await daemon.stop();
      await indicator.filter({ hasText: 'Reconnecting…' }).waitFor({ timeout: 30_000 });
      // After the reconnect the UI refetches what it shows (its events may have been missed).
      const refetched = page.waitForResponse((r) => r.url().includes('/api/v1/containers?') && r.status() === 200, { timeout: 60_000 });
      // The same address and store, as after a restart (startDaemon picks a new port, so spawn here).
      const restarted = spawn(NODE_BIN, ['--disable-warning=ExperimentalWarning', 'app/main.ts'], {
        env: { PATH: process.env.PATH ?? '', DD_SERVER_PORT: String(port), DD_SERVER_ADDRESS: '127.0.0.1', DD_STORE_PATH: storePath, ...daemonEnv },
        stdio: 'ignore',
      });
      try {
        await indicator.filter({ hasText: 'Live' }).waitFor({ timeout: 60_000 });
        await refetched;
      } finally {
        const exited = new Promise((resolve) => restarted.once('exit', resolve));
        restarted.kill('SIGTERM');
        await exited;
      }
    } finally {
      await page.close();
    }
  }, 120_000);
});
