import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type RunningDaemon } from '../bench/daemon.ts';
import { docker } from '../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../bench/images.ts';
import { startNtfyReceiver } from '../bench/receivers/ntfy-receiver.ts';
import type { Receiver } from '../bench/receivers/receiver.ts';
import { waitFor } from '../bench/registry-server.ts';
import { benchState } from '../bench/state.ts';
import { launchBrowser } from './browser.ts';
import { ensureUiBuilt } from './ui-build.ts';

/**
 * A person on the System page: the watcher with its label filter, schedule and engine, the
 * registries (anonymous or with credentials, never the secret), the triggers; Watch now runs a
 * cycle and the last-run figures change, a cycle started elsewhere shows up live, and a failed
 * notification is retried from the page. The watcher is scoped by a label to this file's
 * containers (the engine is shared). Screenshots of what the test saw go to DD_E2E_SCREENSHOTS or
 * the temp folder; the documentation's (docs/screenshots/system-*.png) come from scripts/screenshots.ts.
 */
const { registry, securedRegistry } = benchState();
const runLabel = `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`;
const scope = uniqueName('e2e-system-scope');
const scopeLabel = `dockdeck.system-scope=${scope}`;
const repository = `${registry.address}/${uniqueName('e2e-system')}`;
// An image whose registry does not exist: its check fails, as a readable error.
const orphanImage = `127.0.0.1:9/${uniqueName('e2e-system-orphan')}:2.0.0`;
const appName = uniqueName('e2e-system-app');
const orphanName = uniqueName('e2e-system-orphan-c');
const NTFY_TOKEN = 'tk_e2e_system_page_secret';
const TOPIC = 'dockdeck-e2e-system';
const LONG = { timeout: 30_000 };
const screenshots = process.env.DD_E2E_SCREENSHOTS ?? tmpdir();

let daemon: RunningDaemon;
let ntfy: Receiver;
let browser: Browser;
let page: Page;
let outboxLoads = 0;

const card = () => page.locator('[data-watcher="local"]');
const figure = (name: 'checked' | 'errors' | 'when') => card().getByTestId(`last-run-${name}`);

async function runContainer(name: string, image: string): Promise<void> {
  await docker('run', '-d', '--name', name, '--label', runLabel, '--label', scopeLabel, '--label', 'dd.watch=true', image);
}

