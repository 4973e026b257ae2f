import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startDaemon, type RunningDaemon } from '../bench/daemon.ts';
import { docker } from '../bench/exec.ts';
import { buildTestImage, RUN_LABEL, uniqueName } from '../bench/images.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../bench/receivers/github-api.ts';
import { benchState } from '../bench/state.ts';
import { launchBrowser } from './browser.ts';
import { ensureUiBuilt } from './ui-build.ts';

/**
 * A person on the page of a container with an update reads its release notes: name, date, the
 * GitHub link, and the text with its line breaks, where HTML from the release stays text.
 * Real daemon, engine and registry; a strict GitHub API stand-in; Debian's Chromium.
 */
const { registry } = benchState();
const runLabel = `${RUN_LABEL}=${process.env.DD_TEST_RUN_ID ?? 'manual'}`;
const scope = `dd.test.e2e-release-notes=${uniqueName('scope')}`;
const image = `${registry.address}/${uniqueName('e2e-rn')}`;
const plainImage = `${registry.address}/${uniqueName('e2e-rn-plain')}`;
const withNotes = uniqueName('e2e-rn-c');
const withoutNotes = uniqueName('e2e-rn-plain-c');
const BODY = [
  '## Highlights',
  '',
  '- <b id="injected-bold">bold?</b> <img src="x" onerror="window.__injected = true">',
  '- second line with <a href="javascript:alert(1)">a link</a>',
].join('\n');

let daemon: RunningDaemon;
let github: GitHubStandIn;
let browser: Browser;
let page: Page;
const ids: Record<string, string> = {};

beforeAll(async () => {
  ensureUiBuilt();
  github = await startGitHubStandIn();
  github.publish('acme-e2e', 'app', { tag_name: 'v2.0.0', name: 'Acme App 2.0', body: BODY, published_at: '2026-02-03T04:05:06Z' });
  const source = { 'org.opencontainers.image.source': 'https://github.com/acme-e2e/app' };
  await Promise.all([
    buildTestImage({ reference: `${image}:1.0.0`, labels: source }).then(() => buildTestImage({ reference: `${image}:2.0.0`, labels: source })),
    buildTestImage({ reference: `${plainImage}:1.0.0` }).then(() => buildTestImage({ reference: `${plainImage}:1.0.1` })),
  ]);
  ids.withNotes = await docker('run', '-d', '--name', withNotes, '--label', runLabel, '--label', scope, `${image}:1.0.0`);
  ids.withoutNotes = await docker('run', '-d', '--name', withoutNotes, '--label', runLabel, '--label', scope, `${plainImage}:1.0.0`);
  daemon = await startDaemon({
    DD_WATCHER_LOCAL_SOCKET: '/var/run/docker.sock',
    DD_WATCHER_LOCAL_LABELFILTER: scope,
    DD_WATCHER_LOCAL_WATCHATSTART: 'false',
    DD_REGISTRY_CUSTOM_BENCH_URL: registry.url,
    DD_RELEASENOTES_GITHUB_URL: github.url,
    DD_LOG_LEVEL: 'warn',
  });
  expect((await fetch(`${daemon.url}/api/v1/containers/watch`, { method: 'POST' })).status).toBe(200);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.stop();
  await github?.close();
  for (const id of Object.values(ids)) await docker('rm', '-f', id).catch(() => '');
}, 60_000);

describe('release notes in the web UI', () => {
  it('shows name, date, GitHub link and the notes as plain text with their line breaks', async () => {
    await page.goto(`${daemon.url}/containers/${ids.withNotes}`);
    await page.getByTestId('container-name').filter({ hasText: withNotes }).waitFor();
    const section = page.getByTestId('release-notes');
    await section.getByTestId('release-body').waitFor();

    expect(await section.getByTestId('release-name').textContent()).toBe('Acme App 2.0');
    expect(await section.getByTestId('release-date').getAttribute('datetime')).toBe('2026-02-03T04:05:06.000Z');
    expect(await section.getByTestId('release-link').getAttribute('href')).toBe('https://github.com/acme-e2e/app/releases/tag/v2.0.0');
    const body = section.getByTestId('release-body');
    expect(await body.textContent()).toBe(BODY);
    // Line breaks preserved on screen: the text renders as its four lines.
    type StyleReader = { getComputedStyle(target: unknown): { whiteSpace: string } };
    expect(await body.evaluate((element) => (globalThis as unknown as StyleReader).getComputedStyle(element).whiteSpace)).toBe('pre-wrap');
    expect((await body.innerText()).split('\n')).toHaveLength(4);

    // The HTML in the release is text: no element from it exists, nothing from it ran.
    expect(await body.evaluate((element) => element.children.length)).toBe(0);
    expect(await page.locator('#injected-bold').count()).toBe(0);
    expect(await page.locator('img[onerror]').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __injected?: boolean }).__injected)).toBeUndefined();
    expect(github.rejected).toEqual([]);
    await page.screenshot({ path: '/tmp/dockdeck-release-notes.png', fullPage: true });
  }, 90_000);

  it('says why there are no notes for an image without a known repository', async () => {
    await page.goto(`${daemon.url}/containers/${ids.withoutNotes}`);
    await page.getByTestId('container-name').filter({ hasText: withoutNotes }).waitFor();
    const message = page.getByTestId('release-notes-unavailable');
    await message.waitFor();
    expect(await message.textContent()).toContain('dd.release.repo=owner/repo');
    expect(await page.getByTestId('release-notes').getByRole('alert').count()).toBe(0);
  }, 60_000);
});
