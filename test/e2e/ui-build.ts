import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The e2e tests drive the built UI; build it when ui/dist is missing (a fresh checkout, as in CI).
 * Test files run in parallel workers: a lock makes one build while the others wait for it.
 */
export function ensureUiBuilt(): void {
  if (existsSync('ui/dist/index.html')) return;
  execFileSync(
    '/usr/bin/flock',
    ['/tmp/dockdeck-ui-build.lock', '/bin/sh', '-c', 'test -f ui/dist/index.html || "$0" build -c ui/vite.config.ts --logLevel warn', 'node_modules/.bin/vite'],
    { stdio: 'inherit' },
  );
}
