import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type RunningDaemon } from '../bench/daemon.ts';
import { docker } from '../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../bench/images.ts';
import { benchState } from '../bench/state.ts';
import { launchBrowser } from './browser.ts';
import { ensureUiBuilt } from './ui-build.ts';

/**
 * A person in the browser: finds the update on the dashboard, clicks Update now, watches the
 * phases, rolls back with confirmation, skips a version, and sees a bad release rolled back.
 * Real daemon process, real engine, real registry, Debian's Chromium.
 */
const { registry } = benchState();
const runLabel = `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`;
const good = `${registry.address}/${uniqueName('e2e-app')}`;
const bad = `${registry.address}/${uniqueName('e2e-bad')}`;
const appName = uniqueName('e2e-app-c');
const badName = uniqueName('e2e-bad-c');
const chattyName = uniqueName('e2e-chatty-c');
const LONG = { timeout: 90_000 };

let daemon: RunningDaemon;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureUiBuilt();
  await Promise.all([
    buildTestImage({ reference: `${good}:1.0.0` }).then(() => buildTestImage({ reference: `${good}:1.1.0` })),
    buildTestImage({ reference: `${bad}:1.0.0` }).then(() => buildTestImage({ reference: `${bad}:2.0.0`, cmd: ['/bin/sh', '-c', 'echo boom; exit 3'] })),
  ]);
  await docker('run', '-d', '--name', appName, '--label', runLabel, '--label', 'dd.watch=true', `${good}:1.0.0`);
  await docker('run', '-d', '--name', badName, '--label', runLabel, '--label', 'dd.watch=true', `${bad}:1.0.0`);
  await docker('run', '-d', '--name', chattyName, '--label', runLabel, '--label', 'dd.watch=true', `${good}:1.1.0`,
    '/bin/sh', '-c', "echo hello-from-logs; echo oops-on-stderr >&2; trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done");
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_TRIGGER_DOCKER_LOCAL_AUTO: 'false',
    DD_TRIGGER_DOCKER_LOCAL_GRACESECONDS: '1',
    DD_TRIGGER_DOCKER_LOCAL_PHASEDELAYMS: '300',
    DD_LOG_LEVEL: 'warn',
  });
  const watched = await fetch(`${daemon.url}/api/v1/containers/watch`, { method: 'POST' });
  expect(watched.status).toBe(200);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  // Update and rollback rename containers while they work: remove everything carrying our names.
  for (const name of [appName, badName, chattyName]) {
    const ids = (await docker('ps', '-aq', '--filter', `name=${name}`)).split('\n').filter(Boolean);
    if (ids.length) await docker('rm', '-f', ...ids);
  }
}, 60_000);

describe('updating from the web UI', () => {
  it('updates from the dashboard, shows the phases and the new tag, then rolls back with confirmation', async () => {
    await page.goto(`${daemon.url}/`);
    const link = page.getByTestId('dashboard-updates').getByRole('link', { name: appName });
    await link.click();
    await page.getByTestId('container-name').filter({ hasText: appName }).waitFor();
    expect(await page.getByTestId('new-tag').textContent()).toBe('1.1.0');

    await page.getByTestId('update-now').click();
    await page.locator('[data-testid=operation][data-status=succeeded]').waitFor(LONG);
    for (const phase of ['prepare', 'new-created', 'new-started', 'health-gate-passed']) {
      expect(await page.locator(`.phases [data-phase=${phase}]`).getAttribute('data-state')).toBe('done');
    }
    expect(await page.locator('.phases [data-phase=succeeded]').getAttribute('data-state')).toBe('done');
    await page.getByTestId('current-tag').filter({ hasText: /^1\.1\.0$/ }).waitFor(LONG);

    await page.getByRole('button', { name: 'Roll back to 1.0.0' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back this container?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await page.getByTestId('current-tag').filter({ hasText: /^1\.0\.0$/ }).waitFor(LONG);
  }, 150_000);

  it('skips a version and the update badge goes away', async () => {
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByTestId('new-tag').filter({ hasText: '1.1.0' }).waitFor(LONG);
    await page.getByTestId('skip-version').click();
    await page.getByTestId('update-state').filter({ hasText: 'Up to date' }).waitFor(LONG);

    await page.getByRole('link', { name: /Containers/ }).first().click();
    const row = page.locator(`tr[data-container="${appName}"]`);
    await row.waitFor();
    expect(await row.locator('.badge').count()).toBe(0);
    const badRow = page.locator(`tr[data-container="${badName}"]`);
    expect(await badRow.locator('.badge').textContent()).toBe('major');
  }, 90_000);

  it('shows a failing update as rolled back with the reason', async () => {
    await page.locator(`tr[data-container="${badName}"]`).getByRole('link', { name: badName }).click();
    await page.getByTestId('container-name').filter({ hasText: badName }).waitFor();
    await page.getByTestId('update-now').click();
    await page.locator('[data-testid=operation][data-status=rolled-back]').waitFor(LONG);
    const reason = await page.getByTestId('rollback-reason').textContent();
    expect(reason).toMatch(/^Rolled back: \S/);
    await page.getByTestId('current-tag').filter({ hasText: /^1\.0\.0$/ }).waitFor();
  }, 150_000);

  it('updates selected containers in bulk and lists every operation with its outcome', async () => {
    await page.getByRole('link', { name: /Containers/ }).first().click();
    await page.getByRole('checkbox', { name: `Select ${badName}` }).check();
    await page.getByTestId('bulk-update').click();
    await page.getByRole('status').filter({ hasText: '1 of 1 updates started' }).waitFor();

    await page.getByRole('link', { name: 'Operations' }).click();
    const rows = page.locator('tr', { hasText: badName });
    await rows.filter({ hasText: 'rolled-back' }).nth(1).waitFor(LONG);
    expect(await page.locator('tr', { hasText: appName }).filter({ hasText: 'succeeded' }).count()).toBeGreaterThanOrEqual(1);
    // Each update replaced the container: the row's link opens it as it is now, not the removed one.
    await page.locator('tr', { hasText: appName }).filter({ hasText: 'succeeded' }).last().getByRole('link', { name: appName }).click();
    await page.getByTestId('container-name').filter({ hasText: appName }).waitFor(LONG);
    expect(await page.getByText('Could not load this container').count()).toBe(0);
  }, 150_000);

  it('streams a container\'s logs live, stderr marked', async () => {
    await page.getByRole('link', { name: /Containers/ }).first().click();
    await page.locator(`tr[data-container="${chattyName}"]`).getByRole('link', { name: chattyName }).click();
    const logs = page.getByRole('log', { name: 'Container logs' });
    await logs.getByText('hello-from-logs').waitFor(LONG);
    await logs.locator('.log-err', { hasText: 'oops-on-stderr' }).waitFor();
  }, 120_000);
});
