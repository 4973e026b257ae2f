import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.ts';

/**
 * The only reader of process.env. Returns every DD_* variable (plus DOCKER_HOST), with
 * `DD_X__FILE` resolved into `DD_X` by reading the file (trailing newline trimmed).
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith('DD_')) continue;
    if (name.endsWith('__FILE')) {
      const target = name.slice(0, -'__FILE'.length);
      values.set(target, readSecretFile(name, value));
    } else if (!values.has(name)) {
      values.set(name, value);
    }
  }
  if (env.DOCKER_HOST) values.set('DOCKER_HOST', env.DOCKER_HOST);
  return values;
}

function readSecretFile(variable: string, path: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(variable, `cannot read file '${path}' (${reason})`, 'a path to a readable file');
  }
}
