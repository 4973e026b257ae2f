import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './registry-server.ts';

export const NODE_BIN = join(process.cwd(), 'node_modules/.bin/node');

export interface RunningDaemon {
  readonly url: string;
  readonly port: number;
  readonly storePath: string;
  readonly child: ChildProcess;
  /** Everything the daemon printed so far. */
  output(): string;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
}

/** Starts the daemon as a user would (`node app/main.ts`) with DD_* variables; waits for /health. */
/** `port`: a given one (to restart on the address clients and providers already know), else a free one. */
export async function startDaemon(env: Record<string, string> = {}, options: { storePath?: string; port?: number } = {}): Promise<RunningDaemon> {
  const port = options.port ?? (await freePort());
  const storePath = options.storePath ?? mkdtempSync(join(tmpdir(), 'dd-daemon-store-'));
  const child = spawn(NODE_BIN, ['--disable-warning=ExperimentalWarning', 'app/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/root',
      DD_SERVER_PORT: String(port),
      DD_SERVER_ADDRESS: '127.0.0.1',
      DD_STORE_PATH: storePath,
      DD_LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}: ${output}`);
      return (await fetch(`${url}/health`)).ok;
    }, 30_000, `daemon on ${url}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    url,
    port,
    storePath,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs the daemon expecting it to exit at once (bad configuration); returns code and output. */
export function runDaemonToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE_BIN, ['--disable-warning=ExperimentalWarning', 'app/main.ts'], {
      env: { PATH: process.env.PATH ?? '', DD_STORE_PATH: mkdtempSync(join(tmpdir(), 'dd-daemon-store-')), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