beforeAll(async () => {
  ensureUiBuilt();
  await buildTestImage({ reference: `${repository}:1.0.0` });
  await buildTestImage({ reference: `${repository}:1.1.0` });
  await buildTestImage({ reference: orphanImage, push: false });
  await runContainer(appName, `${repository}:1.0.0`);
  ntfy = await startNtfyReceiver({ token: NTFY_TOKEN });
  if (!securedRegistry.credentials) throw new Error('the bench has no secured registry credentials');
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_LABELFILTER: scopeLabel,
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_WATCHER_LOCAL_CRON: '0 */6 * * *',
    DD_WATCHER_LOCAL_JITTER: '30',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_REGISTRY_CUSTOM_PRIVATE_URL: securedRegistry.url,
    DD_REGISTRY_CUSTOM_PRIVATE_LOGIN: securedRegistry.credentials.user,
    DD_REGISTRY_CUSTOM_PRIVATE_PASSWORD: securedRegistry.credentials.password,
    DD_TRIGGER_NTFY_PHONE_URL: ntfy.url,
    DD_TRIGGER_NTFY_PHONE_TOPIC: TOPIC,
    DD_TRIGGER_NTFY_PHONE_TOKEN: NTFY_TOKEN,
    DD_TRIGGER_NTFY_PHONE_THRESHOLD: 'minor',
    DD_TRIGGER_NTFY_PHONE_MODE: 'batch',
    DD_TRIGGER_NTFY_PHONE_AUTO: 'false',
    DD_TRIGGER_NTFY_PHONE_EVENTS: 'rollback-failed,update-available',
    DD_TRIGGER_HTTP_AUDIT_URL: 'http://127.0.0.1:9/hook',
    DD_TRIGGER_HTTP_AUDIT_THRESHOLD: 'major',
    // Results only (no update runs in this file, so it never sends).
    DD_TRIGGER_HTTP_RESULTS_URL: 'http://127.0.0.1:9/results',
    DD_TRIGGER_HTTP_RESULTS_EVENTS: 'update-failed,update-applied',
    DD_LOG_LEVEL: 'warn',
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (request) => {
    if (request.method() === 'GET' && new URL(request.url()).pathname === '/api/v1/notifications/outbox') outboxLoads += 1;
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await ntfy?.close();
  for (const name of [appName, orphanName]) await docker('rm', '-f', name).catch(() => '');
}, 60_000);

describe('the System page', () => {
  it('is in the main navigation and shows the watcher, its engine, the registries, the triggers and the version', async () => {
    await page.goto(`${daemon.url}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System' }).click();
    await page.getByRole('heading', { name: 'System', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/system');

    await card().waitFor();
    expect(await card().getByTestId('watcher-label-filter').textContent()).toContain(scopeLabel);
    expect(await card().getByTestId('watcher-endpoint').textContent()).toContain('/var/run/docker.sock');
    expect(await card().getByTestId('watcher-agent').textContent()).toContain('direct');
    const schedule = (await card().getByTestId('watcher-schedule').textContent()) ?? '';
    expect(schedule).toContain('0 */6 * * *');
    expect(schedule).toContain('up to 30 s jitter');
    await card().getByTestId('last-run-never').waitFor();
    // The engine as the engine itself reports it.
    const serverVersion = (await docker('version', '-f', '{{.Server.Version}}')).trim();
    await card().getByTestId('engine-version').filter({ hasText: serverVersion }).waitFor(LONG);

    const registries = page.getByTestId('registries');
    expect(await registries.locator('[data-registry="custom.bench"]').getByTestId('registry-access').textContent()).toContain('anonymous');
    expect(await registries.locator('[data-registry="custom.private"]').getByTestId('registry-access').textContent()).toContain('with credentials');

    const phone = page.getByTestId('triggers').locator('[data-trigger="ntfy.phone"]');
    expect(await phone.getByTestId('trigger-threshold').textContent()).toBe('minor');
    expect(await phone.getByTestId('trigger-mode').textContent()).toBe('batch');
    expect(await phone.getByTestId('trigger-auto').textContent()).toContain('by hand only');
    expect(await phone.textContent()).toContain(`topic ${TOPIC}`);
    const audit = page.getByTestId('triggers').locator('[data-trigger="http.audit"]');
    expect(await audit.getByTestId('trigger-threshold').textContent()).toBe('major');
    expect(await audit.getByTestId('trigger-auto').textContent()).toContain('automatically');
    // The kinds of messages each trigger sends (EVENTS), in the daemon's order; the default is available updates.
    const kinds = async (id: string) => {
      const events = page.getByTestId('triggers').locator(`[data-trigger="${id}"]`).getByRole('list', { name: 'Events' }).getByRole('listitem');
      const items = await events.all();
      return { kinds: await Promise.all(items.map((item) => item.getAttribute('data-event'))), text: await events.allTextContents() };
    };
    expect(await kinds('ntfy.phone')).toEqual({ kinds: ['update-available', 'rollback-failed'], text: ['update available', 'rollback failed'] });
    expect(await kinds('http.audit')).toEqual({ kinds: ['update-available'], text: ['update available'] });
    expect(await kinds('http.results')).toEqual({ kinds: ['update-applied', 'update-failed'], text: ['update applied', 'update failed'] });
    // Threshold, mode and firing do not concern a trigger that sends results only, and the page says so.
    const results = page.getByTestId('triggers').locator('[data-trigger="http.results"]');
    expect((await results.getByTestId('trigger-threshold').textContent())?.trim()).toMatch(/^–/);
    expect(await results.getByTestId('trigger-auto').textContent()).not.toContain('automatically');
    expect(await page.getByTestId('triggers-note').textContent()).toContain('update-available messages only');

    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(await page.getByTestId('app-version').textContent()).toBe(version);
    // Secrets never reach the page.
    const html = await page.content();
    expect(html).not.toContain(securedRegistry.credentials?.password);
    expect(html).not.toContain(NTFY_TOKEN);
  }, 60_000);

  it('runs a cycle from the keyboard with Watch now, and shows a cycle started elsewhere live', async () => {
    // Keyboard only: Tab to the button, Enter to press it.
    let focused = '';
    for (let presses = 0; presses < 60 && focused !== 'watch-now'; presses++) {
      await page.keyboard.press('Tab');
      focused = String(await page.evaluate("document.activeElement?.getAttribute('data-testid') ?? ''"));
    }
    expect(focused).toBe('watch-now');
    await page.keyboard.press('Enter');
    await card().getByTestId('watch-result').filter({ hasText: 'Done: 1 container, 1 update available.' }).waitFor(LONG);
    expect(await figure('checked').textContent()).toBe('1');
    expect(await figure('errors').textContent()).toBe('0');
    const firstRun = await figure('when').getAttribute('data-started-at');
    expect(firstRun).toBeTruthy();

    // A second container whose check fails, and a cycle asked for through the API, not the page:
    // the page learns from dd:watch-cycle-completed.
    await runContainer(orphanName, orphanImage);
    const answer = await fetch(`${daemon.url}/api/v1/containers/watch?watcher=local`, { method: 'POST' });
    expect(answer.status).toBe(200);
    await figure('checked').filter({ hasText: /^2$/ }).waitFor({ timeout: 10_000 });
    expect(await figure('errors').textContent()).toBe('1');
    expect(await figure('when').getAttribute('data-started-at')).not.toBe(firstRun);
    const failed = card().getByTestId('watcher-failed-checks');
    await failed.getByRole('link', { name: orphanName }).waitFor(LONG);
    expect((await failed.textContent())?.length).toBeGreaterThan(orphanName.length + 10);

    // And the mouse: another run, new figures.
    const secondRun = await figure('when').getAttribute('data-started-at');
    await card().getByRole('button', { name: 'Watch now: local' }).click();
    await page.waitForFunction(
      `document.querySelector('[data-watcher="local"] [data-testid="last-run-when"]')?.getAttribute('data-started-at') !== ${JSON.stringify(secondRun)}`,
      undefined,
      LONG,
    );
    await card().getByTestId('watch-result').filter({ hasText: 'Done: 2 containers, 1 update available.' }).waitFor(LONG);
  }, 90_000);

  it('lists a failed delivery with its error and sends it again with Retry, live (never Reload)', async () => {
    const outbox = page.getByTestId('outbox');
    await outbox.getByTestId('outbox-counts').filter({ hasText: '0 failed · 0 pending · 0 sent' }).waitFor(LONG);
    ntfy.failNext(1);
    const test = await fetch(`${daemon.url}/api/v1/triggers/ntfy/phone`, { method: 'POST' });
    expect(test.status).toBe(502);
    // Sent elsewhere (the API): the page learns of it from dd:notification-delivery-changed.
    await outbox.getByTestId('outbox-counts').filter({ hasText: '1 failed' }).waitFor({ timeout: 10_000 });
    const entry = outbox.locator('[data-status="failed"]');
    expect(await entry.textContent()).toContain('ntfy.phone');
    expect(await entry.textContent()).toContain('503');

    await entry.getByRole('button', { name: /^Retry delivery through ntfy\.phone/ }).click();
    await outbox.getByTestId('outbox-counts').filter({ hasText: '0 failed · 0 pending · 1 sent' }).waitFor(LONG);
    await waitFor(async () => ntfy.accepted.length === 1, 10_000, 'the retried delivery');
    expect(ntfy.rejected).toEqual([]);
    expect(JSON.parse(ntfy.accepted[0]?.body ?? '{}')).toMatchObject({ topic: TOPIC });

    // A receiver that is not there at all: the failure stays listed (and in the screenshots).
    expect((await fetch(`${daemon.url}/api/v1/triggers/http/audit`, { method: 'POST' })).status).toBe(502);
    await outbox.getByTestId('outbox-counts').filter({ hasText: '1 failed · 0 pending · 1 sent' }).waitFor({ timeout: 10_000 });
    const unreachable = outbox.locator('[data-status="failed"]');
    expect(await unreachable.textContent()).toContain('http.audit');
    expect(await unreachable.textContent()).toContain('1 attempt');
    expect(await unreachable.locator('.text-bad').count()).toBe(1);

    // Retried through the API, not the page: the row is patched in place with its second attempt.
    const id = await unreachable.getAttribute('data-outbox');
    const loadsBefore = outboxLoads;
    const retried = await fetch(`${daemon.url}/api/v1/notifications/outbox/${id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    await outbox.locator(`[data-outbox="${id}"][data-status="failed"]`).filter({ hasText: '2 attempts' }).waitFor({ timeout: 10_000 });
    // Patched from the event alone: the list was not fetched again.
    expect(outboxLoads).toBe(loadsBefore);
  }, 60_000);

  it('reads at desktop and at phone width (no sideways scrolling), in screenshots', async () => {
    await page.goto(`${daemon.url}/system`);
    await card().getByTestId('engine-version').waitFor(LONG);
    await page.getByTestId('outbox-counts').waitFor();
    await page.screenshot({ path: join(screenshots, 'e2e-system-desktop.png'), fullPage: true });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    try {
      await phone.goto(`${daemon.url}/system`);
      await phone.locator('[data-watcher="local"]').getByTestId('last-run-checked').filter({ hasText: '2' }).waitFor(LONG);
      await phone.getByTestId('engine-version').waitFor(LONG);
      await phone.getByTestId('triggers').waitFor();
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      // The new navigation entry fits on a phone without scrolling the navigation sideways.
      const entry = await phone.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System' }).boundingBox();
      expect((entry?.x ?? 999) + (entry?.width ?? 0)).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: join(screenshots, 'e2e-system-phone.png'), fullPage: true });
    } finally {
      await phone.close();
    }
  }, 60_000);

  it("lists on a container's page the triggers that apply to it with the kinds of messages each sends, and asks before Stop", async () => {
    const listed = (await (await fetch(`${daemon.url}/api/v1/containers`)).json()) as { data: Array<{ id: string; name: string }> };
    const app = listed.data.find((container) => container.name === appName);
    expect(app).toBeDefined();
    await page.goto(`${daemon.url}/containers/${app?.id}`);
    const panel = page.locator('.card').filter({ has: page.getByRole('heading', { name: 'Triggers', exact: true }) });
    const row = (id: string) => panel.locator(`[data-trigger="${id}"]`);
    await row('ntfy.phone').waitFor(LONG);
    expect(await row('ntfy.phone').getByRole('list', { name: 'Events' }).getByRole('listitem').allTextContents()).toEqual(['update available', 'rollback failed']);
    expect(await row('http.results').getByRole('list', { name: 'Events' }).getByRole('listitem').allTextContents()).toEqual(['update applied', 'update failed']);
    expect(await row('http.audit').getByRole('list', { name: 'Events' }).getByRole('listitem').allTextContents()).toEqual(['update available']);
    await row('ntfy.phone').getByRole('button', { name: 'Run ntfy phone now' }).waitFor();

    // Stop interrupts the service: it asks first, and Cancel leaves the container running.
    await page.getByRole('group', { name: 'Container actions' }).getByRole('button', { name: 'Stop', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Stop ${appName}?` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const running = async () => JSON.parse(await docker('inspect', '-f', '{{json .State.Running}}', appName)) as boolean;
    expect(await running()).toBe(true);
    // Confirmed, it stops; Start needs no confirmation.
    await page.getByRole('group', { name: 'Container actions' }).getByRole('button', { name: 'Stop', exact: true }).click();
    await dialog.getByRole('button', { name: 'Stop' }).click();
    const start = page.getByRole('group', { name: 'Container actions' }).getByRole('button', { name: 'Start', exact: true });
    await start.waitFor(LONG);
    expect(await running()).toBe(false);
    await start.click();
    await page.getByRole('group', { name: 'Container actions' }).getByRole('button', { name: 'Stop', exact: true }).waitFor(LONG);
    expect(await running()).toBe(true);
  }, 60_000);
});
