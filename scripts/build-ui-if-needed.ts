// `npm start` runs this first: builds the web UI only when ui/dist is missing, so starts stay fast.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
if (existsSync(join(root, 'ui/dist/index.html'))) process.exit(0);
if (!existsSync(join(root, 'node_modules/vite'))) {
  console.warn('ui/dist is missing and vite is not installed: the daemon starts without the web UI');
  process.exit(0);
}
console.log('Building the web UI (ui/dist is missing)…');
execFileSync('npm', ['run', '--silent', 'build:ui'], { cwd: root, stdio: 'inherit' });
