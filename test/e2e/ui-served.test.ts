import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { startDaemon, type RunningDaemon } from '../bench/daemon.ts';
import { launchBrowser } from './browser.ts';
import { ensureUiBuilt } from './ui-build.ts';

/** The UI as served by the daemon: caching headers, SPA fallback, readable errors, empty state. */
let daemon: RunningDaemon;
let browser: Browser;

beforeAll(async () => {
  ensureUiBuilt();
  // A watcher on a socket that does not exist: the daemon runs, but no engine answers.
  daemon = await startDaemon({ DD_WATCHER_LOCAL_SOCKET: '/tmp/dockdeck-no-such-engine.sock', DD_LOG_LEVEL: 'warn' });
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
});
