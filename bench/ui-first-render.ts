// Time to first render of the web UI on loopback, in headless Chromium, against a real daemon
// watching a demo fleet: first contentful paint, and the dashboard showing live counts (API
// answered and rendered). Cold = fresh browser context (empty cache); warm = same context again.
// Run: node --disable-warning=ExperimentalWarning bench/ui-first-render.ts   (needs ui/dist, Docker)
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startDemoFleet } from '../scripts/ui-demo-fleet.ts';
import { launchBrowser } from '../test/e2e/browser.ts';

const RUNS = Number(process.env.RUNS ?? 10);

function bundleSizes(): Record<string, string> {
  const dir = join(import.meta.dirname, '../ui/dist/assets');
  const sum: Record<'js' | 'css', [number, number]> = { js: [0, 0], css: [0, 0] };
  for (const file of readdirSync(dir)) {
    const kind = file.endsWith('.js') ? 'js' : file.endsWith('.css') ? 'css' : null;
    if (!kind) continue;
    const content = readFileSync(join(dir, file));
    sum[kind][0] += content.length;
    sum[kind][1] += gzipSync(content, { level: 9 }).length;
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  return { js: `${kb(sum.js[0])} (gzip ${kb(sum.js[1])})`, css: `${kb(sum.css[0])} (gzip ${kb(sum.css[1])})` };
}

async function measure(browser: Browser, url: string): Promise<{ cold: number[]; warm: number[]; fcp: number[] }> {
  const cold: number[] = [];
  const warm: number[] = [];
  const fcp: number[] = [];
  const script = `(() => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return { ready: performance.now(), fcp: paint ? paint.startTime : -1 };
  })()`;
  for (let i = 0; i < RUNS; i += 1) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    for (const bucket of [cold, warm]) {
      await page.goto(url);
      // "Rendered" = the dashboard shows the watched count from the API (not the initial 0).
      await page.waitForFunction(`Number(document.querySelector('[data-testid=count-watched]')?.textContent) > 0`);
      const timing = (await page.evaluate(script)) as { ready: number; fcp: number };
      bucket.push(timing.ready);
      if (bucket === cold) fcp.push(timing.fcp);
    }
    await context.close();
  }
  return { cold, warm, fcp };
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return `median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms (n=${values.length})`;
};

const fleet = await startDemoFleet();
const browser = await launchBrowser();
try {
  const { cold, warm, fcp } = await measure(browser, `${fleet.daemon.url}/`);
  console.log('bundle (all chunks):', bundleSizes());
  console.log('first contentful paint, cold:', stats(fcp));
  console.log('dashboard rendered with data, cold cache:', stats(cold));
  console.log('dashboard rendered with data, warm cache:', stats(warm));
} finally {
  await browser.close();
  await fleet.stop();
}
