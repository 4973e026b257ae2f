// Screenshots of the web UI for docs/screenshots/: dashboard, containers list and a container page,
// at desktop (1280) and phone (390) widths, against a demo fleet on the real engine.
// Run: node --disable-warning=ExperimentalWarning scripts/screenshots.ts  (needs ui/dist and Docker)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from '../test/e2e/browser.ts';
import { startDemoFleet } from './ui-demo-fleet.ts';

const out = join(import.meta.dirname, '../docs/screenshots');
mkdirSync(out, { recursive: true });

const fleet = await startDemoFleet();
const browser = await launchBrowser();
try {
  const pages = [
    { file: 'dashboard', path: '/', ready: 'Dashboard' },
    { file: 'containers', path: '/containers?group=1', ready: 'Containers' },
    { file: 'container', path: `/containers/${fleet.featuredId}`, ready: null },
    ...(fleet.updatedId ? [{ file: 'container-updated', path: `/containers/${fleet.updatedId}`, ready: null }] : []),
    { file: 'operations', path: '/operations', ready: 'Operations' },
  ];
  for (const { width, height, suffix, scheme } of [
    { width: 1280, height: 860, suffix: 'desktop', scheme: 'light' as const },
    { width: 390, height: 844, suffix: 'phone', scheme: 'light' as const },
    { width: 1280, height: 860, suffix: 'desktop-dark', scheme: 'dark' as const },
  ]) {
    const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme, deviceScaleFactor: 1 });
    for (const target of pages) {
      if (suffix === 'desktop-dark' && target.file !== 'dashboard') continue;
      if (suffix === 'phone' && (target.file === 'operations' || target.file === 'container-updated')) continue;
      await page.goto(`${fleet.daemon.url}${target.path}`);
      if (target.ready) await page.getByRole('heading', { name: target.ready, exact: true }).waitFor();
      else await page.getByTestId('container-name').waitFor();
      // Let the live stats stream deliver a few samples for the charts.
      await page.waitForTimeout(target.file === 'dashboard' ? 12_000 : 2500);
      await page.screenshot({ path: join(out, `${target.file}-${suffix}.png`), fullPage: true });
      console.log(`docs/screenshots/${target.file}-${suffix}.png`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await fleet.stop();
}
