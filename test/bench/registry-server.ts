import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from './exec.ts';

export interface RunningRegistry {
  /** host:port on loopback, as used in image references. */
  readonly address: string;
  readonly url: string;
  readonly pid: number;
  readonly credentials?: { user: string; password: string };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the Docker distribution registry on a free loopback port, optionally behind htpasswd. */
export async function startRegistry(options: { credentials?: { user: string; password: string } } = {}): Promise<{ registry: RunningRegistry; child: ChildProcess }> {
  const folder = await mkdtemp(join(tmpdir(), 'dockdeck-registry-'));
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    `  filesystem: { rootdirectory: ${join(folder, 'data')} }`,
    '  delete: { enabled: true }',
    'http:',
    `  addr: 127.0.0.1:${port}`,
  ];
  if (options.credentials) {
    const htpasswd = await exec('/usr/bin/htpasswd', ['-nbB', options.credentials.user, options.credentials.password]);
    await writeFile(join(folder, 'htpasswd'), `${htpasswd}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: dockdeck-test', `    path: ${join(folder, 'htpasswd')}`);
  }
  await writeFile(join(folder, 'config.yml'), `${lines.join('\n')}\n`);
  const child = spawn('docker-registry', ['serve', join(folder, 'config.yml')], { stdio: 'ignore', detached: true });
  child.unref();
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    const response = await fetch(`${url}/v2/`);
    return response.status === 200 || response.status === 401;
  }, 15_000, `registry on ${url}`);
  return {
    registry: { address: `127.0.0.1:${port}`, url, pid: child.pid ?? 0, ...(options.credentials ? { credentials: options.credentials } : {}) },
    child,
  };
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
