import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The e2e tests drive the built UI; build it once when ui/dist is missing. */
export function ensureUiBuilt(): void {
  if (existsSync('ui/dist/index.html')) return;
  execFileSync('node_modules/.bin/vite', ['build', '-c', 'ui/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
}
