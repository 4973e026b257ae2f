import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type RunningDaemon } from '../bench/daemon.ts';
import { docker } from '../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../bench/images.ts';
import { benchState } from '../bench/state.ts';
import { launchBrowser } from './browser.ts';
import { ensureUiBuilt } from './ui-build.ts';

/**
 * A person selects rows in the containers table and stops, then starts them: the stop asks for
 * confirmation, the per-container results show, the engine really changed. The daemon's watcher
 * is scoped by a label to this file's containers (the engine is shared with other tests).
 */
const { registry } = benchState();
const runLabel = `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`;
const scope = uniqueName('e2e-bulk-scope');
const image = `${registry.address}/${uniqueName('e2e-bulk')}:1.0.0`;
const names = ['one', 'two', 'three'].map((n) => uniqueName(`e2e-bulk-${n}`));
const [first, second, third] = names as [string, string, string];
const LONG = { timeout: 30_000 };

let daemon: RunningDaemon;
let browser: Browser;
let page: Page;

async function running(name: string): Promise<boolean> {
  return (await docker('inspect', '-f', '{{.State.Running}}', name)).trim() === 'true';
}

beforeAll(async () => {
  ensureUiBuilt();
  await buildTestImage({ reference: image });
  for (const name of names) {
    await docker('run', '-d', '--init', '--name', name, '--label', runLabel, '--label', `dockdeck.bulk-scope=${scope}`, '--label', 'dd.watch=true', image);
  }
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_LABELFILTER: `dockdeck.bulk-scope=${scope}`,
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_WATCHER_LOCAL_WATCHALL: 'true',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_LOG_LEVEL: 'warn',
  });
  const watched = await fetch(`${daemon.url}/api/v1/containers/watch`, { method: 'POST' });
  const stored = ((await watched.json()) as { data: Array<{ name: string }> }).data.map((c) => c.name);
  // Nothing but this file's containers, or the test must not click anything.
  expect(stored.sort()).toEqual([...names].sort());
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  for (const name of names) await docker('rm', '-f', name).catch(() => '');
}, 60_000);

describe('bulk start, stop and restart in the containers table', () => {
  it('stops two selected containers after confirmation, shows each result, then starts them again', async () => {
    await page.goto(`${daemon.url}/containers`);
    await page.getByRole('checkbox', { name: `Select ${first}` }).check();
    await page.getByRole('checkbox', { name: `Select ${second}` }).check();

    await page.getByTestId('bulk-stop').click();
    const dialog = page.getByRole('dialog', { name: 'Stop 2 containers?' });
    await dialog.waitFor();
    expect(await dialog.getByRole('listitem').allTextContents()).toEqual(expect.arrayContaining([first, second]));
    // Cancel leaves everything running.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await running(first)).toBe(true);

    await page.getByTestId('bulk-stop').click();
    await dialog.getByRole('button', { name: 'Stop' }).click();
    const results = page.getByTestId('bulk-results');
    await results.getByRole('heading', { name: '2 of 2 stopped' }).waitFor(LONG);
    expect(await results.locator(`[data-result="${first}"]`).getAttribute('data-success')).toBe('true');
    expect(await results.locator(`[data-result="${second}"]`).getAttribute('data-success')).toBe('true');
    expect([await running(first), await running(second), await running(third)]).toEqual([false, false, true]);
    await page.locator(`tr[data-container="${first}"]`).getByText('exited').waitFor(LONG);
    if (process.env.DD_E2E_SCREENSHOTS) await page.screenshot({ path: `${process.env.DD_E2E_SCREENSHOTS}/containers-bulk.png` });

    // One already running among the selected: its own failure, the others start (no confirmation for start).
    for (const name of names) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
    await page.getByTestId('bulk-start').click();
    await results.getByRole('heading', { name: '2 of 3 started' }).waitFor(LONG);
    const refused = results.locator(`[data-result="${third}"]`);
    expect(await refused.getAttribute('data-success')).toBe('false');
    expect(await refused.textContent()).toContain('ALREADY_RUNNING');
    for (const name of names) expect(await running(name)).toBe(true);
  }, 90_000);
});
