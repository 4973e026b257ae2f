import { spawn, type ChildProcess } from 'node:child_process';
import { NODE_BIN } from './daemon.ts';
import { freePort, waitFor } from './registry-server.ts';

export interface RunningAgent {
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the agent printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

function spawnAgent(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // Started as a user would: the `dockdeck agent` command.
  const child = spawn(NODE_BIN, ['--disable-warning=ExperimentalWarning', 'bin/dockdeck.js', 'agent'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', DD_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Starts `dockdeck agent` on a free loopback port (DD_AGENT_* variables in env); waits for its /health. */
export async function startAgent(env: Record<string, string>, options: { https?: boolean } = {}): Promise<RunningAgent> {
  const port = await freePort();
  const { child, output, exited } = spawnAgent({ DD_AGENT_ADDRESS: '127.0.0.1', DD_AGENT_PORT: String(port), ...env });
  try {
    // /health answers without the secret; over HTTPS the log line is the signal instead.
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}`);
      if (options.https) return output().includes('dockdeck agent is listening');
      return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
    }, 20_000, `agent on port ${port}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output()}`);
  }
  return {
    port,
    child,
    output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs `dockdeck agent` expecting it to refuse to start; returns code and output. */
export async function runAgentToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { child, output, exited } = spawnAgent(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}
