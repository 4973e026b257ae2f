import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { findComposeClient, runCompose } from '../bench/compose-client.ts';
import { startDaemon, type RunningDaemon } from '../bench/daemon.ts';
import { docker } from '../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../bench/images.ts';
import { benchState } from '../bench/state.ts';
import { launchBrowser } from './browser.ts';
import { ensureUiBuilt } from './ui-build.ts';

/**
 * A person on the container page: Export compose shows the file and the sanitized secret, and
 * Download saves the Compose file. Real daemon, real engine, Debian's Chromium.
 */
const { registry } = benchState();
const runLabel = `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`;
const image = `${registry.address}/${uniqueName('e2e-export')}:1.0.0`;
const name = uniqueName('e2e-export-c');
const volume = uniqueName('e2e-export-v');

let daemon: RunningDaemon;
let browser: Browser;
let page: Page;
let containerId = '';

beforeAll(async () => {
  ensureUiBuilt();
  await buildTestImage({ reference: image });
  await docker('volume', 'create', '--label', runLabel, volume);
  await docker('run', '-d', '--name', name, '--label', runLabel, '--label', 'dd.watch=true', '-e', 'DB_PASSWORD=correct-horse', '-e', 'MODE=prod', '-v', `${volume}:/data`, image);
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_WATCHBYDEFAULT: 'false',
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_LOG_LEVEL: 'warn',
  });
  const watched = (await (await fetch(`${daemon.url}/api/v1/containers/watch`, { method: 'POST' })).json()) as { data: Array<{ id: string; name: string }> };
  containerId = watched.data.find((container) => container.name === name)?.id ?? '';
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await docker('rm', '-f', name).catch(() => '');
  await docker('volume', 'rm', '-f', volume).catch(() => '');
}, 60_000);

describe('exporting from the web UI', () => {
  it('previews the Compose file with its warnings and downloads it', async () => {
    expect(containerId).not.toBe('');
    await page.goto(`${daemon.url}/containers/${containerId}`);
    await page.getByTestId('container-name').filter({ hasText: name }).waitFor();
    await page.getByTestId('export-compose').click();
    const dialog = page.getByRole('dialog', { name: 'Export to Docker Compose' });
    await dialog.getByTestId('export-preview').waitFor();
    expect(await dialog.getByTestId('export-warnings').textContent()).toContain("Secret 'DB_PASSWORD' was sanitized");
    const shown = (await dialog.getByTestId('export-preview').textContent()) ?? '';
    expect(shown).toContain('DB_PASSWORD=${DB_PASSWORD}');
    expect(shown).not.toContain('correct-horse');
    await page.screenshot({ path: '/tmp/dockdeck-e2e-compose-export.png' });

    // Without volumes the preview is fetched again.
    await dialog.getByLabel('Volumes').uncheck();
    await page.waitForFunction("!document.querySelector('[data-testid=export-preview]')?.textContent?.includes(':/data')");

    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-download').click()]);
    expect(download.suggestedFilename()).toBe(`${name}-compose.yaml`);
    const saved = parse(await readFile((await download.path()) ?? '', 'utf8'));
    expect(saved.services[name]).toMatchObject({ image, container_name: name });
    expect([...saved.services[name].environment].sort()).toEqual(['DB_PASSWORD=${DB_PASSWORD}', 'MODE=prod']);
    expect(saved.services[name]).not.toHaveProperty('volumes');
    await expectComposeAccepts((await download.path()) ?? '', 'DB_PASSWORD=\n');

    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });
});

/** The downloaded file as a person would use it: a real Compose client must accept it (docker-compose 1.29 here). */
async function expectComposeAccepts(path: string, envContent: string): Promise<void> {
  const client = await findComposeClient();
  if (!client) return; // not required outside CI (findComposeClient throws there)
  const folder = await mkdtemp(join(tmpdir(), 'dd-e2e-compose-'));
  try {
    const envFile = join(folder, 'export.env');
    await writeFile(envFile, envContent);
    const printed = parse(await runCompose(client, { project: uniqueName('e2e-export-p'), file: path, envFile }, 'config'), { version: '1.1' });
    expect(printed.services[name]).toMatchObject({ image, container_name: name });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
