import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type RunningDaemon } from '../bench/daemon.ts';
import { docker } from '../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../bench/images.ts';
import { waitFor } from '../bench/registry-server.ts';
import { benchState } from '../bench/state.ts';
import { launchBrowser } from './browser.ts';
import { ensureUiBuilt } from './ui-build.ts';

/**
 * A person whose update left the service down: the update is started from the container page,
 * and while the new container is in its health gate the test (as "something else on the host")
 * moves it away, kills it and puts another container under the original name. The rollback then
 * fails for real (the engine refuses the name). The container page says so, with the retries and
 * the next automatic one counting down live; the Dashboard and the Operations page point to it.
 * Retry rollback now with the obstacle still there fails with the engine's reason; once it is
 * removed, the retry restores the original container, running, under its name.
 * The watcher sees only this file's containers (a label filter); the obstacle does not carry it.
 */
const { registry } = benchState();
const runLabel = `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`;
const scopeLabel = `dockdeck.rollback-scope=${uniqueName('e2e-rbr-scope')}`;
const repository = `${registry.address}/${uniqueName('e2e-rbr')}`;
const name = uniqueName('e2e-rbr-c');
const moved = `${name}-moved`;
const LONG = { timeout: 60_000 };
const screenshots = process.env.DD_E2E_SCREENSHOTS ?? tmpdir();

let daemon: RunningDaemon;
let browser: Browser;
let page: Page;
let originalId = '';
let operationId = '';

const api = async (path: string): Promise<Record<string, any>> => (await (await fetch(`${daemon.url}${path}`)).json()) as Record<string, any>;
const inspect = async (ref: string): Promise<Record<string, any>> => (JSON.parse(await docker('inspect', ref)) as Array<Record<string, any>>)[0] as Record<string, any>;
const alert = () => page.getByTestId('rollback-alert');

/** Presses the first button of the open dialog named `title` from the keyboard (Tab from Cancel, Enter). */
async function confirmWithKeyboard(title: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement?.textContent?.trim()')).toBe('Retry rollback');
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  ensureUiBuilt();
  await buildTestImage({ reference: `${repository}:1.0.0` });
  await buildTestImage({ reference: `${repository}:1.1.0` });
  await docker('run', '-d', '--name', name, '--label', runLabel, '--label', scopeLabel, '--label', 'dd.watch=true', `${repository}:1.0.0`);
  originalId = (await inspect(name)).Id as string;
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_LABELFILTER: scopeLabel,
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_WATCHER_LOCAL_CRON: '0 */6 * * *',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_TRIGGER_DOCKER_LOCAL_AUTO: 'false',
    // Long enough for the test to act while the new container is in its health gate.
    DD_TRIGGER_DOCKER_LOCAL_GRACESECONDS: '8',
    // The first automatic retry 10 minutes after the failure: the test retries by hand before it.
    DD_TRIGGER_DOCKER_LOCAL_ROLLBACKRETRYDELAY: '600',
    DD_LOG_LEVEL: 'warn',
  });
  expect((await fetch(`${daemon.url}/api/v1/containers/watch`, { method: 'POST' })).status).toBe(200);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  // The update and the rollback rename containers: remove everything carrying the name.
  const ids = (await docker('ps', '-aq', '--filter', `name=${name}`)).split('\n').filter(Boolean);
  if (ids.length) await docker('rm', '-f', ...ids);
}, 60_000);

