// Screenshots of the web UI for docs/screenshots/: dashboard, containers list, a container page,
// operations and the System page at desktop (1280) and phone (390) widths, the dashboard in dark
// mode, and the sign-in page — against a demo fleet on the real engine. This script is the one
// source of docs/screenshots/ (the e2e tests keep their own pictures elsewhere).
// Run: node --disable-warning=ExperimentalWarning scripts/screenshots.ts  (needs ui/dist and Docker)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/browser.ts';
import { startDemoFleet, startSignInDaemon } from './ui-demo-fleet.ts';

const out = join(import.meta.dirname, '../docs/screenshots');
mkdirSync(out, { recursive: true });

interface Target {
  readonly file: string;
  readonly path: string;
  /** Resolves once the page shows what the picture is about. */
  readonly ready: (page: Page) => Promise<unknown>;
  readonly widths: ReadonlyArray<'desktop' | 'phone' | 'desktop-dark'>;
  /** Time for the live stats stream to draw a few samples. */
  readonly settleMs: number;
}

const heading = (name: string) => (page: Page) => page.getByRole('heading', { name, exact: true }).waitFor();
const containerPage = (page: Page) => page.getByTestId('container-name').waitFor();

const VIEWPORTS = {
  desktop: { width: 1280, height: 860, colorScheme: 'light' },
  phone: { width: 390, height: 844, colorScheme: 'light' },
  'desktop-dark': { width: 1280, height: 860, colorScheme: 'dark' },
} as const;

async function shoot(page: Page, url: string, target: Target, suffix: string): Promise<void> {
  await page.goto(url);
  await target.ready(page);
  await page.waitForTimeout(target.settleMs);
  await page.screenshot({ path: join(out, `${target.file}-${suffix}.png`), fullPage: true });
  console.log(`docs/screenshots/${target.file}-${suffix}.png`);
}

async function shootFleet(): Promise<void> {
  const fleet = await startDemoFleet();
  try {
    const targets: Target[] = [
      { file: 'dashboard', path: '/', ready: heading('Dashboard'), widths: ['desktop', 'phone', 'desktop-dark'], settleMs: 12_000 },
      { file: 'containers', path: '/containers?group=1', ready: heading('Containers'), widths: ['desktop', 'phone'], settleMs: 2500 },
      { file: 'container', path: `/containers/${fleet.featuredId}`, ready: containerPage, widths: ['desktop', 'phone'], settleMs: 2500 },
      ...(fleet.updatedId
        ? [{ file: 'container-updated', path: `/containers/${fleet.updatedId}`, ready: containerPage, widths: ['desktop'], settleMs: 2500 } as const]
        : []),
      { file: 'operations', path: '/operations', ready: heading('Operations'), widths: ['desktop'], settleMs: 1500 },
      {
        file: 'system',
        path: '/system',
        // The engine's facts and the deliveries arrive after the page itself.
        ready: async (page) => {
          await page.locator('[data-watcher]').getByTestId('engine-version').first().waitFor();
          await page.getByTestId('outbox-counts').waitFor();
        },
        widths: ['desktop', 'phone'],
        settleMs: 1500,
      },
    ];
    for (const suffix of ['desktop', 'phone', 'desktop-dark'] as const) {
      const { width, height, colorScheme } = VIEWPORTS[suffix];
      const page = await browser.newPage({ viewport: { width, height }, colorScheme, deviceScaleFactor: 1 });
      for (const target of targets.filter((entry) => entry.widths.includes(suffix))) await shoot(page, `${fleet.daemon.url}${target.path}`, target, suffix);
      await page.close();
    }
  } finally {
    await fleet.stop();
  }
}

/** The sign-in page, from a daemon that asks for a password. */
async function shootSignIn(): Promise<void> {
  const daemon = await startSignInDaemon();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 700 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await shoot(page, `${daemon.url}/`, { file: 'login', path: '/', ready: heading('Sign in to dockdeck'), widths: ['desktop'], settleMs: 500 }, 'desktop');
    await page.close();
  } finally {
    await daemon.stop();
  }
}

const browser = await launchBrowser();
try {
  await shootFleet();
  await shootSignIn();
} finally {
  await browser.close();
}
