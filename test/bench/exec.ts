import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The engine's own CLI (the first `docker` on PATH may be another client). */
export const DOCKER = '/usr/bin/docker';

/** Runs a program with arguments (never a shell string); returns trimmed stdout. */
export async function exec(file: string, args: readonly string[], options: { input?: string; cwd?: string } = {}): Promise<string> {
  if (options.input !== undefined) {
    return new Promise((resolve, reject) => {
      const child = execFile(file, args, { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr || error.message}`));
        else resolve(stdout.trim());
      });
      child.stdin?.end(options.input);
    });
  }
  try {
    const { stdout } = await run(file, [...args], { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${failure.stderr || failure.message}`);
  }
}

export const docker = (...args: string[]) => exec(DOCKER, args);