describe('a rollback that failed, in the web UI', () => {
  it('shows the failure on the container page, live, with the next automatic retry counting down', async () => {
    await page.goto(`${daemon.url}/containers/${originalId}`);
    await page.getByTestId('container-name').filter({ hasText: name }).waitFor();
    await page.getByTestId('update-now').click();
    await waitFor(async () => {
      const [operation] = (await api(`/api/v1/update-operations?containerName=${name}`)).data as Array<Record<string, any>>;
      operationId = operation?.id ?? '';
      return operation?.phase === 'health-gate';
    }, 30_000, 'the health gate');
    // The obstacle: the new container moved aside and killed, a container dockdeck did not create under the name.
    await docker('rename', name, moved);
    await docker('run', '-d', '--name', name, '--label', runLabel, `${repository}:1.0.0`);
    await docker('kill', moved);

    await alert().getByRole('heading', { name: 'Rollback failed — service may be down' }).waitFor(LONG);
    await alert().getByTestId('recovery-next').waitFor(LONG);
    expect(await alert().getByRole('alert').textContent()).toMatch(/Cannot rename the old container back/);
    expect(await alert().getByTestId('recovery-attempts').textContent()).toBe('No retry yet');
    // Update now is off while the service may be down, and says why (pointing to the retry), as the daemon refuses it too.
    const updateNow = page.getByTestId('update-now');
    const blocked = page.getByTestId('update-blocked');
    await blocked.waitFor(LONG);
    expect(await updateNow.isDisabled()).toBe(true);
    expect(await blocked.getAttribute('data-reason')).toBe('rollback-failed');
    expect(await blocked.textContent()).toMatch(/rollback of the last update failed.*"Retry rollback now"/);
    expect(await updateNow.getAttribute('aria-describedby')).toBe(await blocked.getAttribute('id'));
    const refused = await fetch(`${daemon.url}/api/v1/containers/${originalId}/update`, { method: 'POST' });
    expect(refused.status).toBe(409);
    // The next automatic retry is about 10 minutes away and counts down while the page is open.
    const next = alert().getByTestId('recovery-next');
    const first = (await next.textContent()) ?? '';
    expect(first).toMatch(/^Next automatic retry in (9 min \d+ s|10 min 0 s)$/);
    await page.waitForFunction(
      `document.querySelector('[data-testid="recovery-next"]')?.textContent !== ${JSON.stringify(first)}`,
      undefined,
      { timeout: 5_000 },
    );
    const operation = await api(`/api/v1/update-operations/${operationId}`);
    expect(operation).toMatchObject({ phase: 'rollback-failed', status: 'failed', rollbackRecovery: { attempts: 0, nextAttemptAt: expect.any(String) } });
    expect(await next.locator('time').getAttribute('datetime')).toBe(operation.rollbackRecovery.nextAttemptAt);
    await page.screenshot({ path: join(screenshots, 'rollback-failed-desktop.png'), fullPage: true });

    // At phone width the alert comes first and nothing scrolls sideways.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    try {
      await phone.goto(`${daemon.url}/containers/${originalId}`);
      await phone.getByTestId('rollback-alert').getByTestId('recovery-next').waitFor(LONG);
      await phone.screenshot({ path: join(screenshots, 'rollback-failed-phone.png'), fullPage: true });
      await phone.getByTestId('rollback-alert').screenshot({ path: join(screenshots, 'rollback-failed-phone-alert.png') });
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      const button = await phone.getByRole('button', { name: 'Retry rollback now' }).boundingBox();
      expect((button?.x ?? 999) + (button?.width ?? 0)).toBeLessThanOrEqual(390);
    } finally {
      await phone.close();
    }
  }, 120_000);

  it('is counted on the Dashboard, which links to the Operations page with the figures per row', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    const down = page.getByTestId('rollbacks-down');
    await down.getByText('1 rollback failed — a service may be down').waitFor(LONG);
    expect(await down.getByRole('link', { name }).getAttribute('href')).toBe(`/containers/${originalId}`);
    await page.screenshot({ path: join(screenshots, 'rollback-failed-dashboard.png'), fullPage: true });

    await down.getByTestId('rollbacks-down-link').click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor();
    expect(new URL(page.url()).search).toBe('?status=rollback-failed');
    const row = page.locator(`[data-operation="${operationId}"]`);
    await row.getByTestId('service-down').waitFor(LONG);
    expect(await page.locator('tr[data-operation]').count()).toBe(1);
    expect(await row.getByTestId('recovery-attempts').textContent()).toBe('No retry yet');
    expect(await row.getByTestId('recovery-next').textContent()).toMatch(/^Next automatic retry in \d+ min \d+ s$/);
    await page.screenshot({ path: join(screenshots, 'rollback-failed-operations.png'), fullPage: true });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    try {
      await phone.goto(`${daemon.url}/operations?status=rollback-failed`);
      await phone.getByTestId('service-down').waitFor(LONG);
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: join(screenshots, 'rollback-failed-operations-phone.png'), fullPage: true });
    } finally {
      await phone.close();
    }
    await row.getByRole('link', { name }).click();
    await alert().waitFor(LONG);
  }, 60_000);

  it('follows a retry made elsewhere live, then retries by hand: the obstacle is reported, and once it is gone the container is restored', async () => {
    // A retry through the API (another tab, the CLI): the open page learns of it from the event stream alone.
    const elsewhere = await fetch(`${daemon.url}/api/v1/containers/${originalId}/rollback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dd-confirm-action': 'container-rollback' },
      body: '{}',
    });
    expect(elsewhere.status).toBe(500);
    await alert().getByTestId('recovery-attempts').filter({ hasText: '1 retry so far (0 automatic)' }).waitFor({ timeout: 10_000 });

    // From the page, by keyboard, with the obstacle still there: the daemon's reason, and the retry is counted.
    await alert().getByRole('button', { name: 'Retry rollback now' }).focus();
    await page.keyboard.press('Enter');
    await page.screenshot({ path: join(screenshots, 'rollback-retry-confirm.png') });
    await confirmWithKeyboard('Retry the rollback now?');
    await alert().getByTestId('retry-result').filter({ hasText: /^Retry failed: Rollback retry 2 \(manual\) failed: Cannot rename/ }).waitFor(LONG);
    await alert().getByTestId('recovery-attempts').filter({ hasText: '2 retries so far (0 automatic)' }).waitFor(LONG);
    expect(await alert().getByTestId('recovery-next').textContent()).toMatch(/^Next automatic retry in \d+ min \d+ s$/);

    await docker('rm', '-f', name);
    await alert().getByRole('button', { name: 'Retry rollback now' }).click();
    await page.getByRole('dialog', { name: 'Retry the rollback now?' }).getByRole('button', { name: 'Retry rollback' }).click();
    const restored = page.getByTestId('rollback-recovered');
    await restored.getByRole('heading', { name: 'Rollback completed on retry' }).waitFor(LONG);
    expect(await restored.getByTestId('recovery-recovered').textContent()).toMatch(/^Restored on retry 3, just now$/);
    expect(await alert().count()).toBe(0);
    // The page shows the original container again, running, under its name.
    await page.getByTestId('container-name').filter({ hasText: new RegExp(`^${name}$`) }).waitFor(LONG);
    await page.locator('.facts').getByText('running').waitFor(LONG);
    // Restored on its previous version, the update can be tried again.
    await page.getByTestId('update-now').filter({ hasText: 'Update now to 1.1.0' }).and(page.locator(':enabled')).waitFor(LONG);
    expect(await page.getByTestId('update-blocked').count()).toBe(0);
    const after = await inspect(name);
    expect(after.Id).toBe(originalId);
    expect(after.State.Running).toBe(true);
    expect(await api(`/api/v1/update-operations/${operationId}`)).toMatchObject({ status: 'rolled-back', rollbackRecovery: { attempts: 3, recoveredAt: expect.any(String) } });
    await page.screenshot({ path: join(screenshots, 'rollback-recovered-desktop.png'), fullPage: true });

    // Nothing is down any more: the Dashboard alert is gone.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByTestId('count-watched').waitFor();
    expect(await page.getByTestId('rollbacks-down').count()).toBe(0);
  }, 120_000);
});
